"""Bug D10: SIGINT or SIGTERM while a write blocked on a stalled pipe or FIFO
was never seen (the signal landed on a worker thread and the writer stayed
blocked), and the run later exited 0. The interrupt now ends the run with 130
within 2 seconds, whichever thread the kernel picks, and no temporary is
left."""
import os
import signal
import subprocess
import time

from harness import *  # noqa: F401,F403


class signal_during_blocked_write(jsift_case):
    def big_input(self):
        line = slurp(CONV).splitlines(keepends=True)[0]
        return self.write("big.jsonl", line * 4000)  # a few MB: more than a pipe holds

    def check(self, sig, to_fifo):
        src = self.big_input()
        if to_fifo:
            fifo = self.path("fifo")
            os.mkfifo(fifo)
            p = subprocess.Popen([JSIFT, "filter", "-q", "-j4", "-o", fifo, src], stderr=subprocess.PIPE)
            reader = open(fifo, "rb")  # open, never read: the writer stalls
        else:
            r_fd, w_fd = os.pipe()
            p = subprocess.Popen([JSIFT, "filter", "-q", "-j4", src], stdout=w_fd, stderr=subprocess.PIPE)
            os.close(w_fd)
        time.sleep(1.0)  # let it fill the pipe and block
        self.assertIsNone(p.poll(), "jsift should be blocked on the stalled output")
        t0 = time.monotonic()
        p.send_signal(sig)
        try:
            rc = p.wait(timeout=5)
        finally:
            if p.poll() is None:
                p.kill()
            if to_fifo:
                reader.close()
            else:
                os.close(r_fd)
        self.assertLess(time.monotonic() - t0, 2.0)
        self.assertEqual(rc, 130, p.stderr.read())
        self.assertEqual([n for n in os.listdir(self.tmp) if "jsift-tmp" in n], [])

    def test_sigint_on_a_pipe(self):
        self.check(signal.SIGINT, False)

    def test_sigterm_on_a_pipe(self):
        self.check(signal.SIGTERM, False)

    def test_sigint_on_a_fifo(self):
        self.check(signal.SIGINT, True)
