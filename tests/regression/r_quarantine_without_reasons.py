"""Bug (issue 13.10): quarantine files held the raw lines only, so nobody
could tell where each came from or why. A sidecar FILE.errors.jsonl now gives
file, line, column, reason and message for each quarantined line, in order."""
import json

from harness import *  # noqa: F401,F403


class quarantine_without_reasons(jsift_case):
    def test(self):
        src = fixture("bad", "mixed_invalid.jsonl")
        q = self.path("bad.jsonl")
        r, rep = self.run_with_report("filter", "--on-invalid", "quarantine:" + q, "-o", "/dev/null", src)
        raw = slurp(q).splitlines()
        why = [json.loads(l) for l in slurp(q + ".errors.jsonl").splitlines()]
        self.assertEqual(len(raw), len(why))
        self.assertEqual([(w["line"], w["reason"]) for w in why], [(2, "json_syntax"), (4, "not_object"), (6, "json_syntax")])
        self.assertTrue(all(w["file"].endswith("mixed_invalid.jsonl") and w["column"] >= 1 and w["message"] for w in why))
