"""The library's layers, as the folders show them, are the include graph:
a header or source of one layer includes only its own layer and the layers
below it (error.hpp is the base of all), and the library never includes the
CLI. Checked over the whole tree, and the checker itself on a tree with a
violation."""
import os
import re
import tempfile
import unittest

ROOT = os.environ.get("JSIFT_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

# Lower layers first; report and config are siblings (neither includes the other).
RANK = {"": 0, "io": 1, "engine": 2, "json": 3, "sets": 4, "stages": 5, "jobs": 6, "report": 7, "config": 7}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(rel):
    """The layer of a library file: include/jsift/<layer>/x.hpp or src/core/<layer>/x.cpp."""
    parts = rel.split("/")
    if parts[:2] == ["include", "jsift"]:
        return parts[2] if len(parts) > 3 else ""
    if parts[:2] == ["src", "core"]:
        return parts[2] if len(parts) > 3 else ""
    return None


def violations(root):
    out = []
    for base in ("include/jsift", "src/core"):
        for dirpath, _, files in os.walk(os.path.join(root, base)):
            for name in files:
                if not name.endswith((".hpp", ".cpp")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                own = layer_of(rel)
                if own == "" and name not in ("error.hpp", "error.cpp"):
                    out.append("%s: not in a layer folder (only error.hpp is the base of all)" % rel)
                    continue
                if own not in RANK:
                    out.append("%s: not in a layer folder (%s)" % (rel, ", ".join(k for k in RANK if k)))
                    continue
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for inc in INCLUDE.findall(text):
                    if inc.startswith("jsift/"):
                        parts = inc.split("/")
                        target = parts[1] if len(parts) > 2 else ""
                    elif "cli/" in inc or inc.startswith("../../cli"):
                        out.append("%s includes the CLI (%s)" % (rel, inc))
                        continue
                    else:  # a private header: resolve it against the file's folder
                        target_rel = os.path.normpath(os.path.join(os.path.dirname(rel), inc)).replace(os.sep, "/")
                        target = layer_of(target_rel)
                        if target is None:
                            out.append("%s includes %s, outside the library" % (rel, inc))
                            continue
                    if target not in RANK:
                        out.append("%s includes %s: no such layer" % (rel, inc))
                    elif target != own and RANK[target] >= RANK[own]:
                        out.append("%s (layer %s) includes %s (layer %s)" % (rel, own or "base", inc, target or "base"))
    return sorted(out)


class layers(unittest.TestCase):
    def test_the_tree_keeps_its_layers(self):
        self.assertEqual(violations(ROOT), [])

    def test_the_checker_finds_an_upward_include(self):
        with tempfile.TemporaryDirectory() as t:
            for rel, text in {
                "include/jsift/io/a.hpp": '#include "jsift/error.hpp"\n',
                "include/jsift/stages/b.hpp": '#include "jsift/io/a.hpp"\n',
                "include/jsift/sets/c.hpp": '#include "jsift/stages/b.hpp"\n',          # upward
                "include/jsift/report/d.hpp": '#include "jsift/config/e.hpp"\n',        # sibling
                "src/core/json/f.cpp": '#include "../jobs/g.hpp"\n',                   # upward, private
                "src/core/jobs/g.hpp": '#include "jsift/json/x.hpp"\n',
                "src/core/engine/h.cpp": '#include "../../cli/terminal.hpp"\n',        # the CLI
                "include/jsift/stray.hpp": "",                                       # no layer
            }.items():
                p = os.path.join(t, rel)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w") as f:
                    f.write(text)
            found = violations(t)
            self.assertEqual(len(found), 5, found)
            self.assertTrue(any("sets/c.hpp (layer sets) includes jsift/stages/b.hpp" in v for v in found), found)
            self.assertTrue(any("report/d.hpp" in v for v in found), found)
            self.assertTrue(any("json/f.cpp" in v for v in found), found)
            self.assertTrue(any("includes the CLI" in v for v in found), found)
            self.assertTrue(any("stray.hpp: not in a layer" in v for v in found), found)


if __name__ == "__main__":
    unittest.main()
