"""Scale benchmark: 20,000 due subscriptions in one cron worker, then through queue_job.

Usage (what `make bench-scale` runs, on a database with recurring_subscriptions_queue,
payment_demo installed):

    python3 bench/bench_scale.py --database DB --addons-path PATH -n 20000 --baseline 1000

1. One cron worker (this process, the queue off): ms per renewal (wall and CPU) at
   the baseline N and at N, this process's RSS before each cron run and its peak
   during it, the subscriptions' creation left out (caches are dropped between
   batches, so what the cron adds must not grow with N).
2. The same N through queue_job: the cron enqueues the jobs, a real Odoo server
   (``--workers`` W, ``--load=base,web,queue_job``, channel capacity W) runs them;
   wall time from the cron run (the server already serving) until no job is left,
   duplicates counted by query once at the end.
3. The hours that 100,000 renewals would take with each.

For each phase it also says where the time went (``cpu_usage.py``): CPU seconds of
the Odoo processes and of their PostgreSQL backends, how many of the machine's cores
other programs took meanwhile, and how often the server's transactions waited on a
lock (and on which statement). On a shared machine the wall times follow the load
of the other programs; the CPU per renewal does much less.

Nothing here is a test: the figures depend on the machine.
"""

import argparse
import importlib.util
import os
import resource
import socket
import time

from cpu_usage import Usage

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
    parser.add_argument("--skip-single", action="store_true")
    return parser.parse_args()


def status_mb(field):
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process in MB (Linux), else None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak_rss():
    """Start a new peak RSS for this process (Linux: ``clear_refs`` 5 resets VmHWM to
    the RSS of now), so that the peak measured is the cron's, not that of creating the
    subscriptions; returns the RSS of now in MB."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass  # elsewhere the peak is the process's since it started
    return status_mb("VmRSS") or 0.0


def peak_rss_mb():
    """This process's peak RSS in MB since it started or since ``reset_peak_rss``."""
    return status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_server_helpers(addons_path):
    """``recurring_subscriptions_queue/tests/server.py`` alone: importing the tests
    package would import Odoo's test framework into this process."""
    for path in addons_path.split(","):
        filename = os.path.join(path, "recurring_subscriptions_queue", "tests", "server.py")
        if os.path.exists(filename):
            spec = importlib.util.spec_from_file_location("rsq_server", filename)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise SystemExit("recurring_subscriptions_queue not found in the addons path")


def single_worker(registry, server, size, tag, batch_size):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("recurring_subscriptions.batch_size", batch_size)
        sub_ids = server.make_due_subscriptions(env, size, tag).ids
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"recurring_queue_disabled": True})
        env.invalidate_all()
        start_rss = reset_peak_rss()
        cr.execute("SELECT pg_backend_pid()")
        with Usage(odoo_pids=[os.getpid()], backend_pids=[cr.fetchone()[0]]) as usage:
            env["recurring.subscription"]._cron_process_due()
            cr.commit()
        counts = server.renewal_counts(cr, sub_ids)
    assert counts["done"] == size, counts
    assert counts["duplicates"] == 0, counts
    return usage.wall, (start_rss, peak_rss_mb()), counts, usage


def wait_until_serving(odoo_server, timeout=120):
    """The server answers on its port and its job runner is ready (it says so in its log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "database connections ready" in odoo_server.log_tail(200):
            try:
                socket.create_connection(("127.0.0.1", odoo_server.port), timeout=1).close()
                return
            except OSError:
                pass
        time.sleep(0.5)
    raise AssertionError(f"server not ready after {timeout}s\n{odoo_server.log_tail()}")


def wait_for_jobs(odoo_server, usage, timeout, interval=2):
    """Until no job is left to run. The poll is one cheap query every ``interval`` s:
    counting the renewals by query (``renewal_counts``) takes 0.1-0.5 s of a core at
    N = 2,000 and grows with N, CPU the workers would lose on a small machine."""
    deadline = time.monotonic() + timeout
    with odoo.sql_db.db_connect(odoo_server.dbname).cursor() as cr:
        while time.monotonic() < deadline:
            usage.sample(cr)
            cr.execute(
                "SELECT count(*) FROM queue_job WHERE state IN %s",
                [("pending", "enqueued", "started", "wait_dependencies")],
            )
            if not cr.fetchone()[0]:
                return
            cr.rollback()
            if odoo_server.proc.poll() is not None:
                break
            time.sleep(interval)
    raise AssertionError(f"jobs left after {timeout}s\n{odoo_server.log_tail()}")


def job_times(cr):
    """Renewal jobs run: how many, and their mean and total run time in seconds."""
    cr.execute(
        """
        SELECT count(*), avg(extract(epoch FROM date_done - date_started)),
               sum(extract(epoch FROM date_done - date_started)), max(retry)
          FROM queue_job WHERE state = 'done' AND method_name = '_renew_queued_batch'
        """
    )
    return cr.fetchone()


def through_queue(registry, server, dbname, size, tag, workers, batch_size):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("recurring_subscriptions_queue.batch_size", batch_size)
        sub_ids = server.make_due_subscriptions(env, size, tag).ids
        cr.execute("DELETE FROM queue_job WHERE state = 'done'")
        cr.commit()
    with server.OdooServer(dbname, workers=workers, channels=f"root:{workers}") as odoo_server:
        # The clock starts once the server serves, as a cron worker's does.
        wait_until_serving(odoo_server)
        usage = Usage(
            odoo_pids=[os.getpid()], pgid=odoo_server.proc.pid, appname=odoo_server.appname
        )
        with registry.cursor() as cr:
            with usage:
                cr.execute("SELECT pg_backend_pid()")
                usage.add_backend(cr.fetchone()[0])
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["recurring.subscription"]._cron_process_due()
                cr.commit()
                wait_for_jobs(odoo_server, usage, timeout=4 * 3600)
            counts = server.renewal_counts(cr, sub_ids)
            counts["jobs"] = job_times(cr)
    return usage.wall, counts, usage


def run_single(args, registry, server, run, cores):
    """The cron alone at the baseline N and at N; returns renewals per second at N."""
    base_s, base_rss, _c, base_usage = single_worker(
        registry, server, args.baseline, f"scale{run}b", args.batch_size
    )
    big_s, big_rss, _c, usage = single_worker(
        registry, server, args.n, f"scale{run}n", args.batch_size
    )
    base_ms = base_s * 1000 / args.baseline
    big_ms = big_s * 1000 / args.n
    base_cpu = (base_usage.odoo_cpu + base_usage.pg_cpu) * 1000 / args.baseline
    big_cpu = (usage.odoo_cpu + usage.pg_cpu) * 1000 / args.n
    print(f"\nOne cron worker, batches of {args.batch_size}")
    for size, ms, cpu, rss in (
        (args.baseline, base_ms, base_cpu, base_rss),
        (args.n, big_ms, big_cpu, big_rss),
    ):
        print(
            f"  N = {size:>6}: {ms:7.2f} ms/renewal (wall), {cpu:6.1f} ms CPU/renewal,"
            f" RSS {rss[0]:6.1f} MB before the cron, peak {rss[1]:6.1f} MB"
            f" (+{rss[1] - rss[0]:.1f})"
        )
    print(
        f"  per-renewal time at N={args.n} vs N={args.baseline}: wall {big_ms / base_ms - 1:+.1%},"
        f" CPU {big_cpu / base_cpu - 1:+.1%} (the wall time follows the machine's load)"
    )
    print(f"  100,000 renewals: {100000 * big_s / args.n / 3600:.2f} h")
    print("\n".join(usage.report(args.n, cores)))
    return args.n / big_s


def main():
    args = parse_args()
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    # Importable once the addons path is set up.
    server = load_server_helpers(args.addons_path)
    cores = os.cpu_count()

    run = int(time.time())
    print(f"{cores} cores, load average at the start {os.getloadavg()[0]:.1f}")
    single_rate = None
    if not args.skip_single:
        single_rate = run_single(args, registry, server, run, cores)
    if args.skip_queue:
        return
    q_s, counts, queue_usage = through_queue(
        registry, server, args.database, args.n, f"scale{run}q", args.workers, args.batch_size
    )
    q_rate = args.n / q_s
    print(f"\nqueue_job, {args.workers} workers, jobs of {args.batch_size}")
    print(f"  N = {args.n:>6}: {q_s:8.1f} s, {q_s * 1000 / args.n:7.2f} ms/renewal (wall)")
    if single_rate:
        print(f"  throughput vs one worker: {q_rate / single_rate:.2f} x")
    print(
        f"  orders {counts['orders']}, invoices {counts['invoices']}, "
        f"duplicates {counts['duplicates']}, failed jobs {counts['jobs_failed']}"
    )
    print(f"  100,000 renewals: {100000 / q_rate / 3600:.2f} h")
    jobs, mean_s, total_s, max_retry = counts["jobs"]
    print(
        f"  {jobs} renewal jobs, {float(mean_s or 0):.1f} s each on average "
        f"({float(total_s or 0) * 1000 / args.n:.1f} ms of job time per renewal), "
        f"at most {max_retry} attempt(s)"
    )
    print("\n".join(queue_usage.report(args.n, cores)))


if __name__ == "__main__":
    main()
