"""Bug (issue 13.9): directory inputs silently skipped .json and .ndjson
files, and a directory with no *.jsonl* file was a bare error. Now *.jsonl*
and *.ndjson* are taken, every other file is listed as skipped (in the
summary and as skipped_inputs), --glob PATTERN selects others, and a
dataset_info.json beside the data never silently becomes a record."""
import os

from harness import *  # noqa: F401,F403


class directory_inputs(jsift_case):
    def test(self):
        d = self.path("d")
        os.makedirs(d)
        self.write("d/a.jsonl", '{"a":1}\n')
        self.write("d/b.ndjson", '{"b":2}\n')
        self.write("d/c.json", '{"c":3}\n')
        self.write("d/dataset_info.json", '{"features":{}}\n')
        r, rep = self.run_with_report("filter", "-o", "/dev/null", d)
        self.assertEqual(rep["lines"], 2)
        skipped = sorted(os.path.basename(s["path"]) for s in rep["skipped_inputs"])
        self.assertEqual(skipped, ["c.json", "dataset_info.json"])
        self.assertIn("c.json", r.err)
        r, rep = self.run_with_report("filter", "--glob", "c.json", "-o", "/dev/null", d)
        self.assertEqual(rep["lines"], 1)

    def test_a_directory_without_data_says_what_it_has(self):
        d = self.path("e")
        os.makedirs(d)
        self.write("e/data.json", "[]\n")
        r = self.run_jsift("stats", d)
        self.assertEqual(r.rc, 2)
        self.assertIn("data.json", r.err)
        self.assertIn("--glob", r.err)
