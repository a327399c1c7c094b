"""stats --partial over --tasks N and `jsift merge`: the merged report equals
the single run's for N = 1, 3, 7 (groups, --unique, duplicates across the
tasks' parts, --normalize, --approx, bytes), exactly; invalid lines are named
by byte offset; partials that are corrupt, truncated, missing, repeated or of
other options or inputs are refused with a clear message."""
import json
import os
import random

from harness import *  # noqa: F401,F403
from task_inputs import write_inputs

OPTIONS = [
    [],
    ["--by", ".record_type", "--unique", ".turns[-1].content", "--unique", ".id"],
    ["--normalize", "nfkc,case,ws", "--by", ".record_type", "--unique", ".turns[0].content"],
    ["--approx", "--by", ".record_type", "--unique", ".id"],
    ["--duplicates", "bytes", "--turns-count", "assistant"],
    ["--no-duplicates", "--by", ".id"],
]


class merge_tests(jsift_case):
    def setUp(self):
        super().setUp()
        self.inputs = write_inputs(self)
        self.big = self.inputs[0]

    def partials(self, n, *args, inputs=None, prefix="p"):
        paths = []
        for i in range(n):
            p = self.path("%s%d-of-%d.bin" % (prefix, i, n))
            r = self.run_jsift("stats", "--tasks", str(n), "--task", str(i), "--partial", p, "-q", *args, *(inputs or self.inputs))
            self.assertEqual(r.rc, 0, r.err)
            self.assertEqual(r.out, b"")  # the task's report is the merge's
            paths.append(p)
        return paths

    def merged(self, paths, *args):
        r = self.run_jsift("merge", "--json", *args, *paths)
        self.assertEqual(r.rc, 0, r.err)
        return r.json()

    def without_places(self, report):
        """The report without the invalid lines' places (the merge names them by byte offset)."""
        report = dict(report)
        report["invalid"] = dict(report["invalid"])
        report["invalid"]["first"] = [{k: v for k, v in f.items() if k not in ("line", "offset")} for f in report["invalid"]["first"]]
        return report

    def test_merged_report_is_the_single_run(self):
        for opts in OPTIONS:
            single = self.run_jsift("stats", "--json", "--on-invalid", "skip", *opts, *self.inputs)
            self.assertEqual(single.rc, 0, single.err)
            want = self.without_places(single.json())
            self.assertGreater(want["duplicates"]["duplicates"] if want["duplicates"] else 1, 0)
            for n in (1, 3, 7):
                got = self.merged(self.partials(n, "--on-invalid", "skip", *opts))
                self.assertEqual(self.without_places(got), want, (opts, n))

    def test_order_of_partials_does_not_matter(self):
        paths = self.partials(3, "--on-invalid", "skip", "--by", ".record_type")
        a = self.run_jsift("merge", "--json", *paths)
        b = self.run_jsift("merge", "--json", *reversed(paths))
        self.assertEqual(a.rc, 0, a.err)
        self.assertEqual(a.out, b.out)

    def test_table_without_invalid_lines_is_the_single_runs(self):
        clean = self.inputs[1:]
        single = self.run_jsift("stats", "--format", "table", "--by", ".record_type", *clean)
        got = self.run_jsift("merge", "--format", "table", *self.partials(3, "--by", ".record_type", inputs=clean))
        self.assertEqual(got.rc, 0, got.err)
        self.assertEqual(got.out, single.out)

    def test_invalid_lines_by_offset(self):
        data = slurp(self.big)
        at = [data.index(b'{"id":"bad", oops}'), data.index(b'{"id":"bad2"')]
        got = self.merged(self.partials(3, "--on-invalid", "skip"))
        self.assertEqual(got["invalid"]["count"], 2)
        self.assertEqual([f["offset"] for f in got["invalid"]["first"]], at)
        self.assertTrue(all(f["line"] is None and f["file"] == self.big for f in got["invalid"]["first"]))
        table = self.run_jsift("merge", "--format", "table", *self.partials(3, "--on-invalid", "skip", prefix="t"))
        self.assertIn(("%s@%d:14:" % (self.big, at[0])).encode(), table.out)

    def test_bad_partials(self):
        paths = self.partials(3, "--on-invalid", "skip", "--by", ".record_type")
        cases = []
        r = self.run_jsift("merge", paths[0], paths[2])
        cases.append((r, 2, "task 1 of 3 is missing"))
        r = self.run_jsift("merge", paths[0], paths[1])
        cases.append((r, 2, "task 2 of 3 is missing"))
        r = self.run_jsift("merge", paths[0], paths[0], paths[1], paths[2])
        cases.append((r, 2, "are both task 0 of 3"))
        other = self.partials(3, "--on-invalid", "skip", "--by", ".id", prefix="o")
        r = self.run_jsift("merge", paths[0], other[1], paths[2])
        cases.append((r, 2, "other options"))
        two = self.partials(2, "--on-invalid", "skip", "--by", ".record_type", prefix="two")
        r = self.run_jsift("merge", paths[0], two[1], paths[2])
        cases.append((r, 2, "tasks of different runs"))
        fewer = self.partials(3, "--on-invalid", "skip", "--by", ".record_type", inputs=self.inputs[:2], prefix="f")
        r = self.run_jsift("merge", paths[0], fewer[1], paths[2])
        cases.append((r, 2, "other inputs"))
        data = bytearray(slurp(paths[1]))
        data[len(data) // 2] ^= 0x40
        flipped = self.write("flipped.bin", bytes(data))
        r = self.run_jsift("merge", paths[0], flipped, paths[2])
        cases.append((r, 3, "checksum does not match"))
        cut = self.write("cut.bin", slurp(paths[1])[:-100])
        r = self.run_jsift("merge", paths[0], cut, paths[2])
        cases.append((r, 3, "checksum does not match"))
        text = self.write("text.bin", b'{"not": "a partial"}\n')
        r = self.run_jsift("merge", text)
        cases.append((r, 3, "no JSIFTPRT header"))
        r = self.run_jsift("merge", self.path("missing.bin"))
        cases.append((r, 4, "cannot open"))
        for r, rc, message in cases:
            self.assertEqual(r.rc, rc, (message, r.err))
            self.assertIn(message, r.err)
            self.assertEqual(r.out, b"")

    def test_partial_is_written_atomically_and_refuses_stdin(self):
        p = self.path("p.bin")
        r = self.run_jsift("stats", "--partial", p, stdin=slurp(self.inputs[1]))
        self.assertEqual(r.rc, 0, r.err)  # no --tasks: a run of one task, from any input
        single = self.run_jsift("stats", "--json", stdin=slurp(self.inputs[1]))
        got = self.merged([p])
        self.assertEqual(got, single.json())
        r = self.run_jsift("stats", "--tasks", "2", "--task", "0", "--partial", self.path("q.bin"), stdin=b"{}\n")
        self.assertEqual(r.rc, 2)
        self.assertFalse(os.path.exists(self.path("q.bin")))
        r = self.run_jsift("stats", "--partial", self.path("dir/none.bin"), self.inputs[1])
        self.assertEqual(r.rc, 4, r.err)


if __name__ == "__main__":
    unittest.main()
