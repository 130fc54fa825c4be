"""Scale benchmark: 20,000 due subscriptions in one cron worker, then through queue_job.

Usage (what `make bench-scale` runs, on a database with recurring_subscriptions_queue,
payment_demo installed):

    python3 bench/bench_scale.py --database DB --addons-path PATH -n 20000 --baseline 1000

1. One cron worker (this process, the queue off): ms per renewal at the baseline N
   and at N, and this process's peak RSS after each (caches are dropped between
   batches, so the peak must not grow with N).
2. The same N through queue_job: the cron enqueues the jobs, a real Odoo server
   (``--workers`` W, ``--load=base,web,queue_job``, channel capacity W) runs them;
   wall time until every job is done, duplicates counted by query.
3. The hours that 100,000 renewals would take with each.

Nothing here is a test: the figures depend on the machine.
"""

import argparse
import resource
import time

import odoo
from odoo import SUPERUSER_ID, api


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("-n", type=int, default=20000)
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--skip-queue", action="store_true")
    return parser.parse_args()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def single_worker(registry, server, size, tag, batch_size):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("recurring_subscriptions.batch_size", batch_size)
        sub_ids = server.make_due_subscriptions(env, size, tag).ids
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"recurring_queue_disabled": True})
        env.invalidate_all()
        start = time.perf_counter()
        env["recurring.subscription"]._cron_process_due()
        cr.commit()
        seconds = time.perf_counter() - start
        counts = server.renewal_counts(cr, sub_ids)
    assert counts["done"] == size, counts
    assert counts["duplicates"] == 0, counts
    return seconds, peak_rss_mb(), counts


def through_queue(registry, server, dbname, size, tag, workers, batch_size):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("recurring_subscriptions_queue.batch_size", batch_size)
        sub_ids = server.make_due_subscriptions(env, size, tag).ids
        cr.execute("DELETE FROM queue_job WHERE state = 'done'")
        cr.commit()
    with server.OdooServer(dbname, workers=workers, channels=f"root:{workers}") as odoo_server:
        start = time.perf_counter()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["recurring.subscription"]._cron_process_due()
            cr.commit()
        counts = odoo_server.wait_for(
            lambda cr: server.renewal_counts(cr, sub_ids),
            lambda c: c["done"] >= size and c["open_jobs"] == 0,
            timeout=4 * 3600,
        )
        seconds = time.perf_counter() - start
    return seconds, counts


def main():
    args = parse_args()
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    # Importable once the addons path is set up.
    from odoo.addons.recurring_subscriptions_queue.tests import server  # noqa: PLC0415

    run = int(time.time())
    base_s, base_rss, _c = single_worker(
        registry, server, args.baseline, f"scale{run}b", args.batch_size
    )
    big_s, big_rss, _c = single_worker(registry, server, args.n, f"scale{run}n", args.batch_size)
    base_ms = base_s * 1000 / args.baseline
    big_ms = big_s * 1000 / args.n
    print(f"\nOne cron worker, batches of {args.batch_size}")
    print(f"  N = {args.baseline:>6}: {base_ms:7.2f} ms/renewal, peak RSS {base_rss:7.1f} MB")
    print(f"  N = {args.n:>6}: {big_ms:7.2f} ms/renewal, peak RSS {big_rss:7.1f} MB")
    print(f"  per-renewal time at N={args.n} vs N={args.baseline}: {big_ms / base_ms - 1:+.1%}")
    single_rate = args.n / big_s
    print(f"  100,000 renewals: {100000 / single_rate / 3600:.2f} h")
    if args.skip_queue:
        return
    q_s, counts = through_queue(
        registry, server, args.database, args.n, f"scale{run}q", args.workers, args.batch_size
    )
    q_rate = args.n / q_s
    print(f"\nqueue_job, {args.workers} workers, jobs of {args.batch_size}")
    print(f"  N = {args.n:>6}: {q_s:8.1f} s, {q_s * 1000 / args.n:7.2f} ms/renewal (wall)")
    print(f"  throughput vs one worker: {q_rate / single_rate:.2f} x")
    print(
        f"  orders {counts['orders']}, invoices {counts['invoices']}, "
        f"duplicates {counts['duplicates']}, failed jobs {counts['jobs_failed']}"
    )
    print(f"  100,000 renewals: {100000 / q_rate / 3600:.2f} h")


if __name__ == "__main__":
    main()
