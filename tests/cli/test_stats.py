"""jsift stats: every figure checked against a Python computation of the same."""
import collections
import json
import math

from harness import *  # noqa: F401,F403


def load(*paths):
    recs = []
    for p in paths:
        recs += [(l, json.loads(l)) for l in read_lines(p) if l.strip()]
    return recs


def nearest_rank(sorted_vals, q):
    k = max(1, math.ceil(q * len(sorted_vals)))
    return sorted_vals[k - 1]


class stats_tests(jsift_case):
    def stats(self, *args):
        r, rep = self.run_with_report("stats", "--json", *args)
        self.assertEqual(r.json(), rep)  # stdout and --report carry the same document
        return rep

    def test_counts_lengths_and_groups(self):
        rep = self.stats(SAMPLE)
        recs = load(CONV, PAIRS)
        self.assertEqual(rep["records"], len(recs))
        self.assertEqual(rep["lines"], len(recs))
        self.assertEqual(rep["invalid"]["count"], 0)
        lens = sorted(len(l) for l, _ in recs)
        rb = rep["record_bytes"]
        self.assertEqual(rb["min"], lens[0])
        self.assertEqual(rb["max"], lens[-1])
        self.assertEqual(rb["total"], sum(lens))
        for q, key in ((0.5, "p50"), (0.9, "p90"), (0.99, "p99")):
            exact = nearest_rank(lens, q)
            self.assertLessEqual(abs(rb[key] - exact), exact / 128 + 1, key)
        # --by defaults to .record_type
        self.assertEqual(rep["by"]["path"], ".record_type")
        want = collections.Counter(r["record_type"] for _, r in recs)
        self.assertEqual({k: v["records"] for k, v in rep["by"]["groups"].items()}, dict(want))
        # most records first
        counts = [v["records"] for v in rep["by"]["groups"].values()]
        self.assertEqual(counts, sorted(counts, reverse=True))

    def test_turn_histogram(self):
        rep = self.stats(CONV)
        recs = load(CONV)
        want = collections.Counter(len(conversation(r)) for _, r in recs)
        self.assertEqual({int(k): v for k, v in rep["turns"]["histogram"].items()}, dict(want))
        self.assertEqual(rep["turns"]["path"], "auto")
        self.assertEqual(rep["turns"]["min"], min(want))
        self.assertEqual(rep["turns"]["max"], max(want))

    def test_turns_path_and_missing_conversations(self):
        rep = self.stats("--turns-path", ".turns", PAIRS)
        recs = load(PAIRS)
        self.assertEqual(rep["turns"]["without"], sum(1 for _, r in recs if "turns" not in r))
        self.assertEqual(rep["turns"]["path"], ".turns")

    def test_key_coverage(self):
        rep = self.stats(CONV)
        recs = load(CONV)
        want = collections.Counter(k for _, r in recs for k in r)
        self.assertEqual({k: v["records"] for k, v in rep["keys"].items()}, dict(want))
        self.assertAlmostEqual(rep["keys"]["notes"]["share"], want["notes"] / len(recs), places=5)

    def test_unique_overall_and_per_group(self):
        rep = self.stats("--unique", ".turns[-1].content", "--unique", ".outcome", SAMPLE)
        recs = load(CONV, PAIRS)
        u = rep["unique"][0]
        vals = [r["turns"][-1]["content"] for _, r in recs if r.get("turns")]
        self.assertEqual(u["path"], ".turns[-1].content")
        self.assertEqual(u["records"], len(vals))
        self.assertEqual(u["distinct"], len(set(vals)))
        self.assertAlmostEqual(u["ratio"], len(set(vals)) / len(vals), places=5)
        self.assertEqual(u["missing"], len(recs) - len(vals))
        for group, g in u["by_group"].items():
            gv = [r["turns"][-1]["content"] for _, r in recs if r.get("turns") and r["record_type"] == group]
            self.assertEqual(g["records"], len(gv), group)
            self.assertEqual(g["distinct"], len(set(gv)), group)
        self.assertEqual(rep["unique"][1]["distinct"], len({r["outcome"] for _, r in recs if "outcome" in r}))

    def test_unique_whole_list(self):
        rep = self.stats("--unique", ".turns[].content", CONV)
        recs = load(CONV)
        self.assertEqual(rep["unique"][0]["distinct"], len({tuple(t["content"] for t in r["turns"]) for _, r in recs}))

    def test_explicit_by(self):
        rep = self.stats("--by", ".input_parameters.persona_key", CONV)
        recs = load(CONV)
        want = collections.Counter(r["input_parameters"]["persona_key"] for _, r in recs)
        self.assertEqual({k: v["records"] for k, v in rep["by"]["groups"].items()}, dict(want))

    def test_default_by_is_dropped_when_no_record_has_it(self):
        p = self.write("x.jsonl", '{"a": 1}\n{"a": 2}\n')
        self.assertIsNone(self.stats(p)["by"])

    def test_table_format(self):
        r = self.run_jsift("stats", "--format", "table", "--unique", ".turns[-1].content", CONV)
        self.assertEqual(r.rc, 0, r.err)
        text = r.out.decode()
        for needle in ("records", "by .record_type", "turns (auto)", "keys", "unique .turns[-1].content", "240"):
            self.assertIn(needle, text)

    def test_json_when_stdout_is_not_a_terminal(self):
        r = self.run_jsift("stats", CONV)
        self.assertEqual(r.json()["records"], 240)

    def test_profile_reports_the_committing_threads_share(self):
        import re
        plain = self.run_jsift("stats", "--chunk-bytes", "4K", "-j2", CONV)
        self.assertNotIn("profile", plain.err)
        r = self.run_jsift("stats", "--profile", "--chunk-bytes", "4K", "-j2", "-q", CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, plain.out)  # the report does not change
        m = re.search(r"profile: ([0-9.]+) s wall, 2 threads, ([0-9]+) chunks; committing thread busy ([0-9.]+) s "
                      r"\(([0-9.]+) % of wall\), reading thread busy ([0-9.]+) s \(([0-9.]+) % of wall\); "
                      r"more cores cannot make it faster than ([0-9.]+)x", r.err)
        self.assertIsNotNone(m, r.err)
        wall, chunks, commit, commit_share, read, read_share, limit = (float(x) for x in m.groups())
        self.assertGreater(chunks, 10)  # 4K chunks of the sample
        self.assertLessEqual(commit, wall + 0.001)
        self.assertLessEqual(read, wall + 0.001)
        self.assertLessEqual(commit_share, 100.0)
        if max(commit_share, read_share) >= 1.0:  # the printed shares are rounded to 0.1 %
            self.assertAlmostEqual(limit, 100.0 / max(commit_share, read_share), delta=0.1 * limit + 0.1)
        empty = self.run_jsift("stats", "--profile", "-q", self.write("empty.jsonl", b""))
        self.assertEqual(empty.rc, 0, empty.err)
        self.assertIn(", 0 chunks;", empty.err)  # asked for: said, even when there was nothing to read

    def test_json_key_order_is_stable(self):
        keys = list(self.stats(CONV).keys())
        # skipped_inputs: directory entries not read (issue 12), after the inputs that were
        self.assertEqual(keys, ["jsift_version", "inputs", "skipped_inputs", "lines", "records", "blank", "invalid", "input_bytes",
                                "line_endings", "record_bytes", "by", "turns", "keys", "unique", "duplicates",
                                "dispositions"])


def canon(value, ws_case=False):
    import re
    if isinstance(value, dict):
        return {k: canon(v, ws_case) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [canon(v, ws_case) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and ws_case:
        return re.sub(r"[ \t\n\r\f\v]+", " ", value).strip().lower()
    return value


class stats_duplicates_tests(jsift_case):
    def test_duplicate_rate_overall_and_per_group(self):
        recs = load(CONV, PAIRS)
        # The default compares JSON values (as dedup and the gate do); --duplicates bytes, the lines' bytes.
        for flags, compare, key in (([], "value", lambda l, r: json.dumps(canon(r), sort_keys=True)),
                                    (["--duplicates", "bytes"], "bytes", lambda l, r: l)):
            r, rep = self.run_with_report("stats", "--json", *flags, SAMPLE)
            keys = [key(l, r) for l, r in recs]
            d = rep["duplicates"]
            self.assertEqual(d["compare"], compare)
            self.assertEqual(d["records"], len(keys))
            self.assertEqual(d["distinct"], len(set(keys)))
            self.assertEqual(d["duplicates"], len(keys) - len(set(keys)))
            self.assertGreater(d["duplicates"], 0)
            for group, g in d["by_group"].items():
                gk = [key(l, r) for l, r in recs if r["record_type"] == group]
                self.assertEqual(g["duplicates"], len(gk) - len(set(gk)), group)

    def test_distinct_counts_are_exact_for_any_chunking_and_threads(self):
        # The sets are filled by the workers as chunks end, in any order.
        import random
        rng = random.Random(9)
        lines = [json.dumps({"record_type": "t%d" % rng.randrange(9), "out": "v%d" % rng.randrange(150),
                             "w": rng.randrange(2)}) for _ in range(5000)]
        data = self.write("d.jsonl", "\n".join(lines) + "\n")
        recs = [json.loads(l) for l in lines]
        for args in (("-j1",), ("-j2", "--chunk-bytes", "4K"), ("-j8", "--chunk-bytes", "1K")):
            r, rep = self.run_with_report("stats", "--json", "--unique", ".out", *args, data)
            u, d = rep["unique"][0], rep["duplicates"]
            self.assertEqual(u["distinct"], len({r["out"] for r in recs}), args)
            self.assertEqual(d["duplicates"], len(lines) - len(set(lines)), args)
            for group in {r["record_type"] for r in recs}:
                gl = [l for l, r in zip(lines, recs) if r["record_type"] == group]
                self.assertEqual(u["by_group"][group]["distinct"], len({json.loads(l)["out"] for l in gl}), (args, group))
                self.assertEqual(d["by_group"][group]["duplicates"], len(gl) - len(set(gl)), (args, group))

    def test_normalized_repeats_count_within_their_group(self):
        # Equal once case is folded, but in groups "A" and "a": each group
        # counts the repeats of its own records, whatever the chunking.
        src = self.write("g.jsonl", '{"record_type":"a","t":"x"}\n{"record_type":"A","t":"X"}\n'
                                    '{"record_type":"a","t":"X"}\n{"record_type":"A","t":"x"}\n')
        for args in (("-j1",), ("-j2", "--chunk-bytes", "64")):
            r, rep = self.run_with_report("stats", "--json", "--normalize", "case", *args, src)
            d = rep["duplicates"]
            self.assertEqual(d["duplicates"], 3, args)
            self.assertEqual({g: v["duplicates"] for g, v in d["by_group"].items()}, {"a": 1, "A": 1}, args)

    def test_normalize_finds_near_duplicates(self):
        src = self.write("n.jsonl", '{"t": "Hello  World"}\n{"t": "hello world"}\n{"t": "other"}\n{"t":"other"}\n')
        r, rep = self.run_with_report("stats", "--json", "--unique", ".t", src)
        self.assertEqual(rep["duplicates"]["duplicates"], 1)  # {"t": "other"} and {"t":"other"} are one value
        self.assertEqual(rep["unique"][0]["distinct"], 3)
        r, by_bytes = self.run_with_report("stats", "--json", "--duplicates", "bytes", src)
        self.assertEqual(by_bytes["duplicates"]["duplicates"], 0)  # their bytes differ
        r, rep = self.run_with_report("stats", "--json", "--normalize", "ws,case", "--unique", ".t", src)
        self.assertEqual(rep["duplicates"]["compare"], "value")
        self.assertEqual(rep["duplicates"]["duplicates"], 2)
        self.assertEqual(rep["unique"][0]["distinct"], 2)
        self.assertEqual(rep["unique"][0]["normalize"], "ws,case")

    def test_approx_is_close_and_flagged(self):
        big = self.write("big.jsonl", slurp(CONV) * 3 + slurp(PAIRS))
        r, exact = self.run_with_report("stats", "--json", "--unique", ".id", big)
        r, approx = self.run_with_report("stats", "--json", "--approx", "--unique", ".id", big)
        self.assertTrue(approx["unique"][0]["approx"])
        self.assertTrue(approx["duplicates"]["approx"])
        e, a = exact["unique"][0]["distinct"], approx["unique"][0]["distinct"]
        self.assertLessEqual(abs(a - e), 0.03 * e + 1)
        e, a = exact["duplicates"]["distinct"], approx["duplicates"]["distinct"]
        self.assertLessEqual(abs(a - e), 0.03 * e + 1)

    def test_no_duplicates(self):
        r, rep = self.run_with_report("stats", "--json", "--no-duplicates", CONV)
        self.assertIsNone(rep["duplicates"])
