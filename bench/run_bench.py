#!/usr/bin/env python3
"""jsift against the tools dataset teams use today, in the same run.

    python3 bench/run_bench.py --jsift build/jsift --gen build/bench/jsift_gen \
        --loop build/bench/simdjson_loop [--size 1G] [--runs 3] [--smoke] [--out DIR] \
        [--before OTHER_JSIFT] [--only TEXT]

Generates realistic JSONL (bench/gen_jsonl.cpp, fixed seed), runs every job
with jsift and with each peer that is installed (a missing peer is reported as
skipped, never a failure), checks that they agree (counts, distinct values,
and output hashes where outputs are comparable), and writes
DIR/<date>.md and DIR/<date>.json: median wall time of N runs, MB/s of input,
peak RSS (GNU time), and each tool's time as a multiple of jsift's.

Exit status: 0, or 1 if two tools disagree on a result (a correctness bug
somewhere: the point of checking).
"""
import argparse
import collections
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DUCK_DIR = os.path.join(HERE, ".peers")
CONV_KEYS = ("turns", "messages", "conversations", "training_pairs")

# ---------------------------------------------------------------- peers' code
PY_COUNT = r"""
import json, sys
n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        if line.strip():
            json.loads(line); n += 1
print(n)
"""

# The script dataset teams run today: parse, keep 5..10 turns, dump.
PY_FILTER = r"""
import json, sys
keys = ("turns", "messages", "conversations", "training_pairs")
n = 0
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        if not line.strip():
            continue
        rec = json.loads(line)
        conv = next((rec[k] for k in keys if k in rec), None)
        if isinstance(conv, list) and 5 <= len(conv) <= 10:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n"); n += 1
print(n)
"""

PY_UNIQUE = r"""
import json, sys, collections
seen = collections.defaultdict(set)
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        rec = json.loads(line)
        t = rec.get("turns")
        if isinstance(t, list) and t and isinstance(t[-1], dict) and "content" in t[-1]:
            seen[rec.get("record_type")].add(t[-1]["content"])
print(json.dumps({k: len(v) for k, v in sorted(seen.items())}))
"""

PY_DEDUP = r"""
import sys, hashlib
seen = set(); n = 0
with open(sys.argv[1], "rb") as f, open(sys.argv[2], "wb") as out:
    for line in f:
        h = hashlib.blake2b(line, digest_size=16).digest()
        if h not in seen:
            seen.add(h); out.write(line); n += 1
print(n)
"""

# Reads every shard as a stream (the safe way the README gives): records.
PY_ZSTD_COUNT = r"""
import glob, os, sys, zstandard
n = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.jsonl.zst"))):
    with open(path, "rb") as f:
        r = zstandard.ZstdDecompressor().stream_reader(f)
        while True:
            b = r.read(1 << 20)
            if not b:
                break
            n += b.count(b"\n")
print(n)
"""

# The diversity figures as the Python `diversity` package computes them
# (Shaib et al. 2024): texts joined by a space and split on it, sets of
# n-gram tuples, gzip level 9 of the whole text, self-repetition over 4-gram
# sets (Salkar et al. 2022).
PY_DIVERSITY = r"""
import collections, gzip, json, math, sys
texts = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        t = json.loads(line).get("turns")
        if isinstance(t, list) and t and isinstance(t[-1], dict) and isinstance(t[-1].get("content"), str):
            texts.append(t[-1]["content"])
joined = " ".join(texts)
tokens = joined.split(" ")
out = {}
for n in range(1, 5):
    grams = len(tokens) - n + 1
    out["distinct-%d" % n] = round(len(set(zip(*(tokens[i:] for i in range(n))))) / grams, 6)
data = joined.encode()
out["compression_ratio"] = round(len(data) / len(gzip.compress(data, compresslevel=9)), 2)
sets = [set(zip(*(w[i:] for i in range(4)))) for w in (t.split() for t in texts)]
df = collections.Counter(g for s in sets for g in s)
out["self_repetition"] = round(sum(math.log(1 + sum(df[g] - 1 for g in s)) for s in sets) / len(sets), 6)
print(json.dumps(out, sort_keys=True))
"""

# Near-duplicates with tests/reference/near_duplicates.py (numpy + python3-xxhash,
# datatrove's parameters): how many final turns have an earlier near-duplicate.
PY_NEAR = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
from near_duplicates import near_duplicates
texts = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        t = json.loads(line).get("turns")
        ok = isinstance(t, list) and t and isinstance(t[-1], dict) and isinstance(t[-1].get("content"), str)
        texts.append(t[-1]["content"] if ok else "")
print(near_duplicates(texts)["verdicts"].count("near"))
"""

DUCK_QUERY = r"""
import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const r = await con.runAndReadAll(process.argv[2]);
console.log(JSON.stringify(r.getRows(), (k, v) => typeof v === 'bigint' ? Number(v) : v));
"""

JQ_CONV = "(.turns // .messages // .conversations // .training_pairs)"
# `jsift window`: one record per assistant message with the 1-3 messages before it as "Role: text" lines.
JQ_WINDOW = JQ_CONV + r""" as $c | .id as $id
| (if ($c | type) == "array" then $c else [] end)
| [.[] | if type == "object" then {role: (.role // .from), text: (.content // .value // .text // "")} else {role: null, text: ""} end] as $m
| range(1; $m | length) as $k | select($m[$k].role == "assistant" or $m[$k].role == "gpt")
| {id: "\($id)#\($k)", parent_id: $id, turn: $k,
   input: ([$m[([0, $k - 3] | max):$k][] | "\(if .role == "user" or .role == "human" then "User" else "Assistant" end): \(.text)"] | join("\n")),
   output: $m[$k].text}"""


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- measuring
def run_timed(cmd, runs, tmp, stderr_into=None):
    """Runs a shell command `runs` times under GNU time; returns median seconds,
    max peak RSS (KiB) and the last run's stdout (and every run's stderr
    appended to the list `stderr_into` when given)."""
    times, rss = [], []
    out = ""
    tfile = os.path.join(tmp, "time.txt")
    for _ in range(runs):
        start = time.perf_counter()  # GNU time's %e has only 10 ms resolution
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tfile, "bash", "-o", "pipefail", "-c", cmd],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()[-300:]}")
        with open(tfile) as f:
            rss.append(int(f.read().split()[-1]))
        out = proc.stdout.decode()
        if stderr_into is not None:
            stderr_into.append(proc.stderr.decode(errors="replace"))
    return statistics.median(times), max(rss), out


PROFILE_LINE = re.compile(r"profile: .*committing thread busy [\d.]+ s \(([\d.]+) % of wall\), "
                          r"reading thread busy [\d.]+ s \(([\d.]+) % of wall\)")


def with_profile(cmd, jsift):
    """The command with --profile after each jsift subcommand's name."""
    return re.sub(re.escape(jsift) + r" (?!cluster)([a-z]+)", lambda m: m.group(0) + " --profile", cmd)  # a cluster's tasks profile alone


def busy_share(stderrs, which):
    """Median over runs of the committing (which=1) or reading (2) thread's
    busy share (percent), from --profile's line; None when none was printed."""
    shares = [float(m.group(which)) for e in stderrs for m in [PROFILE_LINE.search(e)] if m]
    return statistics.median(shares) if shares else None


def count_only_kept(s):
    """Distinct records from `jsift dedup --count-only`'s summary line."""
    m = re.search(r"([\d,]+) records?, ([\d,]+) duplicates?", s)
    return int(m.group(1).replace(",", "")) - int(m.group(2).replace(",", ""))


class peer:
    def __init__(self, name, cmd, parse, needs=(), output=None):
        self.name, self.cmd, self.parse, self.needs, self.output = name, cmd, parse, needs, output


def available(needs, env):
    for n in needs:
        if n == "duckdb":
            if not env["duck"]:
                return False
        elif n == "pynear":  # Debian's python3-numpy and python3-xxhash
            if subprocess.run(["/usr/bin/python3", "-c", "import numpy, xxhash"], stderr=subprocess.DEVNULL).returncode != 0:
                return False
        elif n == "pyzstd":  # Debian's python3-zstandard
            if subprocess.run(["/usr/bin/python3", "-c", "import zstandard"], stderr=subprocess.DEVNULL).returncode != 0:
                return False
        elif not shutil.which(n):
            return False
    return True


# ---------------------------------------------------------------- jobs
def jobs(env):
    J, data, tmp, nproc = env["jsift"], env["data"], env["tmp"], env["nproc"]
    q = sh_quote
    duck = f"node {q(os.path.join(DUCK_DIR, 'duck.mjs'))}"  # resolves @duckdb/node-api beside it
    conv_sql = "coalesce(" + ", ".join(f"json_extract(json, '$.{k}')" for k in CONV_KEYS) + ")"
    out = lambda name: os.path.join(tmp, name)  # noqa: E731

    def first_int(s):
        return int(s.split()[0])

    def duck_int(s):
        return int(json.loads(s)[0][0])

    def jsift_unique(s):
        u = json.loads(s)["unique"][0]["by_group"]
        return {k: v["distinct"] for k, v in sorted(u.items()) if v["records"]}

    def duck_groups(s):
        return {k: int(v) for k, v in json.loads(s) if int(v)}

    def uniq_c(s):
        res = {}
        for line in s.strip().splitlines():
            n, k = line.split(None, 1)
            res[k] = int(n)
        return dict(sorted(res.items()))

    yield "parse + validate + count", [
        peer("jsift stats", f"{J} stats --json {q(data)}", lambda s: json.loads(s)["records"]),
        peer("simdjson DOM loop (ceiling)", f"{env['loop']} -j {nproc} {q(data)}",
             lambda s: int(s.split("records=")[1].split()[0])),
        peer("jq -c .", f"jq -c . {q(data)} | wc -l", first_int, ("jq",)),
        peer("python json", f"python3 -c {q(PY_COUNT)} {q(data)}", first_int, ("python3",)),
        peer("duckdb read_ndjson count(*)", f"{duck} \"select count(*) from read_ndjson('{data}')\"", duck_int, ("duckdb",)),
        peer("cat (floor)", f"cat {q(data)} > /dev/null; echo -", lambda s: None),
        peer("wc -l (floor)", f"wc -l < {q(data)}", first_int, ("wc",)),
    ]

    # The profile's options against the parse ceiling (targets: >= 85 % of
    # the bare loop's speed, i.e. x jsift <= 1 / 0.85 for the loop's row).
    yield "stats options against the parse ceiling", [
        peer("jsift stats --no-duplicates", f"{J} stats --json --no-duplicates {q(data)}", lambda s: json.loads(s)["records"]),
        peer("jsift stats --duplicates bytes", f"{J} stats --json --duplicates bytes {q(data)}", lambda s: json.loads(s)["records"]),
        peer("jsift stats --unique", f"{J} stats --json --unique '.turns[-1].content' {q(data)}",
             lambda s: json.loads(s)["records"]),
        # The unique set's own cost, without the value duplicates' canonical key.
        peer("jsift stats --unique --duplicates bytes", f"{J} stats --json --duplicates bytes --unique '.turns[-1].content' {q(data)}",
             lambda s: json.loads(s)["records"]),
        peer("jsift stats --unique --no-duplicates", f"{J} stats --json --no-duplicates --unique '.turns[-1].content' {q(data)}",
             lambda s: json.loads(s)["records"]),
        peer("jsift stats (values compared)", f"{J} stats --json {q(data)}", lambda s: json.loads(s)["records"]),
        peer("simdjson DOM loop (ceiling)", f"{env['loop']} -j {nproc} {q(data)}",
             lambda s: int(s.split("records=")[1].split()[0])),
    ]

    yield "turn filter 5..10", [
        peer("jsift filter", f"{J} filter -q --turns 5..10 {q(data)} -o {q(out('jsift_filter.jsonl'))}; wc -l < {q(out('jsift_filter.jsonl'))}",
             first_int, output=out("jsift_filter.jsonl")),
        peer("jq select", f"jq -c 'select({JQ_CONV} | type == \"array\" and length >= 5 and length <= 10)' {q(data)} > {q(out('jq_filter.jsonl'))}; wc -l < {q(out('jq_filter.jsonl'))}",
             first_int, ("jq",)),
        peer("python json script", f"python3 -c {q(PY_FILTER)} {q(data)} {q(out('py_filter.jsonl'))}", first_int, ("python3",)),
        peer("duckdb json_array_length", f"{duck} \"select count(*) from read_ndjson_objects('{data}') where json_array_length({conv_sql}) between 5 and 10\"",
             duck_int, ("duckdb",)),
    ]

    # Transforms (target: >= 1 GB/s of input, within 1.2x of cat writing the
    # same output bytes). Results compare line counts: jq's CSV and JSON
    # spellings differ from jsift's byte-preserving ones.
    yield "transform: cut to CSV (3 fields)", [
        peer("jsift cut -f", f"{J} cut -q -f .id,.record_type,.input_parameters.persona_key=persona {q(data)} -o {q(out('cut.csv'))}; wc -l < {q(out('cut.csv'))}",
             first_int),
        peer("jq @csv", f"jq -r '[.id, .record_type, .input_parameters.persona_key] | @csv' {q(data)} > {q(out('jq_cut.csv'))}; echo $(( $(wc -l < {q(out('jq_cut.csv'))}) + 1 ))",
             first_int, ("jq",)),
        peer("cat of the same CSV (floor)", f"cat {q(out('cut.csv'))} > {q(out('cat_cut.csv'))}", lambda s: None),
    ]
    yield "transform: explode .turns, inheriting .id", [
        peer("jsift explode", f"{J} explode -q .turns --inherit .id=.parent_id {q(data)} -o {q(out('turns.jsonl'))}; wc -l < {q(out('turns.jsonl'))}",
             first_int),
        peer("jq", f"jq -c '.id as $p | (.turns | if type == \"array\" then .[] else empty end) | objects | .parent_id = $p' {q(data)} > {q(out('jq_turns.jsonl'))}; wc -l < {q(out('jq_turns.jsonl'))}",
             first_int, ("jq",)),
        peer("cat of the same records (floor)", f"cat {q(out('turns.jsonl'))} > {q(out('cat_turns.jsonl'))}", lambda s: None),
    ]
    yield "transform: window, up to 3 messages of history as text", [
        peer("jsift window", f"{J} window -q {q(data)} -o {q(out('window.jsonl'))}; wc -l < {q(out('window.jsonl'))}", first_int),
        peer("jq", f"jq -c {q(JQ_WINDOW)} {q(data)} > {q(out('jq_window.jsonl'))}; wc -l < {q(out('jq_window.jsonl'))}",
             first_int, ("jq",)),
        peer("cat of the same records (floor)", f"cat {q(out('window.jsonl'))} > {q(out('cat_window.jsonl'))}", lambda s: None),
    ]
    yield "transform: set .source on every record", [
        peer("jsift set", f"{J} set -q .source=bench {q(data)} -o {q(out('set.jsonl'))}; wc -l < {q(out('set.jsonl'))}", first_int),
        peer("jq", f"jq -c '.source = \"bench\"' {q(data)} > {q(out('jq_set.jsonl'))}; wc -l < {q(out('jq_set.jsonl'))}", first_int, ("jq",)),
        peer("cat of the same records (floor)", f"cat {q(out('set.jsonl'))} > {q(out('cat_set.jsonl'))}", lambda s: None),
    ]

    def jsift_diversity(s):
        c = json.loads(s)["datasets"][0]["columns"][0]
        out = {"distinct-%s" % n: round(v, 6) for n, v in c["distinct_n"].items()}
        # Past 8 MiB jsift compresses 8 MiB pieces in parallel: within 0.1 % of one stream's ratio.
        out["compression_ratio"] = round(c["compression_ratio"], 2)
        out["self_repetition"] = round(c["self_repetition"], 6)
        return dict(sorted(out.items()))

    def near_count(s):
        return int(re.search(r"([\d,]+) near-duplicates?", s).group(1).replace(",", ""))

    # The Python package's figures exactly (whitespace tokens, all the text
    # compressed, exact sets); then jsift's defaults (word tokens, 64 MiB
    # compression sample, self-BLEU), which have no peer.
    yield "diversity of the final turn (distinct-1..4, compression ratio, self-repetition)", [
        peer("jsift diversity (as the Python package)", f"{J} diversity --json --tokens whitespace --text '.turns[-1].content' --cr-sample 0 "
             f"--sample 0 --max-memory 8GiB {q(data)}", jsift_diversity),
        peer("python (Shaib et al.'s formulas)", f"/usr/bin/python3 -c {q(PY_DIVERSITY)} {q(data)}", json.loads, ("python3",)),
        peer("jsift diversity (defaults)", f"{J} diversity --json --text '.turns[-1].content' {q(data)}", lambda s: None),
        peer("jsift diversity --near (defaults)", f"{J} diversity --json --near --text '.turns[-1].content' {q(data)}", lambda s: None),
    ]
    yield "near-duplicates of the final turn (MinHash LSH, 14 x 8 bands)", [
        peer("jsift dedup --near --count-only", f"{J} dedup --near --count-only --key '.turns[-1].content' {q(data)}", near_count),
        peer("python numpy reference", f"/usr/bin/python3 -c {q(PY_NEAR)} {q(data)} {q(os.path.join(HERE, '..', 'tests', 'reference'))}",
             first_int, ("pynear",)),
    ]

    # Past one machine: the same job as 2 tasks of the local engine (each
    # task -j 1) and joined, against one process on both cores: the cost of
    # the parts, partials and merge (stats' partials hold its sets).
    yield "past one machine: stats, 2 local tasks vs one process", [
        peer("jsift stats (one process)", f"{J} stats --json --by .record_type --unique '.turns[-1].content' {q(data)}",
             lambda s: json.loads(s)["unique"]),
        peer("jsift cluster --tasks 2 -- stats", f"rm -rf {q(out('w-stats'))}; {J} cluster -q --tasks 2 --workdir {q(out('w-stats'))} -- "
             f"stats --json --by .record_type --unique '.turns[-1].content' {q(data)}", lambda s: json.loads(s)["unique"]),
    ]
    yield "past one machine: exact dedup, 2 local tasks (3 stages) vs one process", [
        peer("jsift dedup (one process)", f"{J} dedup -q {q(data)} -o {q(out('d1.jsonl'))} --dups {q(out('d1.dups'))}; "
             f"cat {q(out('d1.jsonl'))} {q(out('d1.dups'))} | sha256sum", lambda s: s.split()[0]),
        peer("jsift cluster --tasks 2 -- dedup", f"rm -rf {q(out('w-dedup'))}; {J} cluster -q --tasks 2 --workdir {q(out('w-dedup'))} -- "
             f"dedup {q(data)} -o {q(out('d2.jsonl'))} --dups {q(out('d2.dups'))}; cat {q(out('d2.jsonl'))} {q(out('d2.dups'))} | sha256sum",
             lambda s: s.split()[0]),
    ]
    yield "past one machine: filter, 2 local tasks vs one process", [
        peer("jsift filter --turns 5..10 (one process)", f"{J} filter -q --turns 5..10 {q(data)} -o {q(out('f1.jsonl'))}; "
             f"sha256sum < {q(out('f1.jsonl'))}", lambda s: s.split()[0]),
        peer("jsift cluster --tasks 2 -- filter", f"rm -rf {q(out('w-filter'))}; {J} cluster -q --tasks 2 --workdir {q(out('w-filter'))} -- "
             f"filter --turns 5..10 {q(data)} -o {q(out('f2.jsonl'))}; sha256sum < {q(out('f2.jsonl'))}", lambda s: s.split()[0]),
    ]

    yield "uniqueness of the final turn per record type", [
        peer("jsift stats --unique", f"{J} stats --json --by .record_type --unique '.turns[-1].content' {q(data)}", jsift_unique),
        peer("jq | sort -u", f"jq -r 'select(.turns | type == \"array\" and length > 0) | select(.turns[-1] | type == \"object\" and has(\"content\")) | [.record_type, .turns[-1].content] | @json' {q(data)} | LC_ALL=C sort -u | jq -r '.[0]' | LC_ALL=C sort | uniq -c",
             uniq_c, ("jq", "sort")),
        peer("python sets", f"python3 -c {q(PY_UNIQUE)} {q(data)}", json.loads, ("python3",)),
        peer("duckdb count(distinct)", f"{duck} \"select json_extract_string(json, '$.record_type') as t, count(distinct json_extract_string(json, '$.turns[#-1].content')) from read_ndjson_objects('{data}') group by 1 order by 1\"",
             duck_groups, ("duckdb",)),
    ]

    def group_counts(path):  # outside the timed command
        c = collections.Counter()
        with open(path, encoding="utf-8") as f:
            for line in f:
                c[json.loads(line).get("record_type")] += 1
        return dict(sorted(c.items()))

    cap = 20000
    yield f"rebalance: at most {cap:,} records per record type", [
        peer("jsift rebalance --cap-all", f"{J} rebalance -q --by .record_type --cap-all {cap} {q(data)} -o {q(out('jsift_rebalance.jsonl'))}",
             lambda s: group_counts(out("jsift_rebalance.jsonl"))),
        peer("miller sample -k -g", f"mlr --ijsonl --ojsonl sample -k {cap} -g record_type {q(data)} > {q(out('mlr_sample.jsonl'))}",
             lambda s: group_counts(out("mlr_sample.jsonl")), ("mlr",)),
    ]

    def zstd_content(path_or_dir):  # outside the timed command: decompressed bytes, hashed
        files = [path_or_dir] if os.path.isfile(path_or_dir) else sorted(
            os.path.join(path_or_dir, n) for n in os.listdir(path_or_dir) if n.endswith(".zst"))
        h = hashlib.sha256()
        for f in files:
            h.update(subprocess.run(["zstd", "-dc", f], stdout=subprocess.PIPE, check=True).stdout)
        return h.hexdigest()[:16]

    shard_dir = out("shards")
    yield "zstd shards, level 3 (jsift validates every record)", [
        peer("jsift shard --level 3", f"rm -rf {q(shard_dir)}; {J} shard -q --level 3 --max-bytes 256MiB -o {q(shard_dir)} {q(data)}",
             lambda s: zstd_content(shard_dir)),
        peer(f"zstd -3 -T{nproc}", f"zstd -q -3 -T{nproc} -c {q(data)} > {q(out('all.jsonl.zst'))}",
             lambda s: zstd_content(out("all.jsonl.zst")), ("zstd",)),
    ]

    # Interoperability: the shards just written (several zstd frames each)
    # are read whole by Python's zstandard stream_reader and DuckDB's reader.
    yield "reading jsift's shards back", [
        peer("jsift stats on the shards", f"{J} stats --json --no-duplicates {q(shard_dir)}", lambda s: json.loads(s)["records"]),
        peer("python zstandard stream_reader", f"/usr/bin/python3 -c {q(PY_ZSTD_COUNT)} {q(shard_dir)}", first_int, ("pyzstd",)),
        peer("duckdb read_json on the shards", f"{duck} \"select count(*) from read_json('{shard_dir}/*.jsonl.zst', format='newline_delimited')\"",
             duck_int, ("duckdb",)),
    ]

    usage = subprocess.run([env["jsift_path"], "dedup", "--help"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    have_dedup = b"jsift dedup" in usage
    if have_dedup:
        yield "exact dedup, keep first", [
            peer("jsift dedup", f"{J} dedup -q {q(data)} -o {q(out('jsift_dedup.jsonl'))}; wc -l < {q(out('jsift_dedup.jsonl'))}",
                 first_int, output=out("jsift_dedup.jsonl")),
            peer("awk '!seen[$0]++'", f"awk '!seen[$0]++' {q(data)} > {q(out('awk_dedup.jsonl'))}; wc -l < {q(out('awk_dedup.jsonl'))}",
                 first_int, ("awk",), output=out("awk_dedup.jsonl")),
            peer("python set of hashes", f"python3 -c {q(PY_DEDUP)} {q(data)} {q(out('py_dedup.jsonl'))}", first_int, ("python3",),
                 output=out("py_dedup.jsonl")),
            # What writing the file alone costs here: the kernel's copy into
            # the page cache is a floor every tool in this job pays.
            peer("cat > file; wc -l (floor)", f"cat {q(data)} > {q(out('cat_copy.jsonl'))}; wc -l < {q(out('cat_copy.jsonl'))} > /dev/null; echo -",
                 lambda s: None),
        ]
        # The same decisions without writing 1 GB: the dedup engine's own speed.
        yield "exact dedup, count only (nothing written)", [
            peer("jsift dedup --count-only", f"{J} dedup -q --count-only {q(data)}", count_only_kept),
            peer("awk '!seen[$0]++' counting", f"awk '!seen[$0]++{{n++}} END{{print n}}' {q(data)}", first_int, ("awk",)),
        ]


def verify_filter_bytes(env, path):
    """jsift filter's output must be the input's own bytes: recompute it."""
    keep = []
    with open(env["data"], "rb") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            conv = next((rec[k] for k in CONV_KEYS if k in rec), None)
            if isinstance(conv, list) and 5 <= len(conv) <= 10:
                keep.append(line if line.endswith(b"\n") else line + b"\n")
    h = hashlib.sha256(b"".join(keep)).hexdigest()[:16]
    return h == sha(path), h


# ---------------------------------------------------------------- reporting
def parse_size(text):
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.upper().rstrip("IB")
    num = text.rstrip("KMG")
    return int(float(num) * units[text[len(num):]])


def fmt_rate(mb, secs):
    return f"{mb / secs:,.0f}" if secs > 0 else "inf"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jsift", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--loop", required=True)
    ap.add_argument("--size", default="1G")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--smoke", action="store_true", help="10 MB, one run: checks the bench works")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--only", help="run only jobs whose title contains this")
    ap.add_argument("--before", metavar="JSIFT", help="another jsift binary (e.g. the last release) timed beside every jsift "
                    "row, as 'jsift ... (before)': a before/after table from one sitting")
    ap.add_argument("--tmp", help="where the data and outputs go (default: /dev/shm when it has room, so that jobs "
                                  "writing output measure the tools, not the disk)")
    args = ap.parse_args()
    if args.smoke:
        args.size, args.runs = "10M", 1
    if not os.path.exists("/usr/bin/time"):
        sys.exit("bench: needs GNU time (/usr/bin/time; Debian package 'time')")

    tmp_root = args.tmp
    if tmp_root is None and os.path.isdir("/dev/shm"):
        st = os.statvfs("/dev/shm")
        need = 4 * parse_size(args.size)  # data, outputs of the jobs that write, shards
        if st.f_bavail * st.f_frsize > need:
            tmp_root = "/dev/shm"
    tmp = tempfile.mkdtemp(prefix="jsift-bench-", dir=tmp_root)
    try:
        data = os.path.join(tmp, "bench.jsonl")
        gen_secs, _, _ = run_timed(f"{sh_quote(args.gen)} --bytes {args.size} --seed {args.seed} -o {sh_quote(data)}", 1, tmp)
        size = os.path.getsize(data)
        mb = size / 1e6
        env = {"jsift": sh_quote(os.path.abspath(args.jsift)), "jsift_path": os.path.abspath(args.jsift), "loop": sh_quote(os.path.abspath(args.loop)),
               "data": data, "tmp": tmp, "nproc": os.cpu_count() or 1,
               "duck": os.path.exists(os.path.join(DUCK_DIR, "node_modules", "@duckdb", "node-api")) and bool(shutil.which("node"))}
        if env["duck"]:
            with open(os.path.join(DUCK_DIR, "duck.mjs"), "w") as f:
                f.write(DUCK_QUERY)
        subprocess.run(["cat", data], stdout=subprocess.DEVNULL)  # warm the page cache for everyone
        print(f"bench: {mb:,.0f} MB generated in {gen_secs:.2f} s ({fmt_rate(mb, gen_secs)} MB/s); {args.runs} run(s) each",
              file=sys.stderr)

        results, disagreements = [], []
        for title, peers in jobs(env):
            if args.only and args.only not in title:
                continue
            rows, ref = [], None
            if args.before:  # each jsift row, then the same command with the other binary
                peers = [q for p in peers for q in ([p, peer(p.name + " (before)", p.cmd.replace(env["jsift"], sh_quote(os.path.abspath(args.before))),
                                                         p.parse, p.needs)] if p.name.startswith("jsift") else [p])]
            for p in peers:
                if not available(p.needs, env):
                    rows.append({"tool": p.name, "skipped": "skipped: not installed"})
                    print(f"  {title}: {p.name}: skipped (not installed)", file=sys.stderr)
                    continue
                stderrs = []
                is_jsift = p.name.startswith("jsift")
                try:
                    cmd = with_profile(p.cmd, env["jsift"]) if is_jsift else p.cmd
                    secs, rss, out = run_timed(cmd, args.runs, tmp, stderrs)
                    value = p.parse(out)
                except (RuntimeError, ValueError, KeyError, IndexError) as e:
                    if p.name.startswith("jsift"):
                        raise
                    rows.append({"tool": p.name, "skipped": f"failed ({e})"})
                    print(f"  {title}: {p.name}: failed: {e}", file=sys.stderr)
                    continue
                row = {"tool": p.name, "seconds": secs, "mb_per_s": mb / secs if secs else None, "peak_rss_kib": rss,
                       "result": value}
                if is_jsift:
                    # What bounds the speed-up from more cores (Amdahl): the
                    # share of the wall time the in-order thread was busy.
                    row["commit_busy_percent"] = busy_share(stderrs, 1)
                    row["read_busy_percent"] = busy_share(stderrs, 2)
                if p.output:
                    row["output_sha256"] = sha(p.output)
                if value is not None:
                    if ref is None:
                        ref = value
                    elif value != ref:
                        row["disagrees"] = True
                        disagreements.append(f"{title}: {p.name} gave {value}, jsift gave {ref}")
                rows.append(row)
                busy = (f", busy: commit {row['commit_busy_percent']:.1f} %, read {row['read_busy_percent']:.1f} %"
                        if row.get("commit_busy_percent") is not None else "")
                print(f"  {title}: {p.name}: {secs:.2f} s, {fmt_rate(mb, secs)} MB/s, {rss / 1024:.0f} MiB{busy}", file=sys.stderr)
            base = rows[0].get("seconds")
            for r in rows:
                if base and r.get("seconds") is not None:
                    r["x_jsift_time"] = r["seconds"] / base if base else None
            results.append({"job": title, "rows": rows})
            if title.startswith("turn filter"):
                ok, h = verify_filter_bytes(env, os.path.join(tmp, "jsift_filter.jsonl"))
                if not ok:
                    disagreements.append("turn filter: jsift output is not the input's own bytes")
            if title.startswith("exact dedup"):
                hashes = {r["tool"]: r["output_sha256"] for r in rows if "output_sha256" in r}
                if len(set(hashes.values())) > 1:
                    disagreements.append(f"dedup outputs differ: {hashes}")

        scaling = []
        if not args.only:
            for j in sorted({1, 2, env["nproc"]}):
                for name, cmd in (("stats", f"{env['jsift']} stats -j{j} --json {sh_quote(data)} > /dev/null"),
                                  ("filter --turns 5..10", f"{env['jsift']} filter -q -j{j} --turns 5..10 {sh_quote(data)} > /dev/null")):
                    secs, rss, _ = run_timed(cmd, args.runs, tmp)
                    scaling.append({"job": name, "threads": j, "seconds": secs, "mb_per_s": mb / secs if secs else None,
                                    "peak_rss_kib": rss})

        doc = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
               "machine": {"cpus": env["nproc"], "platform": platform.platform(), "cpu": cpu_model(),
                           "data_in": "tmpfs" if tmp.startswith("/dev/shm") else "disk"},
               "input": {"bytes": size, "seed": args.seed, "generator_mb_per_s": mb / gen_secs if gen_secs else None},
               "runs": args.runs, "jobs": results, "thread_scaling": scaling, "disagreements": disagreements}
        os.makedirs(args.out, exist_ok=True)
        # A partial run (--only) never overwrites the day's full results.
        suffix = ("-smoke" if args.smoke else "") + ("-only-" + re.sub(r"[^a-z0-9]+", "-", args.only.lower()).strip("-") if args.only else "")
        stem = os.path.join(args.out, datetime.date.today().isoformat() + suffix)
        with open(stem + ".json", "w") as f:
            json.dump(doc, f, indent=2)
        with open(stem + ".md", "w") as f:
            f.write(markdown(doc))
        print(markdown(doc))
        print(f"bench: wrote {stem}.md and .json", file=sys.stderr)
        if disagreements:
            print("bench: DISAGREEMENT\n  " + "\n  ".join(disagreements), file=sys.stderr)
            return 1
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def md(text):
    return str(text).replace("|", "\\|")


def markdown(doc):
    mb = doc["input"]["bytes"] / 1e6
    lines = [f"# jsift bench, {doc['date']}", "",
             f"Input: {mb:,.0f} MB of generated chat-style JSONL (seed {doc['input']['seed']}); "
             f"machine: {doc['machine']['cpus']} cores, {doc['machine']['cpu']}; data and outputs on {doc['machine']['data_in']}; "
             f"median of {doc['runs']} run(s). "
             "`x jsift` is the tool's time divided by jsift's (higher: jsift is faster). "
             "`busy`: the shares of the wall time jsift's committing thread (in-order decisions) and reading thread "
             "were busy (`--profile`): 100 % divided by the larger is the most any number of cores could speed the job up.", ""]
    for job in doc["jobs"]:
        lines += [f"## {job['job']}", "", "| tool | time (s) | MB/s | peak RSS (MiB) | x jsift | busy: commit / read | result |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for r in job["rows"]:
            if "skipped" in r:
                lines.append(f"| {md(r['tool'])} | {md(r['skipped'])} | | | | | |")
                continue
            res = json.dumps(r["result"]) if r["result"] is not None else ""
            if len(res) > 60:
                res = res[:57] + "..."
            res = md(res)
            if r.get("disagrees"):
                res += " **DISAGREES**"
            busy = (f"{r['commit_busy_percent']:.1f} / {r['read_busy_percent']:.1f} %"
                    if r.get("commit_busy_percent") is not None else "")
            lines.append(f"| {md(r['tool'])} | {r['seconds']:.2f} | {fmt_rate(mb, r['seconds'])} | {r['peak_rss_kib'] / 1024:,.0f} | "
                         f"{r.get('x_jsift_time', 0):.2f} | {busy} | {res} |")
        lines.append("")
    if doc["thread_scaling"]:
        lines += ["## jsift thread scaling", "", "| job | -j | time (s) | MB/s | peak RSS (MiB) |", "|---|---:|---:|---:|---:|"]
        for s in doc["thread_scaling"]:
            lines.append(f"| {s['job']} | {s['threads']} | {s['seconds']:.2f} | {fmt_rate(mb, s['seconds'])} | {s['peak_rss_kib'] / 1024:,.0f} |")
        lines.append("")
    if doc["disagreements"]:
        lines += ["## Disagreements", ""] + [f"- {d}" for d in doc["disagreements"]] + [""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
