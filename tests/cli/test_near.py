"""Near-duplicates (dedup --near, diversity --near) against the plain-Python
reference of tests/reference/near_duplicates.py (numpy + Debian's python3-xxhash,
run with Debian's /usr/bin/python3): the same verdicts, matches, clusters and
estimates for every -j and chunk size; recall per edit bucket within 3 standard
deviations of the LSH probability 1-(1-J^8)^14; matches that are true pairs;
--against, --index, pipes and bad usage."""
import json
import math
import os
import random
import subprocess

from harness import *  # noqa: F401,F403

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "reference", "near_duplicates.py")
PYTHON = "/usr/bin/python3"  # Debian's, with python3-numpy and python3-xxhash (scripts/setup.sh)

# Words of letters only: digits are made 0 in shingles, so "w12" and "w34" would be one word.
_letters = random.Random(0)
VOCAB = sorted({"".join(_letters.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(_letters.randint(3, 8))) for _ in range(3000)}) + ["caf\u00e9", "stra\u00dfe", "\u4f60", "\u597d", "\u4e16", "\u754c", "Zahl", "ITEM"]


def reference(texts, *args):
    proc = subprocess.run([PYTHON, REFERENCE, *args], input=json.dumps(texts).encode(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        raise AssertionError("the reference failed (scripts/setup.sh installs python3-numpy and python3-xxhash): "
                             + proc.stderr.decode())
    return json.loads(proc.stdout)


def edit(words, share, rng):
    """`words` with `share` of them replaced by other words (at least one)."""
    out = list(words)
    for i in rng.sample(range(len(out)), max(1, round(share * len(out)))):
        out[i] = rng.choice(VOCAB)
    return out


def generate(n, seed):
    """Texts of every kind the rule meets: long and short, near and exact copies, digits, CJK, punctuation, none."""
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        r = rng.random()
        if texts and r < 0.25:
            base = rng.choice([t for t in texts if t] or ["x"])
            texts.append(" ".join(edit(base.split(" "), rng.choice([0.02, 0.05, 0.1, 0.3]), rng)))
        elif texts and r < 0.32:
            texts.append(rng.choice(texts))
        elif r < 0.36:
            texts.append(rng.choice(["", "...", "Yes", "Yes.", "Sure thing", "ok ok"]))
        else:
            words = [rng.choice(VOCAB) for _ in range(rng.randint(5, 40))]
            if rng.random() < 0.2:
                words.append("Order %d, page %d!" % (rng.randint(0, 99999), rng.randint(1, 9)))
            texts.append(" ".join(words))
    return texts


class near_tests(jsift_case):
    def dataset(self, name, texts, field="output"):
        lines = []
        for i, t in enumerate(texts):
            rec = {"id": i}
            if t is not None:
                rec[field] = t
            lines.append(json.dumps(rec, ensure_ascii=False))
        return self.write(name, "\n".join(lines) + "\n")

    def dedup(self, src, *args):
        out, dups = self.path("out.jsonl"), self.path("dups.jsonl")
        r, rep = self.run_with_report("dedup", "--near", src, "-o", out, "--dups", dups, *args)
        return read_lines(out), [json.loads(l) for l in read_lines(dups)], rep

    def assert_equals_reference(self, texts, ref, src, kept, dups, rep):
        lines = read_lines(src)
        want_kept = [lines[i] for i, v in enumerate(ref["verdicts"]) if v != "near"]
        self.assertEqual(kept, want_kept)
        near = [i for i, v in enumerate(ref["verdicts"]) if v == "near"]
        self.assertEqual([d["line"] for d in dups], [i + 1 for i in near])
        self.assertEqual([d["duplicate_of"]["line"] for d in dups], [ref["match"][i] + 1 for i in near])
        self.assertEqual([d["cluster"]["line"] for d in dups], [ref["cluster"][i] + 1 for i in near])
        self.assertEqual([d["jaccard"] for d in dups], [round(ref["estimate"][i], 3) for i in near])
        self.assertEqual(rep["dispositions"].get("duplicate:near", 0), len(near))
        self.assertEqual(rep["near"]["keyless"], ref["verdicts"].count("keyless"))

    def test_dedup_near_equals_the_python_reference_for_every_thread_count_and_chunk_size(self):
        texts = generate(1500, 1)
        src = self.dataset("in.jsonl", texts)
        ref = reference(texts)
        self.assertGreater(ref["verdicts"].count("near"), 200)  # the data has work for the rule
        self.assertGreater(ref["verdicts"].count("keyless"), 5)
        first = None
        for args in (["-j", "1"], ["-j", "3", "--chunk-bytes", "4KiB"], ["-j", "2", "--chunk-bytes", "64KiB"]):
            kept, dups, rep = self.dedup(src, *args)
            self.assert_equals_reference(texts, ref, src, kept, dups, rep)
            first = first or (kept, dups)
            self.assertEqual((kept, dups), first)

    def test_bands_rows_and_ngram_are_the_reference_s(self):
        texts = generate(600, 2)
        src = self.dataset("in.jsonl", texts)
        ref = reference(texts, "--bands", "20", "--rows", "5", "--ngram", "3")
        kept, dups, rep = self.dedup(src, "--bands", "20", "--rows", "5", "--ngram", "3", "-j", "2", "--chunk-bytes", "8KiB")
        self.assert_equals_reference(texts, ref, src, kept, dups, rep)
        self.assertEqual((rep["near"]["bands"], rep["near"]["rows"], rep["near"]["ngram"]), (20, 5, 3))
        # --threshold picks bands and rows whose threshold is near it.
        r, rep = self.run_with_report("dedup", "--near", "--threshold", "0.85", src, "-o", self.path("t.jsonl"))
        self.assertLess(abs(rep["near"]["threshold"] - 0.85), 0.05, rep["near"])
        self.assertLessEqual(rep["near"]["bands"] * rep["near"]["rows"], 256)

    def test_recall_per_edit_bucket_follows_the_lsh_curve_and_matches_are_true_pairs(self):
        rng = random.Random(7)
        buckets = [0.01, 0.02, 0.04, 0.06, 0.08, 0.10, 0.40]  # share of words edited
        per_bucket = 150
        texts, pairs = [], []  # pairs: (bucket, base item, copy item)
        for b in buckets:
            for _ in range(per_bucket):
                base = [rng.choice(VOCAB) for _ in range(rng.randint(80, 160))]
                texts.append(" ".join(base))
                pairs.append((b, len(texts) - 1, None))
        order = list(range(len(pairs)))
        rng.shuffle(order)
        for k in order:  # every copy after every base, in another order
            b, base, _ = pairs[k]
            texts.append(" ".join(edit(texts[base].split(" "), b, rng)))
            pairs[k] = (b, base, len(texts) - 1)
        src = self.dataset("in.jsonl", texts)
        _, dups, _ = self.dedup(src, "-j", "2")
        flagged = {d["line"] - 1: d["duplicate_of"]["line"] - 1 for d in dups}
        true_pairs = 0
        for b in buckets:
            items = [(base, copy) for bb, base, copy in pairs if bb == b]
            js = [jaccard_of(texts[base], texts[copy]) for base, copy in items]
            caught = sum(1 for _, copy in items if copy in flagged)
            expect = sum(1 - (1 - j ** 8) ** 14 for j in js)
            sd = math.sqrt(sum((1 - (1 - j ** 8) ** 14) * (1 - j ** 8) ** 14 for j in js))
            mean_j = sum(js) / len(js)
            self.assertLessEqual(abs(caught - expect), 3 * sd + 1,
                                 "edits %.0f %%: mean J %.3f, caught %d of %d, expected %.1f +- %.1f" %
                                 (b * 100, mean_j, caught, len(items), expect, sd))
            true_pairs += sum(1 for base, copy in items if flagged.get(copy) == base)
        # Precision: a flagged record matched its own source, never an unrelated text.
        self.assertGreaterEqual(true_pairs / max(1, len(flagged)), 0.99, (true_pairs, len(flagged)))
        # Unrelated texts (the bases, J ~ 0 between them) are never flagged.
        self.assertFalse([i for i in flagged if i < len(buckets) * per_bucket])

    def test_against_and_index(self):
        rng = random.Random(3)
        evals = [" ".join(rng.choice(VOCAB) for _ in range(60)) for _ in range(40)]
        train = [" ".join(edit(e.split(" "), 0.01, rng)) for e in evals[:10]] + \
                [" ".join(rng.choice(VOCAB) for _ in range(60)) for _ in range(50)]
        ev = self.dataset("eval.jsonl", evals, field="response")
        src = self.dataset("train.jsonl", train)
        kept, dups, rep = self.dedup(src, "--against", ev)
        self.assertEqual(rep["near"]["against"], 10)
        self.assertEqual(len(kept), 50)
        self.assertTrue(all(d["duplicate_of"] == {"against": True} for d in dups))
        # An index remembers the band keys: a second run drops what the first saw.
        idx, eval_idx = self.path("near.idx"), self.path("eval.idx")
        self.dedup(self.dataset("a.jsonl", evals), "--index", idx)
        with open(idx, "rb") as f, open(eval_idx, "wb") as g:
            g.write(f.read())
        kept, dups, rep = self.dedup(src, "--index", idx)
        self.assertEqual(rep["near"]["index_loaded"] > 0, True)
        self.assertEqual(len(kept), 50)
        self.assertTrue(all("index" in d["duplicate_of"] for d in dups))
        # The index of other parameters is refused, with the reason.
        r = self.run_jsift("dedup", "--near", "--bands", "10", "--rows", "10", "--index", idx, src, "-o", self.path("x.jsonl"))
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("near:ngram=5,bands=14,rows=8", r.err)
        # An index serves as --against too (the second run added train's own keys to `idx`).
        kept, dups, rep = self.dedup(src, "--against", eval_idx)
        self.assertEqual(rep["near"]["against"], 10)

    def test_key_paths_pipes_and_bad_usage(self):
        texts = generate(300, 4)
        recs = "".join(json.dumps({"q": "same prompt", "a": t}) + "\n" for t in texts)
        ref = reference(["same prompt " + t for t in texts])
        r = self.run_jsift("dedup", "--near", "--key", ".q", "--key", ".a", "-", stdin=recs.encode())
        self.assertEqual(r.rc, 0, r.err)
        lines = recs.encode().split(b"\n")
        self.assertEqual(r.out.split(b"\n")[:-1], [lines[i] for i, v in enumerate(ref["verdicts"]) if v != "near"])
        for args, word in ((["--threshold", "0.8", "--bands", "4", "--rows", "2"], "not both"),
                           (["--bands", "4"], "go together"),
                           (["--threshold", "1.5"], "between 0 and 1"),
                           (["--bands", "100", "--rows", "100"], "between 1 and 256"),
                           (["--normalize", "ws"], "already normalised")):
            r = self.run_jsift("dedup", "--near", *args, "-", stdin=recs.encode())
            self.assertEqual(r.rc, 2, (args, r.err))
            self.assertIn(word, r.err)
        r = self.run_jsift("dedup", "--threshold", "0.8", "-", stdin=recs.encode())
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("go with --near", r.err)

    def test_diversity_near_and_the_gate_check_give_the_reference_s_clusters_and_rate(self):
        texts = generate(1200, 5)
        src = self.dataset("in.jsonl", texts)
        ref = reference(texts)
        near = ref["verdicts"].count("near")
        want = sorted(((size, int(first)) for first, size in ref["clusters"].items()), key=lambda c: (-c[0], c[1]))[:10]
        for args in (["-j", "1"], ["-j", "3", "--chunk-bytes", "4KiB"]):
            r = self.run_jsift("diversity", "--near", "--json", src, *args)
            self.assertEqual(r.rc, 0, r.err)
            got = r.json()["datasets"][0]["columns"][0]["near_duplicates"]
            self.assertEqual((got["items"], got["near_duplicates"], got["keyless"]), (len(texts), near, ref["verdicts"].count("keyless")))
            self.assertEqual(got["clusters"], len(ref["clusters"]))
            self.assertEqual([(c["size"], c["first"]["line"] - 1) for c in got["largest"]], want)
            self.assertTrue(all(c["excerpt"] for c in got["largest"]), got["largest"])
        r = self.run_jsift("diversity", "--near", "--format", "table", src)
        self.assertIn("near-dup rate", r.out.decode())
        self.assertIn("%.4f" % (near / len(texts)), r.out.decode())
        # The gate's check: the same rate, against its limit.
        rate = near / len(texts)
        for limit, rc in ((rate + 1e-6, 0), (rate - 1e-3, 1)):
            cfg = self.write("g.toml", '[[check]]\ntype = "near_duplicates"\nmax_rate = %r\n' % limit)
            r = self.run_jsift("gate", "--config", cfg, "--report-json", self.path("g.json"), src)
            self.assertEqual(r.rc, rc, r.out + r.err.encode())
            check = json.loads(slurp(self.path("g.json")))["checks"][0]
            self.assertIn("%d of %d texts" % (near, len(texts)), check["measured"].replace(",", ""))
        # Its own MinHash parameters, checked like the flags.
        ref = reference(texts, "--bands", "20", "--rows", "5")
        rate = ref["verdicts"].count("near") / len(texts)
        cfg = self.write("g.toml", '[[check]]\ntype = "near_duplicates"\nbands = 20\nrows = 5\nmax_rate = %r\n' % (rate + 1e-6))
        self.assertEqual(self.run_jsift("gate", "--config", cfg, src).rc, 0)
        cfg = self.write("g.toml", '[[check]]\ntype = "near_duplicates"\nbands = 20\nmax_rate = 0.5\n')
        r = self.run_jsift("gate", "--config", cfg, src)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("go together", r.err)
        r = self.run_jsift("diversity", "--bands", "20", src)
        self.assertEqual(r.rc, 2, r.err)

    def test_near_duplicates_per_group_are_within_each_group(self):
        texts = generate(900, 12)
        kinds = ["a", "b", "c"]
        recs = [{"output": t, "kind": kinds[(i * 7) % 3]} for i, t in enumerate(texts)]
        src = self.write("in.jsonl", "".join(json.dumps(r) + "\n" for r in recs))
        want = {}
        for k in kinds:
            group = [r["output"] for r in recs if r["kind"] == k]
            want[k] = reference(group)["verdicts"].count("near") / len(group)
        for j in (["-j", "1"], ["-j", "3", "--chunk-bytes", "4KiB"]):
            r = self.run_jsift("diversity", "--near", "--by", ".kind", "--json", src, *j)
            self.assertEqual(r.rc, 0, r.err)
            col = r.json()["datasets"][0]["columns"][0]
            self.assertEqual({g["group"]: g["near_duplicates"] for g in col["groups"]["groups"]}, want)
            # The column's own rate stays the whole dataset's, across groups.
            self.assertEqual(col["near_duplicates"]["near_duplicates"], reference(texts)["verdicts"].count("near"))
        worst = max(want.values())
        for limit, rc in ((worst + 1e-9, 0), (worst - 1e-9, 1)):
            cfg = self.write("g.toml", '[[check]]\ntype = "near_duplicates"\nby = ".kind"\nmax_rate = %r\n' % limit)
            r = self.run_jsift("gate", "--config", cfg, "--report-json", self.path("g.json"), src)
            self.assertEqual(r.rc, rc, r.out)
            c = json.loads(slurp(self.path("g.json")))["checks"][0]
            self.assertEqual((c["value"], c["groups"]), (worst, want))

    def test_run_near_equals_dedup_near_and_takes_the_same_keys(self):
        texts = generate(800, 9)
        recs = [{"id": i, "output": t, "kind": ["a", "b"][i % 2]} for i, t in enumerate(texts)]
        src = self.write("in.jsonl", "".join(json.dumps(r) + "\n" for r in recs))
        kept, dups, _ = self.dedup(src, "--bands", "20", "--rows", "5")
        for j in (["-j", "1"], ["-j", "3", "--chunk-bytes", "4KiB"]):
            cfg = self.write("p.toml", '[dedup]\nnear = true\nbands = 20\nrows = 5\ndups = "%s"\n[output]\ndir = "%s"\n'
                             % (self.path("run-dups.jsonl"), self.path("out" + j[1])))
            r, rep = self.run_with_report("run", "--config", cfg, src, *j)
            self.assertEqual(read_lines(self.path("out%s/data.jsonl" % j[1])), kept)
            self.assertEqual([json.loads(l) for l in read_lines(self.path("run-dups.jsonl"))], dups)
            self.assertEqual(rep["dispositions"]["duplicate:near"], len(dups))
            self.assertEqual(rep["near"]["near_duplicates"], len(dups))
        # With a rebalance: its survey passes decide duplicates as the emitting pass does.
        cfg = self.write("p.toml", '[dedup]\nnear = true\n[rebalance]\nby = ".kind"\nequal = true\n[output]\ndir = "%s"\n'
                         % self.path("out2"))
        r, rep = self.run_with_report("run", "--config", cfg, src, "-j", "2")
        want = pipe_argvs([JSIFT, "dedup", "-q", "--near", src], [JSIFT, "rebalance", "-q", "--by", ".kind", "--equal", "-"])
        self.assertEqual(slurp(self.path("out2/data.jsonl")), want)
        # against: the reference's band keys, as dedup --near --against.
        ev = self.write("ev.jsonl", "".join(json.dumps({"output": t}) + "\n" for t in texts[:50]))
        kept, _, _ = self.dedup(src, "--against", ev)
        cfg = self.write("p.toml", '[dedup]\nnear = true\nagainst = ["%s"]\n[output]\ndir = "%s"\n' % (ev, self.path("against-out")))
        r, rep = self.run_with_report("run", "--config", cfg, src)
        self.assertEqual(read_lines(self.path("against-out/data.jsonl")), kept)
        self.assertGreaterEqual(rep["near"]["against"], 50)
        # Keys that go with near only, and normalize, are refused with the line.
        for body, word in (('[dedup]\nthreshold = 0.8\n', "goes with near = true"),
                           ('[dedup]\nnear = true\nnormalize = "ws"\n', "already normalised"),
                           ('[dedup]\nnear = true\nbands = 3\n', "go together")):
            cfg = self.write("bad.toml", body + '[output]\ndir = "%s"\n' % self.path("x"))
            r = self.run_jsift("run", "--config", cfg, src)
            self.assertEqual(r.rc, 2, r.err)
            self.assertIn(word, r.err)
            self.assertIn("bad.toml:", r.err)


def jaccard_of(x, y):
    """The true Jaccard similarity of two texts' shingle sets, by the reference's words."""
    return _reference_module().jaccard(x, y)


_module = None


def _reference_module():
    """The reference's pure-Python parts (words, shingles), loaded without numpy."""
    global _module
    if _module is None:
        import types
        with open(REFERENCE, encoding="utf-8") as f:
            src = f.read()
        src = src.replace("import numpy as np\nimport xxhash\n", "")
        _module = types.ModuleType("near_reference")
        exec(compile(src, REFERENCE, "exec"), _module.__dict__)
    return _module


if __name__ == "__main__":
    import unittest
    unittest.main()
