from . import test_batching
from . import test_cron_progress
from . import test_faults
from . import test_job_runner
from . import test_provider_faults
from . import test_queue_renewal
