"""Bug (issue 13.11): python-zstandard's one-shot `decompress()` on a
multi-frame shard silently returned only the first frame's records, and the
README did not say how to read shards. The README and the card now give the
safe ways; this checks that they read every record (and that the calls the
README warns against really stop at the first frame, on Debian 12's 0.20)."""
import json
import os
import subprocess

from harness import *  # noqa: F401,F403


class one_shot_decompress_read_one_frame(jsift_case):
    """A shard is a series of zstd frames, one per chunk of records."""

    def test_zstd_and_python_zstandard_read_every_record(self):
        d = self.path("hub")
        r = self.run_jsift("shard", "-q", "--chunk-bytes", "4K", "-o", d, SAMPLE)  # small chunks: many frames
        self.assertEqual(r.rc, 0, r.err)
        m = json.loads(slurp(os.path.join(d, "manifest.json")))["splits"]["train"]
        shard = os.path.join(d, m["shards"][0]["basename"])
        want = m["shards"][0]["samples"]
        self.assertEqual(subprocess.run(["zstd", "-dc", shard], stdout=subprocess.PIPE, check=True).stdout.count(b"\n"), want)
        python = "/usr/bin/python3"
        probe = subprocess.run([python, "-c", "import zstandard"], stderr=subprocess.PIPE) if os.path.exists(python) else None
        if probe is None or probe.returncode != 0:
            self.skipTest("Debian's python3-zstandard is not installed (scripts/setup.sh installs it)")
        script = (
            "import io, sys, zstandard\n"
            "path = sys.argv[1]\n"
            "with open(path, 'rb') as f:\n"
            "    streamed = sum(1 for _ in io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(f), encoding='utf-8'))\n"
            "one_shot = zstandard.ZstdDecompressor().decompress(open(path, 'rb').read()).count(b'\\n')\n"
            "with open(path, 'rb') as f:\n"
            "    chunks = sum(c.count(b'\\n') for c in zstandard.ZstdDecompressor().read_to_iter(f))\n"
            "print(streamed, one_shot, chunks)\n")
        out = subprocess.run([python, "-c", script, shard], stdout=subprocess.PIPE, check=True).stdout.split()
        streamed, one_shot, chunks = int(out[0]), int(out[1]), int(out[2])
        self.assertEqual(streamed, want)
        self.assertLess(one_shot, want)  # the pitfalls the README documents
        self.assertLess(chunks, want)
