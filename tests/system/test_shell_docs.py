"""The man page and shell completions that `jsift --generate` writes from the
command table: they parse in their shells, list every command and flag the
binary takes, complete values where the flag has a closed set, and
`cmake --install` puts them where man, bash, zsh and fish look."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import *  # noqa: F401,F403

BUILD = os.environ.get("JSIFT_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
COMMANDS = ["stats", "filter", "dedup", "rebalance", "sample", "split", "shard", "verify", "gate", "run"]


def generate(kind):
    r = subprocess.run([JSIFT, "--generate", kind], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return r.stdout.decode()


def help_flags(command):
    """Every --long flag that `jsift COMMAND --help` lists."""
    out = subprocess.run([JSIFT, command, "--help"], stdout=subprocess.PIPE, check=True).stdout.decode()
    return set(re.findall(r"(--[a-z][a-z-]+)", out)) - {"--help"}


def need(tool):
    if shutil.which(tool) is None:
        raise unittest.SkipTest("%s is not installed (scripts/setup.sh installs it)" % tool)


class shell_docs(jsift_case):
    def script(self, kind, name):
        return self.write(name, generate(kind))

    def test_bash_parses_registers_and_completes(self):
        f = self.script("complete-bash", "jsift.bash")
        self.assertEqual(subprocess.run(["bash", "-n", f]).returncode, 0)
        prog = r'''
source "$1"
complete -p jsift
complete_at() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _jsift; echo "${COMPREPLY[*]}"; }
complete_at jsift sta
complete_at jsift stats --for
complete_at jsift stats --format ""
complete_at jsift shard --compress ""
complete_at jsift ""
'''
        r = subprocess.run(["bash", "-c", prog, "bash", f], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.decode().splitlines()
        self.assertIn("complete -o filenames -F _jsift jsift", lines[0])
        self.assertEqual(lines[1], "stats")
        self.assertEqual(lines[2], "--format")
        self.assertEqual(lines[3].split(), ["auto", "table", "json"])
        self.assertEqual(lines[4].split(), ["zstd", "none"])
        self.assertTrue(set(COMMANDS) <= set(lines[5].split()), lines[5])

    def test_zsh_parses_and_lists_every_command(self):
        need("zsh")
        f = self.script("complete-zsh", "_jsift")
        r = subprocess.run(["zsh", "-n", f], stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = slurp(f).decode()
        self.assertTrue(text.startswith("#compdef jsift"))
        for c in COMMANDS:
            self.assertIn("'%s:" % c, text)

    def test_fish_parses_and_completes(self):
        need("fish")
        f = self.script("complete-fish", "jsift.fish")
        r = subprocess.run(["fish", "-n", f], stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = subprocess.run(["fish", "-c", "source %s; complete -C 'jsift sta'; complete -C 'jsift stats --format '" % f],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stderr)
        words = [l.split("\t")[0] for l in r.stdout.decode().splitlines()]
        self.assertIn("stats", words)
        self.assertTrue({"auto", "table", "json"} <= set(words), words)

    def test_every_flag_of_every_command_is_in_each_script_and_the_man_page(self):
        scripts = {k: generate(k) for k in ("man", "complete-bash", "complete-zsh", "complete-fish")}
        for c in COMMANDS:
            for flag in help_flags(c):
                name = flag[2:]
                self.assertIn(name.replace("-", "\\-"), scripts["man"], (c, flag))
                self.assertIn(flag, scripts["complete-bash"], (c, flag))
                self.assertIn(flag, scripts["complete-zsh"], (c, flag))
                self.assertRegex(scripts["complete-fish"], r"from %s' .*-l %s " % (c, re.escape(name)))

    def test_man_renders_without_warnings(self):
        need("man")
        f = self.script("man", "jsift.1")
        r = subprocess.run(["man", "-l", f], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=dict(os.environ, MANPAGER="cat", MANWIDTH="100"))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        self.assertIn("JSIFT(1)", out)
        for c in COMMANDS:
            self.assertIn("jsift " + c, out)
        self.assertIn("EXIT STATUS", out)
        if shutil.which("groff"):
            g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", f], stderr=subprocess.PIPE)
            self.assertEqual(g.stderr, b"", g.stderr)

    def test_cmake_install_puts_everything_in_place(self):
        if not os.path.exists(os.path.join(BUILD, "cmake_install.cmake")):
            self.skipTest("no build directory at %s" % BUILD)
        prefix = self.path("prefix")
        r = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stderr)
        for rel in ("bin/jsift", "share/man/man1/jsift.1", "share/bash-completion/completions/jsift",
                    "share/zsh/vendor-completions/_jsift", "share/fish/vendor_completions.d/jsift.fish"):
            self.assertTrue(os.path.isfile(os.path.join(prefix, rel)), rel)
        installed = subprocess.run([os.path.join(prefix, "bin/jsift"), "--version"], stdout=subprocess.PIPE)
        self.assertEqual(installed.returncode, 0)
        self.assertEqual(slurp(os.path.join(prefix, "share/man/man1/jsift.1")).decode(), generate("man"))
