#!/usr/bin/python3
"""jsift's Dask engine: runs the stages of a plan that `jsift cluster --engine
dask` wrote, on a dask.distributed cluster, and leaves for each task what the
other engines leave: its log, its exit code (negative: the signal that ended
it) and, when it ended well, its completion marker. jsift reads those and
joins the results; this script only runs commands.

    /usr/bin/python3 jsift_dask.py SCHEDULER PLAN.json

SCHEDULER is a scheduler's address (tcp://host:8786) or `local` (a
LocalCluster of processes, one thread each). Stages run one after another;
after a stage with a failed task the later ones are not started. Exit 0 when
the plan ran (whatever the tasks' codes), 2 on bad arguments, 4 when Dask
itself failed. Needs Debian's python3-distributed (run with /usr/bin/python3).
"""
import json
import os
import shutil
import subprocess
import sys


def run_task(task, marker):
    """One task's command, on a Dask worker: its code, with the files beside its log."""
    with open(task["log"], "wb") as log:
        code = subprocess.run(task["argv"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log).returncode
    tmp = task["exit"] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % code)
    os.replace(tmp, task["exit"])
    if code == 0:
        tmp = task["done"] + ".tmp"
        shutil.copyfile(marker, tmp)
        os.replace(tmp, task["done"])
    return code


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    scheduler, plan_path = argv[1], argv[2]
    with open(plan_path) as f:
        plan = json.load(f)
    from dask.distributed import Client, LocalCluster  # Debian's python3-distributed

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(1, plan["workers"]), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        for stage in plan["stages"]:
            if not stage["tasks"]:
                continue
            futures = client.map(run_task, stage["tasks"], marker=plan["marker"], pure=False)
            codes = client.gather(futures)
            print("jsift_dask: %s: %d tasks, %d failed" % (stage["name"], len(codes), sum(1 for c in codes if c)), file=sys.stderr)
            if any(codes):
                break
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # noqa: BLE001 -- any failure of Dask itself: say what, exit 4
        print("jsift_dask: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(4)
