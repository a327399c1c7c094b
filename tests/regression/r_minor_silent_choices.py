"""Bugs (issue 12, minor): non-regular `*.jsonl` entries in an input
directory were skipped without a word; `shard --max-bytes 0` silently meant
no limit; valid JSON nested deeper than simdjson's 1024 levels was reported
as json_syntax. Now skipped entries are listed (`skipped_inputs` in
--report, and a warning), `--max-bytes 0` is a usage error, and deep nesting
is `invalid:depth` with the limit in the message."""
import os

from harness import *  # noqa: F401,F403


class minor_silent_choices(jsift_case):
    def test_non_regular_entries_are_listed(self):
        d = self.path("d")
        os.makedirs(d)
        self.write("d/a.jsonl", '{"a":1}\n')
        os.mkfifo(os.path.join(d, "b.jsonl"))
        os.makedirs(os.path.join(d, "c.jsonl"))
        self.write("d/c.jsonl/x.jsonl", '{"x":1}\n')
        r, rep = self.run_with_report("filter", "-o", "/dev/null", d)
        self.assertEqual(rep["lines"], 2)
        skipped = rep["skipped_inputs"]
        self.assertEqual([s["path"] for s in skipped], [os.path.join(d, "b.jsonl")])
        self.assertIn("not a regular file", skipped[0]["reason"])
        self.assertIn("b.jsonl", r.err)

    def test_max_bytes_zero(self):
        r = self.run_jsift("shard", "-o", self.path("s"), "--max-bytes", "0", CONV)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("--max-bytes", r.err)

    def test_deep_nesting_is_invalid_depth(self):
        deep = '{"a":' + "[" * 1100 + "]" * 1100 + "}"
        f = self.write("deep.jsonl", '{"ok":1}\n' + deep + "\n")
        r, rep = self.run_with_report("stats", "--json", "--on-invalid", "skip", f)
        self.assertEqual(rep["dispositions"].get("invalid:depth"), 1, rep)
        self.assertIn("1024", rep["invalid"]["first"][0]["message"])
        r = self.run_jsift("stats", "--json", f)
        self.assertEqual(r.rc, 3)
        self.assertIn("deep.jsonl:2:", r.err)
