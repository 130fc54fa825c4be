from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import RESOURCE_TYPE_SELECTION


class RecurringBookingResource(models.Model):
    """Something customers book: a room, a desk, a piece of equipment."""

    _name = "recurring.booking.resource"
    _description = "Bookable Resource"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    resource_type = fields.Selection(
        RESOURCE_TYPE_SELECTION, string="Type", default="room", required=True
    )
    capacity = fields.Integer(
        default=1, required=True, help="How many bookings it takes at the same moment."
    )
    credit_type_id = fields.Many2one(
        "recurring.credit.type",
        check_company=True,
        help="Credits spent to book it. Empty: booking it is free.",
    )
    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        domain=[("sale_ok", "=", True)],
        help="Sells the credits a customer is missing: a booking short of credits can be "
        "confirmed with a quotation of this product, one unit per missing credit.",
    )
    cancel_deadline_hours = fields.Integer(
        string="Cancellation Deadline (hours)",
        default=24,
        help="A booking cancelled at least this many hours before it starts gives its "
        "credits back.",
    )
    max_booking_hours = fields.Float(
        string="Longest Booking (hours)",
        default=168.0,
        help="A booking of this resource lasts at most this long (0: no limit).",
    )
    booking_window_days = fields.Integer(
        string="Bookable Ahead (days)",
        default=180,
        help="How many days ahead customers may book it (0: no limit).",
    )
    description = fields.Html(translate=True)
    color = fields.Integer()
    booking_ids = fields.One2many("recurring.booking", "resource_id", string="Bookings")
    booking_count = fields.Integer(compute="_compute_booking_count", string="Confirmed Bookings")
    reserving_line_ids = fields.One2many(
        "recurring.subscription.line", "booking_resource_id", string="Reserved by"
    )

    _sql_constraints = [
        ("capacity_positive", "CHECK(capacity >= 1)", "A resource takes at least one booking."),
        (
            "cancel_deadline_positive",
            "CHECK(cancel_deadline_hours >= 0)",
            "The cancellation deadline cannot be negative.",
        ),
        (
            "booking_limits_positive",
            "CHECK(max_booking_hours >= 0 AND booking_window_days >= 0)",
            "The booking limits cannot be negative.",
        ),
    ]

    def _compute_booking_count(self):
        counts = dict(
            self.env["recurring.booking"]._read_group(
                [("resource_id", "in", self.ids), ("state", "=", "confirmed")],
                ["resource_id"],
                ["__count"],
            )
        )
        for resource in self:
            resource.booking_count = counts.get(resource, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_booked(self):
        if (
            self.env["recurring.booking"]
            .sudo()
            .search_count([("resource_id", "in", self.ids), ("state", "!=", "draft")], limit=1)
        ):
            raise UserError(self.env._("A booked resource cannot be deleted; archive it instead."))

    def action_view_bookings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recurring_subscriptions.recurring_booking_action"
        )
        action["domain"] = [("resource_id", "=", self.id)]
        action["context"] = {"default_resource_id": self.id}
        return action

    def _lock_for_booking(self):
        """Serialize confirmations on these resources until the transaction ends.

        ``NOWAIT``: a second confirmation running at the same moment fails at
        once with ``LockNotAvailable``, which Odoo's RPC layer retries. The no-op
        update makes a transaction whose snapshot predates a committed booking
        fail with a serialization error (retried too) instead of not seeing it.
        """
        if not self:
            return
        self.env.cr.execute(
            "SELECT id FROM recurring_booking_resource WHERE id IN %s "
            "ORDER BY id FOR NO KEY UPDATE NOWAIT",
            [tuple(self.ids)],
        )
        self.env.cr.execute(
            "UPDATE recurring_booking_resource SET write_date = write_date WHERE id IN %s",
            [tuple(self.ids)],
        )
