"""Bug (issue 13.1): a gate check whose path reached nothing passed: a typo
(`.history[-1].bott` in unique and match, `.turns[].contnet` in nonempty) gave
"no values ... PASS" / "0 records match ... PASS". A check whose path, by,
with or fields path reaches no value in any record, or that saw no record,
now fails and says so, with the path's coverage in the details, unless it
opts out with allow_missing = true. The same holds in `jsift run`."""
import json
import os

from harness import *  # noqa: F401,F403

TYPO_CHECKS = {
    "unique": 'type = "unique"\npath = ".history[-1].bott"\nmin_ratio = 0.5\n',
    "match": 'type = "match"\npath = ".history[-1].bott"\nregex = "kill"\n',
    "nonempty": 'type = "nonempty"\npath = ".turns[].contnet"\n',
    "mix": 'type = "mix"\nby = ".recrd_type"\ntarget = { chat = 1.0 }\ntolerance = 1.0\n',
    "coverage": 'type = "coverage"\nby = ".persona"\nmin = 0\n',
    "ratio": 'type = "ratio"\npath = ".outcom"\nvalue = "success"\ntarget = 0.0\ntolerance = 1.0\n',
    "consistent": 'type = "consistent"\npath = ".record_type"\nwith = ".typo"\n',
    "turns": 'type = "turns"\nrange = "0.."\npath = ".turnz"\nmin_share = 0.0\n',
    "unique by": 'type = "unique"\npath = ".record_type"\nby = ".kind"\nmin_ratio = 0.0\n',
}


class gate_check_that_measured_nothing(jsift_case):
    def gate(self, body, *inputs):
        cfg = self.write("g.toml", "[[check]]\n" + body)
        rep = self.path("g.json")
        r = self.run_jsift("gate", "--config", cfg, "--report-json", rep, *(inputs or (CONV,)))
        return r, (json.loads(slurp(rep)) if os.path.exists(rep) else None)

    def test_each_check_type_fails_on_a_path_that_reaches_nothing(self):
        for name, body in TYPO_CHECKS.items():
            with self.subTest(check=name):
                r, rep = self.gate(body)
                self.assertEqual(r.rc, 1, (name, r.out, r.err))
                self.assertIn(b"measured nothing", r.out)
                c = rep["checks"][0]
                self.assertFalse(c["passed"])
                self.assertTrue(any("in 0 of 240 records" in d for d in c["details"]), c)

    def test_allow_missing_opts_out(self):
        r, rep = self.gate(TYPO_CHECKS["match"] + "allow_missing = true\n")
        self.assertEqual(r.rc, 0, (r.out, r.err))

    def test_no_records_at_all(self):
        empty = self.write("empty.jsonl", "")
        r, rep = self.gate('type = "unique"\npath = ".turns[-1].content"\nmin_ratio = 0.5\n', empty)
        self.assertEqual(r.rc, 1, r.out)
        self.assertIn(b"no records", r.out)

    def test_a_path_present_in_some_records_still_measures(self):
        r, rep = self.gate('type = "nonempty"\npath = ".turns[].content"\n')  # pairs.jsonl has no turns: CONV only
        self.assertEqual(r.rc, 0, r.out)

    def test_run_applies_the_same_rule(self):
        cfg = self.write("p.toml", '[[check]]\n' + TYPO_CHECKS["unique"])
        r = self.run_jsift("run", "--config", cfg, "-o", self.path("out"), CONV)
        self.assertEqual(r.rc, 1, (r.out, r.err))
        self.assertIn(b"measured nothing", r.out)
