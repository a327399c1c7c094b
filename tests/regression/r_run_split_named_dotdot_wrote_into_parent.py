"""Bug: `jsift run` with `[split] ratios = { ".." = 1.0 }` and `shard = true`
wrote its shards, README.md and manifest.json into the *parent* of the output
directory (overwriting a README.md there) with exit 0, because run checked
split names with its own copy of `jsift split`'s rule, which had drifted (it
only refused '/'). Both now use the split router's one check."""
import os

from harness import *  # noqa: F401,F403


class run_split_named_dotdot(jsift_case):
    def check_refused(self, name):
        parent = self.path("parent")
        os.makedirs(parent)
        readme = self.write("parent/README.md", "keep me\n")
        cfg = self.write("p.toml", '[split]\nratios = { "%s" = 1.0 }\n[output]\nshard = true\n' % name)
        r = self.run_jsift("run", "--config", cfg, "-o", os.path.join(parent, "out"), CONV)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("p.toml:2:", r.err)
        self.assertIn("cannot be a file name", r.err)
        self.assertEqual(slurp(readme), b"keep me\n")
        self.assertEqual(sorted(os.listdir(parent)), ["README.md"])

    def test_dotdot(self):
        self.check_refused("..")

    def test_dot(self):
        self.check_refused(".")

    def test_empty(self):
        self.check_refused("")

    def test_split_command_refuses_the_same_names(self):
        for name in ("..", "."):
            r = self.run_jsift("split", "--ratios", "%s=1.0" % name, "-o", self.path("s"), CONV)
            self.assertEqual(r.rc, 2, r.err)
            self.assertIn("cannot be a file name", r.err)
