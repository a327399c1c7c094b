"""jsift cluster --engine dask on a LocalCluster of processes (Debian's
python3-distributed, run with /usr/bin/python3 by the adapter
python/jsift_dask.py): the three-stage dedup gives the single run's -o and
--dups, a whole `run` pipeline the single run's splits, dispositions and
checks; a failed task ends the run with its exit code; a task killed with
SIGKILL while it runs fails the run (exit 4, the signal named) and a rerun
redoes it with the same result. Skipped where python3-distributed is missing,
unless JSIFT_REQUIRE_DASK=1 (.ci/run sets it)."""
import os
import signal
import subprocess
import time
import unittest

from harness import *  # noqa: F401,F403
from task_inputs import check_run_pipeline, write_big, write_inputs

HAVE_DASK = subprocess.run(["/usr/bin/python3", "-c", "import dask.distributed"], stderr=subprocess.DEVNULL).returncode == 0


def processes_with(text):
    """Pids whose command line holds `text`."""
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/cmdline" % p, "rb") as f:
                    if text.encode() in f.read():
                        out.append(int(p))
            except OSError:
                pass
    return out


class dask_tests(jsift_case):
    @classmethod
    def setUpClass(cls):
        if not HAVE_DASK:
            why = "python3-distributed is not installed (scripts/setup.sh installs it)"
            if os.environ.get("JSIFT_REQUIRE_DASK") == "1":
                raise AssertionError("JSIFT_REQUIRE_DASK=1 and " + why)
            raise unittest.SkipTest(why)

    def setUp(self):
        super().setUp()
        self.inputs = write_inputs(self)

    def cluster(self, *args, rc=0):
        r = self.run_jsift("cluster", "--engine", "dask", "--scheduler", "local", "--parallel", "2", *args, timeout=240)
        self.assertEqual(r.rc, rc, r.err)
        return r

    def test_dedup_equals_the_single_run(self):
        args = ["--on-invalid", "skip", *self.inputs]
        single = self.run_jsift("dedup", *args, "-o", self.path("s.jsonl"), "--dups", self.path("s.dups"))
        self.assertEqual(single.rc, 0, single.err)
        self.cluster("--tasks", "3", "--workdir", self.path("w"), "--", "dedup", *args, "-o", self.path("c.jsonl"),
                     "--dups", self.path("c.dups"))
        self.assertEqual(slurp(self.path("c.jsonl")), slurp(self.path("s.jsonl")))
        self.assertEqual(slurp(self.path("c.dups")), slurp(self.path("s.dups")))
        self.assertIn("drop task: 3 tasks, 0 failed", slurp(self.path("w/dask.log")).decode())

    def test_run_pipeline_equals_the_single_run(self):
        # The pipeline cut into its stages (pre, keys, find, drop, surveys, emit, post, then the gate's partials).
        check_run_pipeline(self, self.cluster)

    def test_a_failed_task_fails_the_run(self):
        r = self.cluster("--tasks", "3", "--workdir", self.path("w"), "--", "dedup", *self.inputs, "-o", self.path("o.jsonl"), rc=3)
        self.assertRegex(r.err, r"keys task \d failed \(exit 3\)")
        self.assertIn("a-big.jsonl@", r.err)
        self.assertFalse(os.path.exists(self.path("o.jsonl")))

    def test_a_killed_task_is_redone_by_a_rerun(self):
        big = write_big(self, "big.jsonl", 150000, 4)
        command = ["stats", "--json", "--unique", ".turns[-1].content", "--unique", ".id", big]
        w = self.path("w")
        proc = subprocess.Popen([JSIFT, "cluster", "--engine", "dask", "--scheduler", "local", "--parallel", "1", "--tasks", "3",
                                 "--workdir", w, "--", *command, "-j", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        killed = False
        deadline = time.time() + 120
        target = os.path.join(w, "task-00001.partial")
        while not killed and proc.poll() is None and time.time() < deadline:
            for pid in processes_with(target):  # only the task's own command line names its partial
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed = True
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        out, err = proc.communicate(timeout=240)
        self.assertTrue(killed, err)
        self.assertEqual(proc.returncode, 4, err)
        self.assertIn(b"task 1 failed (signal 9)", err)
        r = self.cluster("--tasks", "3", "--workdir", w, "--", *command, "-j", "1")
        self.assertIn("2 of 3 tasks already done", r.err)
        self.assertEqual(r.out, self.run_jsift(*command).out)


if __name__ == "__main__":
    unittest.main()
