from odoo import models

from ..const import RENEW_METHOD


class QueueJob(models.Model):
    _inherit = "queue.job"

    def write(self, vals):
        """A failed renewal job also shows in the log of each of its subscriptions."""
        res = super().write(vals)
        if vals.get("state") == "failed":
            for job in self:
                if job.model_name == "recurring.subscription" and job.method_name == RENEW_METHOD:
                    job.records.sudo()._log_queue_failure(
                        job.uuid, job.exc_message or job.exc_name or ""
                    )
        return res
