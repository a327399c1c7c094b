"""Bug (issue 13.4): `stats` counted byte-identical lines as duplicates while
`dedup` and the gate's `duplicates` check compared JSON values, and
--normalize switched stats silently. The default is JSON values everywhere
now; `stats --duplicates bytes` keeps the one-pass hash of the line bytes;
the report's duplicates.compare says which."""
from harness import *  # noqa: F401,F403


class duplicates_meant_two_things(jsift_case):
    def test(self):
        f = self.write("d.jsonl", '{"a":1,"b":2}\n{ "b":2, "a":1.0 }\n{"a":1,"b":2}\n{"a":2}\n')
        r = self.run_jsift("stats", "--json", f)
        d = r.json()["duplicates"]
        self.assertEqual((d["compare"], d["duplicates"]), ("value", 2))
        r = self.run_jsift("stats", "--json", "--duplicates", "bytes", f)
        d = r.json()["duplicates"]
        self.assertEqual((d["compare"], d["duplicates"]), ("bytes", 1))
        dd = self.run_jsift("dedup", "--count-only", f)
        self.assertIn("2 duplicates", dd.out.decode())
        r = self.run_jsift("stats", "--duplicates", "bytes", "--normalize", "ws", f)
        self.assertEqual(r.rc, 2, r.err)
