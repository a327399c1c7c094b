"""Bug (found writing the quarantine test of issue 12): with --max-line-bytes
below 64, valid short records were invalid:json_syntax ("This parser can't
support a document that big"), because simdjson rounds every document's
capacity up to 64 bytes and the parser's maximum was the flag's value."""
from harness import *  # noqa: F401,F403


class small_max_line_bytes(jsift_case):
    def test(self):
        f = self.write("in.jsonl", '{"ok":1}\n{"a":"0123456789"}\n')
        r, rep = self.run_with_report("stats", "--json", "--max-line-bytes", "9", "--on-invalid", "skip", f)
        self.assertEqual(rep["dispositions"]["kept"], 1)
        self.assertEqual(rep["dispositions"]["invalid:line_too_long"], 1)
        for limit in ("1", "8"):
            r, rep = self.run_with_report("stats", "--json", "--max-line-bytes", limit, "--on-invalid", "skip", f)
            self.assertEqual(rep["dispositions"].get("kept", 0), 1 if limit == "8" else 0)
