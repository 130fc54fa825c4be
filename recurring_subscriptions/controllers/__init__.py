from . import main
from . import payment
from . import portal
from . import portal_credit
