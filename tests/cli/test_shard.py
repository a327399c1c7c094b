"""jsift shard and verify: rotation, naming, manifest, card, atomicity under
signals, SIGKILL and a full disk, verify catching damage, interoperability."""
import json
import os
import resource
import signal
import subprocess
import time

from harness import *  # noqa: F401,F403


def zstd_d(path):
    return subprocess.run(["zstd", "-dc", path], stdout=subprocess.PIPE, check=True).stdout


class shard_tests(jsift_case):
    def shard(self, *args, src=SAMPLE, expect_rc=0):
        d = self.path("out")
        r, rep = self.run_with_report("shard", "-o", d, *args, src, expect_rc=expect_rc)
        return d, r, rep

    def manifest(self, d, split="train"):
        """The split's entry of the directory's manifest (version 2: one entry per split)."""
        m = json.loads(slurp(os.path.join(d, "manifest.json")))
        self.assertEqual(m["manifest_version"], 2)
        return m["splits"][split]

    def test_rotation_by_records_and_names(self):
        d, r, rep = self.shard("--max-records", "100", "--by", ".record_type")
        m = self.manifest(d)
        self.assertEqual([s["basename"] for s in m["shards"]], [f"train-0000{i}-of-00004.jsonl.zst" for i in range(4)])
        self.assertEqual([s["samples"] for s in m["shards"]], [100, 100, 100, 36])
        self.assertEqual(sorted(os.listdir(d)), sorted([s["basename"] for s in m["shards"]] + ["README.md", "manifest.json"]))
        # the shards hold the input's records, in order, byte-for-byte
        data = b"".join(zstd_d(os.path.join(d, s["basename"])) for s in m["shards"])
        self.assertEqual(data, slurp(CONV) + slurp(PAIRS))
        for s in m["shards"]:
            raw = zstd_d(os.path.join(d, s["basename"]))
            self.assertEqual(s["raw_data"]["bytes"], len(raw))
            self.assertEqual(s["zip_data"]["bytes"], os.path.getsize(os.path.join(d, s["basename"])))
            self.assertEqual(sum(s["by"].values()), s["samples"])
            for line in raw.splitlines():
                json.loads(line)  # Python's json reads every line
        self.assertEqual(m["totals"]["by"], {"chat": 240, "preference": 32, "qa": 64})
        self.assertEqual(m["totals"]["samples"], 336)
        self.assertEqual(self.run_jsift("verify", d).rc, 0)

    def test_a_shard_that_fills_exactly_at_a_chunk_boundary(self):
        # 64-byte lines, 640-byte chunks: every chunk is 10 records and fills a shard
        lines = [('{"i": %4d, "p": "%s"}' % (i, "x" * 43)).encode() for i in range(95)]
        self.assertTrue(all(len(l) == 63 for l in lines))
        src = self.write("even.jsonl", b"".join(l + b"\n" for l in lines))
        d, r, rep = self.shard("--max-records", "10", "--chunk-bytes", "640", "--compress", "none", src=src)
        m = self.manifest(d)
        self.assertEqual([s["samples"] for s in m["shards"]], [10] * 9 + [5])
        data = b"".join(slurp(os.path.join(d, s["basename"])) for s in m["shards"])
        self.assertEqual(data, slurp(src))
        self.assertEqual(self.run_jsift("verify", d).rc, 0)

    def test_rotation_by_bytes_and_a_record_larger_than_the_limit(self):
        src = self.write("x.jsonl", '{"a": 1}\n{"big": "' + "x" * 500 + '"}\n{"a": 2}\n{"a": 3}\n')
        d, r, rep = self.shard("--max-bytes", "100", src=src)
        m = self.manifest(d)
        self.assertEqual([s["samples"] for s in m["shards"]], [1, 1, 2])  # the big record alone
        self.assertGreater(m["shards"][1]["raw_data"]["bytes"], 100)
        for s in m["shards"]:
            if s["samples"] > 1:
                self.assertLessEqual(s["raw_data"]["bytes"], 100)

    def test_dataset_card_and_uncompressed_shards(self):
        d, r, rep = self.shard("--compress", "none", "--split", "eval", "--max-records", "200")
        card = slurp(os.path.join(d, "README.md")).decode()
        self.assertTrue(card.startswith("---\nconfigs:\n- config_name: default\n  data_files:\n  - split: eval\n    path: \"eval-*.jsonl\"\n---\n"))
        m = self.manifest(d, "eval")
        self.assertIsNone(m["compression"])
        self.assertEqual(slurp(os.path.join(d, "eval-00000-of-00002.jsonl")) + slurp(os.path.join(d, "eval-00001-of-00002.jsonl")),
                         slurp(CONV) + slurp(PAIRS))
        self.assertEqual(self.run_jsift("verify", d).rc, 0)

    def test_empty_input(self):
        d, r, rep = self.shard(src=os.path.join(BAD, "empty.jsonl"))
        m = self.manifest(d)
        self.assertEqual(m["shards"], [])
        self.assertEqual(self.run_jsift("verify", d).rc, 0)

    def test_identical_bytes_for_any_threads(self):
        big = self.write("big.jsonl", (slurp(CONV) + slurp(PAIRS)) * 4)
        outs = []
        for j in ("-j1", "-j2", "-j8"):
            d = self.path("s" + j)
            self.run_with_report("shard", "-o", d, j, "--chunk-bytes", "16K", "--max-records", "250", big)
            files = {n: slurp(os.path.join(d, n)) for n in sorted(os.listdir(d)) if n != "manifest.json"}
            m = self.manifest(d)
            m.pop("command")
            outs.append((files, m))
        self.assertEqual(outs[0], outs[1])
        self.assertEqual(outs[0], outs[2])

    def test_refuses_a_non_empty_directory_unless_forced(self):
        d, r, rep = self.shard("--max-records", "100")
        r = self.run_jsift("shard", "-o", d, CONV)
        self.assertEqual(r.rc, 2)
        self.assertIn("is not empty", r.err)
        r = self.run_jsift("shard", "-o", d, "--force", CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(sorted(os.listdir(d)), ["README.md", "manifest.json", "train-00000-of-00001.jsonl.zst"])
        self.assertEqual(self.run_jsift("verify", d).rc, 0)

    def test_invalid_input_writes_nothing(self):
        d = self.path("out")
        r = self.run_jsift("shard", "-o", d, os.path.join(BAD, "malformed.jsonl"))
        self.assertEqual(r.rc, 3)
        self.assertEqual(os.listdir(d), [])
        d2 = self.path("skip")
        r, rep = self.run_with_report("shard", "-o", d2, "--on-invalid", "skip", os.path.join(BAD, "mixed_invalid.jsonl"))
        self.assertEqual(self.manifest(d2)["totals"]["samples"], 4)
        self.assertEqual(self.manifest(d2)["dispositions"]["invalid:json_syntax"], 2)

    def slow_feed(self, d, sig):
        p = subprocess.Popen([JSIFT, "shard", "-o", d, "--max-records", "50", "--chunk-bytes", "64K", "-"], stdin=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        p.stdin.write(slurp(CONV) * 20)
        p.stdin.flush()
        time.sleep(0.5)
        p.send_signal(sig)
        rc = p.wait(timeout=30)
        p.stdin.close()
        p.stderr.close()
        return rc

    def test_sigterm_and_sigint_leave_nothing(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            d = self.path(f"sig{int(sig)}")
            self.assertEqual(self.slow_feed(d, sig), 130)
            self.assertEqual(os.listdir(d), [])

    def test_sigkill_leaves_no_manifest_verify_fails_rerun_succeeds(self):
        d = self.path("killed")
        self.assertEqual(self.slow_feed(d, signal.SIGKILL), -signal.SIGKILL)
        self.assertNotIn("manifest.json", os.listdir(d))
        self.assertTrue(os.listdir(d))  # hidden temporaries remain
        v = self.run_jsift("verify", d)
        self.assertEqual(v.rc, 3)
        self.assertIn("manifest.json: missing", v.err)
        self.assertIn("leftover temporary file", v.err)
        r = self.run_jsift("shard", "-o", d, CONV)  # a rerun cleans up and succeeds
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(self.run_jsift("verify", d).rc, 0)

    def test_full_disk_is_exit_4_and_leaves_no_final_file(self):
        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead of killing
            resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
        d = self.path("full")
        big = self.write("big.jsonl", slurp(CONV) * 4)
        proc = subprocess.run([JSIFT, "shard", "-o", d, "--compress", "none", big], stderr=subprocess.PIPE, preexec_fn=limit)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn(b"cannot write", proc.stderr)
        self.assertEqual(os.listdir(d), [])


class verify_tests(jsift_case):
    def make(self, *args):
        d = self.path("v")
        r = self.run_jsift("shard", "-o", d, "--max-records", "100", *args, SAMPLE)
        self.assertEqual(r.rc, 0, r.err)
        return d

    def test_one_flipped_byte(self):
        for args in ([], ["--compress", "none"]):
            d = self.make(*args)
            name = sorted(n for n in os.listdir(d) if n.startswith("train-"))[1]
            p = os.path.join(d, name)
            data = bytearray(slurp(p))
            data[len(data) // 2] ^= 0x01
            with open(p, "wb") as f:
                f.write(data)
            r = self.run_jsift("verify", d)
            self.assertEqual(r.rc, 3, args)
            self.assertIn(f"{name}: file checksum mismatch", r.err)
            import shutil
            shutil.rmtree(d)

    def test_missing_extra_and_truncated(self):
        d = self.make()
        names = sorted(n for n in os.listdir(d) if n.startswith("train-"))
        os.remove(os.path.join(d, names[0]))
        with open(os.path.join(d, "stray.jsonl"), "w") as f:
            f.write("{}\n")
        p = os.path.join(d, names[1])
        data = slurp(p)
        with open(p, "wb") as f:
            f.write(data[: len(data) // 2])
        r = self.run_jsift("verify", d)
        self.assertEqual(r.rc, 3)
        self.assertIn(f"{names[0]}: missing shard", r.err)
        self.assertIn("stray.jsonl: extra file", r.err)
        self.assertIn(f"{names[1]}:", r.err)
        self.assertIn("truncated zstd frame", r.err)

    def test_invalid_line_inside_a_shard_is_located(self):
        d = self.make("--compress", "none")
        name = sorted(n for n in os.listdir(d) if n.startswith("train-"))[0]
        p = os.path.join(d, name)
        lines = slurp(p).split(b"\n")
        lines[4] = b'{"broken": tru}'
        with open(p, "wb") as f:
            f.write(b"\n".join(lines))
        r = self.run_jsift("verify", d)
        self.assertEqual(r.rc, 3)
        self.assertIn(f"{name}:5:", r.err)

    def test_not_a_shard_directory(self):
        os.mkdir(self.path("empty"))
        self.assertEqual(self.run_jsift("verify", self.path("empty")).rc, 3)
        self.assertEqual(self.run_jsift("verify", self.path("nope")).rc, 3)
