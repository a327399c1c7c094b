"""Shared helpers for the CLI tests: run the real jsift binary on fixtures.

Every test that processes records checks the accounting invariant through
--report: input lines == sum of dispositions.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

JSIFT = os.environ.get("JSIFT_BIN", os.path.join(os.path.dirname(__file__), "../../build/jsift"))
FIXTURES = os.environ.get("JSIFT_FIXTURES", os.path.join(os.path.dirname(__file__), "../../fixtures"))
SAMPLE = os.path.join(FIXTURES, "sample")
CONV = os.path.join(SAMPLE, "conversations.jsonl")
PAIRS = os.path.join(SAMPLE, "pairs.jsonl")
BAD = os.path.join(FIXTURES, "bad")


def fixture(*parts):
    return os.path.join(FIXTURES, *parts)


def slurp(path):
    with open(path, "rb") as f:
        return f.read()


def read_lines(path):
    """The records of a JSONL file as bytes lines (without endings), like jsift sees them."""
    data = slurp(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [l[:-1] if l.endswith(b"\r") else l for l in lines]


def conversation(rec):
    for k in ("turns", "messages", "conversations", "training_pairs"):
        if k in rec:
            return rec[k]
    return None


def pipe_argvs(*commands):
    """The stdout of the commands (argv lists) chained with pipes; each must exit 0."""
    procs, prev = [], None
    for args in commands:
        p = subprocess.Popen(args, stdin=prev, stdout=subprocess.PIPE)
        if prev:
            prev.close()
        prev = p.stdout
        procs.append(p)
    out = prev.read()
    prev.close()
    for p in procs:
        assert p.wait() == 0, p.args
    return out


class result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.out)


class jsift_case(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jsift-cli-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return p

    def run_jsift(self, *args, stdin=None, timeout=60):
        proc = subprocess.run([JSIFT, *args], input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout)
        return result(proc)

    def run_with_report(self, *args, stdin=None, expect_rc=0):
        """Runs jsift with --report, checks the exit code and the accounting invariant."""
        rep = self.path("report-%d.json" % len(os.listdir(self.tmp)))
        r = self.run_jsift(*args, "--report", rep, stdin=stdin)
        self.assertEqual(r.rc, expect_rc, r.err)
        report = json.loads(slurp(rep))
        self.assert_accounting(report)
        return r, report

    def assert_accounting(self, report):
        d = dict(report["dispositions"])
        total = d.pop("total", None)
        self.assertEqual(sum(d.values()), report["lines"], report)
        if total is not None:
            self.assertEqual(total, report["lines"])
