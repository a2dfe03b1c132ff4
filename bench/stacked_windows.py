#!/usr/bin/env python3
"""Stacked idle windows: does the compositor's CPU per frame grow with windows that do not
change? (issue 13, "Budgets and fairness, measured")

One opaque WIDTHxHEIGHT client redraws its whole window every frame; under it, 0 or N idle
windows of the same size (drawn once). Both prism (the client on a VM socket, framed) and sway
(floating windows stacked at one position) run headless with the pixman renderer, one after the
other in this one run. The number is the compositor's CPU time (every thread, from
/proc/PID/task/*/schedstat) divided by the frames the redrawing client was asked for (its frame
callbacks) over SECONDS; each case runs REPEAT times, and the median is shown (a busy machine
makes single runs vary by a third).

  stacked_windows.py PRISM REDRAW_CLIENT [--sway SWAY] [--idle N] [--seconds S] [--repeat R]
"""
import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import compositors
from compositors import cpu_ns, wait_for

WIDTH, HEIGHT = 640, 480


def start_client(client, env, mode):
    proc = subprocess.Popen([client, str(WIDTH), str(HEIGHT), mode], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if line != "mapped":
        raise RuntimeError(f"redraw-client {mode} did not map: {line!r} {proc.stderr.read()}")
    return proc


def frames_now(proc):
    proc.send_signal(signal.SIGUSR1)
    line = proc.stdout.readline().split()
    if len(line) != 2 or line[0] != "frames":
        raise RuntimeError(f"redraw-client said {line!r}")
    return int(line[1])


def measure(compositor_pid, client, env, idle, seconds):
    """The compositor's CPU time and the client's frames over `seconds`, with `idle` idle
    windows beneath the redrawing one."""
    idle_clients = [start_client(client, env, "idle") for _ in range(idle)]
    time.sleep(1.0)  # every idle window drawn and settled
    redraw = start_client(client, env, "redraw")
    time.sleep(1.0)  # warm-up
    frames0, cpu0, t0 = frames_now(redraw), cpu_ns(compositor_pid), time.monotonic()
    time.sleep(seconds)
    frames1, cpu1, t1 = frames_now(redraw), cpu_ns(compositor_pid), time.monotonic()
    for proc in [redraw] + idle_clients:
        proc.terminate()
        proc.wait(timeout=10)
    return cpu1 - cpu0, t1 - t0, frames1 - frames0


def run_prism(prism, client, idle, seconds):
    with tempfile.TemporaryDirectory(prefix="prism-bench-") as tmp:
        with compositors.prism(prism, tmp, {"bench": "#3465a4"}) as (proc, sockets, env):
            client_env = dict(env, WAYLAND_DISPLAY=sockets["bench"])
            return measure(proc.pid, client, client_env, idle, seconds)


def run_sway(sway, client, idle, seconds):
    with tempfile.TemporaryDirectory(prefix="sway-bench-") as tmp:
        floating = 'for_window [app_id="bench"] floating enable, move position 320 120'
        with compositors.sway(sway, tmp, [floating]) as (proc, socket, env):
            client_env = dict(env, WAYLAND_DISPLAY=socket)
            return measure(proc.pid, client, client_env, idle, seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("prism")
    parser.add_argument("client")
    parser.add_argument("--sway", default=shutil.which("sway"))
    parser.add_argument("--idle", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    runs = [("prism", lambda idle: run_prism(args.prism, args.client, idle, args.seconds))]
    if args.sway:
        runs.append(("sway", lambda idle: run_sway(args.sway, args.client, idle, args.seconds)))
    else:
        print("sway not found: prism only", file=sys.stderr)
    print(f"{WIDTH}x{HEIGHT} opaque client redrawn whole every frame, headless, pixman, "
          f"{args.seconds:g} s each, median of {args.repeat}")
    print("| compositor | idle windows beneath | frames/s | CPU per frame | ratio to none |")
    print("|---|---|---|---|---|")
    for name, run in runs:
        base = None
        for idle in (0, args.idle):
            samples = []
            for _ in range(args.repeat):
                cpu, span, frames = run(idle)
                samples.append((cpu / 1e6 / max(1, frames), frames / span))
            per_frame_ms, rate = sorted(samples)[len(samples) // 2]
            if base is None:
                base = per_frame_ms
            print(f"| {name} | {idle} | {rate:.1f} | {per_frame_ms:.3f} ms | "
                  f"{per_frame_ms / base:.2f}x |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
