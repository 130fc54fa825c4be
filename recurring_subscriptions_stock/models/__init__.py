from . import recurring_plan
from . import recurring_subscription_occurrence
from . import sale_order_line
