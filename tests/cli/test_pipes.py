"""Unix pipes: stdin, `-`, a closed stdout, and signals."""
import os
import signal
import subprocess
import time

from harness import *  # noqa: F401,F403


class pipe_tests(jsift_case):
    def big_input(self, copies=40):
        data = slurp(CONV) * copies  # ~8 MB: more than a pipe holds
        return self.write("big.jsonl", data), data

    def test_stdin_by_default_and_as_dash(self):
        data = slurp(CONV)
        for args in ([], ["-"]):
            r, rep = self.run_with_report("filter", *args, stdin=data)
            self.assertEqual(r.out, data)
            self.assertEqual(rep["inputs"], ["<stdin>"])

    def test_dash_between_files(self):
        data = slurp(PAIRS)
        r, rep = self.run_with_report("filter", CONV, "-", CONV, stdin=data)
        conv = slurp(CONV)
        self.assertEqual(r.out, conv + data + conv)
        self.assertEqual(rep["inputs"], [CONV, "<stdin>", CONV])

    def test_compressed_stdin(self):
        zst = slurp(fixture("compressed", "conversations.jsonl.zst"))
        r, rep = self.run_with_report("filter", "--turns", "5..10", stdin=zst)
        direct = self.run_jsift("filter", "--turns", "5..10", CONV)
        self.assertEqual(r.out, direct.out)

    def test_pipeline_of_two_jsifts(self):
        p1 = subprocess.Popen([JSIFT, "filter", "-q", "--turns", "5..", CONV], stdout=subprocess.PIPE)
        p2 = subprocess.run([JSIFT, "filter", "-q", "--turns", "..10"], stdin=p1.stdout, stdout=subprocess.PIPE)
        p1.stdout.close()
        self.assertEqual(p1.wait(), 0)
        self.assertEqual(p2.returncode, 0)
        self.assertEqual(p2.stdout, self.run_jsift("filter", "--turns", "5..10", CONV).out)

    def test_closed_stdout_is_a_quiet_success(self):
        path, data = self.big_input()
        for extra in ([], ["-j1"]):
            p = subprocess.Popen([JSIFT, "filter", *extra, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            head = subprocess.run(["head", "-1"], stdin=p.stdout, stdout=subprocess.PIPE)
            p.stdout.close()
            err = p.stderr.read()
            p.stderr.close()
            self.assertEqual(p.wait(timeout=30), 0)
            self.assertEqual(err, b"")
            self.assertEqual(head.stdout, data.split(b"\n")[0] + b"\n")

    def interrupt_while_reading(self, sig):
        out = self.path("out.jsonl")
        p = subprocess.Popen([JSIFT, "filter", "-o", out, "-"], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdin.write(slurp(CONV) * 30)
        p.stdin.flush()
        time.sleep(0.5)  # jsift is now blocked reading stdin
        p.send_signal(sig)
        rc = p.wait(timeout=30)
        err = p.stderr.read().decode()
        p.stderr.close()
        p.stdin.close()
        self.assertEqual(rc, 130, err)
        self.assertIn("interrupted", err)
        self.assertEqual(os.listdir(self.tmp), [])  # neither out.jsonl nor its temporary

    def test_sigint_leaves_no_output(self):
        self.interrupt_while_reading(signal.SIGINT)

    def test_sigterm_leaves_no_output(self):
        self.interrupt_while_reading(signal.SIGTERM)


class progress_tests(jsift_case):
    def run_with_stderr_tty(self, *args):
        import pty
        master, slave = pty.openpty()
        proc = subprocess.run([JSIFT, *args], stdout=subprocess.PIPE, stderr=slave, timeout=60)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        return proc.returncode, b"".join(chunks)

    def test_progress_bar_when_stderr_is_a_terminal(self):
        rc, err = self.run_with_stderr_tty("filter", "-o", self.path("o.jsonl"), CONV)
        self.assertEqual(rc, 0)
        self.assertIn(b"\r[", err)
        self.assertIn(b"%", err)
        self.assertIn(b"\r\x1b[K", err)  # erased at the end
        self.assertIn(b"jsift filter: 240 lines", err)

    def test_no_progress_on_a_terminal_when_asked(self):
        rc, err = self.run_with_stderr_tty("filter", "--no-progress", "-o", self.path("o.jsonl"), CONV)
        self.assertEqual(rc, 0)
        self.assertNotIn(b"\r[", err)

    def test_no_progress_when_stderr_is_not_a_terminal(self):
        r = self.run_jsift("filter", CONV)
        self.assertNotIn("\r", r.err)
        r = self.run_jsift("filter", "--progress", "always", CONV)
        self.assertIn("\r[", r.err)
