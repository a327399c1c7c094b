"""Bug D4: a zstd file starting with a skippable frame (what pzstd and the
seekable format write first) was not recognised as zstd: under `skip` it
became 28 invalid:utf8 lines at exit 0. Every zstd magic number is detected
now, skippable frames included."""
import struct
import subprocess

from harness import *  # noqa: F401,F403


class zstd_skippable_frame(jsift_case):
    def test(self):
        data = slurp(CONV)
        frame = subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout
        for magic in (0x184D2A50, 0x184D2A5F):
            payload = b"jsift test skippable frame"
            skippable = struct.pack("<II", magic, len(payload)) + payload
            f = self.write("with-skippable-%x.jsonl.zst" % magic, skippable + frame + skippable + frame)
            r, rep = self.run_with_report("stats", "--json", "--on-invalid", "skip", f)
            self.assertEqual(r.json()["records"], 480, r.err)
            self.assertEqual(r.json()["invalid"]["count"], 0)
