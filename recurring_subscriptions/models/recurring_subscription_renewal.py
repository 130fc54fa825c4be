import logging
import threading

from odoo import api, fields, models, tools

from ..const import (
    DEFAULT_BATCH_SIZE,
    MAX_RENEWAL_ATTEMPTS,
    OCCURRENCE_HORIZON,
    RENEWING_STATES,
    RUNNING_STATES,
)
from ..utils import periods

_logger = logging.getLogger(__name__)


class RecurringSubscription(models.Model):
    """The renewal engine of ``recurring.subscription``: scheduling and the cron.

    One file per concern extends the subscription model (as Odoo's
    ``account_move_line_tax_details.py`` does), so each file reads on its own.
    The cron selects a narrow set of due subscriptions, locks them (``FOR NO KEY
    UPDATE SKIP LOCKED``), makes their documents with one ORM call per step for a
    whole batch, falls back to one savepoint per subscription when a batch fails,
    and commits per batch outside tests.
    """

    # recurring.subscription is split into one file per concern on purpose.
    _inherit = "recurring.subscription"

    renewal_attempts = fields.Integer(
        default=0, copy=False, readonly=True, help="Consecutive failed renewal attempts."
    )
    last_error = fields.Text(copy=False, readonly=True)

    def _plan_occurrences(self):
        """Keep the coming periods materialised (up to the horizon, never past the end)."""
        subs = self.filtered(lambda s: s.anchor_date and s.state != "closed")
        if not subs:
            return
        # Only the coming periods matter: the history can be years long.
        coming = self.env["recurring.subscription.occurrence"].search_fetch(
            [
                ("subscription_id", "in", subs.ids),
                ("period_start", ">=", min(s.next_date or s.anchor_date for s in subs)),
            ],
            ["subscription_id", "period_start"],
        )
        existing_by_sub = {}
        for occurrence in coming:
            existing_by_sub.setdefault(occurrence.subscription_id.id, set()).add(
                occurrence.period_start
            )
        vals_list = []
        for sub in subs:
            plan = sub.plan_id
            existing = existing_by_sub.get(sub.id, set())
            first = periods.period_index_at(
                sub.anchor_date,
                plan.billing_unit,
                plan.billing_interval,
                max(sub.next_date, sub.anchor_date),
            )
            for index, start, end in periods.iter_periods(
                sub.anchor_date,
                plan.billing_unit,
                plan.billing_interval,
                start_index=first,
                count=OCCURRENCE_HORIZON,
                until=sub.end_date or None,
            ):
                if start not in existing:
                    vals_list.append(
                        {
                            "subscription_id": sub.id,
                            "period_index": index,
                            "period_start": start,
                            "period_end": end,
                        }
                    )
        if vals_list:
            self.env["recurring.subscription.occurrence"].create(vals_list)

    def _commit_if_allowed(self):
        """Commit the cursor, except in tests or when the caller asked not to."""
        if self.env.context.get("recurring_no_commit"):
            return
        testing = (
            getattr(threading.current_thread(), "testing", False) or tools.config["test_enable"]
        )
        # Tests that run the cron on their own committed cursor force real commits.
        if testing and not self.env.context.get("recurring_force_commit"):
            return
        # The cron commits per batch so a crash never loses finished renewals.
        self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _get_due_domain(self, today):
        return [
            ("state", "in", RENEWING_STATES),
            ("next_date", "<=", today),
            ("renewal_attempts", "<", MAX_RENEWAL_ATTEMPTS),
            ("payment_suspended", "=", False),
        ]

    @api.model
    def _lock_due_ids(self, today, limit, exclude_ids=(), restrict_ids=None):
        """Lock up to ``limit`` due subscriptions; rows locked by another worker are skipped."""
        self.flush_model(
            ["state", "next_date", "end_date", "renewal_attempts", "payment_suspended"]
        )
        query = """
            SELECT id FROM recurring_subscription
             WHERE state IN %s
               AND next_date <= %s
               AND (end_date IS NULL OR next_date <= end_date)
               AND COALESCE(renewal_attempts, 0) < %s
               AND payment_suspended IS NOT TRUE
               AND NOT (id = ANY(%s))
        """
        params = [RENEWING_STATES, today, MAX_RENEWAL_ATTEMPTS, list(exclude_ids)]
        if restrict_ids is not None:
            query += " AND id = ANY(%s)"
            params.append(list(restrict_ids))
        query += " ORDER BY next_date, id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED"
        params.append(limit)
        self.env.cr.execute(query, params)
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _process_lifecycle(self, today, ids=None):
        """Start future subscriptions, end trials and close what has ended."""
        base = [("id", "in", ids)] if ids is not None else []
        # A reopened subscription restarts on its anchor date, not on its first start.
        starting = self.search(
            [*base, ("state", "=", "future"), ("start_date", "<=", today)]
        ).filtered(lambda s: s.trial_end_date or not s.anchor_date or s.anchor_date <= today)
        for sub in starting:
            to_trial = sub.trial_end_date and sub.trial_end_date > today
            sub._transition_to("trial" if to_trial else "active")
        trials = self.search([*base, ("state", "=", "trial"), ("trial_end_date", "<=", today)])
        trials._transition_to("active", message=self.env._("trial ended"))
        cancelled = self.search(
            [
                *base,
                ("state", "in", (*RUNNING_STATES, "paused")),
                ("cancel_at_period_end", "=", True),
                ("next_date", "<=", today),
            ]
        )
        for sub in cancelled:
            reason = sub.close_reason_id or self.env.ref(
                "recurring_subscriptions.close_reason_customer"
            )
            sub._action_close(reason, sub.next_date)
        self._close_ended(today, base)

    @api.model
    def _close_ended(self, today, base=()):
        """Close subscriptions past their end date once their last period is renewed."""
        ended = self.search(
            [*base, ("state", "in", (*RUNNING_STATES, "paused")), ("end_date", "<", today)]
        ).filtered(
            lambda s: (
                s.state == "paused"
                or s.renewal_attempts >= MAX_RENEWAL_ATTEMPTS
                or not s.next_date
                or s.next_date > s.end_date
            )
        )
        reason = self.env.ref("recurring_subscriptions.close_reason_ended")
        for sub in ended:
            sub._action_close(reason, sub.end_date)

    @api.model
    def _cron_process_due(self, batch_size=None):
        """Scheduled action: lifecycle changes, then renew every due subscription."""
        today = fields.Date.context_today(self)
        since_event_id = self.env["recurring.run.digest"]._get_last_event_id()
        self._process_lifecycle(today)
        self._commit_if_allowed()
        self._retry_payment_steps()
        self._renew_due(today, batch_size=batch_size)
        # Subscriptions whose last period was just renewed can close now.
        self._close_ended(today)
        self.env["recurring.run.digest"]._send_run_digest(since_event_id)
        self._commit_if_allowed()

    @api.model
    def _retry_payment_steps(self):
        """Payment work left from earlier runs, each period in its own savepoint:

        - the payment step of periods whose documents were made but whose run
          stopped before the payment step;
        - renewal transactions recorded but never answered by the provider (it
          could not be reached): sent again with the same reference;
        - dunning: a new charge for periods whose retry date has come.

        Each kind is done to the end, batch by batch (one commit per batch outside
        tests, progress reported to the scheduler): nothing waits for the next hour.
        """
        Occurrence = self.env["recurring.subscription.occurrence"]
        now = fields.Datetime.now()
        batch_size = self._get_batch_size()

        def pending(done_ids):
            return Occurrence.search(
                [
                    ("state", "=", "done"),
                    ("payment_step_done", "=", False),
                    ("invoice_ids", "!=", False),
                    ("id", "not in", done_ids),
                ],
                limit=batch_size,
            )

        def run_pending(occurrences):
            for company, by_company in occurrences.grouped("company_id").items():
                by_company.with_company(company)._run_payment_step()

        self._process_in_batches(pending, run_pending)

        def unsent(done_ids):
            return (
                self.env["payment.transaction"]
                .sudo()
                .search(
                    [
                        ("recurring_occurrence_id", "!=", False),
                        ("operation", "=", "offline"),
                        ("state", "=", "draft"),
                        ("last_state_change", "<", fields.Datetime.subtract(now, minutes=10)),
                        ("id", "not in", done_ids),
                    ],
                    limit=batch_size,
                )
            )

        def send(transactions):
            for company, by_company in transactions.grouped("company_id").items():
                by_company.recurring_occurrence_id.with_company(company)._send_transactions(
                    by_company
                )

        self._process_in_batches(unsent, send)

        def retries(done_ids):
            return Occurrence.search(
                [
                    ("next_payment_retry", "<=", now),
                    ("subscription_id.state", "!=", "closed"),
                    ("id", "not in", done_ids),
                ],
                limit=batch_size,
            )

        def charge(occurrences):
            for company, by_company in occurrences.grouped("company_id").items():
                by_company.with_company(company)._charge_each()

        self._process_in_batches(retries, charge)

    @api.model
    def _process_in_batches(self, next_batch, process):
        """Call ``process(batch)`` on ``next_batch(done_ids)`` until it is empty.

        Records already handled are passed back so a record that stays selected
        (e.g. its invoice is not posted) cannot loop forever.
        """
        done_ids = []
        while True:
            batch = next_batch(done_ids)
            if not batch:
                return len(done_ids)
            done_ids += batch.ids
            process(batch)
            self._commit_if_allowed()
            self.env["ir.cron"]._notify_progress(done=len(done_ids), remaining=0)

    @api.model
    def _get_batch_size(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("recurring_subscriptions.batch_size", DEFAULT_BATCH_SIZE)
        )

    @api.model
    def _renew_due(self, today, batch_size=None, restrict_ids=None):
        """Renew due subscriptions batch by batch; returns the number renewed."""
        batch_size = batch_size or self._get_renewal_batch_size()
        failed_ids = set()
        renewed = 0
        while True:
            ids = self._lock_due_ids(today, batch_size, failed_ids, restrict_ids)
            if not ids:
                break
            ok, failed = self.browse(ids)._renew_locked()
            renewed += len(ok)
            failed_ids.update(failed.ids)
            if restrict_ids is None:
                # In the batch's own commit: a run killed later still shows its work
                # done, so Odoo does not take it for a run that timed out.
                remaining = self.search_count(
                    [*self._get_due_domain(today), ("id", "not in", list(failed_ids))]
                )
                self.env["ir.cron"]._notify_progress(done=renewed, remaining=remaining)
            self._commit_if_allowed()
            # Keep the worker's memory flat over a long run: drop what the batch cached.
            self.env.invalidate_all()
        return renewed

    @api.model
    def _get_renewal_batch_size(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("recurring_subscriptions.batch_size", DEFAULT_BATCH_SIZE)
        )

    def _renew_locked(self):
        """Renew the subscriptions in ``self`` (rows locked by the caller), company by company.

        :return: (renewed subscriptions, failed subscriptions)
        """
        renewed = failed = self.browse()
        for company, subs in self.grouped("company_id").items():
            ok, ko = subs.with_company(company)._renew_batch()
            renewed |= ok
            failed |= ko
        return renewed, failed

    def _renew_batch(self):
        """Renew one period of each subscription in ``self`` (locked, same company).

        Documents are made with one ORM call per step for the whole batch; if the
        batch fails, each subscription is retried alone in its own savepoint so
        one bad record cannot block the others.

        :return: (renewed subscriptions, failed subscriptions)
        """
        occurrences = self._get_due_occurrences()
        skipped = occurrences.filtered(lambda o: o.state == "skipped")
        todo = occurrences - skipped
        failed = self.env["recurring.subscription.occurrence"]
        try:
            with self.env.cr.savepoint():
                todo._generate_documents()._on_periods_started()
        except Exception:
            _logger.info("Renewal batch of %s subscriptions failed; retrying one by one", len(self))
            for occurrence in todo:
                try:
                    with self.env.cr.savepoint():
                        occurrence._generate_documents()._on_periods_started()
                except Exception as error:
                    failed |= occurrence
                    occurrence.subscription_id._record_failure(occurrence, error)
        ok_occurrences = occurrences - failed
        if skipped:
            self._log_events(
                [
                    o.subscription_id._prepare_event_values(
                        "period",
                        self.env._(
                            "Skipped period %(start)s - %(end)s: nothing made.",
                            start=o.period_start,
                            end=o.period_end,
                        ),
                        occurrence=o,
                    )
                    for o in skipped
                ]
            )
        ok_occurrences.subscription_id._advance_schedule()
        self._commit_if_allowed()
        (ok_occurrences - skipped)._run_payment_step()
        return ok_occurrences.subscription_id, failed.subscription_id

    def _get_due_occurrences(self):
        """The occurrence of each subscription's next period, created when missing."""
        Occurrence = self.env["recurring.subscription.occurrence"]
        existing = Occurrence.search(
            [
                ("subscription_id", "in", self.ids),
                ("period_start", "in", list(set(self.mapped("next_date")))),
            ]
        )
        by_key = {(o.subscription_id.id, o.period_start): o for o in existing}
        to_create = []
        for sub in self:
            if (sub.id, sub.next_date) not in by_key:
                plan = sub.plan_id
                index = periods.period_index_at(
                    sub.anchor_date, plan.billing_unit, plan.billing_interval, sub.next_date
                )
                start, end = periods.period_bounds(
                    sub.anchor_date, plan.billing_unit, plan.billing_interval, index
                )
                to_create.append(
                    {
                        "subscription_id": sub.id,
                        "period_index": index,
                        "period_start": start,
                        "period_end": end,
                    }
                )
        created = Occurrence.create(to_create) if to_create else Occurrence
        return (existing | created).filtered(
            lambda o: o.period_start == o.subscription_id.next_date
        )

    def _advance_schedule(self):
        """Move ``next_date`` to the following period and keep the horizon planned."""
        by_next = {}
        for sub in self:
            plan = sub.plan_id
            index = periods.period_index_at(
                sub.anchor_date, plan.billing_unit, plan.billing_interval, sub.next_date
            )
            next_date = periods.period_start(
                sub.anchor_date, plan.billing_unit, plan.billing_interval, index + 1
            )
            by_next.setdefault(next_date, []).append(sub.id)
        for next_date, ids in by_next.items():
            self.browse(ids).write(
                {"next_date": next_date, "renewal_attempts": 0, "last_error": False}
            )
        self._plan_occurrences()

    def _record_failure(self, occurrence, error):
        """Log a failed renewal on the subscription (called after the rollback)."""
        self.ensure_one()
        message = str(error) or error.__class__.__name__
        _logger.warning("Renewal of %s failed: %s", self.name, message)
        attempts = self.renewal_attempts + 1
        self.write({"renewal_attempts": attempts, "last_error": message})
        occurrence.write(
            {
                "state": "failed",
                "error_message": message,
                "attempt_count": occurrence.attempt_count + 1,
            }
        )
        self._log_event(
            "error",
            self.env._("Renewal failed: %(error)s", error=message)[:500],
            occurrence=occurrence,
        )
        if attempts == 1:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Renewal failed"),
                note=message,
                user_id=self.user_id.id or self.env.uid,
            )
