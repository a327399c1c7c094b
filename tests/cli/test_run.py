"""jsift run: the one-pass pipeline equals the individual commands chained
with pipes, splits partition the output, shards verify, the gate runs on the
output, config errors name the line, and -j does not change anything."""
import collections
import json
import os
import subprocess

from harness import *  # noqa: F401,F403

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
CHAT = [os.path.join(EXAMPLES, "data", "chat-fail.jsonl"), os.path.join(EXAMPLES, "data", "chat-pass.jsonl")]

PIPELINE = """
[filter]
turns = "5..10"
nonempty = [".turns[].content"]

[dedup]
key = [".turns[].content"]
normalize = "ws,case"

[rebalance]
by = ".record_type"
target = { chat = 0.6, qa = 0.2, preference = 0.2 }
seed = 7
"""


class run_tests(jsift_case):
    def run_pipeline(self, text, *args, expect_rc=0, out="out"):
        # each run its own directory: rerunning into one needs --force (test_run_needs_force... covers it)
        cfg = self.write("pipeline.toml", text)
        out = self.path(out)
        r, rep = self.run_with_report("run", "--config", cfg, "-o", out, *args, *CHAT, expect_rc=expect_rc)
        return out, r, rep

    def test_equals_the_commands_chained_with_pipes(self):
        out, r, rep = self.run_pipeline(PIPELINE)
        got = slurp(os.path.join(out, "data.jsonl"))
        f = subprocess.Popen([JSIFT, "filter", "-q", "--turns", "5..10", "--nonempty", ".turns[].content", *CHAT], stdout=subprocess.PIPE)
        d = subprocess.Popen([JSIFT, "dedup", "-q", "--key", ".turns[].content", "--normalize", "ws,case"], stdin=f.stdout, stdout=subprocess.PIPE)
        b = subprocess.run([JSIFT, "rebalance", "-q", "--by", ".record_type", "--target", "chat=0.6,qa=0.2,preference=0.2", "--seed", "7"],
                           stdin=d.stdout, stdout=subprocess.PIPE)
        f.stdout.close()
        d.stdout.close()
        self.assertEqual(f.wait(), 0)
        self.assertEqual(d.wait(), 0)
        self.assertEqual(got, b.stdout)
        counts = collections.Counter(json.loads(l)["record_type"] for l in got.splitlines())
        total = sum(counts.values())
        self.assertEqual(counts["chat"], round(total * 0.6))
        d = rep["dispositions"]
        self.assertEqual((d["filtered:--turns 5..10"], d["filtered:--nonempty .turns[].content"], d["duplicate"]), (1, 1, 2))

    def test_splits_partition_the_output_and_shards_verify(self):
        text = PIPELINE + '\n[split]\nratios = { train = 0.8, eval = 0.2 }\nkey = ".input_parameters.persona_key"\n[output]\nshard = true\n'
        out, r, rep = self.run_pipeline(text)
        # the Hub's layout for several splits: every split's shards in one directory, one card, one manifest
        m = json.loads(slurp(os.path.join(out, "manifest.json")))
        self.assertEqual(sorted(m["splits"]), ["eval", "train"])
        shard_names = {s: [x["basename"] for x in m["splits"][s]["shards"]] for s in ("train", "eval")}
        self.assertEqual(sorted(os.listdir(out)), sorted(["README.md", "manifest.json"] + shard_names["train"] + shard_names["eval"]))
        self.assertEqual(self.run_jsift("verify", out).rc, 0)
        card = slurp(os.path.join(out, "README.md")).decode()
        self.assertIn('  - split: eval\n    path: "eval-*.jsonl.zst"\n  - split: train\n    path: "train-*.jsonl.zst"\n', card)
        recs = {}
        for split in ("train", "eval"):
            data = b"".join(subprocess.run(["zstd", "-dc", os.path.join(out, s)], stdout=subprocess.PIPE, check=True).stdout
                            for s in shard_names[split])
            recs[split] = [json.loads(l) for l in data.splitlines()]
        self.assertEqual(len(recs["train"]) + len(recs["eval"]), rep["outputs"]["train"]["records"] + rep["outputs"]["eval"]["records"])
        personas = [{r["input_parameters"]["persona_key"] for r in recs[s]} for s in ("train", "eval")]
        self.assertFalse(personas[0] & personas[1])  # a key lands in one split
        # the union is exactly the unsplit run's output
        out2, _, _ = self.run_pipeline(PIPELINE, out="unsplit")
        unsplit = [json.loads(l) for l in slurp(os.path.join(out2, "data.jsonl")).splitlines()]
        key = lambda r: r["id"]  # noqa: E731
        self.assertEqual(sorted(map(key, recs["train"] + recs["eval"])), sorted(map(key, unsplit)))

    def test_gate_on_the_output(self):
        passing = PIPELINE + '[[check]]\ntype = "mix"\nby = ".record_type"\ntarget = { chat = 0.6, qa = 0.2, preference = 0.2 }\ntolerance = 0.02\n'
        out, r, rep = self.run_pipeline(passing, "--junit", self.path("j.xml"))
        self.assertIn(b"PASS", r.out)
        self.assertTrue(os.path.exists(self.path("j.xml")))
        failing = PIPELINE + '[[check]]\ntype = "records"\nmin = 100000\n'
        out, r, rep = self.run_pipeline(failing, expect_rc=1, out="failing")
        self.assertIn(b"FAIL", r.out)

    def test_deterministic_across_threads(self):
        outs = set()
        for j in ("-j1", "-j2", "-j8"):
            out, r, rep = self.run_pipeline(PIPELINE + '[split]\nratios = { a = 0.5, b = 0.5 }\n', j, "--chunk-bytes", "4K", out="out" + j)
            outs.add(tuple(slurp(os.path.join(out, n)) for n in ("a.jsonl", "b.jsonl")))
        self.assertEqual(len(outs), 1)

    def test_config_errors_name_the_line(self):
        cases = [('[filter]\nturns = "5..10"\nturn_path = ".x"\n', "pipeline.toml:3:", "unknown key 'turn_path'"),
                 ('[rebalance]\nby = ".t"\n', "pipeline.toml:1:", "exactly one of target, cap, cap_all, equal"),
                 ('[filter]\neq = [".record_type"]\n', "pipeline.toml:2:", "expected PATH=VALUE"),
                 ('[dedup]\nnormalize = "loud"\n', "pipeline.toml:2:", "'normalize': expected none or a list"),
                 ('[sorting]\nby = ".x"\n', "pipeline.toml:1:", "unknown key 'sorting'"),
                 ('[split]\nratios = { a = 0.5, b = 0.4 }\n', "pipeline.toml:2:", "must sum to 1")]
        for text, where, what in cases:
            cfg = self.write("bad.toml", text)
            r = self.run_jsift("run", "--config", cfg, "-o", self.path("o"), *CHAT)
            self.assertEqual(r.rc, 2, (text, r.err))
            self.assertIn(where.replace("pipeline", "bad"), r.err, text)
            self.assertIn(what, r.err, text)
        self.assertFalse(os.path.exists(self.path("o")))  # nothing written on a bad config

    def test_example_pipeline(self):
        out = self.path("example")
        r = self.run_jsift("run", "--config", os.path.join(EXAMPLES, "pipeline.toml"), "-o", out, *CHAT)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(self.run_jsift("verify", out).rc, 0)

    def test_dedup_against_index_and_dups_match_jsift_dedup(self):
        # run's [dedup] is dedup's first-seen stage: the same kept records, the
        # same --dups lines, and an index that a later `jsift dedup` honours.
        ref = self.write("eval.jsonl", slurp(CHAT[1]).splitlines(keepends=True)[3] + slurp(CHAT[0]).splitlines(keepends=True)[7])
        text = ('[dedup]\nkey = [".turns[].content"]\nnormalize = "ws,case"\nagainst = ["%s"]\nindex = "%s"\ndups = "%s"\n'
                % (ref, self.path("run.idx"), self.path("run-dups.jsonl")))
        out, r, rep = self.run_pipeline(text)
        d = self.run_jsift("dedup", "-q", "--key", ".turns[].content", "--normalize", "ws,case", "--against", ref,
                           "--index", self.path("cmd.idx"), "--dups", self.path("cmd-dups.jsonl"), "-o", self.path("cmd.jsonl"), *CHAT)
        self.assertEqual(d.rc, 0, d.err)
        self.assertEqual(slurp(os.path.join(out, "data.jsonl")), slurp(self.path("cmd.jsonl")))
        self.assertEqual(slurp(self.path("run-dups.jsonl")), slurp(self.path("cmd-dups.jsonl")))
        dups = [json.loads(l) for l in slurp(self.path("run-dups.jsonl")).splitlines()]
        self.assertGreaterEqual(sum(1 for x in dups if x["duplicate_of"].get("against")), 2)
        self.assertEqual(rep["dedup"]["reference_keys"], 2)
        self.assertEqual(slurp(self.path("run.idx")), slurp(self.path("cmd.idx")))
        # A second run with the index drops everything the first one kept.
        out2, r2, rep2 = self.run_pipeline(text, "--force")  # the same directory again: --force
        self.assertEqual(slurp(os.path.join(out2, "data.jsonl")), b"")
        self.assertEqual(rep2["dispositions"].get("kept", 0), 0)

    def test_dedup_keys_are_checked_like_the_flags(self):
        for text, what in (('[dedup]\nagainst = "x.jsonl"\n', "must be an array of strings"),
                           ('[dedup]\nmax_memory = "lots"\n', "'max_memory': expected a size"),
                           ('[dedup]\nkey = [".a["]\n', "'key': invalid path")):
            cfg = self.write("bad.toml", text)
            r = self.run_jsift("run", "--config", cfg, "-o", self.path("o"), *CHAT)
            self.assertEqual(r.rc, 2, (text, r.err))
            self.assertIn("bad.toml:2:", r.err, text)
            self.assertIn(what, r.err, text)
