#!/usr/bin/env bash
# A fuzzing campaign on one target of tests/fuzz, or on all of them.
#   scripts/fuzz.sh TARGET SECONDS   e.g. scripts/fuzz.sh record_key 3600
#   scripts/fuzz.sh all SECONDS      each target for SECONDS, one after another
# Builds build-fuzz (clang, ASan+UBSan), replays the committed corpus, then
# fuzzes with the target's dictionary; new inputs go to build-fuzz/corpus/TARGET
# (copy the interesting ones into tests/fuzz/corpus/TARGET by hand, small).
# Crashes are saved as crash-* in build-fuzz/; turn each into a regression test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: $0 TARGET|all SECONDS" >&2; exit 2; }
"$root/scripts/setup.sh"
dir=$("$root/scripts/build.sh" fuzz)
targets=("$1")
[ "$1" = all ] && targets=(record options config chunk_reader record_key key_index verify)
for t in "${targets[@]}"; do
  dict=""
  case "$t" in
    config) dict="$root/tests/fuzz/toml.dict" ;;
    key_index) dict="" ;;
    *) dict="$root/tests/fuzz/json.dict" ;;
  esac
  echo "== fuzz_$t for $2 s" >&2
  (cd "$dir" && python3 "$root/tests/fuzz/run_target.py" "$dir/tests/fuzz/fuzz_$t" "$root/tests/fuzz/corpus/$t" \
     --seconds "$2" --dict "$dict" --keep "$dir/corpus/$t")
done
