"""Bug: `-o /dev/null` wrote a temporary in /dev and renamed it over the
device (as root: /dev/null became a regular file). Devices and FIFOs are
now written directly (found in review)."""
import os
import stat

from harness import *  # noqa: F401,F403


class dev_null_is_not_replaced(jsift_case):
    def test(self):
        r = self.run_jsift("filter", "-o", "/dev/null", CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertTrue(stat.S_ISCHR(os.stat("/dev/null").st_mode))
        self.assertEqual([n for n in os.listdir("/dev") if "jsift-tmp" in n], [])
        r = self.run_jsift("stats", "--json", "--report", "/dev/null", CONV)
        self.assertEqual(r.rc, 0, r.err)
        self.assertTrue(stat.S_ISCHR(os.stat("/dev/null").st_mode))
