"""Bug D1: `-o` naming a symlink renamed the temporary onto the link: with
`-o /dev/stdout > file` the records never reached stdout (exit 0) and the link
itself was replaced by a regular file. Now a link to a standard stream or a
/proc/self/fd or /dev/fd entry writes to that descriptor, a link to a device
or FIFO writes to it directly, and a link to a regular file writes the file
atomically at its real path, leaving the link in place."""
import os
import subprocess

from harness import *  # noqa: F401,F403


class output_through_symlink(jsift_case):
    def expected(self):
        r = self.run_jsift("filter", "-q", "--turns", "5..10", CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertGreater(len(r.out), 0)
        return r.out

    def test_links_to_stdout_write_to_the_descriptor(self):
        want = self.expected()
        for target in ("/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"):
            link = self.path("out-link")
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(target, link)
            # The link we own, and the descriptor names themselves; never the
            # machine's own /dev/stdout as -o: the bug this guards against
            # would replace it.
            for name in (link,) if target == "/dev/stdout" else (target, link):
                dest = self.path("captured.jsonl")
                with open(dest, "wb") as f:
                    p = subprocess.run([JSIFT, "filter", "-q", "--turns", "5..10", "-o", name, CONV], stdout=f, stderr=subprocess.PIPE)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(slurp(dest), want, name)
            self.assertTrue(os.path.islink(link))
            self.assertEqual(os.readlink(link), target)

    def test_link_to_a_regular_file_writes_the_file_and_keeps_the_link(self):
        want = self.expected()
        real = self.write("real.jsonl", "old\n")
        os.makedirs(self.path("links"))
        link = os.path.join(self.path("links"), "out.jsonl")
        os.symlink("../real.jsonl", link)
        r = self.run_jsift("filter", "-q", "--turns", "5..10", "-o", link, CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertTrue(os.path.islink(link))
        self.assertEqual(slurp(real), want)
        self.assertEqual([n for n in os.listdir(self.tmp) + os.listdir(self.path("links")) if "jsift-tmp" in n], [])

    def test_a_chain_of_links_and_a_dangling_link(self):
        want = self.expected()
        real = self.path("final.jsonl")  # does not exist yet
        os.symlink(real, self.path("b"))
        os.symlink(self.path("b"), self.path("a"))
        r = self.run_jsift("filter", "-q", "--turns", "5..10", "-o", self.path("a"), CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertTrue(os.path.islink(self.path("a")) and os.path.islink(self.path("b")))
        self.assertEqual(slurp(real), want)

    def test_link_to_a_fifo_is_written_directly(self):
        fifo = self.path("fifo")
        os.mkfifo(fifo)
        os.symlink(fifo, self.path("to-fifo"))
        reader = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE)
        r = self.run_jsift("filter", "-q", "--turns", "5..10", "-o", self.path("to-fifo"), CONV)
        out, _ = reader.communicate(timeout=30)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(out, self.expected())
        self.assertTrue(os.path.islink(self.path("to-fifo")))

    def test_reports_follow_the_same_rule(self):
        real = self.write("real.json", "{}")
        os.symlink(real, self.path("report-link"))
        r = self.run_jsift("stats", "--json", "--report", self.path("report-link"), CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertTrue(os.path.islink(self.path("report-link")))
        self.assertEqual(json.loads(slurp(real))["records"], 240)
