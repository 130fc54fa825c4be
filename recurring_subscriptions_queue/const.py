"""Constants of the queue_job bridge."""

# System parameters (Settings > Technical > System Parameters).
PARAM_ENABLED = "recurring_subscriptions_queue.enabled"
PARAM_BATCH_SIZE = "recurring_subscriptions_queue.batch_size"
PARAM_CHANNEL = "recurring_subscriptions_queue.channel"

DEFAULT_QUEUE_BATCH_SIZE = 100

# Methods run as jobs (each has a queue.job.function record in data/).
RENEW_METHOD = "_renew_queued_batch"
SEND_METHOD = "_send_queued_transactions"

# Job states in which a job still has to run.
OPEN_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")
