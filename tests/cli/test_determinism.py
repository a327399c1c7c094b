"""Same input and options: byte-identical output and reports for any -j,
chunk size, and read path (mmap or read(2))."""
import os

from harness import *  # noqa: F401,F403


class determinism_tests(jsift_case):
    def setUp(self):
        super().setUp()
        # Multi-chunk input: the sample repeated, with bad lines sprinkled in.
        conv = slurp(CONV)
        bad = slurp(os.path.join(BAD, "mixed_invalid.jsonl"))
        self.src = self.write("multi.jsonl", (conv + bad + slurp(PAIRS)) * 8)

    def runs(self, *args):
        results = []
        for extra in (["-j1"], ["-j2"], ["-j8"], ["-j8", "--mmap"], ["-j3", "--chunk-bytes", "64K"]):
            r, rep = self.run_with_report(*args, "--chunk-bytes", "4K", *extra, self.src)
            results.append((extra, r.out, rep))
        return results

    def test_filter_output_and_report_do_not_depend_on_threads(self):
        results = self.runs("filter", "--on-invalid", "skip", "--turns", "5..10")
        first = results[0]
        self.assertGreater(len(first[1]), 100000)
        for extra, out, rep in results[1:]:
            self.assertEqual(out, first[1], extra)
            self.assertEqual(rep, first[2], extra)

    def test_stats_report_does_not_depend_on_threads(self):
        results = self.runs("stats", "--json", "--on-invalid", "skip", "--unique", ".turns[-1].content")
        first = results[0]
        self.assertEqual(first[2]["invalid"]["count"], 24)
        for extra, out, rep in results[1:]:
            self.assertEqual(out, first[1], extra)

    def test_fail_policy_stops_at_the_same_line(self):
        outs = set()
        for j in ("-j1", "-j2", "-j8"):
            r = self.run_jsift("filter", "--chunk-bytes", "4K", j, self.src)
            self.assertEqual(r.rc, 3)
            outs.add((r.out, r.err))
        self.assertEqual(len(outs), 1)
