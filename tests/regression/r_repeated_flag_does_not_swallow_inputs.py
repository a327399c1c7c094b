"""Bugs: a repeatable flag (--has, --unique...) swallowed the input file that
followed it as a second value; a scalar flag given twice was a usage error
instead of the last one winning."""
from harness import *  # noqa: F401,F403


class repeated_flags(jsift_case):
    def test_repeatable_flag_takes_one_value_each_time(self):
        r = self.run_jsift("filter", "--has", ".turns", "--has", ".id", CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, slurp(CONV))
        r = self.run_jsift("stats", "--json", "--unique", ".id", "--unique", ".outcome", CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual([u["path"] for u in r.json()["unique"]], [".id", ".outcome"])

    def test_scalar_flag_given_twice_last_wins(self):
        r = self.run_jsift("filter", "--turns", "1..", "--turns", "100..", CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, b"")
