"""stats --partial and gate --partial over --tasks N and `jsift merge`: the
merged report equals the single run's for N = 1, 3, 7 (groups, --unique,
duplicates across the tasks' parts, --normalize, --approx, bytes; every
mergeable gate check, passing and failing), exactly; places are named by
byte offset; partials that are corrupt, truncated, missing, repeated, of
another command or of other options, gate file or inputs are refused with a
clear message."""
import json
import os
import random
import re

from harness import *  # noqa: F401,F403
from task_inputs import write_inputs, write_near_texts

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


GATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "task_gate.toml")


def without_places(text):
    """A gate's results with each place (FILE:LINE or FILE@BYTE) made FILE#, and the invalid lines' numbers gone."""
    text = re.sub(r'(\.jsonl|\.json|\.gz)(:\d+|@\d+)', r'\1#', text)
    return re.sub(r'"line":\s*(null|\d+),(\s*"offset":\s*\d+,)?', '', text)


class gate_merge_tests(jsift_case):
    def setUp(self):
        super().setUp()
        self.inputs = write_inputs(self)

    def partials(self, n, *args, config=GATE, prefix="g"):
        paths = []
        for i in range(n):
            p = self.path("%s%d-of-%d.bin" % (prefix, i, n))
            r = self.run_jsift("gate", "--config", config, "--tasks", str(n), "--task", str(i), "--partial", p, "-q",
                               "--on-invalid", "skip", *args, *self.inputs)
            self.assertEqual(r.rc, 0, r.err)  # the checks are the merge's to evaluate
            self.assertEqual(r.out, b"")
            paths.append(p)
        return paths

    def results(self, r, tag):
        """stdout, and the JSON, Markdown and JUnit files of a run given --report-json etc. under `tag`."""
        return [r.out] + [slurp(self.path(tag + ext)) for ext in (".json", ".md", ".xml")]

    def report_args(self, tag):
        return ["--report-json", self.path(tag + ".json"), "--report-md", self.path(tag + ".md"), "--junit", self.path(tag + ".xml")]

    def test_merged_gate_is_the_single_run(self):
        single = self.run_jsift("gate", "--config", GATE, "--on-invalid", "skip", *self.report_args("single"), *self.inputs)
        self.assertEqual(single.rc, 1, single.err)  # some checks fail: their details name places
        want = self.results(single, "single")
        report = json.loads(want[1])
        self.assertEqual(sum(not c["passed"] for c in report["checks"]), 8, want[0].decode())
        self.assertGreater(sum(c["passed"] for c in report["checks"]), 4)
        seen = None
        for n in (1, 3, 7):
            r = self.run_jsift("merge", *self.report_args("m%d" % n), *self.partials(n, prefix="g%d-" % n))
            self.assertEqual(r.rc, 1, r.err)
            got = self.results(r, "m%d" % n)
            for a, b in zip(got, want):
                self.assertEqual(without_places(a.decode()), without_places(b.decode()), n)
            if seen is not None:  # places by byte offset do not depend on N
                self.assertEqual(got, seen, n)
            seen = got
        # The places are where the records are.
        checks = {c["type"]: c for c in json.loads(seen[1])["checks"]}
        longest = checks["line_bytes"]["details"][0].split(" at ")[1]
        name, at = longest.rsplit("@", 1)
        self.assertEqual(len(slurp(name)[int(at):].split(b"\n")[0]), int(checks["line_bytes"]["value"]))
        for d in checks["match"]["details"]:
            name, at = d.split(": ", 1)[1].rsplit("@", 1)
            line = slurp(name)[int(at):].split(b"\n")[0]
            self.assertRegex(json.loads(line)["turns"][0]["content"], "word1[0-9]{2} ")

    def test_diversity_checks_merge(self):
        config = self.write("div.toml", "\n".join([
            '[[check]]\ntype = "distinct_n"\nn = 3\nmin = 0.5',
            '[[check]]\ntype = "compression_ratio"\nmax = 3\ncr_sample = "30KiB"',
            '[[check]]\ntype = "openings"\nby = ".record_type"\nmax_share = 0.01',
            '[[check]]\ntype = "self_repetition"\nmax = 2\ncr_sample = "40KiB"',
            '[[check]]\ntype = "distinct_n"\nname = "whitespace"\ntokens = "whitespace"\npath = ".turns[].content"\nmin = 0.1',
            '[[check]]\ntype = "near_duplicates"\nmax_rate = 0.3',
            '[[check]]\ntype = "near_duplicates"\nname = "near by type"\nby = ".record_type"\ngroups = ["a", "b", "c"]\nbands = 9\nrows = 3\nmax_rate = 0.5',
        ]) + "\n")
        self.inputs.insert(2, write_near_texts(self))  # near-duplicates in every task's part, of texts in others
        single = self.run_jsift("gate", "--config", config, "--on-invalid", "skip", "--report-json", self.path("s.json"), *self.inputs)
        self.assertIn(single.rc, (0, 1), single.err)
        want = json.loads(slurp(self.path("s.json")))["checks"]
        self.assertTrue(any(not c["passed"] for c in want) and any(c["passed"] for c in want), single.out)
        near = [c for c in want if c["type"] == "near_duplicates"]
        self.assertTrue(near[0]["value"] > 0.3 and 0 < near[1]["value"] < 0.5 and len(near[1]["groups"]) >= 3, near)
        for n in (1, 3, 7):
            r = self.run_jsift("merge", "--report-json", self.path("m.json"), *self.partials(n, config=config, prefix="d%d-" % n))
            self.assertEqual(r.rc, single.rc, r.err)
            got = json.loads(slurp(self.path("m.json")))["checks"]
            self.assertEqual([(c["name"], c["passed"], c["measured"], c["value"], c["groups"]) for c in got],
                             [(c["name"], c["passed"], c["measured"], c["value"], c["groups"]) for c in want], n)

    def test_tasks_without_records(self):
        # More tasks than files and a compressed file read whole: most tasks commit no record, their partials still merge.
        config = self.write("mix.toml", '[[check]]\ntype = "mix"\nby = ".record_type"\ntarget = { qa = 0.33, chat = 0.33, tool = 0.34 }\n'
                                        'tolerance = 0.05\n[[check]]\ntype = "unique"\npath = ".id"\nmin_ratio = 0.1\n')
        packed = [p for p in self.inputs if p.endswith(".gz")]
        single = self.run_jsift("gate", "--config", config, *packed)
        paths = []
        for i in range(5):
            paths.append(self.path("z%d.bin" % i))
            r = self.run_jsift("gate", "--config", config, "--tasks", "5", "--task", str(i), "--partial", paths[-1], "-q", *packed)
            self.assertEqual(r.rc, 0, r.err)
        r = self.run_jsift("merge", *paths)
        self.assertEqual(r.rc, single.rc, r.err)
        self.assertEqual(r.out, single.out)

    def test_passing_gate_merges_to_exit_0(self):
        config = self.write("pass.toml", '[[check]]\ntype = "unique"\npath = ".id"\nby = ".record_type"\nmin_ratio = 0.2\n'
                                         '[[check]]\ntype = "duplicates"\nmax_rate = 0.01\n[[check]]\ntype = "records"\nmin = 3000\n')
        self.inputs.append(self.write("z-bad.jsonl", b"{oops\n"))  # a task whose chunk has no record
        single = self.run_jsift("gate", "--config", config, "--on-invalid", "skip", *self.inputs)
        self.assertEqual(single.rc, 0, single.out)
        r = self.run_jsift("merge", *self.partials(3, config=config, prefix="pass"))
        self.assertEqual(r.rc, 0, r.out)
        self.assertEqual(r.out, single.out)

    def test_refusals(self):
        # The results are the merge's to write.
        r = self.run_jsift("gate", "--config", GATE, "--partial", self.path("e.bin"), "--junit", self.path("j.xml"), *self.inputs)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("give --report-json, --report-md and --junit to jsift merge", r.err)
        gates = self.partials(2)
        stats = self.path("s1.bin")
        self.assertEqual(self.run_jsift("stats", "--tasks", "2", "--task", "1", "--partial", stats, "-q", "--on-invalid", "skip", *self.inputs).rc, 0)
        r = self.run_jsift("merge", gates[0], stats)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("partials of different commands", r.err)
        other = self.write("other.toml", slurp(GATE).replace(b"min_ratio = 0.9", b"min_ratio = 0.8"))
        r = self.run_jsift("merge", gates[0], self.partials(2, config=other, prefix="o")[1])
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("another gate file", r.err)
        r = self.run_jsift("merge", "--report", self.path("r.json"), *gates)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("--report-json", r.err)
        r = self.run_jsift("merge", "--junit", self.path("x.xml"), self.path("s1.bin"))
        self.assertEqual(r.rc, 2, r.err)


class diversity_merge_tests(jsift_case):
    """diversity --partial per task and jsift merge: the single run's report byte for byte, every dataset divided alike."""

    def setUp(self):
        super().setUp()
        self.inputs = write_inputs(self)

    def test_merged_report_is_the_single_run(self):
        os.mkdir(self.path("near"))
        write_near_texts(self, "near/varied.jsonl")
        self.write("near/more.jsonl", b"".join(slurp(p) for p in self.inputs[1:3]))
        # The largest cluster's first member in the last part of a file divided between tasks: named by its line in the file.
        rng = random.Random(5)
        words = lambda n: " ".join("".join(rng.choice("abcdefghij") for _ in range(6)) for _ in range(n))  # (shingles make digits 0)
        base = words(40)
        late = [words(60) for _ in range(600)] + [base + " " + words(1) for _ in range(20)]
        self.write("near/z-late.jsonl", "".join(json.dumps({"record_type": "z", "turns": [{"role": "user", "content": t}]}) + "\n" for t in late))
        for opts in ([], ["--by", ".record_type", "--cr-sample", "20KiB", "--sample", "50"], ["--tokens", "whitespace", "--cr-sample", "0"],
                     ["--max-memory", "200KiB", "--text", ".turns[0].content", "--text", ".turns[-1].content"],
                     ["--near", "--by", ".record_type", "--text", ".turns[-1].content", "--text", ".turns[0].content", "--threshold", "0.6"]):
            args = ["--on-invalid", "skip", *opts, self.inputs[0], self.inputs[3], self.inputs[-1], self.path("")]
            if "--near" in opts:  # near-duplicates within files and across them, their clusters' first members in every task's part
                args = ["--on-invalid", "skip", *opts, self.inputs[0], self.path("near"), self.path("")]
            single = self.run_jsift("diversity", "--json", "-q", *args)
            self.assertEqual(single.rc, 0, single.err)
            if "--near" in opts:
                column = json.loads(single.out)["datasets"][1]["columns"][0]["near_duplicates"]
                self.assertGreater(column["near_duplicates"], 500)
                late = [(c["size"], c["first"]["line"]) for c in column["largest"] if c["first"]["file"].endswith("z-late.jsonl")]
                self.assertEqual(late, [(20, 601)], column["largest"])
            for n in (1, 3, 7):
                paths = []
                for i in range(n):
                    paths.append(self.path("d%d-%d.bin" % (n, i)))
                    r = self.run_jsift("diversity", "-q", "--tasks", str(n), "--task", str(i), "--partial", paths[-1], *args)
                    self.assertEqual(r.rc, 0, r.err)
                    self.assertEqual(r.out, b"")
                got = self.run_jsift("merge", "--json", *reversed(paths))
                self.assertEqual(got.rc, 0, got.err)
                self.assertEqual(got.out, single.out, (opts, n))
        md = self.run_jsift("merge", "--md", *paths)
        self.assertTrue(md.out.startswith(b"# jsift diversity"), md.out[:100])
        self.assertEqual(self.run_jsift("merge", "--format", "md", *paths).out, md.out)
        self.assertEqual(md.out, self.run_jsift("diversity", "--md", "-q", *args).out)

    def test_refusals(self):
        a, b = self.path("a.bin"), self.path("b.bin")
        self.assertEqual(self.run_jsift("diversity", "-q", "--tasks", "2", "--task", "0", "--partial", a, self.inputs[1]).rc, 0)
        self.assertEqual(self.run_jsift("diversity", "-q", "--tasks", "2", "--task", "1", "--seed", "3", "--partial", b, self.inputs[1]).rc, 0)
        r = self.run_jsift("merge", a, b)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("other options", r.err)
        r = self.run_jsift("merge", "--junit", self.path("j.xml"), a)
        self.assertEqual(r.rc, 2, r.err)
        c = self.path("c.bin")  # the same options, another name for the dataset
        self.assertEqual(self.run_jsift("diversity", "-q", "--tasks", "2", "--task", "1", "--label", "other", "--partial", c, self.inputs[1]).rc, 0)
        r = self.run_jsift("merge", a, c)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("other inputs", r.err)
        r = self.run_jsift("diversity", "--partial", self.path("p.bin"), "--html", self.path("p.html"), self.inputs[1])
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("give --report and --html to jsift merge", r.err)


if __name__ == "__main__":
    unittest.main()
