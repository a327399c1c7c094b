"""Bug D3: a symlink loop in an input directory (`d/self -> ../d`) made
`stats d` read one 3-line file 41 times (123 lines, exit 0). Directories are
now visited once (device and inode), and a file reached by two paths is read
once."""
import os

from harness import *  # noqa: F401,F403


class symlink_loop_in_input_directory(jsift_case):
    def test(self):
        d = self.path("d")
        os.makedirs(d)
        self.write("d/a.jsonl", '{"a":1}\n{"a":2}\n{"a":3}\n')
        os.symlink("../d", os.path.join(d, "self"))
        os.makedirs(self.path("d/sub"))
        os.symlink("../a.jsonl", os.path.join(d, "sub", "alias.jsonl"))
        r, rep = self.run_with_report("stats", "--json", d)
        self.assertEqual(rep["lines"], 3)
        self.assertEqual(r.json()["records"], 3)
        self.assertEqual(len(r.json()["inputs"]), 1)
