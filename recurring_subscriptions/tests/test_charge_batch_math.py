"""Plain tests for the bookkeeping of a batch of renewal charges (``utils/charge_batch.py``)."""

from odoo.tests import BaseCase

from odoo.addons.recurring_subscriptions.utils.charge_batch import ChargeBatch, message_rounds


class TestMessageRounds(BaseCase):
    def test_rounds_table(self):
        cases = [
            # (entries as (document, author, body), expected rounds)
            ([], []),
            (
                [(1, 9, "a"), (2, 9, "b")],
                [(9, {1: "a", 2: "b"})],
            ),
            (  # two messages on one invoice: two rounds, in the order logged
                [(1, 9, "sent"), (1, 9, "done"), (2, 9, "sent")],
                [(9, {1: "sent", 2: "sent"}), (9, {1: "done"})],
            ),
            (  # transactions logged one after the other
                [(1, 9, "s1"), (1, 9, "d1"), (1, 9, "p1"), (2, 9, "s2"), (2, 9, "d2")],
                [(9, {1: "s1", 2: "s2"}), (9, {1: "d1", 2: "d2"}), (9, {1: "p1"})],
            ),
            (  # another author: another bulk call in the same round
                [(1, 9, "a"), (2, 8, "b"), (3, 9, "c")],
                [(9, {1: "a", 3: "c"}), (8, {2: "b"})],
            ),
        ]
        for entries, expected in cases:
            with self.subTest(entries=entries):
                self.assertEqual(message_rounds(entries), expected)

    def test_each_document_keeps_its_messages_in_order(self):
        entries = [(doc, 1, f"{doc}-{n}") for n in range(4) for doc in (5, 6, 7)]
        logged = {}
        for _author, bodies in message_rounds(entries):
            for doc, body in bodies.items():
                logged.setdefault(doc, []).append(body)
        self.assertEqual(logged, {doc: [f"{doc}-{n}" for n in range(4)] for doc in (5, 6, 7)})


class TestChargeBatch(BaseCase):
    def test_restore_forgets_what_a_rolled_back_savepoint_collected(self):
        batch = ChargeBatch()
        batch.add_message(1, "sent")
        batch.add_rank("customer_rank", [10], 1)
        checkpoint = batch.checkpoint()
        batch.add_message(1, "posted")
        batch.add_message(2, "sent")
        batch.add_note("sale.order", 3, "Invoice paid")
        batch.add_rank("customer_rank", [10, 11], 1)
        batch.restore(checkpoint)
        self.assertEqual(batch.pop_messages([1, 2]), {1: ["sent"]})
        self.assertEqual(batch.pop_notes(), {})
        self.assertEqual(batch.pop_ranks(), {("customer_rank", 1): [10]})

    def test_checkpoint_is_not_changed_by_later_messages(self):
        batch = ChargeBatch()
        batch.add_message(1, "sent")
        checkpoint = batch.checkpoint()
        batch.add_message(1, "posted")
        batch.restore(checkpoint)
        batch.add_message(1, "received")
        self.assertEqual(batch.pop_messages([1]), {1: ["sent", "received"]})

    def test_ranks_are_grouped_by_increment(self):
        batch = ChargeBatch()
        batch.add_rank("customer_rank", [1, 2], 1)
        batch.add_rank("customer_rank", [2], 1)
        batch.add_rank("supplier_rank", [3], 1)
        self.assertEqual(
            batch.pop_ranks(),
            {("customer_rank", 1): [1], ("customer_rank", 2): [2], ("supplier_rank", 1): [3]},
        )
        self.assertEqual(batch.pop_ranks(), {}, "popped once")

    def test_pop_messages_takes_only_the_given_transactions(self):
        batch = ChargeBatch()
        batch.add_message(1, "a")
        batch.add_message(2, "b")
        self.assertEqual(batch.pop_messages([2, 3]), {2: ["b"]})
        self.assertEqual(batch.pop_messages([1, 2]), {1: ["a"]})
