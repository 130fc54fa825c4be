from . import product_template
from . import sale_order
from . import sale_order_line
from . import website
from . import recurring_subscription
