# The server processes only see committed data.
# pylint: disable=invalid-commit
"""Start real Odoo server processes on 127.0.0.1 for the job runner and fault tests.

Each process gets its own port (``RECURRING_TEST_SERVER_PORT``, else a free one),
is stopped (and killed if it must) when the ``with`` block ends, and writes its log
to a temporary file shown when a wait times out.
"""

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date

import odoo
from odoo.fields import Command
from odoo.tools import config

_logger = logging.getLogger(__name__)

# How long a test waits for a server to reach a state. Generous: on a loaded 2-core
# machine a cron pass over 200 subscriptions with a restart took over 5 minutes; the
# tests end as soon as the state is reached.
DEFAULT_TIMEOUT = int(os.environ.get("RECURRING_SERVER_TIMEOUT", "900"))


def unavailable_reason():
    """Why server processes cannot be started here (``None`` when they can)."""
    if os.environ.get("RECURRING_SKIP_SERVER_TESTS"):
        return "RECURRING_SKIP_SERVER_TESTS is set: no Odoo server process is started"
    if os.name != "posix":
        return "server process tests need a POSIX system"
    if config.get("db_name") and "," in (config.get("db_name") or ""):
        return "server process tests need a single database"
    try:
        _used_ports.discard(free_port())  # only a check: the port stays free
    except OSError as error:
        return f"cannot bind a port on 127.0.0.1: {error}"
    return None


_used_ports = set()


def wanted_ports(spec):
    """Ports of ``RECURRING_TEST_SERVER_PORTS``: a range "8142-8149", or ports
    separated by spaces or commas ("8142 8143", "8142,8143-8145")."""
    ports = []
    for part in spec.replace(",", " ").split():
        first, _sep, last = part.partition("-")
        ports += range(int(first), int(last or first) + 1)
    return ports


def free_port():
    """A port nobody listens on: from ``RECURRING_TEST_SERVER_PORTS`` if set."""
    wanted = os.environ.get("RECURRING_TEST_SERVER_PORTS", "").strip()
    candidates = [0]
    if wanted:
        candidates = [p for p in wanted_ports(wanted) if p not in _used_ports]
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = sock.getsockname()[1]
            _used_ports.add(port)
            return port
    raise OSError(f"no free port in {wanted}")


# Odoo's command line for a server with workers (see the launcher's docstring).
LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "odoo_launcher.py")


class OdooServer:
    """An Odoo server serving one database, with queue_job's runner when workers > 0."""

    def __init__(
        self, dbname, workers=2, cron_threads=0, port=None, channels="root:2", queue=True, tag="rsq"
    ):
        self.dbname = dbname
        self.queue = queue
        self.appname = f"{tag}-{os.getpid()}-{id(self)}"
        self.workers = workers
        self.cron_threads = cron_threads
        self.port = port or free_port()
        # Its long-polling process (workers > 0) needs a port of its own too.
        self.gevent_port = free_port() if workers else None
        self.channels = channels
        self.proc = None
        self.logdir = tempfile.mkdtemp(prefix="rs_server_")
        self.logfile = os.path.join(self.logdir, "odoo.log")

    def command(self):
        cmd = [
            sys.executable,
            LAUNCHER,
            "-d",
            self.dbname,
            f"--db-filter=^{self.dbname}$",
            f"--addons-path={config['addons_path']}",
            f"--http-port={self.port}",
            "--http-interface=127.0.0.1",
            f"--workers={self.workers}",
            *([f"--gevent-port={self.gevent_port}"] if self.gevent_port else []),
            f"--max-cron-threads={self.cron_threads}",
            "--load=base,web,queue_job" if self.queue else "--load=base,web",
            f"--logfile={self.logfile}",
            "--log-level=info",
            "--limit-time-real=600",
            "--limit-time-cpu=600",
        ]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config.get(option):
                cmd.append(f"--{option.replace('_', '-')}={config[option]}")
        return cmd

    def start(self):
        env = dict(
            os.environ,
            ODOO_QUEUE_JOB_CHANNELS=self.channels,
            ODOO_PGAPPNAME=self.appname + "-{pid}",
        )
        # Its own process group, so killing it takes its workers with it.
        self.proc = subprocess.Popen(
            self.command(),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self, sig=signal.SIGKILL):
        """Kill the server and all its workers at once (``kill -9`` by default)."""
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                _logger.info("server %s already gone", self.proc.pid)
            self.proc.wait(timeout=30)

    def stop(self):
        # The port serves the next server once this one is gone (a short
        # SERVER_PORTS range would run out over the suite otherwise).
        _used_ports.difference_update((self.port, self.gevent_port))
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        # Workers left behind by a killed master.
        if self.proc:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                _logger.debug("no worker of %s left", self.proc.pid)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.logdir, ignore_errors=True)

    def log_tail(self, lines=40):
        try:
            with open(self.logfile) as handle:
                return "".join(handle.readlines()[-lines:])
        except OSError:
            return ""

    def long_polling_pids(self):
        """Pids of the server's long-polling processes: children of its master started
        with the ``gevent`` command. One, with the same pid for the server's whole life,
        unless that process cannot start (then the master starts it again and again)."""
        pids = set()
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat") as handle:
                    stat = handle.read()
                with open(f"/proc/{name}/cmdline", "rb") as handle:
                    args = handle.read().split(b"\0")
            except OSError:
                continue  # ended meanwhile
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            if parent == self.proc.pid and b"gevent" in args:
                pids.add(int(name))
        return pids

    def backends(self, cr):
        """How many connections of this server PostgreSQL still serves."""
        cr.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE %s",
            [self.appname + "-%"],
        )
        return cr.fetchone()[0]

    def terminate_lock_holder(self, cr, table="recurring_subscription"):
        """``pg_terminate_backend`` on this server's connection that holds row locks
        on ``table`` (the renewal transaction), and on nothing else; returns how many."""
        cr.execute(
            """
            SELECT count(pg_terminate_backend(a.pid))
              FROM pg_stat_activity a
             WHERE a.application_name LIKE %s AND a.pid != pg_backend_pid()
               AND EXISTS (SELECT 1 FROM pg_locks l
                            WHERE l.pid = a.pid AND l.relation = %s::regclass
                              AND l.mode IN ('RowShareLock', 'RowExclusiveLock'))
            """,
            [self.appname + "-%", table],
        )
        return cr.fetchone()[0]

    def wait_for(self, fetch, done, timeout=DEFAULT_TIMEOUT):
        """Poll ``fetch(cr)`` on a fresh connection until ``done(value)``, within ``timeout``."""
        return wait_for(self.dbname, fetch, done, timeout, self)


def wait_for(dbname, fetch, done, timeout=DEFAULT_TIMEOUT, server=None):
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        with odoo.sql_db.db_connect(dbname).cursor() as cr:
            value = fetch(cr)
        if done(value):
            return value
        if server and server.proc.poll() is not None and server.proc.returncode != -9:
            break
        time.sleep(0.5)
    log = server.log_tail() if server else ""
    raise AssertionError(f"not done after {timeout}s: {value}\n--- server log ---\n{log}")


def renewal_counts(cr, sub_ids):
    """What the renewals of ``sub_ids`` made, counted in SQL (duplicates included)."""
    cr.execute(
        """
        SELECT
          (SELECT count(*) FROM recurring_subscription_occurrence
            WHERE subscription_id = ANY(%(ids)s) AND state = 'done'),
          (SELECT count(*) FROM sale_order WHERE recurring_subscription_id = ANY(%(ids)s)),
          (SELECT count(*) FROM account_move
            WHERE recurring_subscription_id = ANY(%(ids)s) AND move_type = 'out_invoice'),
          (SELECT count(*) FROM payment_transaction t
             JOIN recurring_subscription_occurrence o ON o.id = t.recurring_occurrence_id
            WHERE o.subscription_id = ANY(%(ids)s) AND t.state != 'cancel'),
          (SELECT count(*) FROM (
             SELECT recurring_occurrence_id FROM sale_order
              WHERE recurring_subscription_id = ANY(%(ids)s)
              GROUP BY recurring_occurrence_id HAVING count(*) > 1
             UNION ALL
             SELECT recurring_occurrence_id FROM account_move
              WHERE recurring_subscription_id = ANY(%(ids)s) AND move_type = 'out_invoice'
              GROUP BY recurring_occurrence_id HAVING count(*) > 1
             UNION ALL
             SELECT recurring_occurrence_id FROM payment_transaction
              WHERE state = 'done' AND recurring_occurrence_id IN (
                SELECT id FROM recurring_subscription_occurrence
                 WHERE subscription_id = ANY(%(ids)s))
              GROUP BY recurring_occurrence_id HAVING count(*) > 1
             UNION ALL
             SELECT subscription_id FROM recurring_subscription_occurrence
              WHERE subscription_id = ANY(%(ids)s)
              GROUP BY subscription_id, period_start HAVING count(*) > 1
          ) AS dup),
          (SELECT count(*) FROM queue_job
            WHERE state IN ('pending', 'enqueued', 'started', 'wait_dependencies')),
          (SELECT count(*) FROM queue_job WHERE state = 'done'),
          (SELECT count(*) FROM queue_job WHERE state = 'failed')
        """,
        {"ids": list(sub_ids)},
    )
    keys = (
        "done",
        "orders",
        "invoices",
        "charges",
        "duplicates",
        "open_jobs",
        "jobs_done",
        "jobs_failed",
    )
    return dict(zip(keys, cr.fetchone(), strict=True))


def make_due_subscriptions(env, count, tag, card_every=0):
    """``count`` customers with one monthly subscription due today (one in
    ``card_every`` paid by a saved ``payment_demo`` card), committed."""
    plans = {
        mode: env["recurring.plan"].create(
            {"name": f"{tag} {mode}", "billing_unit": "month", "payment_mode": mode}
        )
        for mode in ("manual", "token")
    }
    product = env["product.product"].create(
        {
            "name": f"{tag} box",
            "type": "service",
            "invoice_policy": "order",
            "taxes_id": [Command.clear()],
            "recurring_ok": True,
            "recurring_product_plan_ids": [
                Command.create({"plan_id": plan.id}) for plan in plans.values()
            ],
        }
    )
    partners = env["res.partner"].create(
        [{"name": f"{tag} customer {i}", "email": f"{tag}{i}@example.com"} for i in range(count)]
    )
    provider = env.ref("payment.payment_provider_demo")
    provider.state = "test"
    vals_list = []
    for index, partner in enumerate(partners):
        card = card_every and index % card_every == 0
        token = card and env["payment.token"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
                "partner_id": partner.id,
                "payment_details": "4242",
                "provider_ref": f"{tag}-{partner.id}",
                "demo_simulated_state": "done",
            }
        )
        vals_list.append(
            {
                "partner_id": partner.id,
                "plan_id": plans["token" if card else "manual"].id,
                "start_date": date.today(),
                "payment_token_id": token.id if card else False,
                "line_ids": [Command.create({"product_id": product.id, "price_unit": 9.0})],
            }
        )
    subs = env["recurring.subscription"].create(vals_list)
    subs.action_start()
    env.cr.commit()
    return subs


def half_made(cr, sub_ids):
    """Periods left half-made: done without invoice, or an order without its invoice."""
    cr.execute(
        """
        SELECT
          (SELECT count(*) FROM recurring_subscription_occurrence o
            WHERE o.subscription_id = ANY(%(ids)s) AND o.state = 'done'
              AND NOT EXISTS (SELECT 1 FROM account_move m
                               WHERE m.recurring_occurrence_id = o.id)),
          (SELECT count(*) FROM sale_order s
            WHERE s.recurring_subscription_id = ANY(%(ids)s)
              AND NOT EXISTS (SELECT 1 FROM account_move m
                               WHERE m.recurring_occurrence_id = s.recurring_occurrence_id))
        """,
        {"ids": list(sub_ids)},
    )
    return sum(cr.fetchone())


RENEWAL_CRON = "recurring_subscriptions.ir_cron_process_subscriptions"


def trigger_cron(env):
    """Make the renewal cron due now, from a clean state; the other crons wait a day.

    Earlier server tests on the same database may have left progress rows
    (a killed run counts as timed out) that a fresh cron would not have.
    """
    cron = env.ref(RENEWAL_CRON)
    env.cr.execute(
        "UPDATE ir_cron SET nextcall = now() at time zone 'UTC' + interval '1 day' WHERE id != %s",
        [cron.id],
    )
    env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id != %s", [cron.id])
    env.cr.execute("DELETE FROM ir_cron_progress WHERE cron_id = %s", [cron.id])
    cron.write(
        {
            "active": True,
            "nextcall": "2000-01-01 00:00:00",
            "failure_count": 0,
            "first_failure_date": False,
        }
    )
    cron._trigger()
    env.cr.commit()


def cron_state(cr):
    """The renewal cron as its next pass will see it."""
    cr.execute(
        """
        SELECT c.active, c.nextcall <= now() at time zone 'UTC', c.failure_count,
               p.done, p.timed_out_counter
          FROM ir_cron c
          LEFT JOIN LATERAL (SELECT done, timed_out_counter FROM ir_cron_progress
                              WHERE cron_id = c.id ORDER BY id DESC LIMIT 1) p ON TRUE
         WHERE c.id = (SELECT res_id FROM ir_model_data
                        WHERE module = 'recurring_subscriptions'
                          AND name = 'ir_cron_process_subscriptions')
        """
    )
    keys = ("active", "due", "failure_count", "progress_done", "timed_out_counter")
    return dict(zip(keys, cr.fetchone(), strict=True))


def wake_cron(env):
    """Wake the sleeping cron workers (what ``ir.cron._trigger()`` does: a trigger
    row and a NOTIFY); the cron row itself is not written, so nothing waits on
    a worker that holds it."""
    env.ref(RENEWAL_CRON)._trigger()
    env.cr.commit()


def cleanup(registry, sub_ids):
    """Take the subscriptions of a server test out of later runs (the DB is a test DB)."""
    with registry.cursor() as cr:
        cr.execute(
            "UPDATE recurring_subscription SET state = 'closed' WHERE id = ANY(%s)",
            [list(sub_ids)],
        )
        cr.execute("DELETE FROM queue_job")
        cr.execute(
            "DELETE FROM ir_config_parameter WHERE key IN %s",
            [
                (
                    "recurring_subscriptions_queue.batch_size",
                    "recurring_subscriptions_queue.enabled",
                    "recurring_subscriptions.batch_size",
                )
            ],
        )
        cr.commit()
