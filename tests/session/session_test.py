#!/usr/bin/env python3
"""prism-session against a real headless prism, with stub systemctl and
dbus-update-activation-environment on PATH that record what they are asked.

Environment (set by meson): PRISM_SESSION (the launcher, running this build's prism),
PRISMCTL_BIN, PRISM_TEST_OUTPUT (where logs are kept).
"""
import os
import pathlib
import shutil
import stat
import subprocess
import tempfile
import time
import unittest

SESSION = os.environ["PRISM_SESSION"]
PRISMCTL = os.environ["PRISMCTL_BIN"]
OUTPUT = pathlib.Path(os.environ.get("PRISM_TEST_OUTPUT", tempfile.gettempdir()))
TIMEOUT = 60  # seconds; prism is built with sanitizers

# Each stub appends one line per call, and one line per variable it was asked to import with
# the value that variable has in the stub's own environment (what the real tool would import).
SYSTEMCTL_STUB = r"""#!/bin/sh
printf 'systemctl %s\n' "$*" >>"$STUB_LOG"
[ "$1" = --user ] || exit 1
case "$2" in
show-environment)
    if [ -n "${STUB_NO_MANAGER:-}" ]; then
        echo "Failed to connect to bus: No medium found" >&2
        exit 1
    fi
    ;;
import-environment)
    shift 2
    for name in "$@"; do
        printf 'systemctl-env %s=%s\n' "$name" "$(printenv "$name")" >>"$STUB_LOG"
    done
    ;;
esac
exit 0
"""
DBUS_STUB = r"""#!/bin/sh
printf 'dbus-update-activation-environment %s\n' "$*" >>"$STUB_LOG"
for name in "$@"; do
    case "$name" in
    --*) ;;
    *) printf 'dbus-env %s=%s\n' "$name" "$(printenv "$name")" >>"$STUB_LOG" ;;
    esac
done
exit 0
"""


def write_executable(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def eventually(condition, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class SessionTest(unittest.TestCase):
    def setUp(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="prism-session-test-"))
        self.runtime = self.dir / "runtime"
        self.runtime.mkdir(mode=0o700)
        self.config = self.dir / "config"
        (self.config / "vms").mkdir(parents=True)
        (self.config / "prism.toml").write_text("[headless]\nwidth = 640\nheight = 480\n")
        (self.config / "vms" / "work.toml").write_text('name = "work"\ncolour = "blue"\n')
        self.bin = self.dir / "bin"
        self.bin.mkdir()
        self.log = self.dir / "calls.log"
        self.log.touch()
        self.launcher = None
        self.stderr_path = OUTPUT / f"{self.id().split('.')[-1]}.log"
        OUTPUT.mkdir(parents=True, exist_ok=True)

    def tearDown(self):
        if self.launcher is not None and self.launcher.poll() is None:
            self.launcher.terminate()
            try:
                self.launcher.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.launcher.kill()
                self.launcher.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self, path, **extra):
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("WAYLAND_DISPLAY", "DISPLAY", "PRISM_SOCKET", "XDG_CURRENT_DESKTOP",
                           "XDG_SESSION_DESKTOP", "XDG_SESSION_TYPE", "DBUS_SESSION_BUS_ADDRESS")
        }
        env.update(
            PATH=path,
            HOME=str(self.dir),
            XDG_RUNTIME_DIR=str(self.runtime),
            WLR_BACKENDS="headless",
            WLR_RENDERER="pixman",
            WLR_LIBINPUT_NO_DEVICES="1",
            STUB_LOG=str(self.log),
        )
        env.update(extra)
        return env

    def start(self, env):
        self.stderr = open(self.stderr_path, "w")
        self.addCleanup(self.stderr.close)
        self.launcher = subprocess.Popen(
            ["/bin/sh", SESSION, "--config", str(self.config)],
            env=env, stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr)

    def calls(self):
        return self.log.read_text().splitlines()

    def session_output(self):
        return self.stderr_path.read_text()

    def imported(self, prefix):
        values = {}
        for line in self.calls():
            if line.startswith(prefix + " "):
                name, _, value = line[len(prefix) + 1:].partition("=")
                values[name] = value
        return values

    def quit_prism(self, socket):
        result = subprocess.run([PRISMCTL, "--socket", str(socket), "quit"],
                                capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        # prism-session execs prism: the session's exit status is prism's.
        self.assertEqual(self.launcher.wait(TIMEOUT), 0, self.session_output())

    def start_with_user_manager(self, **extra_env):
        write_executable(self.bin / "systemctl", SYSTEMCTL_STUB)
        write_executable(self.bin / "dbus-update-activation-environment", DBUS_STUB)
        self.start(self.env(f"{self.bin}:/usr/bin:/bin", **extra_env))
        self.assertTrue(eventually(lambda: self.START in self.calls()),
                        f"{self.calls()}\n{self.session_output()}")

    def assertStoppedAfterStart(self):
        self.assertTrue(eventually(lambda: self.STOP in self.calls()),
                        f"{self.calls()}\n{self.session_output()}")
        calls = self.calls()
        self.assertLess(calls.index(self.START), calls.index(self.STOP))
        # The variables leave the user manager after the target stopped.
        self.assertTrue(eventually(lambda: any(
            c.startswith("systemctl --user unset-environment") for c in self.calls())))
        calls = self.calls()
        unset = [c for c in calls if c.startswith("systemctl --user unset-environment")]
        self.assertEqual(len(unset), 1, calls)
        self.assertLess(calls.index(self.STOP), calls.index(unset[0]))
        for name in ("WAYLAND_DISPLAY", "PRISM_SOCKET", "XDG_CURRENT_DESKTOP"):
            self.assertIn(name, unset[0].split())

    START = "systemctl --user start prism-session.target"
    STOP = "systemctl --user stop prism-session.target"

    def test_imports_the_environment_and_starts_then_stops_the_target(self):
        self.start_with_user_manager()
        env = self.imported("systemctl-env")
        self.assertRegex(env.get("WAYLAND_DISPLAY", ""), r"^wayland-[0-9]+$", env)
        self.assertTrue((self.runtime / env["WAYLAND_DISPLAY"]).is_socket())
        self.assertEqual(env.get("XDG_CURRENT_DESKTOP"), "prism")
        self.assertEqual(env.get("XDG_SESSION_TYPE"), "wayland")
        self.assertEqual(env.get("XDG_SESSION_DESKTOP"), "prism")
        self.assertEqual(env.get("PRISM_SOCKET"), str(self.runtime / "prism-ipc.sock"))
        self.assertTrue(pathlib.Path(env["PRISM_SOCKET"]).is_socket())
        # The D-Bus activation environment gets the same values, and passes them on to systemd.
        self.assertEqual(self.imported("dbus-env"), env)
        dbus_calls = [c for c in self.calls() if c.startswith("dbus-update-activation-environment")]
        self.assertEqual(len(dbus_calls), 1, self.calls())
        self.assertIn("--systemd", dbus_calls[0].split())
        # The environment is in place before the target starts its units.
        calls = self.calls()
        import_call = next(i for i, c in enumerate(calls) if "import-environment" in c)
        self.assertLess(import_call, calls.index(self.START))
        # While prism runs, nothing is stopped.
        time.sleep(1.5)
        self.assertNotIn(self.STOP, self.calls())
        self.assertIsNone(self.launcher.poll())

        self.quit_prism(env["PRISM_SOCKET"])
        self.assertStoppedAfterStart()

    def test_a_signal_that_ends_the_session_stops_the_target(self):
        # Started from a text console: logind's session type is not the one services need; a
        # session name the display manager chose stays.
        self.start_with_user_manager(XDG_SESSION_TYPE="tty", XDG_SESSION_DESKTOP="prism-dm")
        env = self.imported("systemctl-env")
        self.assertEqual(env.get("XDG_SESSION_TYPE"), "wayland")
        self.assertEqual(env.get("XDG_SESSION_DESKTOP"), "prism-dm")
        self.launcher.terminate()  # what a display manager does at logout
        self.assertEqual(self.launcher.wait(TIMEOUT), 0, self.session_output())
        self.assertStoppedAfterStart()

    def test_without_a_user_manager_prism_still_starts_and_says_why(self):
        write_executable(self.bin / "systemctl", SYSTEMCTL_STUB)
        write_executable(self.bin / "dbus-update-activation-environment", DBUS_STUB)
        self.start(self.env(f"{self.bin}:/usr/bin:/bin", STUB_NO_MANAGER="1"))

        self.assertTrue(eventually(lambda: len(self.imported("dbus-env")) == 5),
                        f"{self.calls()}\n{self.session_output()}")
        self.assertIn("no systemd user manager answers 'systemctl --user'", self.session_output())
        self.assertIn("without importing the session environment", self.session_output())
        # Only the D-Bus activation environment, and not through systemd.
        env = self.imported("dbus-env")
        self.assertEqual(env.get("XDG_CURRENT_DESKTOP"), "prism")
        self.assertEqual(env.get("PRISM_SOCKET"), str(self.runtime / "prism-ipc.sock"))
        self.assertRegex(env.get("WAYLAND_DISPLAY", ""), r"^wayland-[0-9]+$")
        dbus_calls = [c for c in self.calls() if c.startswith("dbus-update-activation-environment")]
        self.assertNotIn("--systemd", dbus_calls[0].split())

        self.quit_prism(self.runtime / "prism-ipc.sock")
        self.assertEqual(
            [c for c in self.calls() if c.startswith("systemctl")],
            ["systemctl --user show-environment"])

    def test_without_systemctl_prism_still_starts_and_says_why(self):
        # A PATH with the tools the launcher uses, but no systemctl and no D-Bus tool.
        for tool in ("sed",):
            (self.bin / tool).symlink_to(shutil.which(tool, path="/usr/bin:/bin"))
        self.start(self.env(str(self.bin)))
        socket = self.runtime / "prism-ipc.sock"
        self.assertTrue(eventually(socket.is_socket), self.session_output())
        self.assertIn("systemctl not found", self.session_output())
        self.quit_prism(socket)
        self.assertEqual(self.calls(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
