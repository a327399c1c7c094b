#!/usr/bin/env bash
# Benchmark jsift against jq, Python, DuckDB, awk, cat/wc and a bare simdjson
# loop on generated data; writes bench/results/<date>.md and .json.
#   scripts/bench.sh [--size 1G] [--runs 3] [--smoke] [--only TEXT]
# Peers come from Debian (jq, miller, zstd, time) and DuckDB from npm into
# bench/.peers (local to the bench, not a project dependency). A peer that
# cannot be installed is reported as skipped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"

peers=(jq miller zstd time gawk)
missing=()
for p in "${peers[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || echo "bench: could not install ${missing[*]}; those peers will be skipped" >&2
fi
if command -v npm >/dev/null && [ ! -d "$root/bench/.peers/node_modules/@duckdb/node-api" ]; then
  mkdir -p "$root/bench/.peers"
  (cd "$root/bench/.peers" && npm install --silent --no-audit --no-fund @duckdb/node-api >/dev/null 2>&1) \
    || echo "bench: could not install DuckDB from npm; it will be skipped" >&2
fi

dir=$("$root/scripts/build.sh" release)
exec python3 "$root/bench/run_bench.py" --jsift "$dir/jsift" --gen "$dir/bench/jsift_gen" \
  --loop "$dir/bench/simdjson_loop" "$@"
