from . import recurring_subscription_close_wizard
from . import recurring_subscription_reopen_wizard
from . import recurring_credit_grant_wizard
from . import recurring_subscription_change_wizard
