"""Every command on every kind of bad input, under --on-invalid fail and
skip: the exit code, a FILE:LINE:COLUMN message in the words of a person, and
`lines == sum(dispositions)` whenever a report is written. A table, so a new
command or a new bad input is one more row."""
import os
import re

from harness import *  # noqa: F401,F403

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")

# (input file, lines of it that are invalid, is the damage fatal whatever the policy)
BAD_INPUTS = [
    ("malformed.jsonl", 1, False),
    ("invalid_utf8.jsonl", 1, False),
    ("not_object.jsonl", 2, False),
    ("mixed_invalid.jsonl", 3, False),
    ("long_line.jsonl", 1, False),
    ("truncated.jsonl.zst", None, True),
    ("truncated.jsonl.gz", None, True),
]
UNUSUAL_BUT_VALID = ["crlf.jsonl", "bom.jsonl", "no_final_newline.jsonl", "blank_lines.jsonl", "empty.jsonl"]
PLACE = re.compile(r"jsift: [^\n]*\.jsonl(\.zst|\.gz)?:\d+:\d+: \S")


class sweep(jsift_case):
    def commands(self):
        """Each command as argv after `jsift`, writing into this test's directory."""
        gate = self.write("gate.toml", '[[check]]\ntype = "records"\nmin = 0\n')
        pipeline = self.write("pipeline.toml", '[filter]\nbytes = "1.."\n[dedup]\n')
        return {
            "stats": ["stats", "--json"],
            "filter": ["filter", "-o", self.path("f.jsonl")],
            "dedup": ["dedup", "-o", self.path("d.jsonl")],
            "rebalance": ["rebalance", "--by", ".id", "--cap-all", "1", "-o", self.path("r.jsonl")],
            "sample": ["sample", "-n", "2", "-o", self.path("s.jsonl")],
            "split": ["split", "-o", self.path("splits")],
            "shard": ["shard", "--force", "-o", self.path("shards")],
            "gate": ["gate", "--config", gate],
            "run": ["run", "--force", "--config", pipeline, "-o", self.path("run")],
        }

    def check(self, name, argv, src, invalid, fatal, policy):
        report = self.path("report-%s.json" % name)
        if os.path.exists(report):
            os.remove(report)
        extra = ["--max-line-bytes", "4K"]
        r = self.run_jsift(*argv, *extra, "--on-invalid", policy, "--report", report, src)
        what = (name, os.path.basename(src), policy, r.err)
        if fatal or (invalid and policy == "fail"):
            self.assertEqual(r.rc, 3, what)
            self.assertRegex(r.err, PLACE, what)
            self.assertFalse(os.path.exists(report), what)  # no report vouching for a partial run
            return
        self.assertEqual(r.rc, 0, what)
        rep = json.loads(slurp(report))
        self.assert_accounting(rep)
        n_invalid = sum(v for k, v in rep["dispositions"].items() if k.startswith("invalid:"))
        self.assertEqual(n_invalid, invalid or 0, what)
        if invalid:
            self.assertRegex(r.err, PLACE, what)  # the skipped lines are named in warnings

    def test_bad_inputs_under_fail_and_skip(self):
        for name, argv in self.commands().items():
            for fname, invalid, fatal in BAD_INPUTS:
                for policy in ("fail", "skip"):
                    with self.subTest(command=name, input=fname, policy=policy):
                        self.check(name, argv, os.path.join(BAD, fname), invalid, fatal, policy)

    def test_unusual_valid_inputs(self):
        for name, argv in self.commands().items():
            for fname in UNUSUAL_BUT_VALID:
                with self.subTest(command=name, input=fname):
                    self.check(name, argv, os.path.join(BAD, fname), 0, False, "fail")
