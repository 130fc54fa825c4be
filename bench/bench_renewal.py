"""Renewal benchmark: the cron against Odoo's own batched calls (the floor).

Usage (what `make bench` runs, on a database with the addon installed):

    python3 bench/bench_renewal.py --database DB --addons-path PATH -n 1000 -n 5000

For each N it creates N customers with one active monthly subscription each
(one line, "confirmed order + posted invoice, manual payment"), all due now,
then measures:

- floor: the same N orders and invoices made with Odoo's batched calls
  (``create`` with a list, ``action_confirm``, ``_create_invoices``,
  ``action_post``), nothing else;
- cron: one run of ``recurring.subscription._cron_process_due()``;
- invoice-only: the same with a plan whose renewals invoice directly;
- card: the same paid with a saved card (``payment_demo`` token, always
  accepted): an ``offline`` transaction per renewal, the invoice paid and
  reconciled, a receipt queued.

It prints milliseconds and SQL queries per renewal and the cron/floor ratio.
Nothing here is a test: the figures depend on the machine.
"""

import argparse
import time
from datetime import date

import odoo
from odoo import SUPERUSER_ID, api
from odoo.fields import Command


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument(
        "-n", type=int, action="append", dest="sizes", help="subscriptions (repeatable)"
    )
    parser.add_argument("--skip-invoice-only", action="store_true")
    parser.add_argument("--skip-card", action="store_true")
    args = parser.parse_args()
    args.sizes = args.sizes or [1000]
    return args


class Bench:
    def __init__(self, env, size, tag):
        self.env = env
        self.size = size
        self.tag = tag
        self.today = date.today()

    def setup(self, plan_values):
        env = self.env
        self.plan = env["recurring.plan"].create(
            {
                "name": f"Bench {self.tag}",
                "billing_unit": "month",
                "payment_mode": "manual",
                **plan_values,
            }
        )
        self.product = env["product.product"].create(
            {
                "name": f"Bench box {self.tag}",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 25.0,
                "taxes_id": [Command.clear()],
                "recurring_ok": True,
                "recurring_product_plan_ids": [Command.create({"plan_id": self.plan.id})],
            }
        )
        self.partners = env["res.partner"].create(
            [
                {"name": f"Bench customer {self.tag} {i}", "email": f"b{i}@example.com"}
                for i in range(self.size)
            ]
        )
        env.cr.commit()

    def floor(self):
        """Odoo's batched calls for N orders and invoices."""
        env = self.env
        vals_list = [
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1.0,
                            "price_unit": 25.0,
                            "name": "Bench",
                        }
                    )
                ],
            }
            for partner in self.partners
        ]
        env.invalidate_all()
        with Measure(env) as measure:
            orders = env["sale.order"].create(vals_list)
            orders.action_confirm()
            invoices = orders._create_invoices(grouped=True)
            invoices.action_post()
            env.cr.flush()
            env.cr.commit()
        assert len(invoices) == self.size
        return measure

    def create_tokens(self):
        env = self.env
        provider = env.ref("payment.payment_provider_demo")
        provider.state = "test"
        method = env.ref("payment_demo.payment_method_demo")
        self.tokens = env["payment.token"].create(
            [
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "partner_id": partner.id,
                    "payment_details": "4242",
                    "provider_ref": f"bench-{partner.id}",
                    "demo_simulated_state": "done",
                }
                for partner in self.partners
            ]
        )
        env.cr.commit()

    def create_subscriptions(self):
        env = self.env
        tokens = getattr(self, "tokens", None)
        subs = env["recurring.subscription"].create(
            [
                {
                    "partner_id": partner.id,
                    "plan_id": self.plan.id,
                    "start_date": self.today,
                    "payment_token_id": tokens[index].id if tokens else False,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "quantity": 1.0,
                                "price_mode": "fixed",
                                "price_unit": 25.0,
                            }
                        )
                    ],
                }
                for index, partner in enumerate(self.partners)
            ]
        )
        subs.action_start()
        env.cr.commit()
        return subs

    def cron(self, subs):
        env = self.env
        env.invalidate_all()
        with Measure(env) as measure:
            env["recurring.subscription"]._cron_process_due()
            env.cr.flush()
            env.cr.commit()
        renewed = env["recurring.subscription.occurrence"].search_count(
            [("subscription_id", "in", subs.ids), ("state", "=", "done")]
        )
        assert renewed == self.size, f"{renewed} renewed out of {self.size}"
        return measure


class Measure:
    def __init__(self, env):
        self.env = env

    def __enter__(self):
        self.queries = self.env.cr.sql_log_count
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.queries = self.env.cr.sql_log_count - self.queries

    def per(self, size):
        return self.seconds * 1000 / size, self.queries / size


def run_size(registry, size, invoice_only, card):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        bench = Bench(env, size, f"n{size}")
        bench.setup({})
        floor = bench.floor()
        subs = bench.create_subscriptions()
        cron = bench.cron(subs)
        results = {"floor": floor.per(size), "cron": cron.per(size)}
        if invoice_only:
            bench_inv = Bench(env, size, f"inv{size}")
            bench_inv.setup({"create_order": False, "confirm_order": False})
            results["invoice-only"] = bench_inv.cron(bench_inv.create_subscriptions()).per(size)
        if card:
            bench_card = Bench(env, size, f"card{size}")
            bench_card.setup({"payment_mode": "token"})
            bench_card.create_tokens()
            subs = bench_card.create_subscriptions()
            results["card"] = bench_card.cron(subs).per(size)
            paid = env["account.move"].search_count(
                [
                    ("recurring_subscription_id", "in", subs.ids),
                    ("payment_state", "in", ("paid", "in_payment")),
                ]
            )
            assert paid == size, f"{paid} card renewals paid out of {size}"
    return results


def main():
    args = parse_args()
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    # Warm-up: load templates, caches and code paths once.
    options = {"invoice_only": not args.skip_invoice_only, "card": not args.skip_card}
    run_size(registry, 20, **options)
    table = {}
    for size in args.sizes:
        table[size] = run_size(registry, size, **options)
        floor_ms, _floor_q = table[size]["floor"]
        print(f"\nN = {size}")
        for name, (ms, queries) in table[size].items():
            ratio = f"  {ms / floor_ms:.2f} x floor" if name != "floor" else ""
            print(f"  {name:<13} {ms:8.2f} ms/renewal  {queries:6.1f} queries/renewal{ratio}")
    if len(args.sizes) > 1:
        first, last = args.sizes[0], args.sizes[-1]
        drift = table[last]["cron"][0] / table[first]["cron"][0] - 1
        print(f"\ncron ms/renewal at N={last} vs N={first}: {drift:+.1%}")


if __name__ == "__main__":
    main()
