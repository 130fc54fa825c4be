from . import test_shop_http
from . import test_shop_payment
from . import test_shop_tour
