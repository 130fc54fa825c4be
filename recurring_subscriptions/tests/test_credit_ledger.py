"""Plain tests for the credit ledger arithmetic in ``utils/credit_ledger.py``."""

from datetime import date, timedelta
from decimal import Decimal

from odoo.tests import BaseCase

from odoo.addons.recurring_subscriptions.utils import credit_ledger
from odoo.addons.recurring_subscriptions.utils.credit_ledger import Grant, Reversal

from .property_common import given, settings, skip_without_hypothesis, st

D = date
Q = Decimal
FEB, MAR, APR = D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30)
HALF_DAY, FULL_DAY, HOUR = (240, 1), (540, 2), (60, 1)


def grant(key, remaining, expiry=None, order=None, quantity=None):
    return Grant(key, Q(str(remaining)), expiry, order, None if quantity is None else Q(quantity))


class TestCreditLedger(BaseCase):
    # Allocation ----------------------------------------------------------------

    def test_allocate_fifo_by_soonest_expiry(self):
        cases = [
            # The grant expiring first is spent first, whatever the list order.
            ([grant("a", 5, MAR), grant("b", 5, FEB)], 3, None, [("b", 3)]),
            ([grant("a", 5, MAR), grant("b", 5, FEB)], 7, None, [("b", 5), ("a", 2)]),
            # Never-expiring grants are spent last.
            ([grant("never", 5), grant("a", 5, APR)], 6, None, [("a", 5), ("never", 1)]),
            # Same expiry: the oldest grant first.
            (
                [grant("new", 5, MAR, order=2), grant("old", 5, MAR, order=1)],
                6,
                None,
                [("old", 5), ("new", 1)],
            ),
            # A grant past its last day is not usable, even before the write-off.
            ([grant("gone", 5, FEB), grant("a", 5, MAR)], 2, D(2026, 3, 1), [("a", 2)]),
            # ...but it is on its last day.
            ([grant("last", 5, FEB), grant("a", 5, MAR)], 2, FEB, [("last", 2)]),
            # Empty grants are skipped; the whole balance can be spent.
            ([grant("empty", 0, FEB), grant("a", 3, MAR)], 3, None, [("a", 3)]),
            # Decimal quantities stay exact: 0.1 + 0.2 is 0.3.
            (
                [grant("a", "0.1", FEB), grant("b", "0.2", MAR)],
                "0.3",
                None,
                [("a", Q("0.1")), ("b", Q("0.2"))],
            ),
        ]
        for grants, quantity, on_date, expected in cases:
            with self.subTest(grants=grants, quantity=quantity, on_date=on_date):
                self.assertEqual(
                    credit_ledger.allocate(grants, quantity, on_date),
                    [(k, Q(str(q))) for k, q in expected],
                )

    def test_allocate_refuses_more_than_the_usable_balance(self):
        cases = [
            ([grant("a", 2, MAR)], 3, None, 2),
            ([], 1, None, 0),
            ([grant("gone", 5, FEB)], 1, D(2026, 3, 1), 0),  # only expired credits
        ]
        for grants, quantity, on_date, available in cases:
            with self.subTest(grants=grants, quantity=quantity, on_date=on_date):
                with self.assertRaises(credit_ledger.InsufficientCredits) as caught:
                    credit_ledger.allocate(grants, quantity, on_date)
                self.assertEqual(caught.exception.available, Q(available))
                self.assertEqual(caught.exception.requested, Q(quantity))
                self.assertIsInstance(caught.exception, ValueError)

    def test_allocate_refuses_a_non_positive_or_invalid_quantity(self):
        for quantity in [0, -1, "nan", "inf", "abc"]:
            with self.subTest(quantity=quantity):
                with self.assertRaises(ValueError):
                    credit_ledger.allocate([grant("a", 5)], quantity)

    # Expiry, movements, balance ----------------------------------------------

    def test_expired_remainders_are_written_off_whole(self):
        grants = [
            grant("feb", 3, FEB),
            grant("mar", 4, MAR),
            grant("empty", 0, FEB),
            grant("never", 9),
        ]
        self.assertEqual(credit_ledger.expired_remainders(grants, D(2026, 3, 1)), [("feb", Q(3))])
        self.assertEqual(
            credit_ledger.expired_remainders(grants, FEB), [], "usable on its last day"
        )
        self.assertEqual(
            credit_ledger.expired_remainders(grants, D(2026, 4, 1)), [("feb", Q(3)), ("mar", Q(4))]
        )

    def test_apply_movements_never_goes_negative(self):
        grants = [grant("a", 5), grant("b", 1)]
        self.assertEqual(
            credit_ledger.apply_movements(grants, [("a", -5), ("b", 2)]), {"a": 0, "b": 3}
        )
        with self.assertRaises(ValueError):
            credit_ledger.apply_movements(grants, [("b", -2)])
        with self.assertRaises(ValueError):
            credit_ledger.apply_movements(grants, [("unknown", 1)])

    def test_balance_is_the_sum_of_the_entries(self):
        cases = [([10, -3, -2.5, 1], Q("5.5")), ([], Q(0)), ([0.1, 0.2, -0.3], Q(0))]
        for quantities, expected in cases:
            with self.subTest(quantities=quantities):
                self.assertEqual(credit_ledger.balance(quantities), expected)

    def test_negative_balance_is_an_error(self):
        with self.assertRaises(ValueError):
            credit_ledger.balance([2, -3])

    # Reversal ------------------------------------------------------------------

    def test_reversal_restores_valid_grants_and_regrants_expired_ones(self):
        grants = {
            "valid": grant("valid", 1, MAR, quantity=5),
            "gone": grant("gone", 0, FEB, quantity=2),
            "never": grant("never", 0, quantity=3),
        }
        plan = credit_ledger.plan_reversal(
            [("valid", 4), ("gone", 2), ("never", 3)], grants, D(2026, 3, 2), D(2026, 3, 9)
        )
        self.assertEqual(
            plan,
            [
                Reversal("restore", "valid", Q(4), MAR),
                Reversal("regrant", "gone", Q(2), D(2026, 3, 9)),
                Reversal("restore", "never", Q(3), None),
            ],
        )

    def test_reversal_refuses_what_was_not_consumed(self):
        cases = [
            ([("a", 4)], {"a": grant("a", 2, MAR, quantity=5)}),  # more than was taken
            ([("a", 0)], {"a": grant("a", 2, MAR)}),
            ([("missing", 1)], {}),
        ]
        for allocations, grants in cases:
            with self.subTest(allocations=allocations, grants=grants):
                with self.assertRaises(ValueError):
                    credit_ledger.plan_reversal(allocations, grants, FEB, None)

    # Validity ------------------------------------------------------------------

    def test_expiry_date(self):
        cases = [
            (D(2026, 1, 1), "month", 1, D(2026, 1, 31)),
            (D(2026, 1, 31), "month", 1, D(2026, 2, 27)),  # Feb 28 is the first day gone
            (D(2026, 1, 31), "month", 2, D(2026, 3, 30)),
            (D(2026, 3, 1), "day", 7, D(2026, 3, 7)),
            (D(2026, 3, 1), "week", 2, D(2026, 3, 14)),
            (D(2024, 2, 29), "year", 1, D(2025, 2, 27)),
            (D(2026, 3, 1), "month", 0, None),  # never expires
        ]
        for granted, unit, count, expected in cases:
            with self.subTest(granted=granted, unit=unit, count=count):
                self.assertEqual(credit_ledger.expiry_date(granted, unit, count), expected)

    def test_negative_validity_is_an_error(self):
        with self.assertRaises(ValueError):
            credit_ledger.expiry_date(D(2026, 3, 1), "month", -1)

    # Conversion ----------------------------------------------------------------

    def test_credit_cost(self):
        cases = [
            (240, [HALF_DAY, FULL_DAY], 1),  # a morning: 1 half-day ticket
            (540, [HALF_DAY, FULL_DAY], 2),  # a full day = 2 half-day tickets
            (300, [HALF_DAY, FULL_DAY], 2),  # 5 hours: two halves or a day, 2 either way
            (720, [HALF_DAY, FULL_DAY], 3),  # 12 hours: a day and a half-day
            (60, [HOUR], 1),  # 1 hour = 1 hour credit
            (50, [HOUR], 1),  # an hour started is an hour due
            (90, [HOUR], 2),
            (420, [HOUR, (480, 6)], 6),  # 7 hours: the day rate is cheaper than 7 hours
            (30, [(30, "0.5")], Q("0.5")),
            (1440 * 30, [HOUR, (1440, 8)], 240),  # a month of days
            (60, [(60, 0)], 0),  # a free unit
        ]
        for minutes, rules, expected in cases:
            with self.subTest(minutes=minutes, rules=rules):
                self.assertEqual(credit_ledger.credit_cost(minutes, rules), Q(str(expected)))

    def test_credit_cost_invalid(self):
        cases = [
            (0, [HOUR]),
            (-5, [HOUR]),
            (60, []),
            (60, [(0, 1)]),
            (60, [(60, -1)]),
            (10**9, [(1, 1)]),
        ]
        for minutes, rules in cases:
            with self.subTest(minutes=minutes, rules=rules):
                with self.assertRaises(ValueError):
                    credit_ledger.credit_cost(minutes, rules)


# Property tests --------------------------------------------------------------------

BASE_DAY = D(2026, 1, 1)
quantities = st.decimals(min_value=Q("0.01"), max_value=Q(50), places=2)
expiries = st.one_of(st.none(), st.integers(0, 60).map(lambda d: BASE_DAY + timedelta(days=d)))
grant_lists = st.lists(
    st.tuples(st.decimals(min_value=Q(0), max_value=Q(50), places=2), expiries),
    max_size=8,
).map(lambda rows: [Grant(i, rem, exp, i) for i, (rem, exp) in enumerate(rows)])
days = st.one_of(st.none(), st.integers(0, 60).map(lambda d: BASE_DAY + timedelta(days=d)))
operations = st.lists(
    st.one_of(
        st.tuples(st.just("grant"), quantities, st.one_of(st.none(), st.integers(0, 20))),
        st.tuples(st.just("consume"), quantities),
        st.tuples(st.just("reverse"), st.integers(0, 30)),
        st.tuples(st.just("day"), st.integers(1, 10)),
    ),
    max_size=40,
)
rules_strategy = st.lists(
    st.tuples(st.sampled_from([15, 30, 60, 120, 240, 480, 540]), st.integers(0, 10)),
    min_size=1,
    max_size=4,
)


@skip_without_hypothesis
class TestCreditLedgerProperties(BaseCase):
    @settings(max_examples=300, deadline=None)
    @given(grants=grant_lists, quantity=quantities, on_date=days)
    def test_allocation_never_exceeds_availability(self, grants, quantity, on_date):
        usable = credit_ledger.available(grants, on_date)
        try:
            allocations = credit_ledger.allocate(grants, quantity, on_date)
        except credit_ledger.InsufficientCredits:
            self.assertLess(usable, quantity)
            return
        by_key = {g.key: g for g in grants}
        self.assertEqual(sum(q for _k, q in allocations), quantity, "total allocated == requested")
        self.assertEqual(len({k for k, _q in allocations}), len(allocations), "one line per grant")
        for key, taken in allocations:
            self.assertTrue(0 < taken <= by_key[key].remaining)
            self.assertTrue(by_key[key].is_usable(on_date))
        # FIFO: a grant is touched only once every usable grant expiring before it is empty.
        used = {k for k, _q in allocations}
        last = credit_ledger.fifo_order([by_key[k] for k in used])[-1]
        for other in credit_ledger.fifo_order(g for g in grants if g.is_usable(on_date)):
            if other.key == last.key:
                break
            self.assertIn(other.key, used)
            self.assertEqual(dict(allocations)[other.key], other.remaining)

    @settings(max_examples=300, deadline=None)
    @given(ops=operations)
    def test_ledger_balance_is_the_sum_of_entries_and_never_negative(self, ops):
        """Replay random grants, consumptions, day changes (with the write-off) and
        reversals the way the ORM does, on a list of entries."""
        today = BASE_DAY
        entries = []  # dicts: kind, grant (key), quantity, expiry
        consumptions = []  # lists of entry indexes, one list per consumption
        reversed_ = set()

        def grants_now():
            result = []
            for index, entry in enumerate(entries):
                if entry["kind"] == "grant":
                    remaining = entry["quantity"] + sum(
                        e["quantity"] for e in entries if e.get("grant") == index
                    )
                    result.append(
                        Grant(index, remaining, entry["expiry"], index, entry["quantity"])
                    )
            return result

        for op in ops:
            if op[0] == "grant":
                expiry = None if op[2] is None else today + timedelta(days=op[2])
                entries.append({"kind": "grant", "quantity": op[1], "expiry": expiry})
            elif op[0] == "consume":
                try:
                    allocations = credit_ledger.allocate(grants_now(), op[1], today)
                except credit_ledger.InsufficientCredits:
                    continue
                before = credit_ledger.balance(e["quantity"] for e in entries)
                consumptions.append(list(range(len(entries), len(entries) + len(allocations))))
                entries += [
                    {"kind": "consumption", "grant": k, "quantity": -q} for k, q in allocations
                ]
                self.assertEqual(
                    credit_ledger.balance(e["quantity"] for e in entries), before - op[1]
                )
            elif op[0] == "day":
                today += timedelta(days=op[1])
                for key, quantity in credit_ledger.expired_remainders(grants_now(), today):
                    entries.append({"kind": "expiry", "grant": key, "quantity": -quantity})
            elif consumptions:
                index = op[1] % len(consumptions)
                if index in reversed_:
                    continue
                reversed_.add(index)
                rows = [entries[i] for i in consumptions[index]]
                before = credit_ledger.balance(e["quantity"] for e in entries)
                plan = credit_ledger.plan_reversal(
                    [(row["grant"], -row["quantity"]) for row in rows],
                    {g.key: g for g in grants_now()},
                    today,
                    today + timedelta(days=7),
                )
                for step in plan:
                    if step.kind == "restore":
                        entries.append(
                            {"kind": "reversal", "grant": step.key, "quantity": step.quantity}
                        )
                    else:
                        entries.append(
                            {"kind": "grant", "quantity": step.quantity, "expiry": step.expiry}
                        )
                # Reversal restores the balance.
                self.assertEqual(
                    credit_ledger.balance(e["quantity"] for e in entries),
                    before + sum(-row["quantity"] for row in rows),
                )
            grants = grants_now()
            self.assertTrue(all(g.remaining >= 0 for g in grants))
            # balance == sum of entries == sum of what the grants still hold
            self.assertEqual(
                credit_ledger.balance(e["quantity"] for e in entries),
                sum((g.remaining for g in grants), Q(0)),
            )

    @settings(max_examples=200, deadline=None)
    @given(
        grants=grant_lists.filter(lambda gs: any(g.remaining > 0 for g in gs)),
        share=st.decimals(min_value=Q("0.01"), max_value=Q(1), places=2),
    )
    def test_reversal_on_the_same_day_restores_every_grant(self, grants, share):
        quantity = (credit_ledger.available(grants) * share).quantize(Q("0.01"))
        if quantity <= 0:
            return
        allocations = credit_ledger.allocate(grants, quantity)
        after = credit_ledger.apply_movements(grants, [(k, -q) for k, q in allocations])
        spent = [Grant(g.key, after[g.key], g.expiry, g.order, g.remaining) for g in grants]
        plan = credit_ledger.plan_reversal(allocations, {g.key: g for g in spent}, None, None)
        self.assertTrue(all(step.kind == "restore" for step in plan))
        restored = credit_ledger.apply_movements(spent, [(s.key, s.quantity) for s in plan])
        self.assertEqual(restored, {g.key: g.remaining for g in grants})

    @settings(max_examples=200, deadline=None)
    @given(minutes=st.integers(1, 3000), rules=rules_strategy)
    def test_credit_cost_is_never_more_than_one_unit_repeated(self, minutes, rules):
        cost = credit_ledger.credit_cost(minutes, rules)
        for unit_minutes, credits in rules:
            self.assertLessEqual(cost, -(-minutes // unit_minutes) * credits)
        # Longer never costs less.
        self.assertGreaterEqual(credit_ledger.credit_cost(minutes + 1, rules), cost)
