"""Bug (issue 13.12): the README's `run` example failed on fixtures/sample
with `no record has group 'preference'`, because `[filter]` had removed every
preference record, and the message did not say so. The message now says the
groups are counted after [filter] and [dedup]; the README's example runs on
data it fits (and test_readme_examples runs every README example)."""
import os

from harness import *  # noqa: F401,F403

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")


class readme_run_example(jsift_case):
    def test_the_message_says_the_group_vanished_after_filter(self):
        r = self.run_jsift("run", "--config", os.path.join(EXAMPLES, "pipeline.toml"), "-o", self.path("out"), SAMPLE)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("'preference'", r.err)
        self.assertIn("survive [filter] and [dedup]", r.err)
        self.assertFalse(os.path.exists(os.path.join(self.path("out"), "manifest.json")))

    def test_without_filter_no_such_hint(self):
        cfg = self.write("p.toml", '[rebalance]\nby = ".record_type"\ntarget = { chat = 0.5, nosuch = 0.5 }\n')
        r = self.run_jsift("run", "--config", cfg, "-o", self.path("o"), SAMPLE)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("'nosuch'", r.err)
        self.assertNotIn("[filter]", r.err)

    def test_the_readme_example_runs(self):
        data = os.path.join(EXAMPLES, "data", "chat-pass.jsonl")
        out = self.path("build")
        r = self.run_jsift("run", "--config", os.path.join(EXAMPLES, "pipeline.toml"), "-o", out, data)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(self.run_jsift("verify", out).rc, 0)
