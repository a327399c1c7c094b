"""Bug: a directory input included an interrupted run's hidden temporary
(.out.jsonl.jsift-tmp-PID-N): partial data read as input (found in review)."""
import os

from harness import *  # noqa: F401,F403


class hidden_temporaries_are_not_inputs(jsift_case):
    def test(self):
        d = self.path("data")
        os.mkdir(d)
        with open(os.path.join(d, "a.jsonl"), "wb") as f:
            f.write(b'{"a": 1}\n')
        with open(os.path.join(d, ".out.jsonl.jsift-tmp-123-0"), "wb") as f:
            f.write(b'{"partial": tr')
        r, rep = self.run_with_report("filter", d)
        self.assertEqual(r.out, b'{"a": 1}\n')
        self.assertEqual(rep["inputs"], [os.path.join(d, "a.jsonl")])
