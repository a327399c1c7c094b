#!/usr/bin/env bash
# Install jsift's build and test dependencies from Debian's packages.
# Idempotent: skips apt-get entirely when everything is already installed.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libsimdjson-dev libboost-dev libzstd-dev libxxhash-dev libfmt-dev
  libcli11-dev libre2-dev zlib1g-dev libtomlplusplus-dev libutf8proc-dev
  catch2
  zstd gzip python3 libxml2-utils time jq
  zsh fish man-db   # the generated completions and man page are checked in their own tools
  clang-14 libclang-rt-14-dev   # libFuzzer targets (tests/fuzz)
  python3-zstandard             # the test that Python reads every record of a shard
  python3-numpy python3-xxhash  # the near-duplicate reference (tests/reference), run with /usr/bin/python3
  python3-nltk                  # self-BLEU checked against NLTK itself (tests/cli/test_diversity.py)
  chromium                      # the HTML page's test (tests/system): renders `diversity --html` headless
  slurmctld slurmd slurm-client munge   # jsift cluster --engine slurm on a single-node Slurm (tests/system/test_slurm.py)
  python3-distributed           # jsift cluster --engine dask (python/jsift_dask.py, tests/system/test_dask.py)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
