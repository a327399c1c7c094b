"""Bug D11 and F1: messages without context. `dedup --index DIR` said
`basic_filebuf::underflow error reading the file: Is a directory` (no path);
`gate --config DIR` said `no [[check]] tables`; `sample --fraction nan` said
`give exactly one of -n N or --fraction F`; `verify` on a manifest missing a
key died with simdjson's `The JSON field referenced does not exist in this
object.` (exit 4, no file). Each message now names the file and the problem."""
import json
import os

from harness import *  # noqa: F401,F403


class messages_without_context(jsift_case):
    def test_index_is_a_directory(self):
        d = self.path("idx")
        os.makedirs(d)
        r = self.run_jsift("dedup", "--index", d, CONV)
        self.assertIn(r.rc, (2, 3, 4), r.err)
        self.assertIn(d, r.err)
        self.assertIn("directory", r.err)
        self.assertNotIn("basic_filebuf", r.err)

    def test_config_is_a_directory(self):
        r = self.run_jsift("gate", "--config", self.tmp, CONV)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn(self.tmp, r.err)
        self.assertIn("directory", r.err)

    def test_fraction_nan(self):
        r = self.run_jsift("sample", "--fraction", "nan", CONV)
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("--fraction", r.err)
        self.assertIn("nan", r.err)

    def test_manifest_missing_keys(self):
        d = self.path("hub")
        self.assertEqual(self.run_jsift("shard", "-q", "-o", d, CONV).rc, 0)
        m = os.path.join(d, "manifest.json")
        good = json.loads(slurp(m))
        entry = good["splits"]["train"]
        for drop in ("compression", "shards"):
            bad = json.loads(json.dumps(good))
            del bad["splits"]["train"][drop]
            with open(m, "w") as f:
                json.dump(bad, f)
            r = self.run_jsift("verify", d)
            self.assertEqual(r.rc, 3, (drop, r.err))
            self.assertIn("manifest.json", r.err)
            self.assertIn('"%s"' % drop, r.err)
            self.assertNotIn("does not exist in this object", r.err)
        bad = json.loads(json.dumps(good))
        bad["splits"]["train"]["shards"] = [dict(entry["shards"][0], samples="many")]
        with open(m, "w") as f:
            json.dump(bad, f)
        r = self.run_jsift("verify", d)
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("samples", r.err)
