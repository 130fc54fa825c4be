from . import test_bridges
from . import test_shop_stripe
from . import test_stripe_authentication
from . import test_stripe_catalog
from . import test_stripe_localstripe
from . import test_stripe_webhook
