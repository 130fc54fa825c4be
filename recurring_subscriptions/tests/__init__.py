from . import test_periods
