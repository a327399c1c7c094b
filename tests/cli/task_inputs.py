"""Inputs for the --tasks suites: files of very different sizes, gzip, empty,
CRLF, a BOM, blank and invalid lines, lines long enough that many tasks'
boundaries fall inside them, and a JSON-text array."""
import gzip
import json
import os
import random
import subprocess


def record(rng, i):
    turns = [{"role": "user" if k % 2 == 0 else "assistant", "content": "word%d " % rng.randint(0, 999) * rng.randint(1, 30)}
             for k in range(rng.randint(1, 9))]
    return json.dumps({"id": i % 700, "record_type": rng.choice(["qa", "chat", "tool"]), "turns": turns}, separators=(",", ":")).encode()


def write_inputs(case):
    """Writes the inputs into the case's temporary directory; returns their paths in order."""
    rng = random.Random(7)
    big = [record(rng, i) for i in range(3000)]
    big[100] = b'{"id":"bad", oops}'  # invalid lines, in the middle and near the end
    big[2900] = b'{"id":"bad2"'
    for i in range(20):  # records repeated far apart: duplicates across the tasks' parts
        big[2500 + i] = big[10 + i]
    big[500] = b""  # a blank line
    big[700] = b"   "
    lines = [l + (b"\r\n" if i % 11 == 0 else b"\n") for i, l in enumerate(big)]
    paths = [case.write("a-big.jsonl", b"\xef\xbb\xbf" + b"".join(lines))]
    paths.append(case.write("b-small.jsonl", big[40] + b"\n" + record(rng, 9001)))  # no final newline
    paths.append(case.write("c-empty.jsonl", b""))
    packed = case.path("d-packed.jsonl.gz")
    with gzip.open(packed, "wb") as f:
        f.write(b"".join(record(rng, 10000 + i) + b"\n" for i in range(400)))
    paths.append(packed)
    longs = [json.dumps({"id": 20000 + i, "record_type": "long", "turns": [{"role": "user", "content": "x" * rng.randint(30000, 200000)}]}).encode()
             for i in range(12)]
    paths.append(case.write("e-long.jsonl", b"\n".join(longs) + b"\n"))
    # JSON text (a pretty array): read whole by one task, its records numbered by element; some repeat big's
    elements = [big[30 + i] for i in range(5)] + [record(rng, 30000 + i) for i in range(25)]
    paths.append(case.write("f-array.json", b"[\n  " + b",\n  ".join(elements) + b"\n]\n"))
    return paths


def write_near_texts(case, name="g-varied.jsonl"):
    """A file of varied texts and their near-duplicates: each text, then three versions of it, each with one
    more word changed (Jaccard of 5-grams about 0.8 to the one before), all in shuffled order: chains whose
    clusters join late, across any cut into tasks."""
    rng = random.Random(11)
    vocab = ["w%d%s" % (i, rng.choice("abcdefgh")) for i in range(3000)]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(20, 60))) for _ in range(400)]
    chains = []
    for t in texts:
        words = t.split()
        for _ in range(3):
            words = list(words)
            words[rng.randrange(len(words))] = rng.choice(vocab)
            chains.append(" ".join(words))
    everything = texts + chains
    rng.shuffle(everything)
    lines = [json.dumps({"id": i, "record_type": "abc"[i % 3], "turns": [{"role": "user", "content": "q"}, {"role": "assistant", "content": t}]})
             for i, t in enumerate(everything)]
    return case.write(name, "\n".join(lines) + "\n")


def write_big(case, name, records, seed):
    """`records` generated records in one file (tens of MB: a task of it runs long enough to be killed mid-run)."""
    rng = random.Random(seed)
    path = case.path(name)
    with open(path, "wb") as f:
        f.write(b"".join(record(rng, i) + b"\n" for i in range(records)))
    return path


# A pipeline of every kind of table (a transform, filter, dedup, rebalance,
# split, shards, checks of which one fails), for `jsift cluster -- run`.
PIPELINE = """name = "tasks pipeline"
[[transform]]
set = [".source=tasks"]
[filter]
turns = "2..8"
[dedup]
key = [".turns[-1].content"]
normalize = "ws,case"
[rebalance]
by = ".record_type"
target = { chat = 0.4, qa = 0.3, tool = 0.3 }
seed = 3
[split]
ratios = { train = 0.8, eval = 0.2 }
key = ".id"
[output]
shard = true
max_records = 300
[[check]]
type = "mix"
by = ".record_type"
target = { chat = 0.4, qa = 0.3, tool = 0.3 }
tolerance = 0.02
[[check]]
type = "duplicates"
max_rate = 0.0
[[check]]
name = "few turns"
type = "turns"
range = "2..3"
"""


def split_records(d, split):
    """The records of split `split` in directory `d`: its shards decompressed in order, or its JSONL file."""
    names = sorted(n for n in os.listdir(d) if n.startswith(split + "-") or n == split + ".jsonl")
    out = b""
    for n in names:
        with open(os.path.join(d, n), "rb") as f:
            data = f.read()
        out += subprocess.run(["zstd", "-dc"], input=data, stdout=subprocess.PIPE, check=True).stdout if n.endswith(".zst") else data
    return out


def check_run_pipeline(case, cluster):
    """PIPELINE run by `cluster(*args, rc=...)` (jsift cluster on some engine, 3 tasks) equals the single run: the
    records per split, the dispositions and the gate's results (the places in its details differ: FILE:LINE, FILE@BYTE)."""
    config = case.write("p.toml", PIPELINE)
    args = ["--on-invalid", "skip", *case.inputs]
    single = case.run_jsift("run", "--config", config, "-o", case.path("s"), "--report", case.path("s.json"), *args)
    case.assertEqual(single.rc, 1, single.err)  # one check fails
    r = cluster("--tasks", "3", "--workdir", case.path("w"), "--", "run", "--config", config, "-o", case.path("c"),
                "--report", case.path("c.json"), *args, rc=1)
    for split in ("train", "eval"):
        case.assertEqual(split_records(case.path("c"), split), split_records(case.path("s"), split), split)
    got, want = (json.loads(open(case.path(n), "rb").read()) for n in ("c.json", "s.json"))
    case.assertEqual(got["dispositions"], want["dispositions"])
    results = lambda out: [l for l in out.decode().splitlines() if not l.startswith("  ")]
    case.assertEqual(results(r.out), results(single.out))
    case.assertEqual(case.run_jsift("verify", case.path("c")).rc, 0)
