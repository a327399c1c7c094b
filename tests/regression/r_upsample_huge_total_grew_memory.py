"""Bug D8: `rebalance --allow-upsample` with a huge --total grew to 12 GiB
in 60 s before "out of memory" on a 190 KB input, because every copy of a
record was built in memory. Copies now leave as repeated pieces of the
record's own bytes (memory does not grow with the number of copies), and a
planned output larger than the free space of the output's file system is
refused before anything is written."""
import os
import resource
import subprocess

from harness import *  # noqa: F401,F403


class upsample_huge_total(jsift_case):
    def test_memory_stays_bounded(self):
        out = self.path("big.jsonl")
        p = subprocess.run(["/usr/bin/time", "-f", "%M", JSIFT, "rebalance", "-q", "--by", ".record_type", "--equal",
                            "--total", "400000", "--allow-upsample", "-o", out, CONV],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        peak_kib = int(p.stderr.decode().strip().splitlines()[-1])
        self.assertLess(peak_kib, 200 * 1024)  # the output is about 300 MB; built in memory, it was all resident
        self.assertEqual(sum(1 for _ in open(out, "rb")), 400000)
        os.remove(out)

    def test_an_output_beyond_the_free_space_is_refused_up_front(self):
        out = self.path("huge.jsonl")
        r = self.run_jsift("rebalance", "--by", ".record_type", "--equal", "--total", "100000000000000",
                           "--allow-upsample", "-o", out, CONV)
        self.assertEqual(r.rc, 4, r.err)
        self.assertIn("free", r.err)
        self.assertFalse(os.path.exists(out))
