#!/usr/bin/env python3
"""The man pages cannot silently drift from the programs: every option `prism --help` lists
is in prism(1), every command and option `prismctl --help` lists is in prismctl(1), and every
key and table the configuration loader accepts (its check_unknown_keys lists) is in prism(5)
or prism-vm(5).

Environment (set by meson): PRISM_BIN, PRISMCTL_BIN, MAN_SOURCE_DIR (docs/man),
CONFIG_SOURCE_DIR (config/).
"""
import os
import pathlib
import re
import subprocess
import unittest

MAN = pathlib.Path(os.environ["MAN_SOURCE_DIR"])
CONFIG = pathlib.Path(os.environ["CONFIG_SOURCE_DIR"])


def help_text(binary):
    result = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def options(text):
    """Every -x and --long option in a --help text."""
    return sorted(set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", text)))


def section(text, header):
    """The indented lines after `header` up to the next blank line."""
    lines = text.split(header, 1)[1].splitlines()[1:]
    return "\n".join(lines[: lines.index("")] if "" in lines else lines)


class ManPagesTest(unittest.TestCase):
    def assertDocumentsOption(self, page, option):
        # An option is documented where it is written in bold, alone or in a list such as
        # *-c, --config* DIR.
        text = (MAN / page).read_text()
        pattern = rf"(?m)^\*([^*\n]*[ ,])?{re.escape(option)}(,[^*\n]*)?\*"
        self.assertIsNotNone(re.search(pattern, text), f"{page} does not document {option}")

    def test_prism_options(self):
        found = options(help_text(os.environ["PRISM_BIN"]))
        self.assertGreaterEqual(len(found), 10, found)  # -c --config ... -h --help
        for option in found:
            self.assertDocumentsOption("prism.1.scd", option)

    def test_prismctl_commands_and_options(self):
        text = help_text(os.environ["PRISMCTL_BIN"])
        commands = re.findall(r"(?m)^  ([a-z]+) ", section(text, "Commands:"))
        self.assertGreaterEqual(len(commands), 6, text)
        page = (MAN / "prismctl.1.scd").read_text()
        documented = page.split("# COMMANDS", 1)[1].split("\n# ", 1)[0]
        for command in commands:
            self.assertIsNotNone(re.search(rf"(?m)^\*{command}\*$", documented),
                                 f"prismctl.1.scd does not document the command {command}")
        found = options(section(text, "Options:"))
        self.assertGreaterEqual(len(found), 4, found)
        for option in found:
            self.assertDocumentsOption("prismctl.1.scd", option)

    def assertDocumentsConfig(self, source, page):
        """Every check_unknown_keys(reporter, TABLE, "name", {"key", ...}) call in `source`:
        its table is documented as *[name]* (or *[[name]]*), each key in bold."""
        code = (CONFIG / source).read_text()
        text = (MAN / page).read_text()
        calls = re.findall(
            r'check_unknown_keys\(\s*reporter,\s*[*\w]+,\s*("[\w.]*"|\w+),\s*\{([^}]*)\}',
            code)
        self.assertGreaterEqual(len(calls), 5, source)
        for table, keys in calls:
            # A string literal names the table ("" is the top level); a variable (the prefix
            # of [[output]] entries, [vmbridge]) leaves only the keys to check.
            literal = table.startswith('"')
            table = table.strip('"')
            keys = re.findall(r'"(\w+)"', keys)
            self.assertTrue(keys, table)
            for key in keys:
                if not table and re.search(rf"\*\[\[?{key}\]\]?\*", text):
                    continue  # a top-level table, documented as [key] or [[key]]
                self.assertIsNotNone(re.search(rf"\*{key}\*", text),
                                     f"{page} does not document the key '{key}' "
                                     f"(table {table or 'top level'} in {source})")
            if literal and table:
                self.assertIsNotNone(re.search(rf"\*\[{table}\]\*", text),
                                     f"{page} does not document the table [{table}]")

    def test_prism_toml_keys(self):
        self.assertDocumentsConfig("main_config.cpp", "prism.5.scd")

    def test_vm_file_keys(self):
        self.assertDocumentsConfig("vm.cpp", "prism-vm.5.scd")

    def test_vm_limits_keys(self):
        """Every [limits] key of vm.cpp's kLimitKeys table is in prism-vm(5) and config.md."""
        code = (CONFIG / "vm.cpp").read_text()
        text = (MAN / "prism-vm.5.scd").read_text()
        markdown = (MAN.parent / "config.md").read_text()
        keys = re.findall(r'\{"(\w+)",\s*\d+,\s*\d+,\s*&VmLimits::', code)
        self.assertGreaterEqual(len(keys), 4, keys)
        self.assertIsNotNone(re.search(r"\*\[limits\]\*", text))
        for key in keys:
            self.assertIsNotNone(re.search(rf"\*{key}\*", text), f"prism-vm.5.scd: {key}")
            self.assertIn(f"| `{key}`", markdown, f"config.md: {key}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
