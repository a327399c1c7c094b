"""A full file system, for real: a 256 KiB tmpfs mounted for the test (it
needs root and mount; elsewhere it is skipped, and the syscall-seam unit tests
inject ENOSPC instead). Every kind of output that fills it fails with exit 4
and a message naming the file, and leaves nothing behind: no final name, no
temporary, no manifest."""
import os
import subprocess

from harness import *  # noqa: F401,F403


class full_disk(jsift_case):
    def setUp(self):
        super().setUp()
        self.fs = self.path("full")
        os.makedirs(self.fs)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", self.fs], stderr=subprocess.PIPE)
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs here (%s); the seam tests cover ENOSPC" % r.stderr.decode().strip())

    def tearDown(self):
        subprocess.run(["umount", self.fs])
        super().tearDown()

    def big(self):
        data = slurp(CONV)
        return self.write("big.jsonl", data * 8)  # about 1 MB

    def assert_full(self, r):
        self.assertEqual(r.rc, 4, r.err)
        self.assertIn("No space left on device", r.err)
        self.assertEqual(os.listdir(self.fs), [])

    def test_records(self):
        self.assert_full(self.run_jsift("filter", "-o", os.path.join(self.fs, "out.jsonl"), self.big()))

    def test_quarantine(self):
        bad = self.write("bad.jsonl", "{bad\n" * 200000)
        self.assert_full(self.run_jsift("filter", "--on-invalid", "quarantine:" + os.path.join(self.fs, "q.jsonl"),
                                        "-o", "/dev/null", bad))

    def test_shards(self):
        r = self.run_jsift("shard", "--compress", "none", "-o", os.path.join(self.fs, "hub"), self.big())
        self.assertEqual(r.rc, 4, r.err)
        hub = os.path.join(self.fs, "hub")
        self.assertEqual(os.listdir(hub) if os.path.isdir(hub) else [], [])

    def test_report_and_split(self):
        r = self.run_jsift("split", "--ratios", "a=0.5,b=0.5", "-o", os.path.join(self.fs, "s"), self.big())
        self.assertEqual(r.rc, 4, r.err)
        self.assertEqual(os.listdir(os.path.join(self.fs, "s")), [])

    def test_stdin_spool(self):
        env = dict(os.environ, TMPDIR=self.fs)
        p = subprocess.run([JSIFT, "rebalance", "--by", ".record_type", "--cap-all", "3", "-o", "/dev/null"],
                           input=slurp(self.big()), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn(b"No space left on device", p.stderr)
        self.assertEqual(os.listdir(self.fs), [])

    def test_a_planned_output_too_large_is_refused_before_writing(self):
        r = self.run_jsift("rebalance", "--by", ".record_type", "--equal", "--total", "100000", "--allow-upsample",
                           "-o", os.path.join(self.fs, "up.jsonl"), CONV)
        self.assertEqual(r.rc, 4, r.err)
        self.assertIn("free", r.err)
        self.assertEqual(os.listdir(self.fs), [])
