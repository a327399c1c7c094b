"""Bug (issue 13.6): `--by .reward` grouped 1.0 and 1 apart (raw text), while
`--eq .reward=1` matched both. Numbers now group by value, with one canonical
spelling in reports."""
from harness import *  # noqa: F401,F403


class numbers_as_groups(jsift_case):
    def test(self):
        f = self.write("r.jsonl", '{"reward":1}\n{"reward":1.0}\n{"reward":1e0}\n{"reward":0.5}\n{"reward":5e-1}\n{"reward":"1"}\n')
        groups = self.run_jsift("stats", "--json", "--by", ".reward", f).json()["by"]["groups"]
        self.assertEqual({g: v["records"] for g, v in groups.items()}, {"1": 3, "0.5": 2, '"1"': 1})
        r, rep = self.run_with_report("rebalance", "--by", ".reward", "--cap-all", "1", "-o", "/dev/null", f)
        self.assertEqual(sorted(rep["selection"]["groups"]), ['"1"', "0.5", "1"])
