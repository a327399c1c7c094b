"""jsift gate: every check passing and failing, the examples, config errors
with line numbers, the reports (JSON, Markdown, JUnit via xmllint), exit
codes, and determinism across -j."""
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

from harness import *  # noqa: F401,F403

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")


def rec(**kw):
    base = {"record_type": "chat", "outcome": "success", "input_parameters": {"persona_key": "p1", "topic": "t1"},
            "turns": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}] * 3}
    base.update(kw)
    return json.dumps(base)


# check type -> (config body, passing records, failing records)
CHECKS = {
    "invalid_lines": ("max = 0", [rec()], [rec(), "{broken"]),
    "records": ("min = 2\nmax = 3", [rec(), rec(id=1)], [rec()]),
    "line_bytes": ("max = 600", [rec()], [rec(pad="x" * 700)]),
    "turns": ('range = "5..10"', [rec()], [rec(), rec(turns=[{"role": "user", "content": "x"}])]),
    "unique": ('path = ".turns[-1].content"\nmin_ratio = 0.6',
               [rec(turns=[{"content": "a"}]), rec(turns=[{"content": "b"}])],
               [rec(turns=[{"content": "a"}]), rec(turns=[{"content": "a"}]), rec(turns=[{"content": "a"}])]),
    "mix": ('by = ".record_type"\ntarget = { chat = 0.5, qa = 0.5 }\ntolerance = 0.1',
            [rec(), rec(record_type="qa")], [rec(), rec(), rec(), rec(record_type="qa")]),
    "ratio": ('path = ".outcome"\nvalue = "success"\ntarget = 0.5\ntolerance = 0.02',
              [rec(), rec(outcome="failure")], [rec(), rec(), rec(outcome="failure")]),
    "required": ('fields = [".input_parameters.persona_key", ".outcome"]', [rec()], [rec(), rec(input_parameters={})]),
    "nonempty": ('path = ".turns[].content"', [rec()], [rec(turns=[{"content": "  "}])]),
    "duplicates": ("max_rate = 0.0", [rec(id=1), rec(id=2)], [rec(id=1), rec(id=1)]),
    "coverage": ('by = ".input_parameters.persona_key"\nmin = 1\nrequire = ["p1", "p2"]',
                 [rec(), rec(input_parameters={"persona_key": "p2"})], [rec()]),
    "consistent": ('path = ".topic"\nwith = ".pairs[].topic"',
                   [rec(topic="a", pairs=[{"topic": "a"}, {"topic": "a"}])],
                   [rec(topic="a", pairs=[{"topic": "a"}, {"topic": "b"}])]),
    "match": ('path = ".turns[].content"\nregex = "(?i)kill (myself|yourself)"',
              [rec()], [rec(turns=[{"content": "I want to KILL myself"}])]),
}


class gate_tests(jsift_case):
    def gate(self, config_text, records, *args):
        cfg = self.write("gate.toml", config_text)
        data = self.write("data.jsonl", "\n".join(records) + "\n")
        return self.run_jsift("gate", "--config", cfg, "--on-invalid", "skip", *args, data)

    def test_every_check_passes_and_fails(self):
        for ctype, (body, good, bad) in CHECKS.items():
            cfg = f'[[check]]\ntype = "{ctype}"\n{body}\n'
            r = self.gate(cfg, good)
            self.assertEqual(r.rc, 0, (ctype, r.out.decode(), r.err))
            self.assertIn(b"PASS", r.out)
            r = self.gate(cfg, bad)
            self.assertEqual(r.rc, 1, (ctype, r.out.decode(), r.err))
            self.assertIn(b"FAIL", r.out)

    def test_every_check_reports_its_figure_and_limits_as_numbers(self):
        # check type -> (value, limit, groups) on its failing records
        want = {
            "invalid_lines": (1, {"max": 0}, {}),
            "records": (1, {"min": 2, "max": 3}, {}),
            "line_bytes": (len(rec(pad="x" * 700).encode()), {"max": 600}, {}),
            "turns": (0.5, {"min": 1.0}, {}),
            "unique": (1 / 3, {"min": 0.6}, {}),
            "mix": (0.25, {"tolerance": 0.1}, {"chat": 0.75, "qa": 0.25}),
            "ratio": (2 / 3, {"target": 0.5, "tolerance": 0.02}, {}),
            "required": (1, {"max": 0}, {".input_parameters.persona_key": 1, ".outcome": 0}),
            "nonempty": (1, {"max": 0}, {}),
            "duplicates": (0.5, {"max": 0}, {}),
            "coverage": (1, {"min": 1}, {"p1": 1}),
            "consistent": (1, {"max": 0}, {}),
            "match": (1, {"max": 0}, {}),
        }
        self.assertEqual(set(want), set(CHECKS))
        for ctype, (body, good, bad) in CHECKS.items():
            cfg = f'[[check]]\ntype = "{ctype}"\n{body}\n'
            self.gate(cfg, bad, "--report-json", self.path("g.json"))
            c = json.loads(slurp(self.path("g.json")))["checks"][0]
            value, limit, groups = want[ctype]
            self.assertAlmostEqual(c["value"], value, 9, (ctype, c))
            self.assertEqual(c["limit"], limit, ctype)
            self.assertEqual(c["groups"], groups, ctype)
        # A check that measured nothing has no figure.
        self.gate('[[check]]\ntype = "unique"\npath = ".nowhere"\nmin_ratio = 0.5\n', [rec()], "--report-json", self.path("g.json"))
        c = json.loads(slurp(self.path("g.json")))["checks"][0]
        self.assertIsNone(c["value"])
        self.assertEqual(c["limit"], {"min": 0.5})
        # Per group: the worst group's figure, and each group's.
        self.gate('[[check]]\ntype = "unique"\npath = ".turns[-1].content"\nby = ".record_type"\nmin_ratio = 0.5\n',
                  [rec(turns=[{"content": "a"}]), rec(turns=[{"content": "a"}]), rec(record_type="qa", turns=[{"content": "b"}])],
                  "--report-json", self.path("g.json"))
        c = json.loads(slurp(self.path("g.json")))["checks"][0]
        self.assertEqual(c["groups"], {"chat": 0.5, "qa": 1.0})
        self.assertEqual(c["value"], 0.5)

    def test_examples_pass_and_fail(self):
        cases = {"chat-gate": "chat", "persona-coverage": "coverage", "metadata-consistency": "consistency", "safety": "safety"}
        for gate, data in cases.items():
            cfg = os.path.join(EXAMPLES, gate + ".toml")
            ok = self.run_jsift("gate", "--config", cfg, os.path.join(EXAMPLES, "data", data + "-pass.jsonl"))
            self.assertEqual(ok.rc, 0, (gate, ok.out.decode()))
            bad = self.run_jsift("gate", "--config", cfg, "--report-json", self.path(gate + ".json"),
                                 os.path.join(EXAMPLES, "data", data + "-fail.jsonl"))
            self.assertEqual(bad.rc, 1, (gate, bad.out.decode()))
        report = json.loads(slurp(self.path("chat-gate.json")))
        failed = sorted(c["name"] for c in report["checks"] if not c["passed"])
        self.assertEqual(failed, ["5-10 turns", "diverse outputs", "few duplicates", "metadata present", "no empty responses",
                                  "success/failure 60/40"])
        self.assertFalse(report["passed"])

    def test_config_errors_name_the_line(self):
        cases = [
            ('[[check]]\ntype = "unique"\npath = ".x"\nmin_rati = 0.2\n', "gate.toml:4:", "unknown key 'min_rati'"),
            ('[[check]]\ntype = "records"\nmin = "ten"\n', "gate.toml:3:", "'min' must be a whole number"),
            ('[[check]]\ntype = "frobnicate"\n', "gate.toml:2:", "unknown check type 'frobnicate'"),
            ('[[check]]\ntype = "ratio"\npath = ".o"\nvalue = "x"\n', "gate.toml:1:", "missing key 'target'"),
            ('\n[[check]]\ntype = "turns"\nrange = "5..10"\npath = "turns"\n', "gate.toml:5:", "invalid path"),
            ('[[check]]\ntype = "match"\npath = ".a"\nregex = "(unclosed"\n', "gate.toml:4:", "invalid regular expression"),
            ('[[check]]\ntype = "records"\nmin = 1\n[[check\n', "gate.toml:4:", ""),
            ('nmae = "x"\n[[check]]\ntype = "records"\nmin = 1\n', "gate.toml:1:", "unknown top-level key 'nmae'"),
            ('[[check]]\ntype = "records"\nmin = 1\n[[check]]\ntype = "records"\nmax = 5\n', "gate.toml:5:", "two checks are named 'records'"),
            ('name = "no checks"\n', "gate.toml", "no [[check]] tables"),
            ('[[check]]\ntype = "mix"\nby = ".t"\ntarget = { chat = "half" }\n', "gate.toml:4:", "'target.chat' must be a number"),
        ]
        for text, where, what in cases:
            r = self.gate(text, [rec()])
            self.assertEqual(r.rc, 2, (text, r.err))
            self.assertIn(where, r.err, text)
            self.assertIn(what, r.err, text)
            self.assertEqual(r.out, b"", text)  # nothing measured on a bad config

    def test_reports(self):
        cfg = os.path.join(EXAMPLES, "chat-gate.toml")
        data = os.path.join(EXAMPLES, "data", "chat-fail.jsonl")
        summary = self.write("summary.md", "# earlier step\n")
        env = dict(os.environ, GITHUB_STEP_SUMMARY=summary)
        proc = subprocess.run([JSIFT, "gate", "--config", cfg, "--junit", self.path("junit.xml"), "--report-md", self.path("r.md"),
                               "--report-json", self.path("r.json"), data], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.assertEqual(proc.returncode, 1)
        if shutil.which("xmllint"):
            lint = subprocess.run(["xmllint", "--noout", self.path("junit.xml")], stderr=subprocess.PIPE)
            self.assertEqual(lint.returncode, 0, lint.stderr)
        suite = ET.parse(self.path("junit.xml")).getroot().find("testsuite")
        cases = suite.findall("testcase")
        self.assertEqual(len(cases), 10)
        self.assertEqual(int(suite.get("failures")), 6)
        self.assertEqual(sum(1 for c in cases if c.find("failure") is not None), 6)
        md = slurp(self.path("r.md")).decode()
        self.assertIn("| 5-10 turns |", md)
        self.assertIn("**FAIL**", md)
        self.assertEqual(slurp(summary).decode(), "# earlier step\n" + md + "\n")  # a blank line after each report
        report = json.loads(slurp(self.path("r.json")))
        self.assertEqual(len(report["checks"]), 10)
        self.assertEqual(report["lines"], 52)

    def test_deterministic_across_threads(self):
        big = self.write("big.jsonl", slurp(os.path.join(EXAMPLES, "data", "chat-fail.jsonl")) * 40)
        cfg = os.path.join(EXAMPLES, "chat-gate.toml")
        outs = set()
        for j in ("-j1", "-j2", "-j8"):
            r = self.run_jsift("gate", "--config", cfg, j, "--chunk-bytes", "8K", "--report-json", self.path("r.json"), big)
            self.assertEqual(r.rc, 1)
            rep = json.loads(slurp(self.path("r.json")))
            outs.add((r.out, json.dumps(rep["checks"])))
        self.assertEqual(len(outs), 1)

    def test_distinct_counts_match_an_independent_count(self):
        # Counted on the workers in shared sets: the numbers must be the exact
        # ones, per group, for every thread count and chunk size.
        import random
        rng = random.Random(5)
        lines = [json.dumps({"record_type": "t%d" % rng.randrange(7), "out": "v%d" % rng.randrange(120),
                             "w": rng.randrange(2)}) for _ in range(4000)]
        data = self.write("d.jsonl", "\n".join(lines) + "\n")
        cfg = self.write("g.toml", '[[check]]\ntype = "unique"\npath = ".out"\nby = ".record_type"\nmin_ratio = 1.0\n'
                                   '[[check]]\ntype = "duplicates"\nmax_rate = 0.0\n')
        want = {}
        for line in lines:
            r = json.loads(line)
            want.setdefault(r["record_type"], []).append(r["out"])
        want_details = sorted("%s: %d distinct of %d" % (g, len(set(v)), len(v)) for g, v in want.items())
        want_dups = len(lines) - len(set(lines))
        self.assertGreater(want_dups, 0)
        for args in (("-j1",), ("-j2", "--chunk-bytes", "4K"), ("-j8", "--chunk-bytes", "1K")):
            r = self.run_jsift("gate", "--config", cfg, *args, "--report-json", self.path("r.json"), data)
            self.assertEqual(r.rc, 1, r.err)
            checks = json.loads(slurp(self.path("r.json")))["checks"]
            got = sorted(d.split(" (")[0] for d in checks[0]["details"])
            self.assertEqual(got, want_details, args)
            self.assertTrue(checks[1]["measured"].startswith("%d duplicates of %d " % (want_dups, len(lines))), checks[1]["measured"])

    def test_invalid_data_under_fail_is_exit_3(self):
        cfg = self.write("g.toml", '[[check]]\ntype = "records"\nmin = 1\n')
        r = self.run_jsift("gate", "--config", cfg, os.path.join(BAD, "malformed.jsonl"))
        self.assertEqual(r.rc, 3)
