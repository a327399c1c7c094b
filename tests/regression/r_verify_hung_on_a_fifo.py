"""Bug D9: `jsift verify` hung on a FIFO named like a shard (or like the
manifest), and a directory in a shard's place was exit 4 instead of 3. Only
regular files are opened; anything else is a problem of the directory."""
import os
import shutil

from harness import *  # noqa: F401,F403


class verify_non_regular_files(jsift_case):
    def make_shards(self):
        d = self.path("hub")
        r = self.run_jsift("shard", "-q", "-o", d, CONV)
        self.assertEqual(r.rc, 0, r.err)
        shard = [n for n in os.listdir(d) if n.endswith(".zst")][0]
        return d, os.path.join(d, shard)

    def test_fifo_in_a_shards_place(self):
        d, shard = self.make_shards()
        os.remove(shard)
        os.mkfifo(shard)
        r = self.run_jsift("verify", d, timeout=20)
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("not a regular file", r.err)

    def test_fifo_as_the_manifest(self):
        d, _ = self.make_shards()
        os.remove(os.path.join(d, "manifest.json"))
        os.mkfifo(os.path.join(d, "manifest.json"))
        r = self.run_jsift("verify", d, timeout=20)
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("not a regular file", r.err)

    def test_directory_in_a_shards_place(self):
        d, shard = self.make_shards()
        os.remove(shard)
        os.makedirs(shard)
        r = self.run_jsift("verify", d, timeout=20)
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("not a regular file", r.err)
