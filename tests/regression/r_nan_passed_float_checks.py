"""Bug D5: NaN and infinity passed every float check written as `x < 0 || x
> 1`: `rebalance --target chat=nan` and `run` wrote 0 records at exit 0,
`split --ratios x=nan` sent everything to one split, and a gate's
`min_ratio = nan` or `tolerance = nan` passed checks that fail with real
values. Every float read from a flag or a config file must be finite."""
import os

from harness import *  # noqa: F401,F403


class nan_passed_float_checks(jsift_case):
    def test_flags(self):
        for args in (["rebalance", "--by", ".record_type", "--target", "chat=nan,qa=0.5"],
                     ["rebalance", "--by", ".record_type", "--target", "chat=inf"],
                     ["split", "--ratios", "a=nan,b=1", "-o", self.path("s")],
                     ["sample", "--fraction", "nan"],
                     ["sample", "--fraction", "-inf"],
                     ["filter", "--max-line-bytes", "nan"],
                     ["shard", "-o", self.path("sh"), "--max-bytes", "infMiB"]):
            r = self.run_jsift(*args, CONV)
            self.assertEqual(r.rc, 2, (args, r.err))
            self.assertRegex(r.err, r"jsift: --[a-z-]+: ", args)

    def test_config_files(self):
        checks = {'type = "unique"\npath = ".turns[-1].content"\nmin_ratio = nan\n': "min_ratio",
                  'type = "mix"\nby = ".record_type"\ntarget = { chat = 0.5, qa = 0.5 }\ntolerance = nan\n': "tolerance",
                  'type = "ratio"\npath = ".record_type"\nvalue = "chat"\ntarget = inf\n': "target",
                  'type = "nonempty"\npath = ".turns"\nmax_share = -nan\n': "max_share"}
        for body, key in checks.items():
            cfg = self.write("g.toml", "[[check]]\n" + body)
            r = self.run_jsift("gate", "--config", cfg, CONV)
            self.assertEqual(r.rc, 2, (body, r.err))
            self.assertIn("g.toml:", r.err)
            self.assertIn(key, r.err)
        for text in ('[rebalance]\nby = ".record_type"\ntarget = { chat = nan, qa = 0.5 }\n',
                     '[split]\nratios = { a = nan, b = 1.0 }\n'):
            cfg = self.write("p.toml", text)
            r = self.run_jsift("run", "--config", cfg, "-o", self.path("o"), CONV)
            self.assertEqual(r.rc, 2, (text, r.err))
            self.assertIn("p.toml:", r.err)
        self.assertFalse(os.path.exists(self.path("o")))
