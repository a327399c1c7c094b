"""Bug: a zstd stream truncated after some decoded blocks was reported at line
1 — the decoder threw away the bytes it had decoded in the same read() call.
The error must name the line where the data stops, and the complete lines
before it must be processed."""
import subprocess

from harness import *  # noqa: F401,F403


class truncated_zstd_names_partial_line(jsift_case):
    def test(self):
        plain = slurp(CONV) * 4  # several zstd blocks
        zst = subprocess.run(["zstd", "-q", "-c"], input=plain, stdout=subprocess.PIPE, check=True).stdout
        src = self.write("cut.jsonl.zst", zst[: len(zst) * 3 // 4])
        r = self.run_jsift("filter", src)
        self.assertEqual(r.rc, 3)
        line = int(r.err.split(":")[2])
        self.assertGreater(line, 100)
        self.assertIn("truncated zstd frame", r.err)
