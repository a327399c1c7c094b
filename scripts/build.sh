#!/usr/bin/env bash
# Configure and build one flavour of jsift with Ninja.
#   scripts/build.sh [release|asan|tsan|fuzz]   (default: release)
# Prints the build directory on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-release}
case "$flavour" in
  release) dir="$root/build" ; flags=(-DCMAKE_BUILD_TYPE=Release -DJSIFT_BENCH=ON -DJSIFT_TESTS=ON) ;;
  asan)    dir="$root/build-asan" ; flags=(-DCMAKE_BUILD_TYPE=Debug -DJSIFT_SANITIZE=ON -DJSIFT_BENCH=OFF) ;;
  tsan)    dir="$root/build-tsan" ; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DJSIFT_TSAN=ON -DJSIFT_BENCH=OFF) ;;
  # libFuzzer targets: clang, ASan+UBSan, -O1 with assertions on.
  fuzz)    dir="$root/build-fuzz" ; flags=(-DCMAKE_BUILD_TYPE=Fuzz "-DCMAKE_CXX_FLAGS_FUZZ=-O1 -g" -DCMAKE_CXX_COMPILER=clang++-14
                                           -DJSIFT_FUZZ=ON -DJSIFT_TESTS=OFF -DJSIFT_BENCH=OFF) ;;
  *) echo "usage: $0 [release|asan|tsan|fuzz]" >&2; exit 2 ;;
esac
# -Werror: a warning fails the build here and in CI (cmake without it only warns).
cmake -S "$root" -B "$dir" -G Ninja -DJSIFT_WERROR=ON "${flags[@]}" >&2
ninja -C "$dir" >&2
echo "$dir"
