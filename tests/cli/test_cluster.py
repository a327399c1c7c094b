"""jsift cluster --engine local: one command as N task processes, joined into
the single run's result byte for byte (filter, a transform, stats, gate); a failed
task stops the run with its exit code and names its log; a rerun over the
same --workdir redoes only the tasks without a completion marker (a killed
task included) and gives the same result; changed inputs are not reused."""
import json
import os
import random
import re
import signal
import subprocess
import time

from harness import *  # noqa: F401,F403
from task_inputs import PIPELINE, record, split_records, write_big, write_inputs, write_near_texts


class cluster_tests(jsift_case):
    def setUp(self):
        super().setUp()
        self.inputs = write_inputs(self)
        self.clean = self.inputs[1:]  # no invalid lines

    def cluster(self, n, workdir, *command, rc=0):
        r = self.run_jsift("cluster", "--tasks", str(n), "--workdir", self.path(workdir), "--", *command)
        self.assertEqual(r.rc, rc, r.err)
        return r

    def test_filter_and_transforms_equal_the_single_run(self):
        for command in (["filter", "--turns", "2..6", "--on-invalid", "skip"], ["set", ".source=x", "--on-invalid", "skip"]):
            single = self.run_jsift(*command, *self.inputs)
            for n in (1, 3, 7):
                out = self.path("out-%s-%d.jsonl" % (command[0], n))
                self.cluster(n, "w-%s-%d" % (command[0], n), *command, *self.inputs, "-o", out)
                self.assertEqual(slurp(out), single.out, (command, n))
        # records to stdout when no -o is given
        r = self.cluster(3, "w-stdout", "filter", "--turns", "2..6", *self.clean)
        self.assertEqual(r.out, self.run_jsift("filter", "--turns", "2..6", *self.clean).out)

    def test_stats_equals_the_single_run(self):
        args = ["--json", "--by", ".record_type", "--unique", ".turns[-1].content"]
        single = self.run_jsift("stats", *args, *self.clean)
        for n in (1, 3, 7):
            r = self.cluster(n, "s-%d" % n, "stats", *args, *self.clean)
            self.assertEqual(r.out, single.out, n)
        rep = self.path("rep.json")
        self.cluster(3, "s-rep", "stats", *args, "--report", rep, *self.clean)
        self.assertEqual(json.loads(slurp(rep)), single.json())

    def test_diversity_equals_the_single_run(self):
        args = ["--on-invalid", "skip", "--by", ".record_type", "--cr-sample", "20KiB", self.inputs[0], self.path("")]
        single = self.run_jsift("diversity", "--json", "-q", *args, "--html", self.path("s.html"))
        self.assertEqual(single.rc, 0, single.err)
        for n in (1, 3):
            r = self.cluster(n, "div-%d" % n, "diversity", "--json", *args, "--html", self.path("c.html"))
            self.assertEqual(r.out, single.out, n)
            self.assertEqual(slurp(self.path("c.html")), slurp(self.path("s.html")))

    def test_gate_equals_the_single_run(self):
        # The tasks write partials, the merge evaluates the checks: the single run's results, places by byte offset.
        gate = os.path.join(os.path.dirname(os.path.abspath(__file__)), "task_gate.toml")
        want = self.path("single.json")
        single = self.run_jsift("gate", "--config", gate, "--on-invalid", "skip", *self.inputs, "--report-json", want)
        self.assertEqual(single.rc, 1, single.err)
        places = lambda text: re.sub(rb"(\.jsonl|\.json)(:\d+|@\d+)", b"#", text)
        seen = None
        for n in (1, 3, 7):
            report = self.path("g-%d.json" % n)
            r = self.cluster(n, "g-%d" % n, "gate", "--config", gate, "--on-invalid", "skip", *self.inputs, "--report-json", report, rc=1)
            self.assertEqual(places(r.out), places(single.out), n)
            got, expected = json.loads(slurp(report)), json.loads(slurp(want))
            self.assertEqual([(c["passed"], c["measured"], c["value"]) for c in got["checks"]],
                             [(c["passed"], c["measured"], c["value"]) for c in expected["checks"]])
            if seen is not None:
                self.assertEqual(r.out, seen)
            seen = r.out
        r = self.run_jsift("cluster", "--tasks", "2", "--workdir", self.path("g-r"), "--", "gate", "--config", gate, *self.clean,
                           "--report", self.path("r.json"))
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("gate's results go to --report-json", r.err)

    def test_shards_hold_the_single_runs_records(self):
        # Each task writes and rotates its own shards; the join names them globally under one manifest and card.
        args = ["--max-records", "400", "--by", ".record_type", "--on-invalid", "skip", *self.inputs]
        single = self.path("single")
        self.assertEqual(self.run_jsift("shard", "-o", single, *args).rc, 0)
        want = json.loads(slurp(os.path.join(single, "manifest.json")))["splits"]["train"]
        records = lambda d: b"".join(subprocess.run(["zstd", "-dc", os.path.join(d, n)], stdout=subprocess.PIPE, check=True).stdout
                                     for n in sorted(os.listdir(d)) if n.endswith(".zst"))
        for n in (1, 3, 7):
            out = self.path("hub-%d" % n)
            self.cluster(n, "sh-%d" % n, "shard", "-o", out, *args)
            self.assertEqual(records(out), records(single), n)
            v = self.run_jsift("verify", out)
            self.assertEqual(v.rc, 0, v.err)
            got = json.loads(slurp(os.path.join(out, "manifest.json")))["splits"]["train"]
            total = len(got["shards"])
            self.assertEqual([s["basename"] for s in got["shards"]], ["train-%05d-of-%05d.jsonl.zst" % (k, total) for k in range(total)])
            self.assertEqual(sorted(f for f in os.listdir(out) if f.endswith(".zst")), [s["basename"] for s in got["shards"]])
            self.assertTrue(all(s["samples"] <= 400 for s in got["shards"]))
            for key in ("samples", "raw_bytes", "by"):
                self.assertEqual(got["totals"][key], want["totals"][key], (n, key))
            self.assertEqual(got["dispositions"], want["dispositions"])
            self.assertEqual([i["bytes"] for i in got["inputs"]], [i["bytes"] for i in want["inputs"]])
            for g, w in zip(got["inputs"], want["inputs"]):  # a file divided between tasks has no whole-file checksum
                self.assertIn(g["xxh3_64"], (w["xxh3_64"], None) if n > 1 else (w["xxh3_64"],))
            self.assertIn("| train-00000-of-%05d.jsonl.zst |" % total, slurp(os.path.join(out, "README.md")).decode())
        # A rerun over the same workdir joins again: refused onto the split without --force, the same with it.
        before = slurp(os.path.join(self.path("hub-3"), "manifest.json"))
        r = self.run_jsift("cluster", "--tasks", "3", "--workdir", self.path("sh-x"), "--", "shard", "-o", self.path("hub-3"), *args)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("--force replaces it", r.err)
        self.assertFalse(os.path.exists(os.path.join(self.path("sh-x"), "task-00000.log")))  # refused before any task ran
        self.cluster(3, "sh-3", "shard", "-o", self.path("hub-3"), "--force", *args)
        self.assertEqual(self.run_jsift("verify", self.path("hub-3")).rc, 0)
        after = json.loads(slurp(os.path.join(self.path("hub-3"), "manifest.json")))["splits"]["train"]
        self.assertEqual(after["shards"], json.loads(before)["splits"]["train"]["shards"])
        # The manifest lists the dispositions in one run's order (kept, ..., invalid, blank).
        single_manifest = slurp(os.path.join(single, "manifest.json")).decode()
        joined_manifest = slurp(os.path.join(self.path("hub-3"), "manifest.json")).decode()
        order = lambda text: re.findall(r'"(kept|invalid:[a-z_]+|blank)":', text[text.index('"dispositions"'):])
        self.assertEqual(order(joined_manifest), order(single_manifest))
        # The same stages by hand: shard --tasks per task, then shard --join.
        dirs = [self.path("t%d" % i) for i in range(2)]
        for i, d in enumerate(dirs):
            self.assertEqual(self.run_jsift("shard", "--tasks", "2", "--task", str(i), "-o", d, "-q", *args).rc, 0)
        r = self.run_jsift("shard", "--join", dirs[0], "--join", dirs[1], "-o", self.path("joined"))
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(self.run_jsift("verify", self.path("joined")).rc, 0)
        self.assertEqual(records(self.path("joined")), records(single))
        # Every task's directory once, in task order: a missing, repeated or misplaced part is refused.
        three = [self.path("u%d" % i) for i in range(3)]
        for i, d in enumerate(three):
            self.assertEqual(self.run_jsift("shard", "--tasks", "3", "--task", str(i), "-o", d, "-q", *args).rc, 0)
        for order, bad in (([0, 2], "holds task 0 of 3, given as task 0 of 2"), ([0, 0, 2], "holds task 0 of 3, given as task 1 of 3"), ([2, 1, 0], "holds task 2 of 3, given as task 0")):
            r = self.run_jsift("shard", *sum((["--join", three[i]] for i in order), []), "-o", self.path("bad"))
            self.assertEqual(r.rc, 2, (order, r.err))
            self.assertIn(bad, r.err)
            self.assertFalse(os.path.exists(os.path.join(self.path("bad"), "manifest.json")))
        for extra in (["--max-records", "5"], ["--level", "19"], ["--compress", "none"]):
            r = self.run_jsift("shard", "--join", three[0], *extra, "-o", self.path("bad"))
            self.assertEqual(r.rc, 2, (extra, r.err))
        other_run = self.path("v1")  # task 1 of another run (other inputs)
        self.assertEqual(self.run_jsift("shard", "--tasks", "3", "--task", "1", "-o", other_run, "-q", *args[:-1]).rc, 0)
        r = self.run_jsift("shard", "--join", three[0], "--join", other_run, "--join", three[2], "-o", self.path("bad"))
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("written by another run", r.err)
        r = self.run_jsift("shard", "--join", self.path("single"), "-o", self.path("bad"))  # one run's directory is no task's
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("not written by a task", r.err)
        other = self.path("t-eval")
        self.assertEqual(self.run_jsift("shard", "--tasks", "2", "--task", "1", "--split", "eval", "-o", other, "-q", *args).rc, 0)
        r = self.run_jsift("shard", "--join", dirs[0], "--join", other, "-o", self.path("mixed"))  # --split names the split joined (train)
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("without split 'train'", r.err)
        self.assertFalse(os.path.exists(os.path.join(self.path("mixed"), "manifest.json")))

    def test_run_pipelines_equal_the_single_run(self):
        # Each pipeline cut into stages (pre, dedup's three, rebalance's three, post, the gate's partials): the
        # single run's records per split, dispositions and gate results, whatever N.
        body = PIPELINE
        pipelines = {
            "whole": body,
            "per-record": body.replace('[dedup]\nkey = [".turns[-1].content"]\nnormalize = "ws,case"\n', "")
                              .replace('[rebalance]\nby = ".record_type"\ntarget = { chat = 0.4, qa = 0.3, tool = 0.3 }\nseed = 3\n', "")
                              .replace("shard = true", "shard = false"),
            "dedup-dups": '[dedup]\nkey = [".id"]\ndups = "%s"\n[output]\nshard = false\n' % self.path("PLACE.dups"),
            "upsample": '[rebalance]\nby = ".record_type"\nequal = true\ntotal = 4000\nallow_upsample = true\nothers = "keep"\n'
                        '[split]\nratios = { a = 0.5, b = 0.5 }\n',
        }
        for label, text in pipelines.items():
            single_dir = self.path("single-" + label)
            config = self.write(label + ".toml", text.replace("PLACE", "single-" + label))
            single = self.run_jsift("run", "--config", config, "-o", single_dir, "--on-invalid", "skip", "--report", self.path(label + ".json"),
                                    "--report-json", self.path(label + "-gate.json"), *self.inputs)
            self.assertIn(single.rc, (0, 1), single.err)
            want = json.loads(slurp(self.path(label + ".json")))
            splits = sorted(want["outputs"])
            for n in (1, 3, 7):
                tag = "%s-%d" % (label, n)
                config = self.write(tag + ".toml", text.replace("PLACE", tag))
                out = self.path("out-" + tag)
                r = self.cluster(n, "w-" + tag, "run", "--config", config, "-o", out, "--on-invalid", "skip", "--report",
                                 self.path(tag + ".json"), "--report-json", self.path(tag + "-gate.json"), *self.inputs, rc=single.rc)
                for split in splits:
                    self.assertEqual(split_records(out, split), split_records(single_dir, split), (tag, split))
                got = json.loads(slurp(self.path(tag + ".json")))
                self.assertEqual(got["dispositions"], want["dispositions"], tag)
                self.assertEqual(got["lines"], want["lines"], tag)
                if "[[check]]" in text:
                    g, w = (json.loads(slurp(self.path(t + "-gate.json")))["checks"] for t in (tag, label))
                    self.assertEqual([(c["name"], c["passed"], c["measured"]) for c in g], [(c["name"], c["passed"], c["measured"]) for c in w])
                    self.assertEqual(r.out.count(b"FAIL"), single.out.count(b"FAIL"))
                if "shard = true" in text:
                    self.assertEqual(self.run_jsift("verify", out).rc, 0)
                if "dups" in text:
                    self.assertEqual(slurp(self.path(tag + ".dups")), slurp(self.path("single-%s.dups" % label)), tag)
                    self.assertGreater(len(slurp(self.path(tag + ".dups"))), 0)

    def test_run_diversity_checks_over_several_outputs(self):
        # The checks' samples name each written file's place: the run's figures are the gate's over those files, and the cluster's.
        config = self.write("d.toml", '[split]\nratios = { a = 0.5, b = 0.5 }\nkey = ".id"\n[[check]]\ntype = "compression_ratio"\nmax = 100\n'
                                      'cr_sample = "3KiB"\n[[check]]\ntype = "self_repetition"\nmax = 100\ncr_sample = "2KiB"\n')
        gate = self.write("g.toml", '[[check]]\ntype = "compression_ratio"\nmax = 100\ncr_sample = "3KiB"\n'
                                    '[[check]]\ntype = "self_repetition"\nmax = 100\ncr_sample = "2KiB"\n')
        single = self.run_jsift("run", "--config", config, "-o", self.path("s"), "--report-json", self.path("s.json"), *self.clean)
        self.assertEqual(single.rc, 0, single.err)
        self.cluster(3, "dw", "run", "--config", config, "-o", self.path("c"), "--report-json", self.path("c.json"), *self.clean)
        over = self.run_jsift("gate", "--config", gate, "--report-json", self.path("g.json"), self.path("s/a.jsonl"), self.path("s/b.jsonl"))
        self.assertEqual(over.rc, 0, over.err)
        values = lambda f: [c["value"] for c in json.loads(slurp(self.path(f)))["checks"]]
        self.assertEqual(values("s.json"), values("g.json"))
        self.assertEqual(values("c.json"), values("s.json"))

    def test_run_gate_title_and_refusals_before_tasks(self):
        config = self.write("t.toml", 'name = "titled"\n[filter]\nturns = "2..8"\n[[check]]\ntype = "records"\nmin = 10\n')
        single = self.run_jsift("run", "--config", config, "-o", self.path("s"), "--on-invalid", "skip", "--report-md", self.path("s.md"), *self.inputs)
        self.assertEqual(single.rc, 0, single.err)
        self.cluster(3, "tw", "run", "--config", config, "-o", self.path("c"), "--on-invalid", "skip", "--report-md", self.path("c.md"), *self.inputs)
        self.assertEqual(slurp(self.path("c.md")), slurp(self.path("s.md")))
        self.assertIn(b"jsift run: titled", slurp(self.path("c.md")))
        for text, message in (('[rebalance]\nby = ".record_type"\nequal = true\ntotal = 4000\nallow_upsample = true\n'
                               '[split]\nratios = { a = 0.5, b = 0.5 }\nkey = ".nope"\nkeyless = "skip"\n', "keyless = \"skip\" after an upsampling"),):
            bad = self.write("bad.toml", text)
            r = self.run_jsift("cluster", "--tasks", "2", "--workdir", self.path("bw"), "--", "run", "--config", bad, "-o", self.path("bo"), *self.clean)
            self.assertEqual(r.rc, 2, r.err)
            self.assertIn(message, r.err)
            self.assertFalse(os.path.exists(self.path("bo")))

    def test_near_duplicates_measured_across_tasks(self):
        """diversity --near, the gate's near_duplicates check and a run's: the merge decides every text in input order."""
        inputs = [write_near_texts(self)] + self.clean
        args = ["--near", "--by", ".record_type", *inputs]
        single = self.run_jsift("diversity", "--json", "-q", *args)
        self.assertEqual(single.rc, 0, single.err)
        self.assertGreater(json.loads(single.out)["datasets"][0]["columns"][0]["near_duplicates"]["clusters"], 100)
        self.assertEqual(self.cluster(3, "dw", "diversity", "--json", *args).out, single.out)
        gate = self.write("g.toml", '[[check]]\nname = "nd"\ntype = "near_duplicates"\nby = ".record_type"\nmax_rate = 0.5\n')
        single = self.run_jsift("gate", "--config", gate, "--report-json", self.path("s.json"), *inputs)
        self.assertEqual(single.rc, 1, single.err)
        self.cluster(3, "gw", "gate", "--config", gate, "--report-json", self.path("c.json"), *inputs, rc=1)
        self.assertEqual(slurp(self.path("c.json")), slurp(self.path("s.json")))
        run = self.write("r.toml", '[filter]\nturns = "1..8"\n[[check]]\nname = "nd"\ntype = "near_duplicates"\nmax_rate = 0.2\n')
        single = self.run_jsift("run", "--config", run, "-o", self.path("rs"), "--report-md", self.path("s.md"), *inputs)
        self.assertEqual(single.rc, 1, single.err)
        self.cluster(3, "rw", "run", "--config", run, "-o", self.path("rc"), "--report-md", self.path("c.md"), *inputs, rc=1)
        self.assertEqual(slurp(self.path("c.md")), slurp(self.path("s.md")))

    def test_run_refusals(self):
        dups = self.write("dups.toml", '[filter]\nturns = "2..8"\n[dedup]\ndups = "%s"\n' % self.path("d.jsonl"))
        r = self.run_jsift("cluster", "--tasks", "2", "--workdir", self.path("w2"), "--", "run", "--config", dups, "-o", self.path("o2"), *self.clean)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("dups after [[transform]] or [filter]", r.err)
        full = self.write("full.toml", '[dedup]\nkey = [".id"]\n')
        os.mkdir(self.path("o3"))
        self.write("o3/keep.txt", "mine")
        r = self.run_jsift("cluster", "--tasks", "2", "--workdir", self.path("w3"), "--", "run", "--config", full, "-o", self.path("o3"), *self.clean)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("is not empty", r.err)
        self.assertFalse(os.path.exists(self.path("w3/keys-00000.log")))  # before any task ran
        # A task of a pipeline with a global table, or with checks, is the cluster's to cut.
        r = self.run_jsift("run", "--config", full, "-o", self.path("o4"), "--tasks", "2", "--task", "0", *self.clean)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("jsift cluster -- run", r.err)
        r = self.run_jsift("run", "--config", full.replace("full", "full"), "--stage", "keys", "--tasks", "2", "--task", "0", *self.clean)
        self.assertEqual(r.rc, 2, r.err)  # no --workdir
        both = self.write("both.toml", '[dedup]\nkey = [".id"]\n[split]\nratios = { a = 0.5, b = 0.5 }\n')
        r = self.run_jsift("run", "--config", both, "--stage", "keys", "--tasks", "2", "--task", "0", "--workdir", self.path("w5"), *self.clean)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("[dedup] alone or [rebalance] alone", r.err)

    def test_a_failed_task_fails_the_run(self):
        out = self.path("out.jsonl")
        r = self.cluster(3, "w", "filter", *self.inputs, "-o", out, rc=3)
        # the bad lines are in the first and last thirds: the lowest task is named, whichever ended first
        self.assertRegex(r.err, r"cluster: task 0 failed \(exit 3\); its log: .*task-00000\.log")
        self.assertIn("a-big.jsonl@", r.err)  # the task's message, by byte offset
        self.assertFalse(os.path.exists(out))

    def test_rerun_redoes_only_what_is_missing(self):
        out = self.path("out.jsonl")
        command = ["filter", "--turns", "2..6", *self.clean, "-o", out]
        self.cluster(5, "w", *command)
        want = slurp(out)
        os.unlink(out)
        w = self.path("w")
        before = {f: os.stat(os.path.join(w, f)).st_mtime_ns for f in os.listdir(w)}
        os.unlink(os.path.join(w, "task-00002.done"))  # as if task 2 had been killed
        with open(os.path.join(w, "task-00002.jsonl"), "wb") as f:
            f.write(b'{"half": ')
        r = self.cluster(5, "w", *command)
        self.assertIn("4 of 5 tasks already done", r.err)
        self.assertEqual(slurp(out), want)
        for f, t in before.items():
            if "00002" not in f:
                self.assertEqual(os.stat(os.path.join(w, f)).st_mtime_ns, t, f)
        # another command line, or a changed input, reuses nothing
        r = self.cluster(5, "w", "filter", "--turns", "2..5", *self.clean, "-o", out)
        self.assertNotIn("already done", r.err)
        time.sleep(0.01)
        with open(self.clean[0], "ab") as f:
            f.write(b"\n" + record(__import__("random").Random(1), 5) + b"\n")
        r = self.cluster(5, "w", *command)
        self.assertNotIn("already done", r.err)
        self.assertEqual(slurp(out), self.run_jsift("filter", "--turns", "2..6", *self.clean).out)

    def test_a_killed_task(self):
        # A task killed mid-run fails the run (exit 4, the signal named); the rerun redoes it.
        big = write_big(self, "big.jsonl", 60000, 3)
        command = ["stats", "--json", "--unique", ".turns[-1].content", "--unique", ".id", big]
        for attempt in range(3):
            w = self.path("k%d" % attempt)
            proc = subprocess.Popen([JSIFT, "cluster", "--tasks", "3", "--parallel", "1", "--workdir", w, "--", *command, "-j", "1"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            killed = False
            deadline = time.time() + 20
            while not killed and proc.poll() is None and time.time() < deadline:
                for child in children(proc.pid):
                    if "task-00001" in cmdline(child):
                        os.kill(child, signal.SIGKILL)
                        killed = True
                time.sleep(0.002)
            stdout, stderr = proc.communicate(timeout=60)
            if killed:
                break
        self.assertTrue(killed, "task 1 ended before it could be killed, three times")
        self.assertEqual(proc.returncode, 4, stderr)
        self.assertIn(b"task 1 failed (signal 9)", stderr)
        self.assertFalse(os.path.exists(os.path.join(w, "task-00001.done")))
        r = self.run_jsift("cluster", "--tasks", "3", "--parallel", "1", "--workdir", w, "--", *command, "-j", "1")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, self.run_jsift(*command).out)

    def test_dedup_equals_the_single_run(self):
        for key in ([], ["--key", ".turns[-1].content", "--normalize", "ws,case"], ["--key", ".record_type"], ["--key", ".missing"]):
            args = ["--on-invalid", "skip", *key]
            single_out, single_dups = self.path("s.jsonl"), self.path("s.dups")
            r = self.run_jsift("dedup", *args, *self.inputs, "-o", single_out, "--dups", single_dups)
            self.assertEqual(r.rc, 0, r.err)
            if key != ["--key", ".missing"]:
                self.assertGreater(len(read_lines(single_dups)), 0, key)
            for n in (1, 3, 7):
                out, dups = self.path("c%d.jsonl" % n), self.path("c%d.dups" % n)
                self.cluster(n, "d-%d-%d" % (len(key), n), "dedup", *args, *self.inputs, "-o", out, "--dups", dups)
                self.assertEqual(slurp(out), slurp(single_out), (key, n))
                self.assertEqual(slurp(dups), slurp(single_dups), (key, n))

    def near_inputs(self):
        """The inputs and a file of varied texts whose near-duplicates (chains of one word changed) fall in other tasks' parts."""
        return [write_near_texts(self)] + self.inputs

    def test_near_dedup_equals_the_single_run(self):
        inputs = self.near_inputs()
        for opts in ([], ["--key", ".turns[-1].content", "--bands", "9", "--rows", "3"], ["--threshold", "0.9", "--ngram", "3"]):
            args = ["--near", "--on-invalid", "skip", *opts, *inputs]
            want, want_dups = self.path("s.jsonl"), self.path("s.dups")
            single = self.run_jsift("dedup", *args, "-o", want, "--report", self.path("s.json"), "--dups", want_dups)
            self.assertEqual(single.rc, 0, single.err)
            d = json.loads(slurp(self.path("s.json")))["dispositions"]
            self.assertGreater(d["duplicate:near"], 500, opts)
            self.assertGreater(d["kept"], 300, opts)
            # Clusters that grew through later records: the cluster's first member is not the earliest match.
            dups = [json.loads(x) for x in read_lines(want_dups)]
            self.assertGreater(sum(x["cluster"] != x["duplicate_of"] for x in dups), 10, opts)
            for n in (1, 3, 7):
                out, out_dups = self.path("n%d.jsonl" % n), self.path("n%d.dups" % n)
                self.cluster(n, "near-%d-%d" % (len(opts), n), "dedup", *args, "-o", out, "--report", self.path("n.json"), "--dups", out_dups)
                self.assertEqual(slurp(out), slurp(want), (opts, n))
                self.assertEqual(slurp(out_dups), slurp(want_dups), (opts, n))
                self.assertEqual(json.loads(slurp(self.path("n.json")))["dispositions"], d)
        # The stage files say what their keys are: another MinHash's are refused.
        w = self.path("stages")
        os.mkdir(w)
        for i in range(2):
            self.assertEqual(self.run_jsift("dedup", "--near", "--stage", "keys", "--tasks", "2", "--task", str(i), "--workdir", w, *self.clean).rc, 0)
        r = self.run_jsift("dedup", "--near", "--bands", "9", "--rows", "3", "--stage", "find", "--tasks", "2", "--range", "0", "--workdir", w)
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("written with the key near:ngram=5,bands=14,rows=8;auto", r.err)
        # The cluster stage reads the signatures that keys writes only when it is given --dups too (and keys
        # without it removes an earlier run's).
        for dups in (["--dups", self.path("unused")], []):
            for i in range(2):
                r = self.run_jsift("dedup", "--near", "--stage", "keys", "--tasks", "2", "--task", str(i), "--workdir", w, *dups, *self.clean)
                self.assertEqual(r.rc, 0, r.err)
            self.assertEqual(os.path.exists(os.path.join(w, "sigs-00000.bin")), bool(dups))
        for i in range(2):
            r = self.run_jsift("dedup", "--near", "--stage", "find", "--tasks", "2", "--range", str(i), "--workdir", w)
            self.assertEqual(r.rc, 0, r.err)
        cluster = ["dedup", "--near", "--stage", "cluster", "--tasks", "2", "--workdir", w, *self.clean]
        r = self.run_jsift(*cluster, "--dups", self.path("nd.jsonl"))
        self.assertEqual(r.rc, 4, r.err)
        self.assertIn("sigs-00000.bin", r.err)
        self.assertIn("the keys stage writes signatures when it is given --dups too", r.err)
        self.assertFalse(os.path.exists(self.path("nd.jsonl")))
        for extra in ([], ["--dups", self.path("nd.jsonl"), "--task", "0"], ["--dups", self.path("nd.jsonl"), "-o", self.path("x")]):
            r = self.run_jsift(*cluster, *extra)
            self.assertEqual(r.rc, 2, (extra, r.err))

    def test_run_with_near_dedup_equals_the_single_run(self):
        inputs = self.near_inputs()
        config = self.write("near.toml", '[filter]\nturns = "1..8"\n[dedup]\nnear = true\nkey = [".turns[-1].content"]\n'
                                         '[split]\nratios = { a = 0.7, b = 0.3 }\nkey = ".id"\n')
        single = self.run_jsift("run", "--config", config, "-o", self.path("s"), "--on-invalid", "skip", "--report", self.path("s.json"), *inputs)
        self.assertEqual(single.rc, 0, single.err)
        self.cluster(3, "w", "run", "--config", config, "-o", self.path("c"), "--on-invalid", "skip", "--report", self.path("c.json"), *inputs)
        for split in ("a", "b"):
            self.assertEqual(slurp(self.path("c/%s.jsonl" % split)), slurp(self.path("s/%s.jsonl" % split)))
        want = json.loads(slurp(self.path("s.json")))["dispositions"]
        self.assertEqual(json.loads(slurp(self.path("c.json")))["dispositions"], want)
        self.assertGreater(want["duplicate:near"], 0)
        # With dups: a cluster stage writes them, as one run names them.
        def near_dups(dups):
            return self.write("near-dups.toml", '[dedup]\nnear = true\ndups = "%s"\n[split]\nratios = { a = 0.7, b = 0.3 }\nkey = ".id"\n' % dups)
        single = self.run_jsift("run", "--config", near_dups(self.path("sd.dups")), "-o", self.path("sd"), "--on-invalid", "skip", *inputs)
        self.assertEqual(single.rc, 0, single.err)
        self.assertGreater(len(read_lines(self.path("sd.dups"))), 500)
        self.cluster(3, "wd", "run", "--config", near_dups(self.path("cd.dups")), "-o", self.path("cd"), "--on-invalid", "skip", *inputs)
        self.assertEqual(slurp(self.path("cd.dups")), slurp(self.path("sd.dups")))
        for split in ("a", "b"):
            self.assertEqual(slurp(self.path("cd/%s.jsonl" % split)), slurp(self.path("sd/%s.jsonl" % split)))

    def test_dedup_against_a_reference_equals_the_single_run(self):
        """--against: each keys task looks its records up in the reference set; drop (or near's cluster) names them."""
        varied = write_near_texts(self)
        inputs = [varied] + self.inputs
        lines = read_lines(varied)
        big = read_lines(self.inputs[0])
        # Texts of the first file, and records at the end of the second: in the last tasks' parts, after other tasks' lines of it.
        reference = self.write("ref.jsonl", b"".join(l + b"\n" for l in lines[100:160] + big[2950:2990]))
        for opts in (["--key", ".turns[-1].content"], ["--near"], ["--near", "--bands", "9", "--rows", "3"]):
            args = [*opts, "--on-invalid", "skip", "--against", reference, *inputs]
            want, want_dups = self.path("s.jsonl"), self.path("s.dups")
            single = self.run_jsift("dedup", *args, "-o", want, "--dups", want_dups, "--report", self.path("s.json"))
            self.assertEqual(single.rc, 0, single.err)
            against = [json.loads(l) for l in read_lines(want_dups) if b'{"against":true}' in l]
            self.assertGreater(len(against), 50, opts)
            if "--near" not in opts:
                self.assertTrue(any(a["file"].endswith("a-big.jsonl") and a["line"] > 2900 for a in against), against[-3:])
            against = len(against)
            self.assertLess(against, len(read_lines(want_dups)), opts)  # and duplicates within the input
            for n in (1, 3, 7):
                out, dups = self.path("c%d.jsonl" % n), self.path("c%d.dups" % n)
                self.cluster(n, "a-%d-%d" % (len(opts), n), "dedup", *args, "-o", out, "--dups", dups, "--report", self.path("c.json"))
                self.assertEqual(slurp(out), slurp(want), (opts, n))
                self.assertEqual(slurp(dups), slurp(want_dups), (opts, n))
                self.assertEqual(json.loads(slurp(self.path("c.json")))["dispositions"], json.loads(slurp(self.path("s.json")))["dispositions"])
        # In a pipeline too.
        config = self.write("against.toml", '[dedup]\nnear = true\nagainst = ["%s"]\ndups = "%%s"\n[split]\nratios = { a = 0.6, b = 0.4 }\n'
                            'key = ".id"\n' % reference)
        single = self.run_jsift("run", "--config", self.write("s.toml", slurp(config).decode() % self.path("sd.dups")), "-o", self.path("sd"),
                                "--on-invalid", "skip", *inputs)
        self.assertEqual(single.rc, 0, single.err)
        self.cluster(3, "ra", "run", "--config", self.write("c.toml", slurp(config).decode() % self.path("cd.dups")), "-o", self.path("cd"),
                     "--on-invalid", "skip", *inputs)
        self.assertEqual(slurp(self.path("cd.dups")), slurp(self.path("sd.dups")))
        self.assertIn(b'{"against":true}', slurp(self.path("sd.dups")))
        for split in ("a", "b"):
            self.assertEqual(slurp(self.path("cd/%s.jsonl" % split)), slurp(self.path("sd/%s.jsonl" % split)))
        # The reference set changes: a rerun redoes the tasks that read it (the pipeline names it, the command line does not).
        with open(reference, "ab") as f:
            f.write(b"".join(l + b"\n" for l in lines[300:340]))
        single = self.run_jsift("run", "--config", self.path("s.toml"), "-o", self.path("sd2"), "--on-invalid", "skip", *inputs)
        self.assertEqual(single.rc, 0, single.err)
        self.cluster(3, "ra", "run", "--config", self.path("c.toml"), "-o", self.path("cd"), "--force", "--on-invalid", "skip", *inputs)
        self.assertEqual(slurp(self.path("cd.dups")), slurp(self.path("sd.dups")))
        self.assertGreater(len(read_lines(self.path("sd.dups"))), 0)
        for split in ("a", "b"):
            self.assertEqual(slurp(self.path("cd/%s.jsonl" % split)), slurp(self.path("sd2/%s.jsonl" % split)))
        # A stage without the reference set the keys had is refused: its files say what they were written with.
        w = self.path("stages")
        os.mkdir(w)
        r = self.run_jsift("dedup", "--against", reference, "--stage", "keys", "--tasks", "1", "--task", "0", "--workdir", w, *self.clean)
        self.assertEqual(r.rc, 0, r.err)
        r = self.run_jsift("dedup", "--stage", "find", "--tasks", "1", "--range", "0", "--workdir", w)
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("written with the key", r.err)

    def test_dedup_rerun_asking_for_dups(self):
        out, dups = self.path("o.jsonl"), self.path("d.jsonl")
        self.cluster(3, "w", "dedup", "--on-invalid", "skip", *self.inputs, "-o", out)
        self.cluster(3, "w", "dedup", "--on-invalid", "skip", *self.inputs, "-o", out, "--dups", dups)
        r = self.run_jsift("dedup", "--on-invalid", "skip", *self.inputs, "-o", self.path("s.jsonl"), "--dups", self.path("s.dups"))
        self.assertEqual(slurp(dups), slurp(self.path("s.dups")))

    def test_dedup_rerun_after_a_lost_keys_task_redoes_what_follows(self):
        out = self.path("out.jsonl")
        command = ["dedup", "--on-invalid", "skip", *self.inputs, "-o", out]
        self.cluster(3, "w", *command)
        want = slurp(out)
        os.unlink(os.path.join(self.path("w"), "keys-00001.done"))
        os.unlink(os.path.join(self.path("w"), "dedup", "keys-00001-00002.bin"))
        r = self.cluster(3, "w", *command)
        self.assertIn("2 of 3 tasks already done", r.err)  # the keys stage
        self.assertEqual(r.err.count("already done"), 1)  # find and drop ran again
        self.assertEqual(slurp(out), want)

    def test_dedup_stages_refuse_another_runs_files(self):
        w = self.path("stages")
        os.mkdir(w)
        for i in range(2):
            r = self.run_jsift("dedup", "--stage", "keys", "--tasks", "2", "--task", str(i), "--workdir", w, *self.clean)
            self.assertEqual(r.rc, 0, r.err)
        r = self.run_jsift("dedup", "--stage", "find", "--tasks", "2", "--range", "0", "--ranges", "3", "--workdir", w)
        self.assertEqual(r.rc, 3, r.err)  # the files of a run with 2 ranges
        self.assertIn("another run's", r.err)
        r = self.run_jsift("dedup", "--stage", "find", "--tasks", "2", "--range", "0", "--key", ".id", "--workdir", w)
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("written with the key", r.err)
        r = self.run_jsift("dedup", "--stage", "find", "--tasks", "2", "--range", "0", "--workdir", w)
        self.assertEqual(r.rc, 0, r.err)
        r = self.run_jsift("dedup", "--stage", "drop", "--tasks", "2", "--task", "0", "--workdir", w, *self.clean, "-o", self.path("o"))
        self.assertEqual(r.rc, 4, r.err)  # range 1 was never found
        self.assertIn("drop-00001-00000.bin", r.err)
        for args in (["--stage", "keys", *self.clean], ["--stage", "find", "--tasks", "2", "--workdir", w],
                     ["--stage", "drop", "--tasks", "2", "--task", "0", "--workdir", w, "--near", "--dups", self.path("d"), *self.clean],
                     ["--stage", "keys", "--tasks", "2", "--task", "0", "--workdir", w, "--index", self.path("i"), *self.clean],
                     ["--stage", "other", "--tasks", "2", "--task", "0", "--workdir", w, *self.clean]):
            r = self.run_jsift("dedup", *args)
            self.assertEqual(r.rc, 2, (args, r.err))

    def test_selections_equal_the_single_run(self):
        for command in (["rebalance", "--by", ".record_type", "--cap-all", "300"],
                        ["rebalance", "--by", ".record_type", "--target", "chat=0.5,qa=0.3,tool=0.2", "--seed", "3"],
                        ["rebalance", "--by", ".record_type", "--equal", "--total", "4000", "--allow-upsample", "--others", "keep"],
                        ["sample", "-n", "500", "--by", ".record_type", "--key", ".id"],
                        ["sample", "--total", "900", "--by", ".record_type"],
                        ["sample", "--fraction", "0.3"]):
            single = self.run_jsift(*command, "--on-invalid", "skip", *self.inputs)
            self.assertEqual(single.rc, 0, single.err)
            self.assertGreater(len(single.out), 1000, command)
            for n in (1, 3, 7):
                out = self.path("sel-%d.jsonl" % n)
                self.cluster(n, "s-%s-%d" % (command[-1], n), *command, "--on-invalid", "skip", *self.inputs, "-o", out)
                self.assertEqual(slurp(out), single.out, (command, n))

    def test_selection_stages_refuse_misuse(self):
        w = self.path("sel")
        os.mkdir(w)
        args = ["--by", ".record_type", "--cap-all", "100", *self.clean]
        r = self.run_jsift("rebalance", "--tasks", "2", "--task", "0", *args)
        self.assertEqual(r.rc, 2)
        self.assertIn("--stage survey1", r.err)
        r = self.run_jsift("sample", "--fraction", "0.5", "--stage", "emit", "--tasks", "2", "--task", "0", "--workdir", w, *self.clean)
        self.assertEqual(r.rc, 2)
        for i in range(2):
            r = self.run_jsift("rebalance", "--stage", "survey1", "--tasks", "2", "--task", str(i), "--workdir", w, *args)
            self.assertEqual(r.rc, 0, r.err)
        r = self.run_jsift("rebalance", "--stage", "emit", "--tasks", "2", "--task", "0", "--workdir", w, "--seed", "9", *args)
        self.assertEqual(r.rc, 3, r.err)  # surveys of seed 0
        self.assertIn("another selection's survey", r.err)

    def test_quarantine_and_report_are_the_single_runs(self):
        single_q = self.path("single.bad")
        single = self.run_jsift("filter", "--turns", "2..6", "--on-invalid", "quarantine:" + single_q, "--report", self.path("s.json"),
                                *self.inputs, "-o", self.path("s.jsonl"))
        self.assertEqual(single.rc, 0, single.err)
        want = json.loads(slurp(self.path("s.json")))
        for n in (3, 7):
            q, rep = self.path("q%d.bad" % n), self.path("r%d.json" % n)
            r = self.cluster(n, "q%d" % n, "filter", "--turns", "2..6", "--on-invalid", "quarantine:" + q, "--report", rep, *self.inputs,
                             "-o", self.path("o%d.jsonl" % n))
            self.assertEqual(slurp(q), slurp(single_q), n)
            why = [json.loads(l) for l in read_lines(q + ".errors.jsonl")]
            self.assertEqual([w["offset"] for w in why], [slurp(self.inputs[0]).index(b'{"id":"bad"'), slurp(self.inputs[0]).index(b'{"id":"bad2"')])
            got = json.loads(slurp(rep))
            self.assertEqual(got["dispositions"], want["dispositions"], n)
            self.assertEqual(got["lines"], want["lines"])
            self.assertEqual(got["engine"], "local")
            self.assertIn("%s kept" % format(want["dispositions"]["kept"], ","), r.err)
        # dedup: the drop stage quarantines, once
        dq = self.path("d.bad")
        self.cluster(3, "dq", "dedup", "--on-invalid", "quarantine:" + dq, *self.inputs, "-o", self.path("d.jsonl"))
        self.assertEqual(slurp(dq), slurp(single_q))

    def test_merge_beyond_the_group_cap_and_skipped_inputs(self):
        d = self.path("many")
        os.mkdir(d)
        with open(os.path.join(d, "a.jsonl"), "wb") as f:
            f.write(b"".join(b'{"g":"%d"}\n' % (i % 14000) for i in range(30000)))
        with open(os.path.join(d, "README.md"), "w") as f:
            f.write("not data")
        single = self.run_jsift("stats", "--json", "--by", ".g", "--unique", ".g", d)
        got = self.cluster(3, "m", "stats", "--json", "--by", ".g", "--unique", ".g", d)
        self.assertEqual(got.out, single.out)
        self.assertIn(b"(other)", single.out)  # past the 10,000 groups one run keeps
        self.assertIn(b"README.md", single.out)

    def test_changed_files_under_a_glob_are_not_reused(self):
        d = self.path("globbed")
        os.mkdir(d)
        data = os.path.join(d, "x.json")
        with open(data, "wb") as f:
            f.write(b'{"a":1}\n{"a":2}\n')
        out = self.path("g.jsonl")
        self.cluster(2, "gw", "filter", "--glob", "*.json", d, "-o", out)
        self.assertEqual(slurp(out), b'{"a":1}\n{"a":2}\n')
        time.sleep(0.01)
        with open(data, "ab") as f:
            f.write(b'{"a":3}\n')
        r = self.cluster(2, "gw", "filter", "--glob", "*.json", d, "-o", out)
        self.assertNotIn("already done", r.err)
        self.assertEqual(slurp(out), b'{"a":1}\n{"a":2}\n{"a":3}\n')

    def test_interrupted(self):
        big = write_big(self, "big.jsonl", 60000, 5)
        proc = subprocess.Popen([JSIFT, "cluster", "--tasks", "4", "--parallel", "1", "--workdir", self.path("iw"), "--",
                                 "stats", "--unique", ".id", "-j", "1", big], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while time.time() < deadline and not children(proc.pid):
            time.sleep(0.002)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn(b"interrupted", err)
        self.assertEqual(children(proc.pid), [])

    def test_split_equals_the_single_run(self):
        args = ["--ratios", "train=0.8,eval=0.15,test=0.05", "--key", ".id", "--keyless", "skip", "--on-invalid", "skip"]
        r = self.run_jsift("split", *args, *self.inputs, "-o", self.path("one"))
        self.assertEqual(r.rc, 0, r.err)
        for n in (1, 3, 7):
            d = self.path("split-%d" % n)
            self.cluster(n, "sp%d" % n, "split", *args, *self.inputs, "-o", d)
            self.assertEqual(sorted(os.listdir(d)), ["eval.jsonl", "test.jsonl", "train.jsonl"])
            for name in os.listdir(d):
                self.assertEqual(slurp(os.path.join(d, name)), slurp(os.path.join(self.path("one"), name)), (n, name))
        # a record without the key, under --keyless fail: named by its byte offset in a task
        data = self.write("nokey.jsonl", b'{"id":1}\n{"id":2}\n{"x":3}\n{"id":4}\n')
        r = self.run_jsift("split", "--ratios", "a=0.5,b=0.5", "--key", ".id", "--tasks", "2", "--task", "1", data, "-o", self.path("nk"))
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("%s@18: no value at the split key" % data, r.err)  # the second part starts at line 3, byte 18
        r = self.run_jsift("split", "--ratios", "a=0.5,b=0.5", "--key", ".id", "--tasks", "1", "--task", "0", data, "-o", self.path("nk"))
        self.assertIn("%s:3: no value at the split key" % data, r.err)  # a whole file: its lines are counted
        # a rerun over the same workdir with other split names leaves none of the old ones
        d = self.path("split-renamed")
        self.cluster(3, "sp3", "split", "--ratios", "train=0.8,other=0.2", "--key", ".id", "--keyless", "skip", "--on-invalid", "skip",
                     *self.inputs, "-o", d)
        self.assertEqual(sorted(os.listdir(d)), ["other.jsonl", "train.jsonl"])

    def test_bad_usage(self):
        for args, message in (
            (["--", "verify", self.clean[0]], "cannot run `verify` as tasks yet"),
            (["--", "dedup", "--stage", "keys", self.clean[0]], "--stage is the cluster's to set"),
            (["--", "filter", "--tasks", "2", self.clean[0]], "--tasks is the cluster's to set"),
            (["--", "stats", "--partial", "x", self.clean[0]], "--partial is the cluster's to set"),
            ([], "name the command after --"),
        ):
            r = self.run_jsift("cluster", "--tasks", "2", "--workdir", self.path("w"), *args)
            self.assertEqual(r.rc, 2, (args, r.err))
            self.assertIn(message, r.err)
        same = self.path("same.jsonl")  # two outputs naming one file: refused before any task runs
        r = self.run_jsift("cluster", "--tasks", "2", "--workdir", self.path("w2"), "--", "dedup", *self.clean, "-o", same, "--dups", same)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("name the same file", r.err)
        self.assertFalse(os.path.exists(same))
        self.assertFalse(os.path.exists(self.path("w2")))
        r = self.run_jsift("cluster", "--tasks", "2", "--workdir", self.path("w"), "--", "filter", "-o", self.path("o"), stdin=b"{}\n")
        self.assertEqual(r.rc, 2, r.err)  # stdin cannot be divided: the task's usage error is the run's
        self.assertIn("stdin cannot be divided", r.err)


def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(p))
            except (OSError, IndexError, ValueError):
                pass
    return out


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""


if __name__ == "__main__":
    unittest.main()
