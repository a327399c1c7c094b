"""Bad and unusual input: clear errors at the right place, nothing lost."""
import json
import os

from harness import *  # noqa: F401,F403


class bad_input_tests(jsift_case):
    def test_malformed_json_names_line_and_column(self):
        for cmd in ("filter", "stats"):
            r = self.run_jsift(cmd, os.path.join(BAD, "malformed.jsonl"))
            self.assertEqual(r.rc, 3, r.err)
            self.assertIn("malformed.jsonl:3:23: expected ',' or '}' after object member", r.err)

    def test_fail_policy_writes_what_came_before_and_no_final_file(self):
        r = self.run_jsift("filter", os.path.join(BAD, "malformed.jsonl"))
        self.assertEqual(r.out, b"".join(l + b"\n" for l in read_lines(os.path.join(BAD, "malformed.jsonl"))[:2]))
        out = self.path("out.jsonl")
        r = self.run_jsift("filter", "-o", out, os.path.join(BAD, "malformed.jsonl"))
        self.assertEqual(r.rc, 3)
        self.assertEqual(os.listdir(self.tmp), [])  # no final name, no temporary left

    def test_invalid_utf8(self):
        r = self.run_jsift("filter", os.path.join(BAD, "invalid_utf8.jsonl"))
        self.assertEqual(r.rc, 3)
        self.assertIn("invalid_utf8.jsonl:2:23: invalid UTF-8", r.err)

    def test_not_an_object(self):
        r = self.run_jsift("filter", os.path.join(BAD, "not_object.jsonl"))
        self.assertEqual(r.rc, 3)
        self.assertIn("not_object.jsonl:2:1: not an object", r.err)

    def test_skip_counts_every_reason(self):
        src = os.path.join(BAD, "mixed_invalid.jsonl")
        r, rep = self.run_with_report("filter", "--on-invalid", "skip", src)
        self.assertEqual(rep["dispositions"]["invalid:json_syntax"], 2)
        self.assertEqual(rep["dispositions"]["invalid:not_object"], 1)
        self.assertEqual(rep["dispositions"]["kept"], 4)
        self.assertEqual([(i["line"], i["reason"]) for i in rep["invalid"]["first"]],
                         [(2, "json_syntax"), (4, "not_object"), (6, "json_syntax")])
        self.assertIn("mixed_invalid.jsonl:6:7: invalid literal", r.err)
        good = [l for l in read_lines(src) if l.startswith(b'{"id"')]
        self.assertEqual(r.out, b"".join(l + b"\n" for l in good))

    def test_quarantine_gets_the_raw_bad_lines(self):
        src = os.path.join(BAD, "mixed_invalid.jsonl")
        q = self.path("bad.jsonl")
        r, rep = self.run_with_report("filter", "--on-invalid", "quarantine:" + q, src)
        self.assertEqual(slurp(q), b"{bad\n[]\n{\"a\": tru}\n")
        self.assertEqual(r.out.count(b"\n") + 3, rep["lines"])

    def test_stats_skip_reports_first_invalid(self):
        r, rep = self.run_with_report("stats", "--json", "--on-invalid", "skip", os.path.join(BAD, "mixed_invalid.jsonl"))
        self.assertEqual(rep["invalid"]["count"], 3)
        self.assertEqual(rep["records"], 4)
        self.assertEqual(rep["invalid"]["first"][0]["column"], 2)

    def test_crlf_bom_no_final_newline_are_counts_not_errors(self):
        for name, key in (("crlf.jsonl", "crlf"), ("bom.jsonl", "bom"), ("no_final_newline.jsonl", "no_final_newline")):
            src = os.path.join(BAD, name)
            r, rep = self.run_with_report("filter", src)
            self.assertEqual(rep["dispositions"]["kept"], 5, name)
            self.assertGreater(rep["line_endings"][key], 0, name)
            # records come out without \r, without the BOM, each ending in \n
            self.assertEqual(r.out, b"".join(l + b"\n" for l in read_lines(src)), name)
            self.assertNotIn(b"\r", r.out)
            self.assertFalse(r.out.startswith(b"\xef"))

    def test_blank_lines_are_counted_as_blank(self):
        r, rep = self.run_with_report("filter", os.path.join(BAD, "blank_lines.jsonl"))
        self.assertEqual(rep["dispositions"]["blank"], 3)
        self.assertEqual(rep["dispositions"]["kept"], 3)

    def test_huge_line_is_a_clean_invalid_record(self):
        src = os.path.join(BAD, "long_line.jsonl")
        for extra in ([], ["--mmap"], ["--chunk-bytes", "1K"]):
            r, rep = self.run_with_report("filter", "--max-line-bytes", "4K", "--on-invalid", "skip", *extra, src)
            self.assertEqual(rep["dispositions"]["invalid:line_too_long"], 1, extra)
            self.assertEqual(rep["dispositions"]["kept"], 2, extra)
            self.assertIn("long_line.jsonl:2:4097: line exceeds --max-line-bytes (4 KiB)", r.err)
        r = self.run_jsift("filter", "--max-line-bytes", "4K", src)
        self.assertEqual(r.rc, 3)

    def test_huge_line_from_a_pipe_is_not_buffered_whole(self):
        big = b'{"t": "' + b"x" * (8 << 20) + b'"}\n'
        data = b'{"a": 1}\n' + big + b'{"b": 2}\n'
        r = self.run_jsift("filter", "--max-line-bytes", "1M", "--chunk-bytes", "64K", "--on-invalid", "skip", "-", stdin=data)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, b'{"a": 1}\n{"b": 2}\n')
        self.assertIn("<stdin>:2:", r.err)

    def test_truncated_compressed_input(self):
        for name, what in (("truncated.jsonl.zst", "truncated zstd frame"), ("truncated.jsonl.gz", "truncated gzip stream")):
            r = self.run_jsift("filter", "--on-invalid", "skip", os.path.join(BAD, name))
            self.assertEqual(r.rc, 3, name)
            self.assertRegex(r.err, name.replace(".", r"\.") + r":\d+:\d+: " + what)

    def test_missing_file_is_an_io_error(self):
        r = self.run_jsift("stats", self.path("nope.jsonl"))
        self.assertEqual(r.rc, 4)
        self.assertIn("cannot open", r.err)
        self.assertIn("No such file or directory", r.err)

    def test_directory_without_jsonl_files(self):
        os.mkdir(self.path("empty_dir"))
        r = self.run_jsift("stats", self.path("empty_dir"))
        self.assertEqual(r.rc, 2)
        self.assertIn("no *.jsonl* or *.ndjson* files", r.err)

    def test_empty_input(self):
        for args in ([os.path.join(BAD, "empty.jsonl")], ["-"]):
            r, rep = self.run_with_report("filter", *args, stdin=b"")
            self.assertEqual(r.out, b"")
            self.assertEqual(rep["lines"], 0)
            r, rep = self.run_with_report("stats", "--json", *args, stdin=b"")
            self.assertEqual(rep["records"], 0)

    def test_unwritable_output(self):
        r = self.run_jsift("filter", "-o", "/nonexistent-dir/out.jsonl", CONV)
        self.assertEqual(r.rc, 4)
        self.assertIn("cannot create '/nonexistent-dir/out.jsonl'", r.err)

    def test_full_disk(self):
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        with open("/dev/full", "wb") as full:
            proc = subprocess.run([JSIFT, "filter", CONV], stdout=full, stderr=subprocess.PIPE)
        self.assertEqual(proc.returncode, 4)
        self.assertIn(b"No space left on device", proc.stderr)


import subprocess  # noqa: E402


class every_command_on_bad_input(jsift_case):
    """Each command that reads records names the bad line and exits 3 under
    `fail`, counts it under `skip`, and ends quietly when stdout closes."""
    COMMANDS = [["dedup"], ["rebalance", "--by", ".record_type", "--cap-all", "3"], ["sample", "-n", "2"],
                ["sample", "--fraction", "0.5"], ["stats", "--json"]]

    def test_malformed_and_invalid_utf8(self):
        for cmd in self.COMMANDS + [["split", "-o", self.path("s")], ["shard", "-o", self.path("h")]]:
            for name, where in (("malformed.jsonl", ":3:23: expected ',' or '}'"), ("invalid_utf8.jsonl", ":2:23: invalid UTF-8")):
                r = self.run_jsift(*cmd, os.path.join(BAD, name))
                self.assertEqual(r.rc, 3, (cmd, name, r.err))
                self.assertIn(name + where, r.err, cmd)
            r, rep = self.run_with_report(*cmd, "--on-invalid", "skip", os.path.join(BAD, "mixed_invalid.jsonl"))
            self.assertEqual(rep["dispositions"].get("invalid:json_syntax"), 2, cmd)
        cfg = self.write("g.toml", '[[check]]\ntype = "records"\nmin = 1\n')
        r = self.run_jsift("gate", "--config", cfg, os.path.join(BAD, "invalid_utf8.jsonl"))
        self.assertEqual(r.rc, 3)

    def test_empty_input_and_closed_stdout(self):
        for cmd in self.COMMANDS:
            r, rep = self.run_with_report(*cmd, os.path.join(BAD, "empty.jsonl"))
            self.assertEqual(rep["lines"], 0, cmd)
        big = self.write("big.jsonl", b"".join(l.replace(b'"id": "', b'"id": "%d-' % i) + b"\n"
                                               for i in range(30) for l in read_lines(CONV)))
        for cmd in (["dedup"], ["sample", "--fraction", "0.9"], ["filter"]):
            p = subprocess.Popen([JSIFT, *cmd, big], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            head = subprocess.run(["head", "-1"], stdin=p.stdout, stdout=subprocess.PIPE)
            p.stdout.close()
            err = p.stderr.read()
            p.stderr.close()
            self.assertEqual(p.wait(timeout=30), 0, cmd)
            self.assertEqual(err, b"", cmd)
            self.assertEqual(len(head.stdout.splitlines()), 1)
