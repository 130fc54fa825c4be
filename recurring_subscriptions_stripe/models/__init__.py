from . import payment_transaction
from . import product_template
from . import recurring_product_plan
