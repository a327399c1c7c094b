"""Bug (issue 13.3): `split --key` with a path no record has silently hashed
whole records, so records meant to stay together could land in train and
eval. A record without the key now stops the run (exit 3, FILE:LINE), unless
--keyless skip counts it as filtered:keyless. Repeated --key is a tuple, as
in dedup (split used to keep only the last one)."""
import json
import os

from harness import *  # noqa: F401,F403


class split_key_no_record_has(jsift_case):
    def test_missing_key_stops_the_run(self):
        r = self.run_jsift("split", "--key", ".conversation_idd", "-o", self.path("s"), CONV)
        self.assertEqual(r.rc, 3, r.err)
        self.assertRegex(r.err, r"conversations\.jsonl:1: ")
        self.assertIn("--keyless skip", r.err)
        self.assertFalse(os.path.exists(self.path("s/train.jsonl")))

    def test_keyless_skip(self):
        mixed = self.write("m.jsonl", '{"id":1}\n{"x":2}\n{"id":3}\n')
        r, rep = self.run_with_report("split", "--key", ".id", "--keyless", "skip", "-o", self.path("s"), mixed)
        self.assertEqual(rep["dispositions"]["filtered:keyless"], 1)
        self.assertEqual(rep["dispositions"]["kept"], 2)

    def test_repeated_key_is_a_tuple(self):
        recs = "".join(json.dumps({"a": i % 3, "b": i % 5, "n": i}) + "\n" for i in range(300))
        f = self.write("t.jsonl", recs)
        r = self.run_jsift("split", "--ratios", "x=0.5,y=0.5", "--key", ".a", "--key", ".b", "-o", self.path("s"), f)
        self.assertEqual(r.rc, 0, r.err)
        where = {}
        for name in ("x", "y"):
            for line in slurp(self.path("s/%s.jsonl" % name)).splitlines():
                rec = json.loads(line)
                where.setdefault((rec["a"], rec["b"]), set()).add(name)
        self.assertEqual(len(where), 15)
        self.assertTrue(all(len(v) == 1 for v in where.values()))
        # not the same as the last key alone: with only .b, a .b value is in one split
        by_b = {}
        for (a, b), splits in where.items():
            by_b.setdefault(b, set()).update(splits)
        self.assertTrue(any(len(v) == 2 for v in by_b.values()))
