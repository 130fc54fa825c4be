import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..const import (
    CREDIT_ENTRY_KIND_SELECTION,
    CREDIT_SOURCE_SELECTION,
    DEFAULT_CREDIT_BATCH_SIZE,
)
from ..utils import credit_ledger

_logger = logging.getLogger(__name__)


class RecurringCreditEntry(models.Model):
    """One line of the credit ledger of a customer.

    The ledger is append-only: grants (+), consumptions (-), expiries (-) and
    reversals (+) are created, never changed nor deleted; a correction is a new
    entry. A *grant row* (a grant, or a reversal that replaces an expired grant)
    holds a balance: ``remaining`` is derived from its own quantity and the rows
    that draw from it (``grant_id``). The balance of a customer is the sum of
    the quantities of their entries, which is also the sum of the remainders.
    The database refuses a negative remainder, a movement without its grant, a
    second grant for one period or invoice line, a second expiry of a grant and
    a second reversal of a consumption.

    The arithmetic (FIFO allocation, expiry, reversal) is in
    ``utils/credit_ledger.py``; this model locks the rows and writes the entries.
    """

    _name = "recurring.credit.entry"
    _description = "Credit Ledger Entry"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Description", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    kind = fields.Selection(CREDIT_ENTRY_KIND_SELECTION, required=True, readonly=True, index=True)
    source = fields.Selection(CREDIT_SOURCE_SELECTION, required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        help="The commercial entity the credits belong to.",
    )
    credit_type_id = fields.Many2one(
        "recurring.credit.type", required=True, readonly=True, index=True, ondelete="restrict"
    )
    unit_label = fields.Char(related="credit_type_id.unit_label", string="Unit")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    quantity = fields.Float(digits=(16, 2), required=True, readonly=True)
    grant_id = fields.Many2one(
        "recurring.credit.entry",
        string="From Grant",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The grant this movement takes from or gives back to.",
    )
    child_ids = fields.One2many("recurring.credit.entry", "grant_id", string="Movements")
    is_grant = fields.Boolean(
        compute="_compute_is_grant", store=True, index=True, string="Holds a Balance"
    )
    remaining = fields.Float(compute="_compute_remaining", store=True, digits=(16, 2))
    expiry_date = fields.Date(
        readonly=True, index=True, help="Last day these credits can be spent (empty: never)."
    )
    expiry_reminder_sent = fields.Boolean(readonly=True, copy=False)
    reversed_entry_id = fields.Many2one(
        "recurring.credit.entry",
        string="Gives Back",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    occurrence_id = fields.Many2one(
        "recurring.subscription.occurrence",
        string="Subscription Period",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    subscription_id = fields.Many2one(
        "recurring.subscription",
        compute="_compute_subscription_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="The subscription whose period (or free trial) granted these credits.",
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", readonly=True, ondelete="set null"
    )
    sale_order_id = fields.Many2one(related="sale_line_id.order_id", string="Sale Order")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Line",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    booking_id = fields.Many2one(
        "recurring.booking", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    user_id = fields.Many2one(
        "res.users", string="Recorded by", readonly=True, default=lambda self: self.env.user
    )
    origin_ref = fields.Reference(
        selection=[
            ("recurring.subscription", "Subscription"),
            ("sale.order", "Sale Order"),
            ("account.move", "Invoice"),
            ("recurring.booking", "Booking"),
        ],
        string="Origin",
        compute="_compute_origin_ref",
    )

    _sql_constraints = [
        (
            "quantity_sign",
            "CHECK((kind IN ('grant', 'reversal') AND quantity > 0) "
            "OR (kind IN ('consumption', 'expiry') AND quantity < 0))",
            "Grants and reversals add credits; consumptions and expiries remove them.",
        ),
        (
            "remaining_positive",
            "CHECK(remaining IS NULL OR remaining >= 0)",
            "A credit balance cannot become negative.",
        ),
        (
            "movement_has_grant",
            "CHECK(kind NOT IN ('consumption', 'expiry') OR grant_id IS NOT NULL)",
            "A consumption or an expiry takes from a grant.",
        ),
    ]

    def init(self):
        result = super().init()
        # Idempotency keys: PostgreSQL refuses a second grant for one period or
        # invoice line, a second write-off of a grant, a second reversal.
        for statement in (
            "CREATE UNIQUE INDEX IF NOT EXISTS recurring_credit_entry_period_grant_uniq "
            "ON recurring_credit_entry (occurrence_id) "
            "WHERE kind = 'grant' AND occurrence_id IS NOT NULL",
            "CREATE UNIQUE INDEX IF NOT EXISTS recurring_credit_entry_trial_grant_uniq "
            "ON recurring_credit_entry (subscription_id) "
            "WHERE kind = 'grant' AND source = 'subscription' AND occurrence_id IS NULL",
            "CREATE UNIQUE INDEX IF NOT EXISTS recurring_credit_entry_pack_grant_uniq "
            "ON recurring_credit_entry (move_line_id) "
            "WHERE kind = 'grant' AND move_line_id IS NOT NULL",
            "CREATE UNIQUE INDEX IF NOT EXISTS recurring_credit_entry_expiry_uniq "
            "ON recurring_credit_entry (grant_id) WHERE kind = 'expiry'",
            "CREATE UNIQUE INDEX IF NOT EXISTS recurring_credit_entry_reversal_uniq "
            "ON recurring_credit_entry (reversed_entry_id) WHERE kind = 'reversal'",
            "CREATE INDEX IF NOT EXISTS recurring_credit_entry_open_grant_idx "
            "ON recurring_credit_entry (partner_id, credit_type_id, company_id) "
            "WHERE is_grant AND remaining > 0",
        ):
            self.env.cr.execute(statement)
        return result

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("occurrence_id")
    def _compute_subscription_id(self):
        for entry in self:
            # A trial grant has a subscription and no period.
            entry.subscription_id = entry.occurrence_id.subscription_id or entry.subscription_id

    @api.depends("kind", "grant_id")
    def _compute_is_grant(self):
        for entry in self:
            entry.is_grant = entry.kind == "grant" or (
                entry.kind == "reversal" and not entry.grant_id
            )

    @api.depends("is_grant", "quantity", "child_ids.quantity")
    def _compute_remaining(self):
        for entry in self:
            if not entry.is_grant:
                entry.remaining = 0.0
                continue
            total = credit_ledger.as_quantity(entry.quantity) + sum(
                (credit_ledger.as_quantity(child.quantity) for child in entry.child_ids),
                credit_ledger.ZERO,
            )
            entry.remaining = float(total)

    @api.depends("subscription_id", "sale_line_id", "move_line_id", "booking_id")
    def _compute_origin_ref(self):
        for entry in self:
            origin = (
                entry.booking_id
                or entry.subscription_id
                or entry.sale_line_id.order_id
                or entry.move_line_id.move_id
            )
            entry.origin_ref = f"{origin._name},{origin.id}" if origin else False

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------

    @api.constrains("grant_id", "reversed_entry_id", "partner_id", "credit_type_id", "company_id")
    def _check_movement_consistency(self):
        for entry in self:
            for other in (entry.grant_id, entry.reversed_entry_id):
                if other and (
                    other.partner_id != entry.partner_id
                    or other.credit_type_id != entry.credit_type_id
                    or other.company_id != entry.company_id
                ):
                    raise ValidationError(
                        self.env._("A credit movement stays with its customer, type and company.")
                    )
            if entry.grant_id and not entry.grant_id.is_grant:
                raise ValidationError(self.env._("Credits can only be taken from a grant."))
            if entry.reversed_entry_id and entry.reversed_entry_id.kind != "consumption":
                raise ValidationError(self.env._("Only a consumption can be given back."))

    def write(self, vals):
        # Append-only: only the technical reminder flag may change.
        if set(vals) - {"expiry_reminder_sent"}:
            raise UserError(
                self.env._(
                    "The credit ledger is append-only: record a correction (a new entry) "
                    "instead of changing an entry."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ledger(self):
        raise UserError(
            self.env._(
                "The credit ledger is append-only: record a correction (a new entry) "
                "instead of deleting an entry."
            )
        )

    # ------------------------------------------------------------------
    # Ledger engine
    # ------------------------------------------------------------------

    @api.model
    def _lock_open_grants(self, partner, credit_type, company):
        """Lock the customer's grant rows that still hold credits, and return them.

        ``NOWAIT``: a second booking spending the same credits at the same moment
        fails at once (``LockNotAvailable``; Odoo's RPC layer retries it). A
        transaction whose snapshot predates a committed consumption fails with a
        serialization error, since that consumption updated the grant rows.
        """
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT id FROM recurring_credit_entry
             WHERE partner_id = %s AND credit_type_id = %s AND company_id = %s
               AND is_grant AND remaining > 0
             ORDER BY id
               FOR NO KEY UPDATE NOWAIT
            """,
            [partner.commercial_partner_id.id, credit_type.id, company.id],
        )
        grants = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        grants.invalidate_recordset(["remaining"])
        return grants

    def _lock_rows(self):
        """Lock these rows (``NOWAIT``, see ``_lock_open_grants``)."""
        if self:
            self.flush_model()
            self.env.cr.execute(
                "SELECT id FROM recurring_credit_entry WHERE id IN %s ORDER BY id "
                "FOR NO KEY UPDATE NOWAIT",
                [tuple(self.ids)],
            )
            self.invalidate_recordset(["remaining"])

    def _as_ledger_grants(self):
        return [
            credit_ledger.Grant(
                key=grant.id,
                remaining=credit_ledger.as_quantity(grant.remaining),
                expiry=grant.expiry_date or None,
                order=(grant.date, grant.id),
                quantity=credit_ledger.as_quantity(grant.quantity),
            )
            for grant in self
        ]

    @api.model
    def _get_available(self, partner, credit_type, company, on_date=None):
        """Credits the customer can spend on ``on_date`` (today by default).

        :rtype: decimal.Decimal
        """
        grants = self.sudo().search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("credit_type_id", "=", credit_type.id),
                ("company_id", "=", company.id),
                ("is_grant", "=", True),
                ("remaining", ">", 0),
            ]
        )
        return credit_ledger.available(
            grants._as_ledger_grants(), on_date or fields.Date.context_today(self)
        )

    @api.model
    def _create_grants(self, vals_list):
        """Create grant rows (``kind``/``partner_id`` normalised) and email the customers."""
        for vals in vals_list:
            vals["kind"] = "grant"
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        grants = self.sudo().create(vals_list)
        grants._notify_granted()
        return grants

    @api.model
    def _consume(self, partner, credit_type, company, quantity, values, grants=None):
        """Spend ``quantity`` credits, FIFO by soonest expiry.

        :param values: extra values of the consumption rows (``name``, ``source``,
            ``booking_id`` ...)
        :param grants: the open grants, already locked by the caller
        :return: the consumption rows, one per grant drawn from
        :raise UserError: when the customer has too few usable credits
        """
        partner = partner.commercial_partner_id
        if grants is None:
            grants = self._lock_open_grants(partner, credit_type, company)
        try:
            allocations = credit_ledger.allocate(
                grants._as_ledger_grants(), quantity, fields.Date.context_today(self)
            )
        except credit_ledger.InsufficientCredits as error:
            raise UserError(
                self.env._(
                    "Not enough %(unit)s: %(needed)s needed, %(customer)s has %(available)s.",
                    unit=credit_type.unit_label,
                    needed=credit_ledger.format_quantity(error.requested),
                    customer=partner.display_name,
                    available=credit_ledger.format_quantity(error.available),
                )
            ) from error
        return self.sudo().create(
            [
                {
                    **values,
                    "kind": "consumption",
                    "partner_id": partner.id,
                    "credit_type_id": credit_type.id,
                    "company_id": company.id,
                    "grant_id": grant_id,
                    "quantity": -float(taken),
                }
                for grant_id, taken in allocations
            ]
        )

    def _reverse(self, name):
        """Give back these consumptions (a cancelled booking).

        Each one returns to its grant while that grant is valid; when the grant
        has expired meanwhile it comes back as a new grant valid for the credit
        type's grace period (see ``utils/credit_ledger.plan_reversal``). A
        consumption is given back once: later calls skip it.

        :return: the reversal rows
        """
        consumptions = self.sudo().filtered(lambda e: e.kind == "consumption")
        done = self.sudo().search(
            [("reversed_entry_id", "in", consumptions.ids), ("kind", "=", "reversal")]
        )
        consumptions -= done.reversed_entry_id
        if not consumptions:
            return self.browse()
        consumptions.grant_id._lock_rows()
        today = fields.Date.context_today(self)
        vals_list = []
        for credit_type, entries in consumptions.grouped("credit_type_id").items():
            plan = credit_ledger.plan_reversal(
                [(entry.grant_id.id, -entry.quantity) for entry in entries],
                {g.key: g for g in entries.grant_id._as_ledger_grants()},
                today,
                credit_type._get_regrant_expiry_date(today),
            )
            for entry, step in zip(entries, plan, strict=True):
                vals_list.append(
                    {
                        "name": name,
                        "kind": "reversal",
                        "source": entry.source,
                        "partner_id": entry.partner_id.id,
                        "credit_type_id": credit_type.id,
                        "company_id": entry.company_id.id,
                        "quantity": float(step.quantity),
                        "reversed_entry_id": entry.id,
                        "booking_id": entry.booking_id.id,
                        "grant_id": step.key if step.kind == "restore" else False,
                        "expiry_date": (step.expiry or False) if step.kind == "regrant" else False,
                    }
                )
        return self.sudo().create(vals_list)

    # ------------------------------------------------------------------
    # Grants from subscriptions and credit packs
    # ------------------------------------------------------------------

    @api.model
    def _grant_period_credits(self, occurrences, timing):
        """Grant the plan's credits of these periods, once per period.

        :param timing: ``"start"`` (the period starts) or ``"paid"`` (its invoice
            is paid); only plans granting at that moment grant anything.
        """
        occurrences = occurrences.sudo().filtered(
            lambda o: (
                o.subscription_id.plan_id.credit_type_id
                and o.subscription_id.plan_id.credit_quantity > 0
                and o.subscription_id.plan_id.credit_grant_on == timing
                and any(line.quantity > 0 for line in o.subscription_id.line_ids)
            )
        )
        if not occurrences:
            return self.browse()
        granted = (
            self.sudo()
            .search([("occurrence_id", "in", occurrences.ids), ("kind", "=", "grant")])
            .occurrence_id
        )
        today = fields.Date.context_today(self)
        vals_list = []
        for occurrence in occurrences - granted:
            sub = occurrence.subscription_id
            plan = sub.plan_id
            valid_from = occurrence.period_start if timing == "start" else today
            vals_list.append(
                {
                    "name": self.env._(
                        "%(subscription)s: period %(start)s - %(end)s",
                        subscription=sub.name,
                        start=format_date(self.env, occurrence.period_start),
                        end=format_date(self.env, occurrence.period_end),
                    ),
                    "source": "subscription",
                    "partner_id": sub.partner_id.id,
                    "credit_type_id": plan.credit_type_id.id,
                    "company_id": sub.company_id.id,
                    "quantity": plan.credit_quantity,
                    "expiry_date": plan.credit_type_id._get_expiry_date(valid_from),
                    "occurrence_id": occurrence.id,
                }
            )
        if not vals_list:
            return self.browse()
        grants = self._create_grants(vals_list)
        grants.subscription_id._log_events(
            [
                grant.subscription_id._prepare_event_values(
                    "info", grant._get_grant_summary(), occurrence=grant.occurrence_id
                )
                for grant in grants
            ]
        )
        return grants

    @api.model
    def _grant_trial_credits(self, subscriptions):
        """Grant one period's credits to subscriptions starting their free trial, when
        their plan says so; once per subscription."""
        subscriptions = subscriptions.sudo().filtered(
            lambda s: (
                s.trial_end_date
                and s.plan_id.trial_grants_credits
                and s.plan_id.credit_type_id
                and s.plan_id.credit_quantity > 0
                and any(line.quantity > 0 for line in s.line_ids)
            )
        )
        if not subscriptions:
            return self.browse()
        granted = (
            self.sudo()
            .search(
                [
                    ("subscription_id", "in", subscriptions.ids),
                    ("kind", "=", "grant"),
                    ("source", "=", "subscription"),
                    ("occurrence_id", "=", False),
                ]
            )
            .subscription_id
        )
        vals_list = [
            {
                "name": self.env._(
                    "%(subscription)s: free trial %(start)s - %(end)s",
                    subscription=sub.name,
                    start=format_date(self.env, sub.start_date),
                    end=format_date(self.env, fields.Date.subtract(sub.trial_end_date, days=1)),
                ),
                "source": "subscription",
                "partner_id": sub.partner_id.id,
                "credit_type_id": sub.plan_id.credit_type_id.id,
                "company_id": sub.company_id.id,
                "quantity": sub.plan_id.credit_quantity,
                "expiry_date": sub.plan_id.credit_type_id._get_expiry_date(sub.start_date),
                "subscription_id": sub.id,
            }
            for sub in subscriptions - granted
        ]
        if not vals_list:
            return self.browse()
        grants = self._create_grants(vals_list)
        grants.subscription_id._log_events(
            [
                grant.subscription_id._prepare_event_values("info", grant._get_grant_summary())
                for grant in grants
            ]
        )
        return grants

    @api.model
    def _grant_credit_packs(self, moves):
        """Grant the credits of the credit pack products of these paid invoices."""
        lines = moves.filtered(lambda m: m.move_type == "out_invoice").invoice_line_ids.filtered(
            lambda l: (
                l.display_type == "product"
                and l.quantity > 0
                and l.product_id.recurring_credit_pack
                and l.product_id.recurring_credit_type_id
                and l.product_id.recurring_credit_quantity > 0
            )
        )
        if not lines:
            return self.browse()
        lines -= (
            self.sudo()
            .search([("move_line_id", "in", lines.ids), ("kind", "=", "grant")])
            .move_line_id
        )
        today = fields.Date.context_today(self)
        vals_list = []
        for line in lines:
            template = line.product_id.product_tmpl_id
            order = line.sale_line_ids.order_id[:1]
            vals_list.append(
                {
                    "name": self.env._(
                        "%(document)s: %(product)s",
                        document=order.name or line.move_id.name,
                        product=line.product_id.display_name,
                    ),
                    "source": "pack",
                    "partner_id": line.move_id.commercial_partner_id.id,
                    "credit_type_id": template.recurring_credit_type_id.id,
                    "company_id": line.company_id.id,
                    "quantity": line.quantity * template.recurring_credit_quantity,
                    "expiry_date": template.recurring_credit_type_id._get_expiry_date(today),
                    "sale_line_id": line.sale_line_ids[:1].id,
                    "move_line_id": line.id,
                }
            )
        return self._create_grants(vals_list) if vals_list else self.browse()

    def _get_grant_summary(self):
        self.ensure_one()
        if self.expiry_date:
            return self.env._(
                "%(quantity)s %(unit)s granted, valid until %(date)s.",
                quantity=credit_ledger.format_quantity(self.quantity),
                unit=self.unit_label,
                date=format_date(self.env, self.expiry_date),
            )
        return self.env._(
            "%(quantity)s %(unit)s granted.",
            quantity=credit_ledger.format_quantity(self.quantity),
            unit=self.unit_label,
        )

    def _notify_granted(self):
        template = self.env.ref(
            "recurring_subscriptions.mail_template_credit_granted", raise_if_not_found=False
        )
        to_notify = self.filtered(lambda g: g.credit_type_id.notify_grant)
        if not (template and to_notify):
            return
        try:
            with self.env.cr.savepoint():
                template.sudo().send_mail_batch(to_notify.ids)
        except Exception:  # a broken email never blocks a grant (or the renewal behind it)
            _logger.exception("Could not email the credit grants %s", to_notify.ids)

    # ------------------------------------------------------------------
    # Cron: write off expired credits, remind before expiry
    # ------------------------------------------------------------------

    @api.model
    def _cron_expire_credits(self, batch_size=None):
        """Daily: write off expired remainders, then email the coming expiries."""
        today = fields.Date.context_today(self)
        batch_size = batch_size or int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("recurring_subscriptions.credit_batch_size", DEFAULT_CREDIT_BATCH_SIZE)
        )
        expired = self._process_in_batches(self._lock_expired_ids, "_write_off", today, batch_size)
        reminded = self._process_in_batches(
            self._lock_reminder_ids, "_send_expiry_reminder", today, batch_size
        )
        return expired, reminded

    @api.model
    def _process_in_batches(self, lock_ids, method, today, batch_size):
        """Lock a batch of rows, run ``method`` on each in a savepoint, commit, repeat.

        A row that fails is logged and left out of the following batches of this run.
        """
        failed = set()
        done = 0
        while True:
            ids = lock_ids(today, batch_size, failed)
            if not ids:
                break
            for entry in self.browse(ids):
                try:
                    with self.env.cr.savepoint():
                        getattr(entry, method)(today)
                        self.env.flush_all()
                    done += 1
                except Exception as error:  # one bad row must not stop the others
                    _logger.warning("Credit entry %s: %s failed: %s", entry.id, method, error)
                    failed.add(entry.id)
            # Same commit policy as the renewal cron (never in tests).
            self.env["recurring.subscription"]._commit_if_allowed()
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(lock_ids(today, batch_size, failed, lock=False))
            )
        return done

    @api.model
    def _lock_expired_ids(self, today, limit, exclude_ids=(), lock=True):
        """Grant rows whose last valid day is past and that still hold credits."""
        self.flush_model()
        query = """
            SELECT id FROM recurring_credit_entry
             WHERE is_grant AND remaining > 0 AND expiry_date < %s AND NOT (id = ANY(%s))
             ORDER BY expiry_date, id LIMIT %s
        """
        if lock:
            query += " FOR NO KEY UPDATE SKIP LOCKED"
        self.env.cr.execute(query, [today, list(exclude_ids), limit])
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _lock_reminder_ids(self, today, limit, exclude_ids=(), lock=True):
        """Grant rows expiring within their type's reminder window, not reminded yet."""
        self.flush_model()
        query = """
            SELECT e.id FROM recurring_credit_entry e
              JOIN recurring_credit_type t ON t.id = e.credit_type_id
             WHERE e.is_grant AND e.remaining > 0
               AND NOT COALESCE(e.expiry_reminder_sent, FALSE)
               AND t.expiry_reminder_days > 0
               AND e.expiry_date >= %s AND e.expiry_date <= %s::date + t.expiry_reminder_days
               AND NOT (e.id = ANY(%s))
             ORDER BY e.expiry_date, e.id LIMIT %s
        """
        if lock:
            query += " FOR NO KEY UPDATE OF e SKIP LOCKED"
        self.env.cr.execute(query, [today, today, list(exclude_ids), limit])
        return [row[0] for row in self.env.cr.fetchall()]

    def _write_off(self, today):
        """Write off the remainder of this expired grant (an ``expiry`` row)."""
        self.ensure_one()
        for grant_id, quantity in credit_ledger.expired_remainders(self._as_ledger_grants(), today):
            self.create(
                {
                    "name": self.env._(
                        "Expired on %(date)s: %(grant)s",
                        date=format_date(self.env, self.expiry_date),
                        grant=self.name,
                    ),
                    "kind": "expiry",
                    "source": "expiry",
                    "partner_id": self.partner_id.id,
                    "credit_type_id": self.credit_type_id.id,
                    "company_id": self.company_id.id,
                    "grant_id": grant_id,
                    "quantity": -float(quantity),
                }
            )

    def _send_expiry_reminder(self, today):
        self.ensure_one()
        template = self.env.ref(
            "recurring_subscriptions.mail_template_credit_expiring", raise_if_not_found=False
        )
        if template:
            template.sudo().send_mail(self.id)
        self.expiry_reminder_sent = True
