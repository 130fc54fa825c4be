"""Portal load: concurrent customers against ``odoo --workers 2`` on 127.0.0.1.

Usage (what `make bench-load` runs):

    python3 bench/load_portal.py --database DB --addons-path PATH --port 8069 \
        [--users 20] [--duration 120] [--max-requests 20000] [--think 1.0] [--ramp-up 10]

1. Prepares the database (created with recurring_subscriptions, payment_demo and
   website_sale when missing, so the e-shop bridge installs itself): one portal user per
   customer, each with a running weekly subscription (its current period renewed, coming
   periods to skip), 10 credits, and a published recurring product for the shop.
2. Starts ``odoo --workers 2`` on 127.0.0.1:PORT, waits until it answers.
3. One unmeasured round warms the server up (templates compiled, assets built). Then
   the customers arrive one by one over ``--ramp-up`` seconds; each logs in and loops
   over: subscription list, detail, skip a coming period, restore it, lower a quantity,
   credits page, shop page, add to cart, cart page, pausing between two clicks as a
   person reads the page (``--think`` seconds on average, uniformly 0.5x to 1.5x;
   ``--think 0`` hammers the server instead). The cart actions are skipped (with a note)
   when ``/shop`` is not served.
4. Stops after ``--duration`` seconds or ``--max-requests`` requests, whichever first,
   stops the server, drops the database it created (``--keep-db`` keeps it), and
   prints requests, p50/p95/max latency and errors (5xx and transport errors), overall
   and per action.

Nothing here is a test: the figures depend on the machine and its load.
"""

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import date

import requests

import odoo
from odoo import SUPERUSER_ID, api
from odoo.fields import Command

CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"|csrf_token:\s*"([^"]+)"')
PASSWORD = "load-portal-pwd"  # a throw-away local database
# Not ``python3 -m odoo``: with --workers, its long-polling process could not start and
# would be started again and again, taking CPU from the workers (see the launcher).
LAUNCHER = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    os.pardir,
    "recurring_subscriptions_queue",
    "tests",
    "odoo_launcher.py",
)


def free_port():
    """A port nobody listens on now, for the server's long-polling process."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0, help="per request, seconds")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between two clicks, seconds"
    )
    parser.add_argument(
        "--ramp-up", type=float, default=10.0, help="seconds over which customers arrive"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--server-log",
        metavar="FILE",
        help="write the server's request log here and print, per route, its queries "
        "and the server's time in SQL and in Python",
    )
    return parser.parse_args()


def db_exists(name):
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def create_db(args):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            args.database,
            "-i",
            "recurring_subscriptions,payment_demo,website_sale",
            "--without-demo=all",
            f"--addons-path={args.addons_path}",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def prepare(registry, users, tag):
    """Portal customers with a running subscription, credits and a shop product."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        today = date.today()
        plan = env["recurring.plan"].create(
            {"name": f"{tag} weekly", "billing_unit": "week", "payment_mode": "manual"}
        )
        product = env["product.product"].create(
            {
                "name": f"{tag} vegetable box",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 20.0,
                "taxes_id": [Command.clear()],
                "recurring_ok": True,
                "sale_ok": True,
                "is_published": True,
                "recurring_product_plan_ids": [Command.create({"plan_id": plan.id})],
            }
        )
        credit_type = env["recurring.credit.type"].create(
            {
                "name": f"{tag} room hour",
                "unit_label": "hours",
                "validity_interval": 0,
                "rule_ids": [Command.create({"name": "Hour", "duration": 1.0, "credits": 1.0})],
            }
        )
        portal = env.ref("base.group_portal")
        customers = []
        for index in range(users):
            login = f"{tag}-{index}@example.com"
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": f"{tag} customer {index}",
                        "login": login,
                        "email": login,
                        "password": PASSWORD,
                        "groups_id": [Command.set(portal.ids)],
                    }
                )
            )
            sub = env["recurring.subscription"].create(
                {
                    "partner_id": user.partner_id.id,
                    "plan_id": plan.id,
                    "start_date": today,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1000.0,
                                "price_mode": "fixed",
                                "price_unit": 20.0,
                            }
                        )
                    ],
                }
            )
            sub.action_start()
            env["recurring.subscription"]._renew_due(today, restrict_ids=sub.ids)
            env["recurring.credit.entry"]._create_grants(
                [
                    {
                        "name": f"{tag} welcome credits",
                        "source": "manual",
                        "partner_id": user.partner_id.id,
                        "credit_type_id": credit_type.id,
                        "company_id": env.company.id,
                        "quantity": 10.0,
                        "expiry_date": False,
                    }
                ]
            )
            coming = sub.occurrence_ids.filtered(
                lambda o: o.state == "planned" and o.period_start > today
            ).sorted("period_start")
            customers.append(
                {
                    "login": login,
                    "sub_id": sub.id,
                    "line_id": sub.line_ids.id,
                    "period_id": coming[1].id if len(coming) > 1 else coming[:1].id,
                }
            )
        cr.commit()
        return customers, {"product_id": product.id, "plan_id": plan.id}


class Server:
    def __init__(self, args):
        self.args = args
        self.proc = None

    def start(self):
        cmd = [
            sys.executable,
            LAUNCHER,
            "-d",
            self.args.database,
            f"--db-filter=^{self.args.database}$",
            f"--addons-path={self.args.addons_path}",
            f"--http-port={self.args.port}",
            "--http-interface=127.0.0.1",
            f"--workers={self.args.workers}",
            f"--gevent-port={free_port()}",
            "--max-cron-threads=0",
            "--log-level=warn",
            "--limit-time-real=300",
        ]
        if self.args.server_log:
            # Odoo's request log line ends with: queries, SQL seconds, other seconds.
            cmd += ["--log-handler=werkzeug:INFO", f"--logfile={self.args.server_log}"]
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {self.proc.returncode})")
            try:
                if requests.get(self.url("/web/login"), timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError("the server did not answer within 180 s")

    def url(self, path):
        return f"http://127.0.0.1:{self.args.port}{path}"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)


class Budget:
    """Stops every customer at the deadline or after the last allowed request."""

    def __init__(self, duration, max_requests):
        self.deadline = time.monotonic() + duration
        self.left = max_requests
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.status = defaultdict(lambda: defaultdict(int))
        self.errors = []

    def add(self, action, seconds, status, detail=""):
        with self.lock:
            self.latencies[action].append(seconds)
            self.status[action][status] += 1
            if status == "error" or (isinstance(status, int) and status >= 500):
                self.errors.append(f"{action}: {status} {detail}"[:300])


class Customer(threading.Thread):
    def __init__(self, server, customer, shop, budget, results, options):
        super().__init__(daemon=True)
        self.server = server
        self.customer = customer
        self.shop = shop
        self.budget = budget
        self.results = results
        self.timeout = options["timeout"]
        self.think = options.get("think", 0.0)
        self.arrival = options.get("arrival", 0.0)
        self.rounds = options.get("rounds")  # None: until the budget is spent
        self.random = random.Random(options.get("seed"))
        self.session = requests.Session()
        self.csrf = None

    def pause(self, seconds):
        """A person reading the page; ends early when the run's time is up."""
        if seconds > 0:
            time.sleep(min(seconds, max(0.0, self.budget.deadline - time.monotonic())))

    def call(self, action, method, path, data=None):
        if self.think:
            self.pause(self.think * self.random.uniform(0.5, 1.5))
        if not self.budget.take():
            raise StopIteration
        start = time.perf_counter()
        try:
            response = self.session.request(
                method, self.server.url(path), data=data, timeout=self.timeout
            )
        except requests.RequestException as error:
            self.results.add(action, time.perf_counter() - start, "error", repr(error))
            return None
        self.results.add(action, time.perf_counter() - start, response.status_code, path)
        match = CSRF.search(response.text)
        if match:
            self.csrf = match.group(1) or match.group(2)
        return response

    def post(self, action, path, data=None):
        return self.call(action, "POST", path, {**(data or {}), "csrf_token": self.csrf})

    def login(self):
        self.call("login page", "GET", "/web/login")
        self.post(
            "login",
            "/web/login",
            {"login": self.customer["login"], "password": PASSWORD, "redirect": "/my"},
        )

    def run(self):
        c = self.customer
        detail = f"/my/subscriptions/{c['sub_id']}"
        period = f"{detail}/periods/{c['period_id']}"
        quantity = 1000.0
        try:
            self.pause(self.arrival)
            self.login()
            rounds = 0
            while self.rounds is None or rounds < self.rounds:
                rounds += 1
                self.call("subscription list", "GET", "/my/subscriptions")
                self.call("subscription detail", "GET", detail)
                if c["period_id"]:
                    self.post("skip", f"{period}/skip")
                    self.post("restore", f"{period}/restore")
                quantity = max(quantity - 1, 1.0)
                self.post(
                    "quantity", f"{detail}/quantities", {f"quantity_{c['line_id']}": quantity}
                )
                self.call("credits", "GET", "/my/credits")
                if self.shop["served"]:
                    self.call("shop", "GET", "/shop")
                    self.post(
                        "add to cart",
                        "/shop/cart/update",
                        {
                            "product_id": self.shop["product_id"],
                            "add_qty": 1,
                            "recurring_plan_id": self.shop["plan_id"],
                        },
                    )
                    self.call("cart", "GET", "/shop/cart")
        except StopIteration:
            return


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(results, seconds, notes):
    everything = [v for values in results.latencies.values() for v in values]
    print(
        f"\nPortal load: {len(everything)} requests in {seconds:.0f} s "
        f"({len(everything) / seconds:.1f}/s)"
    )
    header = f"{'action':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  statuses"
    print(header)
    rows = sorted(results.latencies.items())
    rows.append(("ALL", everything))
    rows.append(
        (
            "ALL but login",
            [
                v
                for action, values in results.latencies.items()
                if action != "login"
                for v in values
            ],
        )
    )
    for action, values in rows:
        if not values:
            continue
        statuses = (
            ", ".join(f"{k}: {v}" for k, v in sorted(results.status[action].items(), key=str))
            if not action.startswith("ALL")
            else ""
        )
        print(
            f"{action:<22}{len(values):>9}{statistics.median(values) * 1000:>9.0f}"
            f"{percentile(values, 0.95) * 1000:>9.0f}{max(values) * 1000:>9.0f}  {statuses}"
        )
    server_errors = len(results.errors)
    print(f"server errors (5xx) and transport errors: {server_errors}")
    for line in results.errors[:10]:
        print(f"  {line}")
    for note in notes:
        print(f"note: {note}")
    return server_errors


REQUEST_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+) ([\d.]+) ([\d.]+)')


def server_report(path, offset):
    """Per route (ids replaced by ``<id>``), from the server's request log after
    ``offset``: requests, mean queries, mean SQL and Python milliseconds, and the p95
    of the server's time (SQL and Python together).
    Latency seen by a customer minus this is time spent waiting for a free worker."""
    routes = defaultdict(list)
    with open(path, encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        for line in log:
            match = REQUEST_LINE.search(line)
            if not match:
                continue
            method, url, _status, queries, sql, other = match.groups()
            route = re.sub(r"/\d+", "/<id>", url.split("?")[0])
            if route.startswith(("/web/assets", "/web/image", "/web/static", "/website/")):
                continue
            routes[f"{method} {route}"].append((int(queries), float(sql), float(other)))
    print("\nServer side (request log):")
    print(f"{'route':<48}{'n':>6}{'queries':>9}{'SQL ms':>8}{'py ms':>8}{'p95 ms':>8}")
    for route, rows in sorted(routes.items()):
        totals = [(sql + other) * 1000 for _q, sql, other in rows]
        print(
            f"{route[:47]:<48}{len(rows):>6}{statistics.mean(r[0] for r in rows):>9.1f}"
            f"{statistics.mean(r[1] for r in rows) * 1000:>8.0f}"
            f"{statistics.mean(r[2] for r in rows) * 1000:>8.0f}"
            f"{percentile(totals, 0.95):>8.0f}"
        )


def main():
    args = parse_args()
    created = not db_exists_safe(args)
    if created:
        create_db(args)
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    server = Server(args)
    errors = 0
    try:
        registry = odoo.modules.registry.Registry(args.database)
        customers, shop = prepare(registry, args.users, f"load{int(time.time())}")
        odoo.sql_db.close_db(args.database)
        server.start()
        notes = []
        shop["served"] = requests.get(server.url("/shop"), timeout=60).status_code == 200
        if not shop["served"]:
            notes.append("/shop is not served here: add to cart and cart page skipped")
        # One unmeasured round: the first hits compile templates and build assets.
        warm_up = Customer(
            server, customers[0], shop, Budget(600, 1000), Results(), {"timeout": 120, "rounds": 1}
        )
        warm_up.run()
        budget = Budget(args.duration, args.max_requests)
        results = Results()
        threads = [
            Customer(
                server,
                customer,
                shop,
                budget,
                results,
                {
                    "timeout": args.timeout,
                    "think": args.think,
                    "arrival": args.ramp_up * index / max(1, len(customers)),
                    "seed": args.seed + index,
                },
            )
            for index, customer in enumerate(customers)
        ]
        log_offset = os.path.getsize(args.server_log) if args.server_log else 0
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.duration + 2 * args.timeout)
        notes.append(
            f"{args.users} customers, think {args.think:g} s, ramp-up {args.ramp_up:g} s, "
            f"{args.workers} workers, load average {os.getloadavg()[0]:.1f} at the end"
        )
        errors = report(results, time.monotonic() - start, notes)
        if args.server_log:
            server_report(args.server_log, log_offset)
    finally:
        server.stop()
        if created and not args.keep_db:
            odoo.sql_db.close_all()
            subprocess.run(["dropdb", "--if-exists", args.database], check=False)
    sys.exit(1 if errors else 0)


def db_exists_safe(args):
    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "--log-level", "warn"])
    return db_exists(args.database)


if __name__ == "__main__":
    main()
