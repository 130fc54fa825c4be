"""Where the time of a benchmark phase goes, read from /proc and pg_stat_activity (Linux).

- CPU seconds used by the Odoo processes and by the PostgreSQL backends that serve
  them (``/proc/<pid>/stat``, PostgreSQL running on the same machine);
- how busy the whole machine was meanwhile (``/proc/stat``), hence how much CPU the
  other programs on it took;
- what the server's transactions waited on: each sample counts the backends that
  wait on a lock (``wait_event_type = 'Lock'``), by wait event and statement.

Everything is sampled: a process that ends between two samples keeps the CPU time
read at its last sample. Plain Python, no Odoo.
"""

import collections
import os
import re
import time

TICKS = os.sysconf("SC_CLK_TCK")


def machine_ticks():
    """(busy, total) clock ticks of all CPUs since boot."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # without guest time, already counted in user
    return total - idle, total


def process_stat(pid):
    """(process group, CPU seconds) of ``pid``, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            data = handle.read()
    except OSError:
        return None
    # The command name may hold spaces: the fields start after its ')'.
    fields = data[data.rindex(")") + 2 :].split()
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / TICKS


def group_pids(pgid):
    """Pids of the processes of process group ``pgid``."""
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            stat = process_stat(int(name))
            if stat and stat[0] == pgid:
                pids.append(int(name))
    return pids


class Usage:
    """CPU use and lock waits of one phase; ``sample(cr)`` as often as wanted."""

    def __init__(self, odoo_pids=(), backend_pids=(), pgid=None, appname=None):
        self.odoo_pids = set(odoo_pids)
        self.backend_pids = set(backend_pids)
        self.pgid = pgid
        self.appname = appname
        self.start_cpu = {}
        self.last_cpu = {}
        self.lock_waits = collections.Counter()
        self.busy_backend_samples = 0
        self.samples = 0
        self.wall = None
        self.machine = None
        self.load = None

    def __enter__(self):
        self.wall = time.perf_counter()
        self.machine = machine_ticks()
        self.load = os.getloadavg()
        self._read_cpu(first=True)
        return self

    def __exit__(self, *exc):
        self._read_cpu()
        self.wall = time.perf_counter() - self.wall
        busy, total = machine_ticks()
        start_busy, start_total = self.machine
        self.machine = (busy - start_busy) / max(total - start_total, 1)
        self.load = (self.load, os.getloadavg())

    def add_backend(self, pid):
        """Count a PostgreSQL backend from now on (a pooled connection has a past)."""
        stat = process_stat(pid)
        if stat and pid not in self.start_cpu:
            self.start_cpu[pid] = stat[1]
        self.backend_pids.add(pid)

    def _read_cpu(self, first=False):
        pids = set(self.odoo_pids) | self.backend_pids
        if self.pgid:
            pids.update(group_pids(self.pgid))
        for pid in pids:
            stat = process_stat(pid)
            if stat is None:
                continue
            if first or pid not in self.start_cpu:
                # A process born during the phase started at zero.
                self.start_cpu.setdefault(pid, stat[1] if first else 0.0)
            self.last_cpu[pid] = stat[1]

    def sample(self, cr):
        """Read the CPU times, and the lock waits of the server's connections."""
        if self.appname:
            cr.execute(
                """
                SELECT pid, state, wait_event_type, wait_event,
                       left(regexp_replace(query, '\\s+', ' ', 'g'), 70)
                  FROM pg_stat_activity
                 WHERE application_name LIKE %s AND pid != pg_backend_pid()
                """,
                [self.appname + "-%"],
            )
            for pid, state, wait_type, wait_event, query in cr.fetchall():
                # Connections of the server are all opened after the phase started.
                self.backend_pids.add(pid)
                if state in ("active", "idle in transaction"):
                    self.busy_backend_samples += 1
                    if wait_type == "Lock":
                        self.lock_waits[(wait_event, _shape(query))] += 1
        self.samples += 1
        self._read_cpu()

    def cpu(self, pids):
        return sum(
            self.last_cpu[p] - self.start_cpu.get(p, 0.0) for p in pids if p in self.last_cpu
        )

    @property
    def odoo_cpu(self):
        return self.cpu(set(self.last_cpu) - self.backend_pids)

    @property
    def pg_cpu(self):
        return self.cpu(self.backend_pids)

    def report(self, count, cores):
        """Lines that say where the wall time of ``count`` renewals went."""
        ours = (self.odoo_cpu + self.pg_cpu) / self.wall
        machine = self.machine * cores
        lines = [
            f"  CPU: Odoo {self.odoo_cpu:7.1f} s + PostgreSQL {self.pg_cpu:6.1f} s"
            f" = {(self.odoo_cpu + self.pg_cpu) * 1000 / count:6.1f} ms/renewal;"
            f" used {ours:.2f} of {cores} cores",
            f"  machine: {machine:.2f} of {cores} cores busy, other programs {machine - ours:.2f};"
            f" load average {self.load[0][0]:.1f} -> {self.load[1][0]:.1f}",
        ]
        if self.pgid:
            top = sorted(
                ((self.cpu([p]), p) for p in set(self.last_cpu) - self.backend_pids),
                reverse=True,
            )[:4]
            lines.append(
                "  Odoo processes (CPU s): "
                + ", ".join(
                    f"{'master' if pid == self.pgid else 'pid'} {pid}: {cpu:.1f}"
                    for cpu, pid in top
                )
            )
        if self.busy_backend_samples:
            waited = sum(self.lock_waits.values())
            lines.append(
                f"  lock waits: {waited / self.busy_backend_samples:.1%} of the samples"
                " of busy server transactions"
            )
            for (event, query), hits in self.lock_waits.most_common(3):
                lines.append(f"    {hits:5d} x {event}: {query}")
        return lines


def _shape(query):
    """The statement without its literals, so waits on the same statement add up."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", query or "")
