"""Bug (issue 13.7): `sample -n` larger than the input silently returned
everything; `-n 100 --by` gave 100 per group with no way to ask for 100 in
all, stratified; a grouped split (90/10 by a key with few groups) landed far
from its ratios without a word. Now -n past the input is warned about,
`sample --total N --by` takes a stratified sample of N in all, and split
reports its achieved shares and warns when one is off by more than 0.02."""
import collections
import json

from harness import *  # noqa: F401,F403


class sample_total_and_split_shares(jsift_case):
    def test_n_past_the_input(self):
        r = self.run_jsift("sample", "-n", "1000", CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("warning", r.err)
        self.assertIn("240", r.err)

    def test_stratified_total(self):
        r, rep = self.run_with_report("sample", "--total", "100", "--by", ".record_type", CONV, PAIRS)
        got = collections.Counter(json.loads(l)["record_type"] for l in r.out.splitlines())
        self.assertEqual(sum(got.values()), 100)
        all_types = collections.Counter(json.loads(l)["record_type"] for l in (slurp(CONV) + slurp(PAIRS)).splitlines())
        total = sum(all_types.values())
        for g, n in all_types.items():
            self.assertLessEqual(abs(got[g] - 100 * n / total), 1)

    def test_split_reports_achieved_shares(self):
        recs = "".join(json.dumps({"g": i % 3, "n": i}) + "\n" for i in range(300))
        f = self.write("g.jsonl", recs)
        r, rep = self.run_with_report("split", "--ratios", "train=0.9,eval=0.1", "--key", ".g", "-o", self.path("s"), f)
        shares = {k: v["share"] for k, v in rep["splits"].items()}
        self.assertAlmostEqual(sum(shares.values()), 1.0, places=6)
        self.assertIn("warning", r.err)
        self.assertIn("share", r.err)
