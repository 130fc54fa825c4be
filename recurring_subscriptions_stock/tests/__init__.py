from . import test_stock_caps
