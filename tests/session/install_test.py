#!/usr/bin/env python3
"""`meson install --destdir` puts the binaries, the launcher, the session file, the systemd
target, the examples and the man pages where they belong.

Environment (set by meson): MESON (the meson command), BUILD_ROOT, PREFIX, BINDIR, DATADIR,
MANDIR, SCDOC_FOUND.
"""
import os
import pathlib
import shlex
import subprocess
import sys
import tempfile
import unittest


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="prism-install-test-")
        destdir = pathlib.Path(cls.tmp.name)
        result = subprocess.run(
            shlex.split(os.environ["MESON"]) + ["install", "-C", os.environ["BUILD_ROOT"],
                                                "--no-rebuild", "--destdir", str(destdir)],
            capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise AssertionError("meson install failed:\n" + result.stdout + result.stderr)
        prefix = pathlib.Path(os.environ["PREFIX"])
        cls.root = destdir / prefix.relative_to("/")

        def under(option):
            path = pathlib.Path(os.environ[option])
            return path if path.is_absolute() else prefix / path

        cls.bindir = destdir / under("BINDIR").relative_to("/")
        cls.datadir = destdir / under("DATADIR").relative_to("/")
        cls.mandir = destdir / under("MANDIR").relative_to("/")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def assertExecutable(self, path):
        self.assertTrue(path.is_file(), path)
        self.assertTrue(os.access(path, os.X_OK), path)

    def test_binaries_and_launcher(self):
        for name in ("prism", "prismctl", "prism-session"):
            self.assertExecutable(self.bindir / name)
        # The installed launcher runs the installed prism, not the one in the build tree.
        launcher = (self.bindir / "prism-session").read_text()
        installed_prism = pathlib.Path(os.environ["PREFIX"]) / os.environ["BINDIR"] / "prism"
        self.assertIn(f"prism='{installed_prism}'", launcher)
        self.assertNotIn(os.environ["BUILD_ROOT"], launcher)

    def test_session_file_runs_the_launcher(self):
        desktop = (self.datadir / "wayland-sessions" / "prism.desktop").read_text().splitlines()
        self.assertIn("[Desktop Entry]", desktop)
        self.assertIn("Exec=prism-session", desktop)
        self.assertIn("DesktopNames=prism", desktop)

    def test_systemd_target_is_bound_to_the_graphical_session(self):
        target = self.root / "lib" / "systemd" / "user" / "prism-session.target"
        lines = target.read_text().splitlines()
        self.assertIn("BindsTo=graphical-session.target", lines)

    def test_examples(self):
        examples = self.datadir / "prism" / "examples"
        for name in ("prism.toml", "vms/work.toml", "vms/personal.toml", "vms/untrusted.toml"):
            path = examples / name
            self.assertTrue(path.is_file() and path.stat().st_size > 0, path)

    def test_man_pages(self):
        self.assertEqual(os.environ.get("SCDOC_FOUND"), "true",
                         "scdoc was not found at setup, so no man page was built "
                         "(scripts/deps.sh installs it)")
        for page in ("man1/prism.1", "man1/prismctl.1", "man1/prism-session.1", "man5/prism.5",
                     "man5/prism-vm.5"):
            path = self.mandir / page
            self.assertTrue(path.is_file(), path)
            text = path.read_text()
            name = path.stem
            section = path.suffix[1:]
            self.assertRegex(text, rf'(?m)^\.TH "{name}" "{section}"', path)


if __name__ == "__main__":
    sys.argv[1:] = []
    unittest.main(verbosity=2)
