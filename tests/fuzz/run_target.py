#!/usr/bin/env python3
"""Runs one libFuzzer target the way CI does, or for a long campaign.

    run_target.py BINARY CORPUS [--runs N | --seconds S] [--dict FILE] [--keep DIR]

First every file of the committed CORPUS is replayed once (-runs=0), then the
target fuzzes with -seed=1 from that corpus, writing new inputs into a scratch
directory (or --keep DIR), never into CORPUS. Prints libFuzzer's final stats;
exits non-zero when the target crashes, leaks, hangs or fails a check (the
reproducer is saved as crash-*/leak-*/timeout-* in the current directory).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("corpus")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--seconds", type=int)
    ap.add_argument("--dict", default="")
    ap.add_argument("--keep", help="directory for the inputs found (default: a temporary one)")
    a = ap.parse_args()
    common = ["-rss_limit_mb=4096", "-timeout=10", "-max_len=4096", "-print_final_stats=1"]
    if a.dict:
        common.append("-dict=" + a.dict)
    replay = subprocess.run([a.binary, *common, "-runs=0", a.corpus])
    if replay.returncode != 0:
        print("replaying the corpus of %s failed" % a.binary, file=sys.stderr)
        return replay.returncode
    work = a.keep or tempfile.mkdtemp(prefix="jsift-fuzz-corpus-")
    os.makedirs(work, exist_ok=True)
    try:
        limit = ["-runs=%d" % a.runs] if a.runs is not None else ["-max_total_time=%d" % (a.seconds or 60)]
        run = subprocess.run([a.binary, *common, "-seed=1", *limit, work, a.corpus])
        return run.returncode
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
