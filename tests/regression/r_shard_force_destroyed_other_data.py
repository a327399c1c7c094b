"""Bug (issue 13.2): `shard --force` deleted another split's shards (`--split
test` into a directory holding train-*), and when the new run failed on an
invalid line it had already removed the old shards and the manifest, leaving
an empty directory. Now a directory holds several splits under one manifest
(version 2), only the split being written is replaced, and only after the
new run has fully succeeded. `run` into a non-empty directory needs --force
and follows the same rule."""
import json
import os

from harness import *  # noqa: F401,F403


class shard_force(jsift_case):
    def shard(self, *args, expect=0):
        r = self.run_jsift("shard", "-q", *args)
        self.assertEqual(r.rc, expect, r.err)
        return r

    def test_another_split_is_kept(self):
        hub = self.path("hub")
        self.shard("-o", hub, "--split", "train", CONV)
        train = sorted(n for n in os.listdir(hub) if n.startswith("train-"))
        self.shard("-o", hub, "--split", "test", PAIRS)  # adding a split needs no --force
        self.shard("--force", "-o", hub, "--split", "test", PAIRS)  # replacing one does
        self.assertEqual(sorted(n for n in os.listdir(hub) if n.startswith("train-")), train)
        m = json.loads(slurp(os.path.join(hub, "manifest.json")))
        self.assertEqual(m["manifest_version"], 2)
        self.assertEqual(sorted(m["splits"]), ["test", "train"])
        self.assertEqual(self.run_jsift("verify", hub).rc, 0)
        card = slurp(os.path.join(hub, "README.md")).decode()
        self.assertIn("split: train", card)
        self.assertIn("split: test", card)

    def test_replacing_a_split_needs_force(self):
        hub = self.path("hub")
        self.shard("-o", hub, "--split", "train", CONV)
        r = self.shard("-o", hub, "--split", "train", PAIRS, expect=2)
        self.assertIn("--force", r.err)

    def test_a_failed_run_leaves_the_old_set_in_place(self):
        hub = self.path("hub")
        self.shard("-o", hub, "--split", "train", CONV)
        before = {n: slurp(os.path.join(hub, n)) for n in os.listdir(hub)}
        bad = self.write("bad.jsonl", slurp(CONV) + b"{oops\n")
        self.shard("--force", "-o", hub, "--split", "train", bad, expect=3)
        self.assertEqual({n: slurp(os.path.join(hub, n)) for n in os.listdir(hub)}, before)
        self.assertEqual(self.run_jsift("verify", hub).rc, 0)

    def test_run_needs_force_for_a_non_empty_directory(self):
        cfg = self.write("p.toml", "[output]\nshard = true\n")
        out = self.path("out")
        r = self.run_jsift("run", "--config", cfg, "-o", out, CONV)
        self.assertEqual(r.rc, 0, r.err)
        r = self.run_jsift("run", "--config", cfg, "-o", out, PAIRS)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("--force", r.err)
        r = self.run_jsift("run", "--config", cfg, "--force", "-o", out, PAIRS)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(self.run_jsift("verify", out).rc, 0)
