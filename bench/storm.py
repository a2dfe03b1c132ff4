#!/usr/bin/env python3
"""Another VM's round trips while one VM floods: are they still fast? (issue 13, "Budgets and
fairness, measured")

VM "evil" floods the compositor with everything prism's budgets bound at once: attack-client
--mode storm (rounds of windows with titles until prism disconnects the connection, 2000
activation tokens, a data source offering 2000 MIME types, 200 raw connections) and
attack-client --mode title-flood (four 30000 px wide windows whose titles change as fast as the
compositor takes them). Meanwhile VM "work" runs attack-client --mode latency: one
wl_display_roundtrip every 2 ms for 4 s, and the p50, p99 and largest of them. The same with no
flood is the baseline. prism (each VM on its own socket) and sway (the peer; all clients on its
one socket, since it has no VMs) run headless with the pixman renderer, in turns within this
one run: every repetition runs each compositor once without and once with the flood, so a
change in the machine's load falls on both. Each case runs REPEAT times, and the median of each
figure over the runs is shown, with the range of the p99s.

  storm.py PRISM ATTACK_CLIENT [--sway SWAY] [--repeat R] [--flood storm,title-flood]

--flood names the floods to run (both by default; one alone shows what each costs).
"""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import compositors
from compositors import cpu_ns, wait_for


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Client:
    """An attack-client whose output lines are collected by a thread."""

    def __init__(self, attack, mode, socket, env):
        self.mode = mode
        self.lines = []
        self.proc = subprocess.Popen([attack, "--mode", mode],
                                     env=dict(env, WAYLAND_DISPLAY=socket),
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def line(self, prefix, timeout=60.0):
        def found():
            return next((l for l in self.lines if l.startswith(prefix)), None)
        try:
            return wait_for(found, f"'{prefix}' from attack-client {self.mode}", timeout)
        except RuntimeError as e:
            raise RuntimeError(f"{e}; it said {self.lines[-5:]!r}") from None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self.reader.join(timeout=10)


def measure(pid, attack, env, work_socket, evil_socket, floods):
    """The work VM's round trips while the evil VM runs `floods` (none: the baseline); the
    compositor's CPU over the measurement; the storm's rounds."""
    clients = {}
    try:
        # The title flood first: its windows are made before the storm takes the VM's limits.
        for mode, started in (("title-flood", "flooding"), ("storm", "storming")):
            if mode in floods:
                clients[mode] = Client(attack, mode, evil_socket, env)
                clients[mode].line(started)
        if floods:
            time.sleep(1.0)  # the flood in full swing
        work = clients["latency"] = Client(attack, "latency", work_socket, env)
        cpu0, t0 = cpu_ns(pid), time.monotonic()
        result = work.line("latency p99", timeout=120.0)
        cpu = (cpu_ns(pid) - cpu0) / 1e9 / (time.monotonic() - t0)
        fields = dict(re.findall(r"(p99|max|n|p50) (\d+)", result))
        for mode in floods:
            clients[mode].proc.send_signal(signal.SIGUSR1)
        rounds = None
        if "storm" in floods:
            rounds = int(clients["storm"].line("storm rounds").split()[-1])
        if "title-flood" in floods:
            clients["title-flood"].line("flooded")
        return {"p50": int(fields["p50"]) / 1000, "p99": int(fields["p99"]) / 1000,
                "max": int(fields["max"]) / 1000, "n": int(fields["n"]), "cpu": cpu,
                "rounds": rounds}
    finally:
        for client in clients.values():
            client.stop()


# What prism logs when the storm reaches each of its budgets: a run where one is missing did not
# flood prism as the benchmark says.
PRISM_LIMITS = ["limits.windows = 256 reached", "limits.connections = 128 reached",
                "more than 256 MIME types offered", "at its limit of 32 activation tokens"]


def run_prism(prism, attack, floods):
    with tempfile.TemporaryDirectory(prefix="prism-bench-") as tmp:
        log_path = os.path.join(tmp, "prism.log")
        with open(log_path, "w") as log, \
                compositors.prism(prism, tmp, {"work": "#3465a4", "evil": "#cc0000"},
                                  log) as (proc, sockets, env):
            result = measure(proc.pid, attack, env, sockets["work"], sockets["evil"], floods)
        if "storm" in floods:
            with open(log_path, errors="replace") as f:
                text = f.read()
            missing = [line for line in PRISM_LIMITS if line not in text]
            if missing:
                raise RuntimeError(f"the storm did not reach prism's budgets: no {missing!r}")
        return result


def run_sway(sway, attack, floods):
    with tempfile.TemporaryDirectory(prefix="sway-bench-") as tmp:
        with compositors.sway(sway, tmp) as (proc, socket, env):
            return measure(proc.pid, attack, env, socket, socket, floods)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("prism")
    parser.add_argument("attack_client")
    parser.add_argument("--sway", default=shutil.which("sway"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--flood", default="storm,title-flood")
    args = parser.parse_args()
    flood = tuple(args.flood.split(","))
    if not flood or any(mode not in ("storm", "title-flood") for mode in flood):
        parser.error("--flood takes storm, title-flood or both, separated by a comma")

    runs = [("prism", lambda floods: run_prism(args.prism, args.attack_client, floods))]
    if args.sway:
        runs.append(("sway", lambda floods: run_sway(args.sway, args.attack_client, floods)))
    else:
        print("sway not found: prism only", file=sys.stderr)
    cases = [(name, floods) for name, _ in runs for floods in ((), flood)]
    samples = {case: [] for case in cases}
    print(f"load average before: {loadavg()}", flush=True)
    for i in range(args.repeat):
        for name, run in runs:
            for floods in ((), flood):
                r = run(floods)
                samples[(name, floods)].append(r)
                rounds = f", storm rounds {r['rounds']}" if r["rounds"] is not None else ""
                print(f"  run {i + 1} {name} {'+'.join(floods) or 'idle'}: p50 {r['p50']:.2f} "
                      f"p99 {r['p99']:.2f} max {r['max']:.2f} ms, n {r['n']}, compositor CPU "
                      f"{r['cpu'] * 100:.0f}%{rounds} (load {loadavg()})", file=sys.stderr,
                      flush=True)
    print(f"load average after: {loadavg()}")
    print(f"work VM's wl_display_roundtrip every 2 ms for 4 s, headless, pixman, median of "
          f"{args.repeat} runs")
    print("| compositor | evil VM | p50 | p99 | max | p99, all runs | compositor CPU "
          "| storm rounds |")
    print("|---|---|---|---|---|---|---|---|")
    for name, floods in cases:
        rs = samples[(name, floods)]
        med = {key: statistics.median(r[key] for r in rs) for key in ("p50", "p99", "max", "cpu")}
        p99s = sorted(r["p99"] for r in rs)
        rounds = f"{statistics.median(r['rounds'] for r in rs):g}" if "storm" in floods else ""
        print(f"| {name} | {' + '.join(floods) or 'nothing'} | "
              f"{med['p50']:.2f} ms | {med['p99']:.2f} ms | {med['max']:.2f} ms | "
              f"{p99s[0]:.2f}-{p99s[-1]:.2f} ms | {med['cpu'] * 100:.0f}% | {rounds} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
