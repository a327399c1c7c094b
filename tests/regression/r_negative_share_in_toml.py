"""Bug: a negative share in a TOML target reached an unsigned conversion
(undefined behaviour); shares in config files are now checked like on the
command line (found in review)."""
from harness import *  # noqa: F401,F403


class negative_share_in_toml(jsift_case):
    def test(self):
        cfg = self.write("p.toml", '[rebalance]\nby = ".record_type"\ntarget = { chat = -0.5, qa = 1.5 }\n')
        r = self.run_jsift("run", "--config", cfg, "-o", self.path("o"), CONV)
        self.assertEqual(r.rc, 2)
        self.assertIn("p.toml:3:", r.err)
        self.assertIn("must be a number from 0 to 1", r.err)
