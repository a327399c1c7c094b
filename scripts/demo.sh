#!/usr/bin/env bash
# Set up, build, and run jsift's main jobs on the bundled sample dataset
# (fixtures/sample): profile it, then keep the 5-10 turn conversations.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
dir=$("$root/scripts/build.sh" release)
jsift="$dir/jsift"
sample="$root/fixtures/sample"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "\$ jsift stats --format table --unique '.turns[-1].content' fixtures/sample"
"$jsift" stats --format table --unique '.turns[-1].content' "$sample"
echo
echo "\$ jsift filter --turns 5..10 --nonempty '.turns[].content' fixtures/sample -o kept.jsonl --report report.json"
"$jsift" filter --turns 5..10 --nonempty '.turns[].content' "$sample" -o "$out/kept.jsonl" --report "$out/report.json"
echo
echo "\$ jsift stats --json kept.jsonl   # records and turn histogram of what was kept"
"$jsift" stats --json "$out/kept.jsonl" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({"records": d["records"], "turns": d["turns"]["histogram"]}, indent=1))'
