"""Bug D6: the quarantined bytes of an over-long line depended on
--chunk-bytes (the whole 101-byte line when it fit in a chunk, its first 9
bytes when it did not) and the BOM was stripped on one read path only. Every
path now quarantines the line's first --max-line-bytes bytes, without a BOM."""
from harness import *  # noqa: F401,F403


class quarantine_bytes_of_long_lines(jsift_case):
    def test(self):
        long_line = '{"t":"' + "x" * 92 + '"}'  # 100 bytes
        for bom in (b"", b"\xef\xbb\xbf"):
            f = self.write("in.jsonl", bom + (long_line + '\n{"ok":1}\n' + long_line + "\n").encode())
            seen = set()
            for chunk in ("64", "100", "4K", "4M"):
                for mmap in ([], ["--mmap"]):
                    q = self.path("q.jsonl")
                    r, rep = self.run_with_report("stats", "--json", "--max-line-bytes", "9", "--chunk-bytes", chunk,
                                                  "--on-invalid", "quarantine:" + q, *mmap, f)
                    self.assertEqual(rep["dispositions"]["invalid:line_too_long"], 2)
                    seen.add(slurp(q))
            self.assertEqual(seen, {((long_line[:9] + "\n") * 2).encode()}, bom)
