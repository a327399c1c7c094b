"""Bug (issue 13.5): `dedup --against` a reference with no usable keys
(another schema) said nothing. Now a reference set that contributes no keys
is warned about, and the summary gives the number of reference keys."""
from harness import *  # noqa: F401,F403


class against_with_no_usable_keys(jsift_case):
    def test(self):
        ref = self.write("ref.jsonl", '{"question":"q1"}\n{"question":"q2"}\n')
        r = self.run_jsift("dedup", "--key", ".turns[-1].content", "--against", ref, "-o", "/dev/null", CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("warning", r.err)
        self.assertIn("ref.jsonl", r.err)
        self.assertIn("0 reference keys", r.err)
        r = self.run_jsift("dedup", "--key", ".question", "--against", ref, "-o", "/dev/null", CONV)
        self.assertIn("2 reference keys", r.err)
