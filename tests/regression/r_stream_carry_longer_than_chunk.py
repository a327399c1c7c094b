"""Bug: reading a stream (stdin, pipe, .zst/.gz, --no-mmap), a partial line
carried over from a long line could be longer than a chunk and was copied
into a chunk-sized buffer: a heap overflow (found in review)."""
import stat

from harness import *  # noqa: F401,F403


class stream_carry_longer_than_chunk(jsift_case):
    def test_long_line_then_many_short_ones(self):
        data = b"{}\n" * 3 + b'{"t": "' + b"x" * 150 + b'"}\n' + b'{"a": 1}\n' * 200
        r, rep = self.run_with_report("filter", "--chunk-bytes", "64", "-", stdin=data)
        self.assertEqual(r.out, data)
        self.assertEqual(rep["lines"], 204)

    def test_skipped_over_long_line_then_many_short_ones(self):
        data = b'{"t": "' + b"y" * 3000 + b'"}\n' + b'{"a": 1}\n' * 500
        r, rep = self.run_with_report("filter", "--chunk-bytes", "64", "--max-line-bytes", "100", "--on-invalid", "skip",
                                      "-", stdin=data)
        self.assertEqual(r.out, b'{"a": 1}\n' * 500)
        self.assertEqual(rep["dispositions"]["invalid:line_too_long"], 1)
        self.assertEqual(rep["input_bytes"], len(data))  # the newline of the skipped line is counted
        self.assertEqual(rep["line_endings"]["no_final_newline"], 0)
