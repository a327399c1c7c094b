"""Every command example in README.md runs: the examples are extracted from
the README's sh blocks and must equal the list below (so the test and the
README move together), then each runs in a scratch directory with `data/`
replaced by fixtures/sample and the other example files by fixtures."""
import os
import re
import shutil
import subprocess

from harness import *  # noqa: F401,F403

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
README = os.path.join(ROOT, "README.md")

# Each README example, exactly as written there and in its order, the exit
# codes it may end with, and whether it goes on from the example before it
# (reads what that one wrote) rather than from a clean slate.
EXAMPLES = [
    ("jsift stats  data/", (0,), False),
    ("jsift stats  --unique '.turns[-1].content' --by .record_type data/", (0,), False),
    ("jsift diversity data/ new_batch.jsonl", (0,), False),
    ("jsift filter --turns 5..10 data/ -o kept.jsonl", (0,), False),
    ("jsift dedup  --key '.turns[].content' data/ -o unique.jsonl", (0,), False),
    ("jsift rebalance --by .record_type --target chat=0.5,qa=0.3,preference=0.2 data/ -o mix.jsonl", (0,), False),
    ("jsift split  --ratios train=0.98,eval=0.02 --key .id data/ -o splits/", (0,), False),
    ("jsift shard  -o hub/ --max-bytes 256MiB data/ && jsift verify hub/", (0,), False),
    ("jsift gate   --config examples/chat-gate.toml --junit gate.xml data/", (0, 1), False),  # the sample is not a gated dataset
    ("jsift run    --config examples/pipeline.toml -o build/ examples/data/chat-pass.jsonl", (0,), False),
    ("zstdcat in.jsonl.zst | jsift filter --eq .outcome=success | head", (0,), False),
    ("jsift cluster --tasks 4 --workdir work/ -- dedup data/ -o unique.jsonl", (0,), False),
    ("jsift set .source=oasst .meta.reviewed=false --del .debug data/ -o tagged.jsonl", (0,), False),
    ("jsift cut -f .id,.record_type,.input_parameters.persona_key=persona data/ -o summary.csv", (0,), False),
    ("jsift explode .turns --inherit .id=.parent_id --inherit .record_type=.source_type --index .turn_index data/ -o turns.jsonl", (0,), False),
    ("jsift window --history 1..3 data/ -o pairs.jsonl", (0,), False),
    ("jsift convert --to openai sharegpt_dump.json -o chat.jsonl", (0,), False),
    ("jsift diversity --label ours data/ --label theirs new_batch.jsonl", (0,), False),
    ("jsift diversity --text '.turns[role=assistant][-1].content' --text .output --json data/ > diversity.json", (0,), False),
    ("jsift diversity --by .record_type --near --html diversity.html data/ new_batch.jsonl", (0,), False),
    ("jsift dedup data/ -o unique.jsonl", (0,), False),
    ("jsift dedup --key '.turns[].content' --normalize ws,case data/ -o unique.jsonl --dups dups.jsonl", (0,), False),
    ("jsift dedup --index seen.idx new_batch.jsonl -o new_unique.jsonl", (0,), False),
    ("jsift dedup --against eval.jsonl train.jsonl -o train.clean.jsonl", (0,), False),
    ("jsift dedup --count-only data/", (0,), False),
    ("jsift dedup --near data/ -o unique.jsonl --dups near.jsonl", (0,), False),
    ("jsift dedup --near data/ -o unique.jsonl --dups near.jsonl", (0,), False),
    ("jsift dedup --near --key .prompt --key .response --threshold 0.8 data/ -o unique.jsonl", (0,), False),
    ("jsift dedup --near --against eval.jsonl train.jsonl -o train.clean.jsonl", (0,), False),
    ("jsift rebalance --by .record_type --target chat=0.5,qa=0.3,preference=0.2 data/ -o mix.jsonl", (0,), False),
    ("jsift rebalance --by .record_type --cap chat=2000,qa=500 --others keep data/ -o capped.jsonl", (0,), False),
    ("jsift rebalance --by .input_parameters.persona_key --equal --seed 7 data/ -o balanced.jsonl", (0,), False),
    ("jsift sample -n 100 --by .record_type data/ -o review.jsonl", (0,), False),
    ("jsift sample --fraction 0.1 data/ -o tenth.jsonl", (0,), False),
    ("jsift split --ratios train=0.98,eval=0.02 --key .id data/ -o splits/", (0,), False),
    ("jsift split -o splits/ --ratios train=0.9,eval=0.1 --key .id data/", (0,), False),
    ("jsift shard -o hub/ --split train --max-bytes 256MiB --by .record_type splits/train.jsonl", (0,), True),
    ("jsift shard -o hub/ --split eval splits/eval.jsonl", (0,), True),
    ("jsift verify hub/", (0,), True),
    ("jsift gate --config examples/chat-gate.toml --on-invalid skip --junit gate.xml --report-md gate.md --report-json gate.json data/", (0, 1), False),
    ("jsift run --config examples/pipeline.toml -o build/chat-sft examples/data/chat-pass.jsonl", (0,), False),
]


def readme_examples():
    """The command lines of README.md's sh blocks, continuation lines joined, comments dropped."""
    text = slurp(README).decode()
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        block = re.sub(r"\\\n\s*", "", block)
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).rstrip()
            if line.startswith("jsift ") or line.startswith("zstdcat "):
                out.append(line)
    return out


class readme_examples_run(jsift_case):
    def test_the_list_is_the_readmes(self):
        self.assertEqual(readme_examples(), [cmd for cmd, _, _ in EXAMPLES])

    def test_every_example_runs(self):
        bindir = self.path("bin")
        os.makedirs(bindir)
        os.symlink(os.path.abspath(JSIFT), os.path.join(bindir, "jsift"))
        work = self.path("work")
        shutil.copytree(os.path.join(ROOT, "examples"), os.path.join(work, "examples"))
        shutil.copytree(SAMPLE, os.path.join(work, "data"))
        shutil.copy(fixture("compressed", "conversations.jsonl.zst"), os.path.join(work, "in.jsonl.zst"))
        shutil.copy(PAIRS, os.path.join(work, "new_batch.jsonl"))
        with open(os.path.join(work, "sharegpt_dump.json"), "wb") as f:  # a ShareGPT dump as one JSON array
            f.write(b"[\n" + b",\n".join(read_lines(fixture("real", "sharegpt-medicalgpt-dpo-zh.jsonl"))) + b"\n]\n")
        shutil.copy(PAIRS, os.path.join(work, "eval.jsonl"))
        shutil.copy(CONV, os.path.join(work, "train.jsonl"))
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
        for cmd, codes, goes_on in EXAMPLES:
            with self.subTest(example=cmd):
                if not goes_on:
                    for d in ("hub", "build", "splits"):
                        shutil.rmtree(os.path.join(work, d), ignore_errors=True)
                p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=work, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=120)
                # `| head` may close the pipe early: jsift ends quietly (exit 0) then
                self.assertIn(p.returncode, codes, (cmd, p.stderr.decode()))
                self.assertNotIn(b"jsift: ", p.stderr.replace(b"jsift: warning: ", b""), cmd)  # no error message
