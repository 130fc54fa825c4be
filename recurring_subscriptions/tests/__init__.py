from . import test_concurrency
from . import test_payment_token
from . import test_periods
from . import test_renewal
from . import test_subscription_from_order
