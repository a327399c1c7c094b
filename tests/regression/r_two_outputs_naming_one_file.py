"""Bug D2: two outputs of one command naming the same file (`-o X
--on-invalid quarantine:X`, `-o X --dups X`, `-o X --report X`, `--junit X
--report-json X`) ran at exit 0 and X held only one of them. Now every
command refuses them (exit 2) before reading anything, comparing device and
inode where the file exists and resolved paths otherwise. Character devices
(/dev/null) may be shared, `--index` is read then rewritten by design, and
`-o` may name an input (safe through temp+rename)."""
import os

from harness import *  # noqa: F401,F403

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")


class two_outputs_naming_one_file(jsift_case):
    def refused(self, *args):
        r = self.run_jsift(*args)
        self.assertEqual(r.rc, 2, (args, r.err))
        self.assertIn("name the same file", r.err)
        return r

    def test_refused_pairs(self):
        x = self.path("x.jsonl")
        self.refused("filter", "-o", x, "--on-invalid", "quarantine:" + x, CONV)
        self.refused("dedup", "-o", x, "--dups", x, CONV)
        self.refused("filter", "-o", x, "--report", x, CONV)
        self.refused("stats", "--report", x, "--on-invalid", "quarantine:" + x, CONV)
        self.refused("gate", "--config", os.path.join(EXAMPLES, "chat-gate.toml"), "--junit", x, "--report-json", x, CONV)
        self.refused("dedup", "-o", x, "--dups", "./" + os.path.relpath(x), CONV)  # another spelling
        self.assertFalse(os.path.exists(x))

    def test_aliases_through_links_and_hard_links(self):
        x = self.write("x.jsonl", "")
        os.symlink(x, self.path("sym"))
        os.link(x, self.path("hard"))
        self.refused("filter", "-o", x, "--report", self.path("sym"), CONV)
        self.refused("filter", "-o", x, "--report", self.path("hard"), CONV)

    def test_split_outputs_and_report(self):
        os.makedirs(self.path("s"))
        self.refused("split", "-o", self.path("s"), "--ratios", "train=1", "--report", self.path("s/train.jsonl"), CONV)

    def test_allowed(self):
        r = self.run_jsift("dedup", "-q", "-o", "/dev/null", "--dups", "/dev/null", "--report", "/dev/null", CONV)
        self.assertEqual(r.rc, 0, r.err)
        idx = self.path("seen.idx")
        r = self.run_jsift("dedup", "-q", "--index", idx, "--against", CONV, "-o", "/dev/null", PAIRS)
        self.assertEqual(r.rc, 0, r.err)
        # -o naming an input: read first, replaced atomically at the end.
        data = self.write("data.jsonl", slurp(CONV))
        r = self.run_jsift("filter", "-q", "--turns", "5..10", "-o", data, data)
        self.assertEqual(r.rc, 0, r.err)
        want = self.run_jsift("filter", "-q", "--turns", "5..10", CONV).out
        self.assertEqual(slurp(data), want)
