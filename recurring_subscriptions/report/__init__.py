from . import recurring_mrr_report
from . import recurring_retention_report
from . import recurring_forecast_report
