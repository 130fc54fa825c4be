from . import recurring_subscription
from . import recurring_subscription_occurrence
from . import queue_job
