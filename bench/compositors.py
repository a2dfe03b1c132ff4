"""What the benchmarks that run a compositor share: prism or sway started headless with the
pixman renderer and one 1280x720 output in a private runtime dir, and the CPU time of a process.
"""
import contextlib
import glob
import os
import subprocess
import time


def cpu_ns(pid):
    """Nanoseconds `pid` has run on a CPU, all its threads (from /proc/PID/task/*/schedstat)."""
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError):
            pass  # a thread that just ended
    return total


def wait_for(predicate, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def runtime_env(tmp, extra=None):
    """A private runtime dir under `tmp`, and the environment of a headless pixman compositor."""
    runtime = os.path.join(tmp, "runtime")
    os.mkdir(runtime, 0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=runtime, WLR_BACKENDS="headless",
               WLR_RENDERER="pixman", **(extra or {}))
    for name in ("WAYLAND_DISPLAY", "DISPLAY", "PRISM_SOCKET", "SWAYSOCK"):
        env.pop(name, None)
    return runtime, env


@contextlib.contextmanager
def prism(binary, tmp, vms, log=subprocess.DEVNULL):
    """prism with one VM per `vms` entry (name: colour); yields (process, {name: socket}, env)."""
    runtime, env = runtime_env(tmp)
    config = os.path.join(tmp, "config")
    os.makedirs(os.path.join(config, "vms"))
    with open(os.path.join(config, "prism.toml"), "w") as f:
        f.write("[headless]\noutputs = 1\nwidth = 1280\nheight = 720\n")
    for name, colour in vms.items():
        with open(os.path.join(config, "vms", f"{name}.toml"), "w") as f:
            f.write(f'name = "{name}"\ncolour = "{colour}"\n')
    proc = subprocess.Popen([binary, "--config", config], env=env, stdout=log,
                            stderr=subprocess.STDOUT if log != subprocess.DEVNULL else log)
    try:
        sockets = {name: os.path.join(runtime, f"wayland-vm-{name}") for name in vms}
        wait_for(lambda: all(os.path.exists(s) for s in sockets.values()), "prism's VM sockets")
        yield proc, sockets, env
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextlib.contextmanager
def sway(binary, tmp, config_lines=()):
    """sway (the peer; it has no VMs, so every client shares its one socket) with `config_lines`
    added to its config; yields (process, socket, env)."""
    runtime, env = runtime_env(tmp, {"WLR_HEADLESS_OUTPUTS": "1", "WLR_LIBINPUT_NO_DEVICES": "1"})
    config = os.path.join(tmp, "sway.conf")
    with open(config, "w") as f:
        f.write("xwayland disable\noutput HEADLESS-1 mode 1280x720\n")
        for line in config_lines:
            f.write(line + "\n")
    proc = subprocess.Popen([binary, "--unsupported-gpu", "-c", config], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        sockets = wait_for(lambda: [p for p in glob.glob(os.path.join(runtime, "wayland-*"))
                                    if not p.endswith(".lock")], "sway's socket")
        yield proc, sockets[0], env
    finally:
        proc.terminate()
        proc.wait(timeout=20)
