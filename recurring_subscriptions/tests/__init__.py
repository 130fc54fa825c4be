from . import test_concurrency
from . import test_lifecycle
from . import test_payment_token
from . import test_periods
from . import test_renewal
from . import test_security
from . import test_subscription_from_order
from . import test_validation
