from odoo.tests import BaseCase

from ..utils import batching
from . import server


class TestBatching(BaseCase):
    def test_chunks_keep_order_and_size(self):
        cases = [
            ([], 3, []),
            ([1, 2, 3], 3, [[1, 2, 3]]),
            ([5, 1, 4, 2], 3, [[5, 1, 4], [2]]),
            (list(range(7)), 2, [[0, 1], [2, 3], [4, 5], [6]]),
        ]
        for ids, size, expected in cases:
            with self.subTest(ids=ids, size=size):
                self.assertEqual(batching.chunks(ids, size), expected)

    def test_chunks_refuse_an_empty_batch_size(self):
        with self.assertRaises(ValueError):
            batching.chunks([1], 0)

    def test_identity_key_per_batch_and_period(self):
        key = batching.batch_identity_key("renew", "2026-03-01", [3, 1, 2])
        self.assertEqual(key, batching.batch_identity_key("renew", "2026-03-01", [1, 2, 3]))
        self.assertNotEqual(key, batching.batch_identity_key("renew", "2026-04-01", [1, 2, 3]))
        self.assertNotEqual(key, batching.batch_identity_key("renew", "2026-03-01", [1, 2]))

    def test_server_ports_as_a_range_or_a_list(self):
        """``SERVER_PORTS`` of ``make test-queue`` / ``make bench-scale``."""
        cases = [
            ("8321-8323", [8321, 8322, 8323]),
            ("8321 8322 8323", [8321, 8322, 8323]),
            ("8321,8325-8326", [8321, 8325, 8326]),
            ("8321", [8321]),
        ]
        for spec, expected in cases:
            with self.subTest(spec=spec):
                self.assertEqual(server.wanted_ports(spec), expected)
