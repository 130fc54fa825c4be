from . import test_batching
from . import test_queue_renewal
from . import test_job_runner
from . import test_faults
