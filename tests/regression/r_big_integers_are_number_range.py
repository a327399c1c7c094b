"""Bug: valid JSON with an integer beyond 64 bits (which simdjson 3.0.1
rejects) was reported as a syntax error at column 1 with simdjson's generic
message; it is now invalid:number_range, at the number (found in review)."""
from harness import *  # noqa: F401,F403


class big_integers_are_number_range(jsift_case):
    def test(self):
        src = self.write("big.jsonl", '{"a": 1}\n{"id": 123456789012345678901, "b": 2}\n')
        r = self.run_jsift("filter", src)
        self.assertEqual(r.rc, 3)
        self.assertIn("big.jsonl:2:8: number out of range: 123456789012345678901", r.err)
        r, rep = self.run_with_report("filter", "--on-invalid", "skip", src)
        self.assertEqual(rep["dispositions"]["invalid:number_range"], 1)
