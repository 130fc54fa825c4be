import json
import logging

from odoo import api, fields, models

from ..const import (
    DEFAULT_QUEUE_BATCH_SIZE,
    OPEN_JOB_STATES,
    PARAM_BATCH_SIZE,
    PARAM_CHANNEL,
    PARAM_ENABLED,
    RENEW_METHOD,
)
from ..utils import batching

_logger = logging.getLogger(__name__)


class RecurringSubscription(models.Model):
    """Renewals through queue_job: the cron selects, one job per batch renews."""

    _inherit = "recurring.subscription"

    @api.model
    def _queue_renewals_enabled(self):
        if self.env.context.get("recurring_queue_disabled"):
            return False
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_ENABLED, "1")
        return value.strip().lower() not in ("0", "false", "no", "")

    @api.model
    def _get_queue_batch_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_BATCH_SIZE)
        try:
            size = int(value) if value else DEFAULT_QUEUE_BATCH_SIZE
        except ValueError:
            size = DEFAULT_QUEUE_BATCH_SIZE
        return max(size, 1)

    @api.model
    def _get_queue_job_options(self):
        """Options of ``with_delay``: the channel comes from the job function unless set."""
        channel = self.env["ir.config_parameter"].sudo().get_param(PARAM_CHANNEL)
        return {"channel": channel} if channel else {}

    @api.model
    def _renew_due(self, today, batch_size=None, restrict_ids=None):
        """Enqueue the renewals of the cron instead of running them.

        "Process now" (``restrict_ids``) and runs without queue renew at once.
        Returns the number of subscriptions put in new jobs.
        """
        if restrict_ids is not None or not self._queue_renewals_enabled():
            return super()._renew_due(today, batch_size=batch_size, restrict_ids=restrict_ids)
        return self._enqueue_due(today, batch_size=batch_size)

    @api.model
    def _select_due_ids(self, today):
        """Ids of every due subscription, in renewal order (nothing is locked here)."""
        self.flush_model(
            ["state", "next_date", "end_date", "renewal_attempts", "payment_suspended"]
        )
        domain = [
            *self._get_due_domain(today),
            "|",
            ("end_date", "=", False),
            ("end_date", ">=", today),
        ]
        due = self.search_fetch(domain, ["next_date", "end_date"], order="next_date, id")
        return [s.id for s in due if not s.end_date or s.next_date <= s.end_date]

    @api.model
    def _get_queued_ids(self):
        """Subscriptions already in a renewal job that has not run yet."""
        self.env["queue.job"].flush_model()
        self.env.cr.execute(
            """
            SELECT records FROM queue_job
             WHERE model_name = %s AND method_name = %s AND state IN %s
            """,
            [self._name, RENEW_METHOD, OPEN_JOB_STATES],
        )
        queued = set()
        for (records,) in self.env.cr.fetchall():
            value = json.loads(records) if isinstance(records, str) else records
            queued.update((value or {}).get("ids") or ())
        return queued

    @api.model
    def _enqueue_due(self, today, batch_size=None):
        """One job per batch of due subscriptions not already waiting in a job."""
        batch_size = batch_size or self._get_queue_batch_size()
        queued = self._get_queued_ids()
        todo = [sub_id for sub_id in self._select_due_ids(today) if sub_id not in queued]
        options = self._get_queue_job_options()
        period = fields.Date.to_string(today)
        enqueued = 0
        for ids in batching.chunks(todo, batch_size):
            batch = self.browse(ids)
            key = batching.batch_identity_key("recurring_renew", period, ids)
            batch.with_delay(
                identity_key=key,
                description=self.env._(
                    "Renew %(count)s subscriptions due on %(date)s", count=len(ids), date=period
                ),
                **options,
            )._renew_queued_batch(period)
            enqueued += len(ids)
        if todo:
            _logger.info("Enqueued %s due subscriptions in batches of %s", enqueued, batch_size)
        return enqueued

    def _renew_queued_batch(self, period):
        """Job: lock the still-due subscriptions of ``self`` and renew them.

        Same engine as the cron (row lock, savepoint fallback, unique period),
        in the job's single transaction: queue_job commits once at the end, so
        a crash leaves nothing half-made. Charges are recorded here and sent by
        a job of their own, after this one has committed.
        """
        today = fields.Date.to_date(period)
        subs = self.with_context(recurring_no_commit=True, recurring_queue_charges=True)
        ids = subs._lock_due_ids(today, len(self), restrict_ids=self.ids)
        if not ids:
            return self.env._("Nothing left to renew.")
        renewed, failed = subs.browse(ids)._renew_locked()
        subs._close_ended(today, [("id", "in", ids)])
        return self.env._(
            "%(renewed)s renewed, %(failed)s failed, %(skipped)s already renewed elsewhere.",
            renewed=len(renewed),
            failed=len(failed),
            skipped=len(self) - len(ids),
        )

    def _log_queue_failure(self, job_name, message):
        """Record a failed renewal job in the subscriptions' log."""
        self._log_events(
            [
                {
                    "subscription_id": sub.id,
                    "event_type": "error",
                    "message": self.env._(
                        "Renewal job %(job)s failed: %(error)s", job=job_name, error=message
                    )[:500],
                }
                for sub in self.exists()
            ]
        )
