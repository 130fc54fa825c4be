"""Side effects of a batch of renewal charges, collected to be applied in bulk.

Charging a saved card goes through Odoo's payment framework one transaction at
a time: every step is logged on the invoice with its own ``message_post``,
``sale`` notes "Invoice ... paid" on each order the same way, and posting each
payment raises its customer's rank with its own query. Inside a batch of renewal
charges the engine collects these effects in a ``ChargeBatch`` (carried in the
context) and applies them with a few bulk calls. A checkpoint
taken before a savepoint and restored when it rolls back keeps the collection in
step with the database.
"""

from collections import Counter


class ChargeBatch:
    def __init__(self):
        # transaction id -> messages, in the order they were logged
        self.messages = {}
        # model name -> [(record id, note)], in the order they were posted
        self.notes = {}
        # (rank field, partner id) -> increment
        self.ranks = Counter()

    def add_message(self, transaction_id, message):
        self.messages.setdefault(transaction_id, []).append(message)

    def add_note(self, model, record_id, note):
        self.notes.setdefault(model, []).append((record_id, note))

    def add_rank(self, field, partner_ids, count=1):
        for partner_id in partner_ids:
            self.ranks[field, partner_id] += count

    def checkpoint(self):
        """A copy of what is collected so far, for ``restore``."""
        return (
            {tx_id: list(messages) for tx_id, messages in self.messages.items()},
            {model: list(notes) for model, notes in self.notes.items()},
            Counter(self.ranks),
        )

    def restore(self, checkpoint):
        """Forget what was collected since ``checkpoint`` (its savepoint rolled back)."""
        messages, notes, ranks = checkpoint
        self.messages = {tx_id: list(items) for tx_id, items in messages.items()}
        self.notes = {model: list(items) for model, items in notes.items()}
        self.ranks = Counter(ranks)

    def pop_messages(self, transaction_ids):
        """The messages of these transactions, removed from the batch."""
        return {
            tx_id: self.messages.pop(tx_id) for tx_id in transaction_ids if tx_id in self.messages
        }

    def pop_notes(self):
        """``{model: [(record id, note)]}``, removed from the batch."""
        notes, self.notes = self.notes, {}
        return notes

    def pop_ranks(self):
        """``{(field, increment): [partner ids]}``: one bulk update per key."""
        grouped = {}
        for (field, partner_id), count in self.ranks.items():
            if count:
                grouped.setdefault((field, count), []).append(partner_id)
        self.ranks = Counter()
        return grouped


def message_rounds(entries):
    """Split messages to log into rounds of one bulk log each.

    :param entries: ``(document id, author id, body)`` in the order they were logged.
    :return: ``[(author id, {document id: body})]``: a document appears at most once
        per round and its messages keep their order from one round to the next.
    """
    seen = Counter()
    rounds = {}
    for document_id, author_id, body in entries:
        key = (seen[document_id], author_id)
        seen[document_id] += 1
        rounds.setdefault(key, {})[document_id] = body
    return [
        (author_id, bodies)
        for (_index, author_id), bodies in sorted(rounds.items(), key=lambda item: item[0][0])
    ]
