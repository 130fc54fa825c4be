from . import test_shop_card_consent
from . import test_shop_http
from . import test_shop_payment
from . import test_shop_plan_wording
from . import test_shop_product_errors
from . import test_shop_tax_display
from . import test_shop_tour
from . import test_shop_trial_once
