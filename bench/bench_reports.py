"""Report benchmark: the Subscriptions reports on N subscriptions with two years of history.

Usage (on a database with the addon installed; the data is rolled back at the end):

    python3 bench/bench_reports.py --database DB --addons-path PATH -n 10000

It creates N subscriptions (one line each, weekly, monthly or yearly) started over the
last two years, with their MRR movements (new, expansions, contractions, churns and
reactivations; about 2.5 rows per subscription) and 12 planned periods each, written
with batched SQL, then times the read_group calls behind the pivot and graph views of
Sales > Reporting > Subscriptions. Nothing here is a test: the figures depend on the
machine.
"""

import argparse
import random
import time
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, api
from odoo.fields import Command


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("-n", type=int, default=10000, help="subscriptions")
    return parser.parse_args()


def insert_rows(cr, table, columns, rows, chunk=5000):
    for i in range(0, len(rows), chunk):
        part = rows[i : i + chunk]
        placeholders = ",".join(["%s"] * len(part))
        cr.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders}",
            part,
        )


def build(env, size):
    rng = random.Random(42)
    today = date.today()
    company = env.company
    currency = company.currency_id
    plans = env["recurring.plan"].create(
        [
            {"name": "Report bench weekly", "billing_unit": "week", "payment_mode": "manual"},
            {"name": "Report bench monthly", "billing_unit": "month", "payment_mode": "manual"},
            {"name": "Report bench yearly", "billing_unit": "year", "payment_mode": "manual"},
        ]
    )
    product = env["product.product"].create(
        {
            "name": "Report bench box",
            "type": "service",
            "list_price": 20.0,
            "taxes_id": [Command.clear()],
            "recurring_ok": True,
            "recurring_product_plan_ids": [Command.create({"plan_id": p.id}) for p in plans],
        }
    )
    partner = env["res.partner"].create({"name": "Report bench customer"})
    factors = {"week": 52 / 12, "month": 1.0, "year": 1 / 12}
    prices = {"week": 20.0, "month": 80.0, "year": 900.0}
    cr = env.cr
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM recurring_subscription")
    first_id = cr.fetchone()[0] + 1
    subs, lines, moves, occurrences = [], [], [], []
    for i in range(size):
        sub_id = first_id + i
        plan = plans[i % 3]
        unit = plan.billing_unit
        start = today - timedelta(days=rng.randint(0, 730))
        qty = rng.choice((1, 1, 2, 3))
        mrr = round(prices[unit] * qty * factors[unit], 2)
        state, close_date = "active", None
        history = [(start, "new", mrr)]
        day = start
        for _ in range(rng.choice((0, 0, 1, 2))):
            day += timedelta(days=rng.randint(30, 120))
            if day >= today:
                break
            delta = round(prices[unit] * factors[unit], 2) * (1 if rng.random() < 0.7 else -1)
            if mrr + delta <= 0:
                continue
            history.append((day, "expansion" if delta > 0 else "contraction", delta))
            mrr = round(mrr + delta, 2)
        if rng.random() < 0.25:
            day += timedelta(days=rng.randint(30, 200))
            if day < today:
                history.append((day, "churn", -mrr))
                state, close_date, last = "closed", day, mrr
                mrr = 0.0
                if rng.random() < 0.2:
                    back = day + timedelta(days=rng.randint(10, 90))
                    if back < today:
                        history.append((back, "reactivation", last))
                        state, close_date, mrr = "active", None, last
        subs.append(
            (
                sub_id,
                f"RB{sub_id}",
                company.id,
                partner.id,
                partner.id,
                partner.id,
                partner.id,
                currency.id,
                plan.id,
                state,
                start,
                start,
                today + timedelta(days=rng.randint(1, 28)),
                close_date,
                mrr,
                mrr,
                round(mrr * 12, 2),
                mrr,
                "/",
                False,
                False,
                0,
            )
        )
        lines.append(
            (
                sub_id,
                company.id,
                product.id,
                "box",
                qty,
                product.uom_id.id,
                "fixed",
                prices[unit],
                0.0,
                10,
            )
        )
        logged = 0.0
        for when, kind, amount in history:
            logged = round(logged + amount, 2)
            moves.append(
                (
                    when,
                    kind,
                    sub_id,
                    state,
                    start.replace(day=1),
                    plan.id,
                    partner.id,
                    company.id,
                    currency.id,
                    amount,
                    currency.id,
                    amount,
                    logged,
                    kind == "churn" and state == "closed",
                )
            )
        if state == "active":
            step = {"week": 7, "month": 30, "year": 365}[unit]
            first = today + timedelta(days=rng.randint(1, step))
            for k in range(12):
                occurrences.append(
                    (
                        sub_id,
                        company.id,
                        k,
                        first + timedelta(days=k * step),
                        first + timedelta(days=(k + 1) * step - 1),
                        "planned",
                    )
                )
    insert_rows(
        cr,
        "recurring_subscription",
        [
            "id",
            "name",
            "company_id",
            "partner_id",
            "commercial_partner_id",
            "partner_invoice_id",
            "partner_shipping_id",
            "currency_id",
            "plan_id",
            "state",
            "start_date",
            "anchor_date",
            "next_date",
            "close_date",
            "recurring_mrr",
            "recurring_mrr_currency",
            "recurring_arr",
            "recurring_mrr_logged",
            "note",
            "cancel_at_period_end",
            "payment_suspended",
            "renewal_attempts",
        ],
        subs,
    )
    cr.execute(
        "SELECT setval('recurring_subscription_id_seq', (SELECT MAX(id) FROM "
        "recurring_subscription))"
    )
    insert_rows(
        cr,
        "recurring_subscription_line",
        [
            "subscription_id",
            "company_id",
            "product_id",
            "name",
            "quantity",
            "product_uom_id",
            "price_mode",
            "price_unit",
            "discount",
            "sequence",
        ],
        lines,
    )
    insert_rows(
        cr,
        "recurring_mrr_movement",
        [
            "date",
            "movement_type",
            "subscription_id",
            "subscription_state",
            "subscription_start_month",
            "plan_id",
            "partner_id",
            "company_id",
            "currency_id",
            "amount",
            "company_currency_id",
            "amount_company",
            "mrr_after",
            "is_logo_churn",
        ],
        moves,
    )
    insert_rows(
        cr,
        "recurring_subscription_occurrence",
        ["subscription_id", "company_id", "period_index", "period_start", "period_end", "state"],
        occurrences,
    )
    cr.execute("ANALYZE")
    env.invalidate_all()
    return len(moves), len(occurrences)


def timed(label, func):
    start = time.perf_counter()
    result = func()
    elapsed = (time.perf_counter() - start) * 1000
    print(f"  {label:<52} {elapsed:8.1f} ms  ({len(result)} groups/rows)")
    return elapsed


def main():
    args = parse_args()
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        start = time.perf_counter()
        moves, occurrences = build(env, args.n)
        print(
            f"N = {args.n} subscriptions, {moves} MRR movements, {occurrences} planned "
            f"periods (built in {time.perf_counter() - start:.1f} s)"
        )
        today = date.today()
        Movement = env["recurring.mrr.movement"]
        Sub = env["recurring.subscription"]
        calls = [
            (
                "MRR over time (graph, date:month)",
                lambda: Movement._read_group([], ["date:month"], ["amount_company:sum"]),
            ),
            (
                "Movements by type (stacked bar)",
                lambda: Movement._read_group(
                    [], ["date:month", "movement_type"], ["amount_company:sum"]
                ),
            ),
            (
                "Churn by close reason (pivot)",
                lambda: Movement._read_group(
                    [("is_logo_churn", "=", True)],
                    ["close_reason_id"],
                    ["__count", "amount_company:sum"],
                ),
            ),
            (
                "Active subscriptions by plan (pivot)",
                lambda: Sub._read_group(
                    [("recurring_mrr", ">", 0)],
                    ["plan_id"],
                    ["__count", "recurring_mrr:sum", "recurring_arr:sum"],
                ),
            ),
            (
                "Churn and ARPU per month (list)",
                lambda: env["recurring.mrr.report"].search_read(
                    [], ["month", "mrr_start", "logo_churn_rate", "revenue_churn_rate", "arpu"]
                ),
            ),
            (
                "Retention by start month (pivot)",
                lambda: env["recurring.retention.report"]._read_group(
                    [], ["start_month:month", "months_survived"], ["__count"]
                ),
            ),
            (
                "Revenue forecast, 12 months by plan (pivot)",
                lambda: env["recurring.forecast.report"]._read_group(
                    [
                        ("period_start", ">=", today),
                        ("period_start", "<", today + timedelta(days=365)),
                    ],
                    ["period_start:month", "plan_id"],
                    ["amount_company:sum"],
                ),
            ),
        ]
        for label, func in calls:
            func()  # warm the planner and caches once
            env.invalidate_all()
            timed(label, func)
        cr.rollback()


if __name__ == "__main__":
    main()
