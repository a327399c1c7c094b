"""Bugs (issue 13.8): --report-md wrote < and > unescaped (a check on
<think> became HTML on GitHub) and appended to $GITHUB_STEP_SUMMARY without a
blank line between reports; -q still drew the progress bar on a terminal;
unknown commands and flags got CLI11's bare messages; the ratio check refused
TOML numbers and booleans for `value`; plurals ("1 duplicates") and number
formats (1388 vs 1,388) were inconsistent."""
import os
import pty
import subprocess

from harness import *  # noqa: F401,F403


class reports_and_messages(jsift_case):
    def test_markdown_escapes_and_step_summary_separates(self):
        cfg = self.write("g.toml", '[[check]]\nname = "no <think> tags"\ntype = "match"\npath = ".turns[].content"\nregex = "<think>"\n')
        summary = self.write("summary.md", "")
        env = dict(os.environ, GITHUB_STEP_SUMMARY=summary)
        for _ in range(2):
            p = subprocess.run([JSIFT, "gate", "--config", cfg, "--report-md", self.path("r.md"), CONV],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
        md = slurp(self.path("r.md")).decode()
        self.assertIn("&lt;think&gt;", md)
        self.assertNotIn("<think>", md)
        text = slurp(summary).decode()
        self.assertEqual(text.count("## jsift gate"), 2)
        self.assertIn("\n\n## jsift gate", text)

    def test_quiet_draws_no_progress_bar(self):
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(JSIFT, [JSIFT, "filter", "-q", "-o", "/dev/null", CONV])
        out = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        self.assertNotIn(b"\r", out)

    def test_unknown_command_and_flag(self):
        r = self.run_jsift("stat", CONV)
        self.assertEqual(r.rc, 2)
        self.assertIn("jsift: unknown command 'stat' (did you mean 'stats'?)", r.err)
        r = self.run_jsift("filter", "--turn", "5..10", CONV)
        self.assertEqual(r.rc, 2)
        self.assertIn("unknown option '--turn' (did you mean '--turns'?)", r.err)

    def test_ratio_value_takes_numbers_and_booleans(self):
        f = self.write("r.jsonl", '{"ok":true,"score":1}\n{"ok":false,"score":2}\n{"ok":true,"score":1.0}\n')
        # a TOML string is a string: "1" matches no number (as a number it would be 2/3 and fail)
        for value, share in (("true", 2 / 3), ("1", 2 / 3), ('"1"', 0.0)):
            cfg = self.write("g.toml", '[[check]]\ntype = "ratio"\npath = "%s"\nvalue = %s\ntarget = %f\ntolerance = 0.01\n'
                             % (".ok" if value == "true" else ".score", value, share))
            r = self.run_jsift("gate", "--config", cfg, f)
            self.assertEqual(r.rc, 0, (value, r.out, r.err))

    def test_plurals_and_thousands(self):
        one = self.write("one.jsonl", '{"a":1}\n{"a":1}\n')
        r = self.run_jsift("dedup", "--count-only", one)
        self.assertIn("1 duplicate ", r.out.decode())
        big = self.write("big.jsonl", '{"a":1}\n' * 1388)
        r = self.run_jsift("dedup", "--count-only", big)
        self.assertIn("1,388 records, 1,387 duplicates", r.out.decode())
        cfg = self.write("g.toml", '[[check]]\ntype = "records"\nmin = 1\n')
        r = self.run_jsift("gate", "--config", cfg, one)
        self.assertIn(b"gate passed: 1 check\n", r.out)
