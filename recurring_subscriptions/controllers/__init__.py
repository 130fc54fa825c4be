from . import payment
from . import portal
from . import portal_credit
from . import portal_change
