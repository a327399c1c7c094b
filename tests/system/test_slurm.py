"""jsift cluster --engine slurm on a real Slurm: a single-node cluster on
localhost started from Debian's packages (slurmctld, slurmd, slurm-client
22.05, munge; scripts/setup.sh installs them) for the suite, its daemons
stopped by their pids afterwards. The configuration leaves out
DependencyParameters=kill_invalid_depend on purpose: jsift's own
--kill-on-invalid-dep and cancelling must keep a failed run from pending
forever. The three-stage dedup gives the single
run's -o and --dups, a whole `run` pipeline (nine stages and the gate's
partials) the single run's splits, dispositions and checks; a failed task ends the run with its exit code; a task
cancelled with scancel while it runs fails the run, and the rerun redoes it
and gives the same result. Where Slurm cannot start the suite is skipped
with the reason, unless JSIFT_REQUIRE_SLURM=1 (.ci/run sets it): then that
is a failure."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from harness import *  # noqa: F401,F403
from task_inputs import check_run_pipeline, write_big, write_inputs

REQUIRED = os.environ.get("JSIFT_REQUIRE_SLURM") == "1"
CONF = """ClusterName=jsift
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldPort={ctld}
SlurmdPort={slurmd}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=sched_interval=1
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=jsift Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class single_node_slurm:
    """slurmctld and slurmd for the suite (and munged when none runs)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="jsift-slurm-")
        self.procs = []
        self.munged = None
        self.log = None

    def start(self):
        for tool in ("slurmctld", "slurmd", "sbatch", "squeue", "scancel", "munged"):
            if not shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin"):
                return "%s is not installed (scripts/setup.sh installs slurmctld, slurmd, slurm-client and munge)" % tool
        if os.geteuid() != 0:
            return "the daemons need root here (munged runs as munge, slurmd as root)"
        if subprocess.run(["pgrep", "-x", "munged"], stdout=subprocess.DEVNULL).returncode != 0:
            os.makedirs("/run/munge", exist_ok=True)
            shutil.chown("/run/munge", "munge", "munge")
            if not os.path.exists("/etc/munge/munge.key"):
                subprocess.run(["runuser", "-u", "munge", "--", "/usr/sbin/mungekey"], check=False)
            r = subprocess.run(["runuser", "-u", "munge", "--", "/usr/sbin/munged"], stderr=subprocess.PIPE)
            if r.returncode != 0:
                return "munged did not start: " + r.stderr.decode()
            self.munged = True
        for sub in ("state", "spool"):
            os.makedirs(os.path.join(self.dir, sub))
        conf = os.path.join(self.dir, "slurm.conf")
        with open(conf, "w") as f:
            f.write(CONF.format(d=self.dir, ctld=free_port(), slurmd=free_port(), cpus=os.cpu_count() or 1))
        os.environ["SLURM_CONF"] = conf
        self.log = log = open(os.path.join(self.dir, "daemons.out"), "wb")
        self.procs.append(subprocess.Popen(["/usr/sbin/slurmctld", "-D", "-i", "-f", conf], stdout=log, stderr=log))
        self.procs.append(subprocess.Popen(["/usr/sbin/slurmd", "-D", "-N", "localhost", "-f", conf], stdout=log, stderr=log))
        deadline = time.time() + 60
        while time.time() < deadline:
            r = subprocess.run(["sinfo", "-h", "-o", "%T"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            if r.returncode == 0 and r.stdout.decode().strip() in ("idle", "mixed", "allocated"):
                return None
            if any(p.poll() is not None for p in self.procs):
                break
            time.sleep(0.5)
        return "Slurm did not come up: " + open(os.path.join(self.dir, "daemons.out")).read()[-2000:] + \
            (open(os.path.join(self.dir, "slurmctld.log")).read()[-2000:] if os.path.exists(os.path.join(self.dir, "slurmctld.log")) else "")

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if self.log:
            self.log.close()
        if self.munged:
            pid = open("/run/munge/munged.pid").read().strip() if os.path.exists("/run/munge/munged.pid") else ""
            if pid:
                os.kill(int(pid), signal.SIGTERM)
        shutil.rmtree(self.dir, ignore_errors=True)


class slurm_tests(jsift_case):
    @classmethod
    def setUpClass(cls):
        cls.slurm = single_node_slurm()
        why = cls.slurm.start()
        if why:
            cls.slurm.stop()
            if REQUIRED:
                raise AssertionError("JSIFT_REQUIRE_SLURM=1 and " + why)
            raise unittest.SkipTest(why)

    @classmethod
    def tearDownClass(cls):
        cls.slurm.stop()

    def setUp(self):
        super().setUp()
        self.inputs = write_inputs(self)

    def cluster(self, *args, rc=0, timeout=240):
        r = self.run_jsift("cluster", "--engine", "slurm", *args, timeout=timeout)
        self.assertEqual(r.rc, rc, r.err)
        return r

    def test_dedup_equals_the_single_run(self):
        args = ["--on-invalid", "skip", "--key", ".turns[-1].content", *self.inputs]
        single = self.run_jsift("dedup", *args, "-o", self.path("s.jsonl"), "--dups", self.path("s.dups"))
        self.assertEqual(single.rc, 0, single.err)
        r = self.cluster("--tasks", "3", "--workdir", self.path("w"), "--", "dedup", *args, "-o", self.path("c.jsonl"),
                         "--dups", self.path("c.dups"))
        self.assertIn("submitted as Slurm job", r.err)
        self.assertEqual(slurp(self.path("c.jsonl")), slurp(self.path("s.jsonl")))
        self.assertEqual(slurp(self.path("c.dups")), slurp(self.path("s.dups")))
        self.assertGreater(len(read_lines(self.path("c.dups"))), 0)

    def test_run_pipeline_equals_the_single_run(self):
        # The pipeline cut into its stages (pre, keys, find, drop, surveys, emit, post, then the gate's partials).
        check_run_pipeline(self, self.cluster)

    def test_a_failed_task_fails_the_run_and_nothing_pends(self):
        r = self.cluster("--tasks", "3", "--workdir", self.path("w"), "--", "dedup", *self.inputs, "-o", self.path("o.jsonl"), rc=3)
        self.assertRegex(r.err, r"keys task \d failed \(exit 3\)")
        self.assertIn("a-big.jsonl@", r.err)
        self.assertFalse(os.path.exists(self.path("o.jsonl")))
        queued = subprocess.run(["squeue", "-h"], stdout=subprocess.PIPE).stdout.decode().strip()
        self.assertEqual(queued, "")  # the later stages were cancelled, not left pending

    def test_a_cancelled_task_is_redone_by_a_rerun(self):
        big = write_big(self, "big.jsonl", 150000, 4)
        command = ["stats", "--json", "--unique", ".turns[-1].content", "--unique", ".id", big]
        for attempt in range(3):  # a task that ends between squeue and scancel is not cancelled: try again
            w = self.path("w%d" % attempt)
            proc = subprocess.Popen([JSIFT, "cluster", "--engine", "slurm", "--tasks", "3", "--workdir", w, "--", *command, "-j", "1"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            cancelled = None
            deadline = time.time() + 120
            while cancelled is None and proc.poll() is None and time.time() < deadline:
                running = subprocess.run(["squeue", "-h", "-t", "R", "-o", "%i"], stdout=subprocess.PIPE).stdout.decode().split()
                if running:
                    cancelled = running[0]
                    subprocess.run(["scancel", cancelled], check=True)
                time.sleep(0.05)
            out, err = proc.communicate(timeout=240)
            self.assertIsNotNone(cancelled, err)
            if proc.returncode == 0 and attempt < 2:
                continue
            break
        self.assertEqual(proc.returncode, 4, err)
        self.assertIn(b"killed, cancelled or never run by Slurm", err)
        r = self.cluster("--tasks", "3", "--workdir", w, "--", *command, "-j", "1")
        self.assertIn("tasks already done", r.err)
        self.assertEqual(r.out, self.run_jsift(*command).out)


if __name__ == "__main__":
    unittest.main()
