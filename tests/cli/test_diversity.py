"""jsift diversity against plain-Python references of each formula (the Python
`diversity` package's rules in --tokens whitespace mode: texts joined by a space,
split on the space character, gzip level 9), the default Unicode word tokens,
datasets side by side, the auto text choice, sampling and sketches said in the
report, the same numbers for every -j and chunk size, and bad usage."""
import gzip
import json
import math
import random
import subprocess
import unicodedata

from harness import *  # noqa: F401,F403

WORDS = ("the cat sat on a mat and then it ran away from the dog who was not happy about it at all "
         "quickly slowly maybe never always sometimes").split()


def generate(n, seed, repeat_share=0.3):
    """Records with an .output text: some repeated whole, some sharing openings, some with double spaces."""
    rng = random.Random(seed)
    out, texts = [], []
    for i in range(n):
        if texts and rng.random() < repeat_share:
            t = rng.choice(texts)
        else:
            words = [rng.choice(WORDS) for _ in range(rng.randint(0, 14))]
            if rng.random() < 0.3:
                words = ["I", "am", "happy", "to", "help"] + words
            t = " ".join(words)
            if rng.random() < 0.1:
                t = t.replace(" ", "  ", 1)  # an empty token in whitespace mode
            if rng.random() < 0.1:
                t += " Caf\u00e9, \u4f60\u597d\u4e16\u754c!"
        texts.append(t)
        out.append({"id": i, "output": t, "other": "x"})
    return out


def ngram_ratios(token_lists, cross):
    """distinct n-grams / n-grams for n = 1..4; `cross`: one sequence (texts joined), else within each text."""
    seqs = [[t for toks in token_lists for t in toks]] if cross else token_lists
    ratios = {}
    for n in range(1, 5):
        grams = [tuple(s[i:i + n]) for s in seqs for i in range(len(s) - n + 1)]
        ratios[str(n)] = len(set(grams)) / len(grams) if grams else 0
    return ratios


def whitespace_reference(texts):
    joined = " ".join(texts)
    return {
        "distinct_n": ngram_ratios([joined.split(" ")], True),
        "compression_ratio": len(joined.encode()) / len(gzip.compress(joined.encode(), compresslevel=9)),
        "uniqueness": len(set(texts)) / len(texts),
        "tokens": sum(len(t.split(" ")) for t in texts),
    }


def cjk(ch):
    c = ord(ch)
    return 0x4E00 <= c <= 0x9FFF or 0x3400 <= c <= 0x4DBF or 0x3040 <= c <= 0x30FF or 0xAC00 <= c <= 0xD7AF


def words(text):
    """The default tokens: letters and digits, lowercased; each CJK character a token; the rest separates."""
    out, word = [], ""
    for ch in text:
        if cjk(ch):
            if word:
                out.append(word)
            out.append(ch)
            word = ""
        elif ch.isalnum() or (unicodedata.category(ch)[0] == "M" and word):  # a mark joins the letter before it
            word += ch.lower()
        elif unicodedata.category(ch)[0] == "M":  # a mark without one is ignored
            continue
        else:
            if word:
                out.append(word)
            word = ""
    if word:
        out.append(word)
    return out


def self_repetition_reference(token_lists, n=4):
    """Salkar et al. 2022 as the Python diversity package computes it: per text, its set of n-grams;
    sum over them of how many other texts hold each; the mean of log(1 + that)."""
    sets = [set(tuple(t[i:i + n]) for i in range(len(t) - n + 1)) for t in token_lists]
    df = {}
    for s in sets:
        for g in s:
            df[g] = df.get(g, 0) + 1
    return sum(math.log(1 + sum(df[g] - 1 for g in s)) for s in sets) / len(sets)


NLTK_SELF_BLEU = """
import json, sys
from nltk.translate.bleu_score import sentence_bleu, SmoothingFunction
docs = json.load(sys.stdin)
smooth = SmoothingFunction().method1
scores = [sentence_bleu(docs[:i] + docs[i + 1:], d, weights=(1 / 3, 1 / 3, 1 / 3), smoothing_function=smooth)
          for i, d in enumerate(docs)]
print(json.dumps(sum(scores) / len(scores)))
"""


SAMPLE_SELF_BLEU = """
import json, struct, sys, xxhash
from nltk.translate.bleu_score import sentence_bleu, SmoothingFunction
arg = json.load(sys.stdin)
prio = [xxhash.xxh3_64_intdigest(struct.pack("<QQQ", 0, off, 0), seed=arg["seed"]) for off in arg["offsets"]]
chosen = sorted(sorted(range(len(prio)), key=lambda i: prio[i])[:arg["n"]])
docs = [arg["docs"][i] for i in chosen]
smooth = SmoothingFunction().method1
print(json.dumps(sum(sentence_bleu(docs[:i] + docs[i + 1:], d, weights=(1 / 3, 1 / 3, 1 / 3), smoothing_function=smooth)
                     for i, d in enumerate(docs)) / len(docs)))
"""


def nltk_self_bleu_of_sample(token_lists, offsets, n, seed):
    """Self-BLEU of the seeded sample jsift documents, chosen and scored in Python (xxhash, NLTK)."""
    proc = subprocess.run(["/usr/bin/python3", "-c", SAMPLE_SELF_BLEU],
                          input=json.dumps({"docs": token_lists, "offsets": offsets, "n": n, "seed": seed}).encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise AssertionError("the sample's reference failed: " + proc.stderr.decode())
    return json.loads(proc.stdout)


def nltk_self_bleu(token_lists):
    """Texygen's self-BLEU with NLTK itself (Debian's python3-nltk, run with /usr/bin/python3)."""
    proc = subprocess.run(["/usr/bin/python3", "-c", NLTK_SELF_BLEU], input=json.dumps(token_lists).encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise AssertionError("NLTK failed (scripts/setup.sh installs python3-nltk): " + proc.stderr.decode())
    return json.loads(proc.stdout)


class diversity_tests(jsift_case):
    def dataset(self, name, records):
        return self.write(name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))

    def measure(self, *args):
        r = self.run_jsift("diversity", "--json", *args)
        self.assertEqual(r.rc, 0, r.err)
        return r.json()

    def test_whitespace_mode_equals_the_python_reference_for_every_chunking(self):
        recs = generate(400, 1)
        f = self.dataset("a.jsonl", recs)
        texts = [r["output"] for r in recs]
        want = whitespace_reference(texts)
        seen = set()
        for extra in (("-j1",), ("-j3", "--chunk-bytes", "64"), ("-j2", "--chunk-bytes", "700")):
            col = self.measure("--tokens", "whitespace", "--text", ".output", *extra, f)["datasets"][0]["columns"][0]
            self.assertEqual(col["distinct_n"], want["distinct_n"], extra)  # n-grams across texts and chunks
            self.assertEqual(col["compression_ratio"], want["compression_ratio"])
            self.assertEqual(col["uniqueness"], want["uniqueness"])
            self.assertEqual(col["tokens"]["total"], want["tokens"])
            self.assertEqual(col["ngd"], sum(want["distinct_n"].values()))
            self.assertFalse(col["compression_sample"]["sampled"])
            seen.add(json.dumps(col, sort_keys=True))
        self.assertEqual(len(seen), 1)

    def test_self_repetition_and_self_bleu_equal_the_references(self):
        recs = generate(300, 11)
        f = self.dataset("d.jsonl", recs)
        texts = [r["output"] for r in recs]
        ws = [t.split(" ") for t in texts]
        want_rep = self_repetition_reference([t.split() for t in texts])  # the package splits on whitespace runs here
        want_bleu = nltk_self_bleu(ws)
        for args in (["-j", "1"], ["-j", "3", "--chunk-bytes", "2KiB"]):
            c = self.measure("--tokens", "whitespace", "--text", ".output", "--cr-sample", "0", f, *args)["datasets"][0]["columns"][0]
            self.assertAlmostEqual(c["self_repetition"], want_rep, 9)
            self.assertEqual(c["self_repetition_texts"], len(texts))
            self.assertAlmostEqual(c["self_bleu"]["value"], want_bleu, 9)
            self.assertEqual(c["self_bleu"]["sample"], len(texts))
        # Word tokens: the same formulas over the default tokens.
        wt = [words(t) for t in texts]
        c = self.measure("--text", ".output", "--cr-sample", "0", f)["datasets"][0]["columns"][0]
        self.assertAlmostEqual(c["self_repetition"], self_repetition_reference(wt), 9)
        self.assertAlmostEqual(c["self_bleu"]["value"], nltk_self_bleu(wt), 9)
        # A seeded sample: the 25 texts of lowest priority, XXH3-64 (seed --seed) of (file, line offset,
        # text number) as little-endian 64-bit words; NLTK on exactly those, for every -j and seed.
        offsets, at = [], 0
        for line in slurp(f).split(b"\n")[:-1]:
            offsets.append(at)
            at += len(line) + 1
        for seed in ("0", "7"):
            want = nltk_self_bleu_of_sample(ws, offsets, 25, int(seed))
            got = [self.measure("--sample", "25", "--seed", seed, "--tokens", "whitespace", "--text", ".output", f, *a)
                   ["datasets"][0]["columns"][0]["self_bleu"] for a in (["-j", "1"], ["-j", "2", "--chunk-bytes", "2KiB"])]
            self.assertEqual(got[0], got[1])
            self.assertEqual(got[0]["sample"], 25)
            self.assertAlmostEqual(got[0]["value"], want, 9)
        self.assertIsNone(self.measure("--sample", "0", "--text", ".output", f)["datasets"][0]["columns"][0]["self_bleu"]["value"])
        # A sample smaller than any text keeps one text, so both figures are measured.
        c = self.measure("--cr-sample", "1", "--text", ".output", f)["datasets"][0]["columns"][0]
        self.assertGreater(c["compression_sample"]["bytes"], 1)
        self.assertIsNotNone(c["self_repetition"])
        self.assertEqual(c["self_repetition_texts"], 1)
        # 4-gram counts past --max-memory: no figure rather than a wrong one.
        c = self.measure("--max-memory", "1KiB", "--text", ".output", f)["datasets"][0]["columns"][0]
        self.assertIsNone(c["self_repetition"])
        r = self.run_jsift("diversity", "--format", "table", "--text", ".output", f)
        self.assertIn("self-BLEU", r.out.decode())

    def test_groups_their_balance_and_the_divergence_between_datasets(self):
        a, b = generate(240, 21), generate(160, 22)
        for i, r in enumerate(a):
            r["kind"] = ["chat", "qa", "qa", "tool"][i % 4]
        for i, r in enumerate(b):
            r["kind"] = ["chat", "qa"][i % 2]
        fa, fb = self.dataset("a.jsonl", a), self.dataset("b.jsonl", b)
        got = self.measure("--tokens", "whitespace", "--text", ".output", "--cr-sample", "0", "--by", ".kind", fa, fb, "-j", "3",
                           "--chunk-bytes", "2KiB")
        shares = []
        for ds, recs in zip(got["datasets"], (a, b)):
            g = ds["columns"][0]["groups"]
            self.assertEqual(g["by"], ".kind")
            kinds = sorted(set(r["kind"] for r in recs))
            self.assertEqual([x["group"] for x in g["groups"]], kinds)
            share = {k: sum(r["kind"] == k for r in recs) / len(recs) for k in kinds}
            shares.append(share)
            self.assertEqual({x["group"]: x["share"] for x in g["groups"]}, share)
            h = -sum(p * math.log(p) for p in share.values())
            self.assertAlmostEqual(g["entropy"], h / math.log(len(kinds)), 12)
            for x in g["groups"]:  # each group's figures are the reference's over its texts
                texts = [r["output"] for r in recs if r["kind"] == x["group"]]
                want = whitespace_reference(texts)
                f = x["figures"]
                self.assertEqual(f["texts"], len(texts))
                for n in "1234":
                    self.assertAlmostEqual(f["distinct_n"][n], want["distinct_n"][n], 12)
                self.assertAlmostEqual(f["compression_ratio"], want["compression_ratio"], 12)
                self.assertAlmostEqual(f["uniqueness"], want["uniqueness"], 12)
        # Jensen-Shannon divergence (base 2) of b's shares from a's.
        p, q = shares[1], shares[0]
        keys = set(p) | set(q)
        m = {k: (p.get(k, 0) + q.get(k, 0)) / 2 for k in keys}
        jsd = sum(0.5 * p.get(k, 0) * math.log2(p.get(k, 0) / m[k]) for k in keys if p.get(k, 0)) + \
            sum(0.5 * q.get(k, 0) * math.log2(q.get(k, 0) / m[k]) for k in keys if q.get(k, 0))
        self.assertAlmostEqual(got["datasets"][1]["columns"][0]["groups"]["jsd"], jsd, 12)
        self.assertNotIn("jsd", got["datasets"][0]["columns"][0]["groups"])
        r = self.run_jsift("diversity", "--format", "table", "--by", ".kind", "--text", ".output", fa, fb)
        self.assertIn("JSD vs first", r.out.decode())
        self.assertIn(".kind = tool", r.out.decode())
        # The gate's diversity checks per group: each group's figure, the worst as the value.
        per = {x["group"]: x["figures"]["distinct_n"]["2"] for x in got["datasets"][0]["columns"][0]["groups"]["groups"]}
        worst = min(per.values())
        for limit, rc in ((worst - 1e-9, 0), (worst + 1e-9, 1)):
            cfg = self.write("g.toml", '[[check]]\ntype = "distinct_n"\npath = ".output"\ntokens = "whitespace"\nby = ".kind"\n'
                             'min = %r\n' % limit)
            r = self.run_jsift("gate", "--config", cfg, "--report-json", self.path("g.json"), fa)
            self.assertEqual(r.rc, rc, r.out)
            c = json.loads(slurp(self.path("g.json")))["checks"][0]
            self.assertAlmostEqual(c["value"], worst, 12)
            self.assertEqual(set(c["groups"]), set(per))
        cfg = self.write("g.toml", '[[check]]\ntype = "distinct_n"\npath = ".output"\ntokens = "whitespace"\nby = ".kind"\n'
                         'groups = ["qa", "missing"]\nmin = 0\n')
        r = self.run_jsift("gate", "--config", cfg, "--report-json", self.path("g.json"), fa)
        self.assertEqual(r.rc, 1, r.out)
        c = json.loads(slurp(self.path("g.json")))["checks"][0]
        self.assertEqual(set(c["groups"]), {"qa"})
        self.assertIn("missing: no texts", c["details"])

    def test_word_tokens_within_each_text(self):
        recs = generate(300, 2)
        f = self.dataset("w.jsonl", recs)
        toks = [words(r["output"]) for r in recs]
        col = self.measure("--text", ".output", "-j2", "--chunk-bytes", "128", f)["datasets"][0]["columns"][0]
        self.assertEqual(col["distinct_n"], ngram_ratios(toks, False))
        self.assertEqual(col["tokens"]["total"], sum(map(len, toks)))
        lengths = sorted(map(len, toks))
        for q, key in ((0.1, "p10"), (0.5, "p50"), (0.9, "p90")):
            rank = max(1, -(-int(q * 1000) * len(lengths) // 1000))  # nearest rank, ceil(q * N)
            self.assertEqual(col["tokens"][key], lengths[rank - 1], key)
        # openings: the first 5 tokens; "i am happy to help" is planted in about 30 % of the new texts
        openings = {}
        for t in toks:
            if t:
                k = " ".join(t[:5])
                openings[k] = openings.get(k, 0) + 1
        top = sorted(openings.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        self.assertEqual([(o["opening"], o["texts"]) for o in col["openings"]["top"]], top)
        self.assertEqual(col["openings"]["top"][0]["opening"], "i am happy to help")
        self.assertEqual(col["openings"]["top_share"], sum(c for _, c in top) / len(recs))
        # CJK characters are tokens of their own, lowercasing is Unicode's
        one = self.dataset("cjk.jsonl", [{"output": "\u4f60\u597d\u4e16\u754c ÉCOLE école"}])
        col = self.measure("--text", ".output", one)["datasets"][0]["columns"][0]
        self.assertEqual(col["tokens"]["total"], 6)
        self.assertEqual(col["ngrams"]["1"]["distinct"], 5)  # école twice

    def test_datasets_side_by_side_with_labels_table_and_markdown(self):
        a = self.dataset("a.jsonl", generate(200, 3, repeat_share=0.8))
        b = self.dataset("b.jsonl", generate(200, 4, repeat_share=0.0))
        rep = self.measure("--label", "repetitive", a, "--label", "varied", b, "--text", ".output")
        labels = [d["label"] for d in rep["datasets"]]
        self.assertEqual(labels, ["repetitive", "varied"])
        u = [d["columns"][0]["uniqueness"] for d in rep["datasets"]]
        self.assertLess(u[0], u[1])
        cr = [d["columns"][0]["compression_ratio"] for d in rep["datasets"]]
        self.assertGreater(cr[0], cr[1])  # more repetitive compresses better
        self.assertEqual(rep["datasets"][1]["inputs"], [b])
        self.assertEqual(rep["datasets"][0]["dispositions"], {"kept": 200, "total": 200})
        r = self.run_jsift("diversity", "--format", "table", "--label", "repetitive", a, "--label", "varied", b)
        self.assertEqual(r.rc, 0, r.err)
        head = r.out.decode().splitlines()
        self.assertIn("text: auto", head[0])
        self.assertTrue(head[1].rstrip().endswith("repetitive        varied") or ("repetitive" in head[1] and "varied" in head[1]))
        self.assertTrue(any(l.startswith("uniqueness") for l in head))
        r = self.run_jsift("diversity", "--md", a, b)
        self.assertIn("| uniqueness |", r.out.decode())
        # the same dataset twice: the same figures
        rep = self.measure(a, a)
        self.assertEqual(rep["datasets"][0]["columns"], rep["datasets"][1]["columns"])

    def test_auto_text_and_paths(self):
        recs = [{"turns": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello there"},
                           {"role": "assistant", "content": [{"type": "text", "text": "part"}, {"type": "text", "text": "two"}]}]},
                {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "Hello there"}]},
                {"instruction": "x", "response": "An answer"},
                {"title": "one", "body": "two", "n": 3}]
        f = self.dataset("auto.jsonl", recs)
        col = self.measure(f)["datasets"][0]["columns"][0]
        self.assertEqual(col["text"], "auto")
        self.assertEqual(col["chosen"], {"assistant messages": 2, "an answer field": 1, "every top-level string": 1})
        self.assertEqual(col["texts"], 3 + 1 + 2)
        self.assertEqual(col["distinct_texts"], 5)  # "Hello there" twice
        rep = self.measure("--text", ".turns[role=assistant].content", "--text", ".nothing", f)
        cols = rep["datasets"][0]["columns"]
        self.assertEqual([c["texts"] for c in cols], [1, 0])  # a list of parts is not a string
        self.assertEqual(cols[0]["records_without_text"], 3)
        r = self.run_jsift("diversity", "--json", "--text", ".nothing", f)
        self.assertIn("no texts at that path", r.err)

    def test_sample_and_sketch_are_said_and_deterministic(self):
        recs = generate(3000, 5, repeat_share=0.1)
        f = self.dataset("big.jsonl", recs)
        runs = [self.measure("--text", ".output", "--cr-sample", "2KiB", "--max-memory", "4KiB", *j, f)["datasets"][0]["columns"][0]
                for j in (("-j1",), ("-j3", "--chunk-bytes", "256"))]
        self.assertEqual(runs[0], runs[1])
        col = runs[0]
        self.assertTrue(col["compression_sample"]["sampled"])
        self.assertLessEqual(col["compression_sample"]["bytes"], 2048)
        self.assertGreater(col["compression_sample"]["bytes"], 1024)
        self.assertFalse(col["ngrams"]["4"]["exact"])
        toks = [words(r["output"]) for r in recs]
        exact = ngram_ratios(toks, False)
        for n in "1234":
            self.assertAlmostEqual(col["distinct_n"][n], exact[n], delta=0.05 * exact[n])  # HyperLogLog, 0.8 % standard error
        self.assertEqual(self.measure("--text", ".output", "--cr-sample", "2KiB", "--seed", "1", f)["datasets"][0]["columns"][0]["compression_sample"]["sampled"], True)

    def test_gate_checks_use_the_same_figures(self):
        recs = generate(500, 7, repeat_share=0.5)
        f = self.dataset("g.jsonl", recs)
        col = self.measure("--text", ".output", f)["datasets"][0]["columns"][0]
        d2, cr = col["distinct_n"]["2"], col["compression_ratio"]
        top = col["openings"]["top"][0]["share"]

        def gate(checks, expect_rc):
            cfg = self.write("gate.toml", checks)
            r = self.run_jsift("gate", "--config", cfg, "--report-json", self.path("g.json"), f)
            self.assertEqual(r.rc, expect_rc, (checks, r.out, r.err))
            return json.loads(slurp(self.path("g.json")))

        passing = ('[[check]]\ntype = "distinct_n"\npath = ".output"\nmin = %r\n'
                   '[[check]]\ntype = "compression_ratio"\npath = ".output"\nmax = %r\n'
                   '[[check]]\ntype = "openings"\npath = ".output"\nmax_share = %r\n') % (d2 - 1e-6, cr + 1e-6, top + 1e-6)
        rep = gate(passing, 0)
        # The figures as numbers beside the prose, for CI to track.
        self.assertEqual([(c["value"], c["limit"]) for c in rep["checks"]],
                         [(d2, {"min": d2 - 1e-6}), (cr, {"max": cr + 1e-6}), (top, {"max": top + 1e-6})])
        for failing in ('[[check]]\ntype = "distinct_n"\npath = ".output"\nmin = %r\n' % (d2 + 1e-3),
                        '[[check]]\ntype = "compression_ratio"\npath = ".output"\nmax = %r\n' % (cr - 1e-3),
                        '[[check]]\ntype = "openings"\npath = ".output"\nmax_share = %r\n' % (top - 1e-3),
                        '[[check]]\ntype = "distinct_n"\nn = 3\npath = ".outptu"\nmin = 0\n'):  # a typo measures nothing
            gate(failing, 1)
        # self_repetition: the command's figure against max; past max_memory it measured nothing and fails.
        sr = self.measure("--text", ".output", f)["datasets"][0]["columns"][0]["self_repetition"]
        for limit, rc in ((sr + 1e-9, 0), (sr - 1e-6, 1)):
            rep = gate('[[check]]\ntype = "self_repetition"\npath = ".output"\nmax = %r\n' % limit, rc)
            self.assertAlmostEqual(rep["checks"][0]["value"], sr, 12)
        rep = gate('[[check]]\ntype = "self_repetition"\npath = ".output"\nmax = 100\nmax_memory = "16"\n', 1)
        self.assertIn("not measured", rep["checks"][0]["measured"])
        self.assertIsNone(rep["checks"][0]["value"])  # no figure, not a perfect 0
        # auto texts: .output is the answer field; no texts at all fails unless allowed
        gate('[[check]]\ntype = "distinct_n"\nmin = %r\n' % (d2 - 1e-6), 0)
        empty = self.dataset("e.jsonl", [{"n": 1}])
        for allow, rc in (("", 1), ("allow_missing = true\n", 0)):
            cfg = self.write("gate2.toml", '[[check]]\ntype = "openings"\nmax_share = 0.5\n' + allow)
            self.assertEqual(self.run_jsift("gate", "--config", cfg, empty).rc, rc, allow)
        # bad keys name the line
        cfg = self.write("bad.toml", '[[check]]\ntype = "distinct_n"\nn = 7\nmin = 0.1\n')
        r = self.run_jsift("gate", "--config", cfg, f)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("bad.toml:3:", r.err)

    def test_bad_usage_and_inputs(self):
        f = self.dataset("a.jsonl", generate(10, 6))
        for args in (("--tokens", "chars", f), ("--label", "a", "--label", "b", f), ("--text", ".a[", f), ("--cr-sample", "lots", f)):
            r = self.run_jsift("diversity", *args)
            self.assertEqual(r.rc, 2, (args, r.err))
        r = self.run_jsift("diversity", f, self.path("missing.jsonl"))
        self.assertEqual(r.rc, 4, r.err)
        bad = self.write("bad.jsonl", '{"output": "a"}\n{"output": \n')
        r = self.run_jsift("diversity", "--json", bad)
        self.assertEqual(r.rc, 3, r.err)
        r = self.run_jsift("diversity", "--json", "--on-invalid", "skip", bad)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.json()["datasets"][0]["dispositions"], {"kept": 1, "invalid:json_syntax": 1, "total": 2})
        r = self.run_jsift("diversity", "--json", "--text", ".output", stdin=b'{"output": "from a pipe"}\n')
        self.assertEqual(r.json()["datasets"][0]["columns"][0]["texts"], 1)


if __name__ == "__main__":
    import unittest
    unittest.main()
