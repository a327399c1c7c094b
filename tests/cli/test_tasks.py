"""--tasks N --task I: the I-th of N parts of the input by bytes on disk.
The tasks' outputs in order are the single run's output byte for byte (for
N = 1, 3, 7, files of very different sizes, a compressed file, an empty file,
CRLF, a BOM, blank and invalid lines, and boundaries that fall inside long
lines); each line is read by exactly one task; messages name places as
FILE@BYTE:COL; stdin cannot be divided."""
import json
import os

from harness import *  # noqa: F401,F403
from task_inputs import write_inputs


class tasks_tests(jsift_case):
    def setUp(self):
        super().setUp()
        self.inputs = write_inputs(self)
        self.big, self.small, self.empty, self.packed, self.long, self.array = self.inputs

    def run_tasks(self, n, *args):
        """The tasks' stdout concatenated, and their reports."""
        out, reports = b"", []
        for i in range(n):
            r, rep = self.run_with_report(*args, "--tasks", str(n), "--task", str(i))
            out += r.out
            reports.append(rep)
        return out, reports

    def check_same(self, *args):
        one, rep = self.run_with_report(*args)
        for n in (1, 3, 7):
            got, reports = self.run_tasks(n, *args)
            self.assertEqual(got, one.out, "%d tasks: %s" % (n, args))
            for key in rep["dispositions"]:
                self.assertEqual(sum(r["dispositions"].get(key, 0) for r in reports), rep["dispositions"][key], (n, key))
            self.assertEqual(sum(r["lines"] for r in reports), rep["lines"], n)
        return one

    def test_filter_tasks_concatenate_to_the_single_run(self):
        one = self.check_same("filter", "--turns", "2..6", "--on-invalid", "skip", *self.inputs)
        self.assertGreater(len(one.out), 100000)

    def test_transforms_tasks_concatenate_to_the_single_run(self):
        self.check_same("set", ".source=x", "--on-invalid", "skip", *self.inputs)
        self.check_same("convert", "--to", "openai", "--on-invalid", "skip", *self.inputs)

    def test_small_chunks_and_mmap(self):
        self.check_same("filter", "--on-invalid", "skip", "--chunk-bytes", "4KiB", "--mmap", *self.inputs)
        self.check_same("filter", "--on-invalid", "skip", "--chunk-bytes", "4KiB", "-j", "1", *self.inputs)

    def test_more_tasks_than_lines(self):
        one = self.run_jsift("filter", self.small)
        got = b""
        for i in range(50):
            r = self.run_jsift("filter", "--tasks", "50", "--task", str(i), self.small)
            self.assertEqual(r.rc, 0, r.err)
            got += r.out
        self.assertEqual(got, one.out)

    def test_each_line_once_by_its_start(self):
        # A line belongs to the task its first byte falls in: with 2 tasks over
        # one file, the split is the first line starting at or after size / 2.
        data = slurp(self.long)
        half = len(data) // 2
        cut = data.index(b"\n", half - 1) + 1
        first = self.run_jsift("filter", "--tasks", "2", "--task", "0", self.long)
        second = self.run_jsift("filter", "--tasks", "2", "--task", "1", self.long)
        self.assertEqual(first.out, data[:cut])
        self.assertEqual(second.out, data[cut:])

    def test_invalid_lines_are_named_by_byte_offset(self):
        data = slurp(self.big)
        at = data.index(b'{"id":"bad", oops}')
        failed = []
        for i in range(3):
            r = self.run_jsift("filter", "--tasks", "3", "--task", str(i), self.big)
            if r.rc == 3:
                failed.append(r.err)
        at2 = data.index(b'{"id":"bad2"')
        self.assertEqual(len(failed), 2, failed)  # the two bad lines lie in different thirds
        self.assertIn("%s@%d:14: expected a string key" % (self.big, at), failed[0])
        self.assertIn("%s@%d:13: unexpected end of line" % (self.big, at2), failed[1])
        # quarantine: the tasks' quarantines in order are the single run's, the sidecar gives offsets
        single = self.path("single.bad")
        self.run_with_report("filter", "--on-invalid", "quarantine:" + single, self.big)
        got, why = b"", []
        for i in range(3):
            q = self.path("q%d.bad" % i)
            self.run_with_report("filter", "--on-invalid", "quarantine:" + q, "--tasks", "3", "--task", str(i), self.big)
            got += slurp(q)
            why += [json.loads(l) for l in read_lines(q + ".errors.jsonl")]
        self.assertEqual(got, slurp(single))
        self.assertEqual([w["offset"] for w in why], [at, at2])
        self.assertTrue(all(w["line"] is None for w in why))
        # the report's first invalid lines too
        rep = self.path("rep.json")
        r = self.run_jsift("filter", "--on-invalid", "skip", "--tasks", "1", "--task", "0", "--report", rep, self.big)
        self.assertEqual(r.rc, 0, r.err)
        first = json.loads(slurp(rep))["invalid"]["first"]
        self.assertEqual([f["offset"] for f in first], [at, at2])
        self.assertIn("%s@%d:14:" % (self.big, at), r.err)

    def test_bad_usage(self):
        r = self.run_jsift("filter", "--tasks", "2", "--task", "0", stdin=slurp(self.small))
        self.assertEqual(r.rc, 2)
        self.assertIn("stdin cannot be divided", r.err)
        for args in (["--tasks", "2"], ["--task", "0"], ["--tasks", "2", "--task", "2"], ["--tasks", "0", "--task", "0"]):
            r = self.run_jsift("filter", *args, self.small)
            self.assertEqual(r.rc, 2, args)
            self.assertIn("--task", r.err)
        fifo = self.path("fifo")
        os.mkfifo(fifo)
        r = self.run_jsift("filter", "--tasks", "2", "--task", "0", fifo)
        self.assertEqual(r.rc, 2)
        self.assertIn("not a regular file", r.err)
        r = self.run_jsift("filter", "--tasks", "2", "--task", "0", self.path("missing.jsonl"))
        self.assertEqual(r.rc, 4)


if __name__ == "__main__":
    unittest.main()
