"""jsift rebalance, sample and split: exact counts, determinism, order, pipes,
infeasible requests, accounting."""
import collections
import json
import os

from harness import *  # noqa: F401,F403


def types(out):
    return collections.Counter(json.loads(l)["record_type"] for l in out.splitlines())


def is_subsequence(out, src_lines):
    """Kept records are input lines, byte-for-byte, in input order."""
    it = iter(src_lines)
    return all(any(l == s for s in it) for l in out.splitlines())


class rebalance_tests(jsift_case):
    def setUp(self):
        super().setUp()
        self.lines = read_lines(CONV) + read_lines(PAIRS)  # chat 240, qa 64, preference 32

    def test_target_mix_is_exact_and_largest_possible(self):
        r, rep = self.run_with_report("rebalance", "--by", ".record_type", "--target", "chat=0.5,qa=0.3,preference=0.2", SAMPLE)
        # preference limits: 32 / 0.2 = 160 records
        self.assertEqual(types(r.out), {"chat": 80, "qa": 48, "preference": 32})
        self.assertTrue(is_subsequence(r.out, self.lines))
        self.assertEqual(rep["dispositions"]["sampled_out"], len(self.lines) - 160)
        g = rep["selection"]["groups"]["qa"]
        self.assertEqual((g["available"], g["selected"], g["target"], g["share"]), (64, 48, 0.3, 0.3))

    def test_target_with_total(self):
        r, rep = self.run_with_report("rebalance", "--by", ".record_type", "--target", "chat=0.6,qa=0.4", "--total", "101", SAMPLE)
        self.assertEqual(types(r.out), {"chat": 61, "qa": 40})

    def test_caps_and_equal(self):
        r, _ = self.run_with_report("rebalance", "--by", ".record_type", "--cap", "chat=10,qa=100", SAMPLE)
        self.assertEqual(types(r.out), {"chat": 10, "qa": 64})
        r, _ = self.run_with_report("rebalance", "--by", ".record_type", "--cap", "chat=10", "--others", "keep", SAMPLE)
        self.assertEqual(types(r.out), {"chat": 10, "qa": 64, "preference": 32})
        r, _ = self.run_with_report("rebalance", "--by", ".record_type", "--cap-all", "40", SAMPLE)
        self.assertEqual(types(r.out), {"chat": 40, "qa": 40, "preference": 32})
        r, _ = self.run_with_report("rebalance", "--by", ".record_type", "--equal", SAMPLE)
        self.assertEqual(types(r.out), {"chat": 32, "qa": 32, "preference": 32})

    def test_others_keep_fills_the_rest(self):
        r, _ = self.run_with_report("rebalance", "--by", ".record_type", "--target", "chat=0.5", "--others", "keep", SAMPLE)
        self.assertEqual(types(r.out), {"chat": 96, "qa": 64, "preference": 32})

    def test_bottom_k_is_the_smallest_seeded_hashes(self):
        # the chosen chat records are those a Python bottom-k would pick: check
        # determinism of the selection across seeds and runs instead of the hash
        outs = {seed: self.run_jsift("rebalance", "--by", ".record_type", "--cap-all", "20", "--seed", seed, SAMPLE).out
                for seed in ("1", "2")}
        self.assertNotEqual(outs["1"], outs["2"])
        self.assertEqual(outs["1"], self.run_jsift("rebalance", "--by", ".record_type", "--cap-all", "20", "--seed", "1", SAMPLE).out)

    def test_deterministic_across_threads_chunks_and_pipes(self):
        args = ["rebalance", "--by", ".record_type", "--target", "chat=0.5,qa=0.3,preference=0.2", "--seed", "9"]
        base = self.run_jsift(*args, "-j1", SAMPLE).out
        for extra in (["-j2"], ["-j8", "--chunk-bytes", "2K"], ["--mmap"]):
            self.assertEqual(self.run_jsift(*args, *extra, SAMPLE).out, base, extra)
        piped, rep = self.run_with_report(*args, stdin=slurp(CONV) + slurp(PAIRS))
        self.assertEqual(piped.out, base)
        self.assertTrue(rep["selection"]["stdin_spooled"])

    def test_infeasible_requests_are_clear_errors(self):
        cases = ((["--target", "chat=0.5,qa=0.5", "--total", "300"], "cannot keep 150 records of group 'qa': it has 64"),
                 (["--target", "chat=0.5,nope=0.5"], "no record has group 'nope'"),
                 (["--target", "chat=0.5,qa=0.3"], "must sum to 1"),
                 (["--cap-all", "5", "--equal"], "exactly one of"),
                 ([], "exactly one of"))
        for args, msg in cases:
            r = self.run_jsift("rebalance", "--by", ".record_type", *args, SAMPLE)
            self.assertEqual(r.rc, 2, args)
            self.assertIn(msg, r.err, args)

    def test_upsample_repeats_and_reports(self):
        r, rep = self.run_with_report("rebalance", "--by", ".record_type", "--target", "chat=0.5,preference=0.5", "--total", "100",
                                      "--allow-upsample", SAMPLE)
        self.assertEqual(types(r.out), {"chat": 50, "preference": 50})
        self.assertEqual(rep["selection"]["upsampled_copies"], 18)
        self.assertEqual(rep["dispositions"]["kept"], 50 + 32)  # input lines kept at least once
        self.assertIn("upsampled: 18 extra copies", r.err)

    def test_groups_missing_the_field_and_empty_input(self):
        src = self.write("m.jsonl", '{"t": "a", "i": 1}\n{"i": 2}\n{"t": "a", "i": 3}\n{"i": 4}\n')
        r, rep = self.run_with_report("rebalance", "--by", ".t", "--cap-all", "1", src)
        self.assertEqual(len(r.out.splitlines()), 2)  # one "a", one "(missing)"
        self.assertIn("(missing)", rep["selection"]["groups"])
        empty = self.write("e.jsonl", "")
        r, rep = self.run_with_report("rebalance", "--by", ".t", "--equal", empty)
        self.assertEqual(r.out, b"")


class sample_tests(jsift_case):
    def test_n_is_exact_overall_and_per_group(self):
        r, rep = self.run_with_report("sample", "-n", "25", SAMPLE)
        self.assertEqual(len(r.out.splitlines()), 25)
        self.assertTrue(is_subsequence(r.out, read_lines(CONV) + read_lines(PAIRS)))
        r, rep = self.run_with_report("sample", "-n", "10", "--by", ".record_type", SAMPLE)
        self.assertEqual(types(r.out), {"chat": 10, "qa": 10, "preference": 10})

    def test_fraction_is_about_right_and_deterministic(self):
        big = self.write("big.jsonl", b"".join(l.replace(b'"id": "', b'"id": "%d-' % i) + b"\n"
                                               for i in range(20) for l in read_lines(CONV)))
        r, rep = self.run_with_report("sample", "--fraction", "0.1", big)
        n = len(r.out.splitlines())
        self.assertTrue(380 <= n <= 580, n)  # 4800 records at 10 %
        self.assertEqual(self.run_jsift("sample", "--fraction", "0.1", "-j1", big).out, r.out)
        self.assertEqual(rep["dispositions"]["sampled_out"], 4800 - n)
        self.assertEqual(self.run_jsift("sample", "--fraction", "1", big).out, slurp(big))
        self.assertEqual(self.run_jsift("sample", "--fraction", "0", big).out, b"")

    def test_usage(self):
        for args in ([], ["-n", "3", "--fraction", "0.5"], ["--fraction", "1.5"]):
            self.assertEqual(self.run_jsift("sample", *args, CONV).rc, 2, args)


class split_tests(jsift_case):
    def split(self, *args, src=SAMPLE):
        out = self.path("splits")
        r, rep = self.run_with_report("split", "-o", out, *args, src)
        return {name: slurp(os.path.join(out, name)) for name in sorted(os.listdir(out))}, rep

    def test_every_record_lands_in_exactly_one_split_in_order(self):
        files, rep = self.split("--ratios", "train=0.8,eval=0.2")
        lines = read_lines(CONV) + read_lines(PAIRS)
        self.assertEqual(sorted(files), ["eval.jsonl", "train.jsonl"])
        self.assertEqual(sorted(files["train.jsonl"].splitlines() + files["eval.jsonl"].splitlines()), sorted(lines))
        for f in files.values():
            self.assertTrue(is_subsequence(f, lines))
        n_eval = len(files["eval.jsonl"].splitlines())
        self.assertTrue(0.1 * len(lines) < n_eval < 0.3 * len(lines), n_eval)
        self.assertEqual(rep["splits"]["eval"]["records"], n_eval)

    def test_records_sharing_a_key_land_together_and_assignment_is_stable(self):
        files, _ = self.split("--ratios", "train=0.5,eval=0.5", "--key", ".input_parameters.persona_key", src=CONV)
        for f in files.values():
            personas = {json.loads(l)["input_parameters"]["persona_key"] for l in f.splitlines()}
            other = [g for g in files.values() if g is not f][0]
            self.assertFalse(personas & {json.loads(l)["input_parameters"]["persona_key"] for l in other.splitlines()})
        # reordering and appending do not move records between splits
        lines = read_lines(CONV)
        shuffled = self.write("shuffled.jsonl", b"".join(l + b"\n" for l in reversed(lines)) + slurp(PAIRS))
        # (the appended pairs have no persona: --keyless skip leaves them out, never a silent fallback)
        files2, _ = self.split("--ratios", "train=0.5,eval=0.5", "--key", ".input_parameters.persona_key", "--keyless", "skip",
                               src=shuffled)
        self.assertTrue(set(files["eval.jsonl"].splitlines()) <= set(files2["eval.jsonl"].splitlines()))

    def test_deterministic_across_threads(self):
        a, _ = self.split("--seed", "3", "-j1")
        b, _ = self.split("--seed", "3", "-j8", "--chunk-bytes", "2K")
        self.assertEqual(a, b)

    def test_usage(self):
        for args in (["--ratios", "train=0.5,eval=0.4"], ["--ratios", "a/b=1"]):
            self.assertEqual(self.run_jsift("split", "-o", self.path("d"), *args, CONV).rc, 2, args)
        self.assertEqual(self.run_jsift("split", CONV).rc, 2)  # -o is required
