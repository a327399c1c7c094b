"""jsift filter: every predicate flag, byte-exact output, atomic -o, reports."""
import json
import os
import re

from harness import *  # noqa: F401,F403


def records(path):
    return [(l, json.loads(l)) for l in read_lines(path) if l.strip()]


def expected(path, keep):
    return b"".join(l + b"\n" for l, r in records(path) if keep(r, l))


class filter_tests(jsift_case):
    def check_filter(self, args, keep, path=CONV):
        r, rep = self.run_with_report("filter", *args, path)
        want = expected(path, keep)
        self.assertEqual(r.out, want)
        self.assertEqual(rep["dispositions"]["kept"] if want else rep["dispositions"].get("kept", 0), want.count(b"\n"))
        return r, rep

    def test_no_predicates_passes_everything_byte_for_byte(self):
        r, rep = self.check_filter([], lambda rec, l: True)
        self.assertEqual(r.out, slurp(CONV))

    def test_turns_range(self):
        r, rep = self.check_filter(["--turns", "5..10"], lambda rec, l: 5 <= len(conversation(rec)) <= 10)
        dropped = sum(1 for _, rec in records(CONV) if not 5 <= len(conversation(rec)) <= 10)
        self.assertGreater(dropped, 0)
        self.assertEqual(rep["dispositions"]["filtered:--turns 5..10"], dropped)
        self.assertIn("filtered:--turns 5..10", r.err)

    def test_turns_open_ranges(self):
        self.check_filter(["--turns", "8.."], lambda rec, l: len(conversation(rec)) >= 8)
        self.check_filter(["--turns", "..3"], lambda rec, l: len(conversation(rec)) <= 3)

    def test_turns_path(self):
        self.check_filter(["--turns", "2", "--turns-path", ".turns"], lambda rec, l: len(rec.get("turns", [])) == 2, PAIRS)

    def test_len(self):
        self.check_filter(["--len", ".turns[0].content=10..40"],
                          lambda rec, l: 10 <= len(rec["turns"][0]["content"]) <= 40)

    def test_len_every_element(self):
        self.check_filter(["--len", ".turns[].content=20.."],
                          lambda rec, l: all(len(t["content"]) >= 20 for t in rec["turns"]))

    def test_eq_and_ne(self):
        self.check_filter(["--eq", ".record_type=qa"], lambda rec, l: rec["record_type"] == "qa", PAIRS)
        self.check_filter(["--ne", ".record_type=qa"], lambda rec, l: rec["record_type"] != "qa", PAIRS)
        self.check_filter(["--eq", ".reviewed=true"], lambda rec, l: rec.get("reviewed") is True)
        self.check_filter(["--eq", ".input_parameters.persona_key=night_nurse", "--eq", ".outcome=success"],
                          lambda rec, l: rec["input_parameters"]["persona_key"] == "night_nurse" and rec["outcome"] == "success")

    def test_has_and_nonempty(self):
        self.check_filter(["--has", ".notes"], lambda rec, l: "notes" in rec)
        self.check_filter(["--nonempty", ".notes"], lambda rec, l: False)
        self.check_filter(["--nonempty", ".turns[].content"], lambda rec, l: all(t["content"].strip() for t in rec["turns"]))

    def test_bytes(self):
        self.check_filter(["--bytes", "..700"], lambda rec, l: len(l) <= 700)

    def test_match(self):
        rx = re.compile(r"(?i)SLEEP")
        self.check_filter(["--match", ".turns[].content=(?i)SLEEP"],
                          lambda rec, l: any(rx.search(t["content"]) for t in rec["turns"]))

    def test_invert(self):
        r, rep = self.check_filter(["--turns", "5..10", "--invert"], lambda rec, l: not 5 <= len(conversation(rec)) <= 10)
        self.assertIn("filtered:--invert", rep["dispositions"])

    def test_first_failing_predicate_names_the_disposition(self):
        r, rep = self.run_with_report("filter", "--eq", ".record_type=nope", "--turns", "100..", CONV)
        # --turns is evaluated before --eq whatever the order on the command line
        self.assertEqual(rep["dispositions"].get("filtered:--turns 100.."), len(records(CONV)))

    def test_output_file_is_written_atomically(self):
        out = self.path("out.jsonl")
        r, rep = self.run_with_report("filter", "--turns", "5..10", "-o", out, CONV)
        self.assertEqual(r.out, b"")
        self.assertEqual(slurp(out), expected(CONV, lambda rec, l: 5 <= len(conversation(rec)) <= 10))
        self.assertEqual(sorted(f for f in os.listdir(self.tmp) if not f.startswith("report")), ["out.jsonl"])
        self.assertFalse([f for f in os.listdir(self.tmp) if "jsift-tmp" in f])

    def test_several_inputs_and_directories_are_one_stream_in_order(self):
        r, rep = self.run_with_report("filter", SAMPLE)  # directory: sorted *.jsonl files
        self.assertEqual(r.out, slurp(CONV) + slurp(PAIRS))
        r2, _ = self.run_with_report("filter", PAIRS, CONV)
        self.assertEqual(r2.out, slurp(PAIRS) + slurp(CONV))

    def test_compressed_inputs(self):
        for name in ("conversations.jsonl.zst", "conversations.jsonl.gz"):
            r, rep = self.run_with_report("filter", "--turns", "5..10", fixture("compressed", name))
            self.assertEqual(r.out, expected(CONV, lambda rec, l: 5 <= len(conversation(rec)) <= 10))

    def test_quiet(self):
        r = self.run_jsift("filter", "-q", CONV)
        self.assertEqual(r.rc, 0)
        self.assertEqual(r.err, "")

    def test_summary_on_stderr(self):
        r = self.run_jsift("filter", "--turns", "5..10", CONV)
        self.assertRegex(r.err, r"^jsift filter: 240 lines: [\d,]+ kept, [\d,]+ filtered:--turns 5\.\.10\n$")

    def test_help_and_version(self):
        r = self.run_jsift("filter", "--help")
        self.assertEqual(r.rc, 0)
        self.assertIn(b"--turns", r.out)
        r = self.run_jsift("--version")
        self.assertEqual(r.rc, 0)
        self.assertRegex(r.out.decode(), r"^jsift \d+\.\d+\.\d+")

    def test_usage_errors_exit_2(self):
        for args in (["filter", "--turns", "x"], ["filter", "--len", ".a"], ["filter", "--eq", "nodot=1"],
                     ["filter", "--match", ".a=("], ["filter", "--on-invalid", "explode"], ["filter", "--bogus"],
                     ["frobnicate"], [], ["filter", "--max-line-bytes", "12Q"], ["filter", "--turns-path", ".t"]):
            r = self.run_jsift(*args, CONV)
            self.assertEqual(r.rc, 2, (args, r.err))
            self.assertTrue(r.err.strip(), args)
