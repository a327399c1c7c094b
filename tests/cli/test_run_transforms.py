"""jsift run with [[transform]] tables: the same bytes as the transform commands
piped into filter, dedup, rebalance and split; every line (and every record an
explode or window made) has one disposition; -j changes nothing; config errors
name the line."""
import json
import os

from harness import *  # noqa: F401,F403

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
CHAT = [os.path.join(EXAMPLES, "data", "chat-fail.jsonl"), os.path.join(EXAMPLES, "data", "chat-pass.jsonl")]
CONVERT_INPUT = fixture("golden", "convert-input.jsonl")
EXPLODE_INPUT = fixture("golden", "explode-input.jsonl")


def pipe(*commands, inputs):
    """The stdout of jsift commands chained with pipes, the first reading `inputs`."""
    return pipe_argvs(*([JSIFT, args[0], "-q", *args[1:], *(inputs if i == 0 else [])] for i, args in enumerate(commands)))


class run_transform_tests(jsift_case):
    def run_pipeline(self, text, inputs, *args, out="out", expect_rc=0):
        cfg = self.write("pipeline-%s.toml" % out, text)
        out = self.path(out)
        r, rep = self.run_with_report("run", "--config", cfg, "-o", out, *args, *inputs, expect_rc=expect_rc)
        return out, r, rep

    def test_one_to_one_transforms_equal_the_commands_piped(self):
        text = """
[[transform]]
set = [".source=seed", ".turns[role=assistant][-1].final=true"]
del = ".score"
[[transform]]
convert = "openai"
[filter]
turns = "2.."
[dedup]
key = [".messages[role=assistant][].content"]
"""
        want = pipe(("set", ".source=seed", ".turns[role=assistant][-1].final=true", "--del", ".score"), ("convert", "--to", "openai"),
                    ("filter", "--turns", "2.."), ("dedup", "--key", ".messages[role=assistant][].content"), inputs=[CONVERT_INPUT] + CHAT)
        outs = set()
        for j in (("-j1",), ("-j3", "--chunk-bytes", "64")):
            out, r, rep = self.run_pipeline(text, [CONVERT_INPUT] + CHAT, *j, out="o" + j[0])
            got = slurp(os.path.join(out, "data.jsonl"))
            self.assertEqual(got, want, j)
            outs.add(got)
            d = rep["dispositions"]
            self.assertEqual(d["filtered:convert"], 4)  # as `jsift convert --to openai` on that file
            self.assertNotIn("records", rep)  # one record per line: the lines' ledger is the only one
            self.assertEqual([t["transform"] for t in rep["transforms"]], ["set", "convert"])
            self.assertEqual(rep["transforms"][1]["not_converted"]["no conversation"], 1)
            self.assertIn("not converted (filtered:convert)", r.err)
        self.assertEqual(len(outs), 1)
        self.assertIn(b'"source":"seed"', want)

    def test_explode_then_the_stages_with_a_records_ledger(self):
        lines = read_lines(EXPLODE_INPUT)
        text = """
[[transform]]
explode = ".training_pairs"
inherit = [".input_parameters.persona_key=.metadata.persona", ".id=.parent_id"]
index = ".pair_index"
[[transform]]
set = ".source=seed"
[filter]
has = [".output"]
[dedup]
key = [".parent_id"]
[split]
ratios = { a = 0.5, b = 0.5 }
key = ".input"
"""
        explode = ("explode", ".training_pairs", "--inherit", ".input_parameters.persona_key=.metadata.persona", "--inherit", ".id=.parent_id",
                   "--index", ".pair_index")
        piped = self.path("piped")
        pipe(explode, ("set", ".source=seed"), ("filter", "--has", ".output"), ("dedup", "--key", ".parent_id"),
             ("split", "--ratios", "a=0.5,b=0.5", "--key", ".input", "-o", piped), inputs=[EXPLODE_INPUT])
        for j in (("-j1",), ("-j3", "--chunk-bytes", "64")):
            out, r, rep = self.run_pipeline(text, [EXPLODE_INPUT], *j, out="x" + j[0])
            for split in ("a", "b"):
                self.assertEqual(slurp(os.path.join(out, split + ".jsonl")), slurp(os.path.join(piped, split + ".jsonl")), (split, j))
            # lines: each expanded or not; records: each made record one disposition
            self.assertEqual(rep["dispositions"], {"expanded:explode": 1, "filtered:explode": 2, "total": len(lines)})
            made = sum(1 for l in lines for e in json.loads(l).get("training_pairs", []) if isinstance(e, dict) and not isinstance(e.get("metadata"), str))
            self.assertEqual(rep["records"]["made"], made)
            rd = dict(rep["records"]["dispositions"])
            self.assertEqual(rd.pop("total"), made)
            self.assertEqual(sum(rd.values()), made)
            self.assertEqual(rd["kept"], rep["outputs"]["a"]["records"] + rep["outputs"]["b"]["records"])
            self.assertEqual(rep["transforms"][0]["records_out"], made)
            self.assertEqual(rep["transforms"][0]["elements_left_out"], 2)
            self.assertIn("records made:", r.err)

    def test_window_then_rebalance_equals_the_pipe(self):
        text = """
[[transform]]
window = "1..2"
format = "messages"
[rebalance]
by = ".turn"
cap_all = 3
seed = 5
"""
        want = pipe(("window", "--history", "1..2", "--format", "messages"), ("rebalance", "--by", ".turn", "--cap-all", "3", "--seed", "5"),
                    inputs=CHAT)
        for j in (("-j1",), ("-j2", "--chunk-bytes", "4K")):
            out, r, rep = self.run_pipeline(text, CHAT, *j, out="w" + j[0])
            self.assertEqual(slurp(os.path.join(out, "data.jsonl")), want, j)
            rd = dict(rep["records"]["dispositions"])
            self.assertEqual(rd.pop("total"), rep["records"]["made"])
            self.assertGreater(rd["sampled_out"], 0)
            self.assertEqual(rd["kept"], len(want.splitlines()))

    def test_config_errors_name_the_line(self):
        cases = [('[[transform]]\nset = ".a=1"\nexplode = ".x"\n', "bad.toml:3:", "one transform per [[transform]] table"),
                 ('[[transform]]\nformat = "text"\n', "bad.toml:1:", "names its transform"),
                 ('[[transform]]\nconvert = "xml"\n', "bad.toml:2:", "'convert' must be"),
                 ('[[transform]]\ncut = [".id"]\nformat = "csv"\n', "bad.toml:3:", "unknown key 'format'"),
                 ('[[transform]]\nexplode = ".a"\n[[transform]]\nwindow = "1..3"\n', "bad.toml:4:", "one transform that makes several records"),
                 ('[[transform]]\nwindow = "2.."\n', "bad.toml:2:", "give an upper bound"),
                 ('[[transform]]\nset = "nothing"\n', "bad.toml:2:", "expected PATH=VALUE"),
                 ('[transform]\nset = ".a=1"\n', "bad.toml:1:", "[[transform]] tables")]
        for text, where, what in cases:
            cfg = self.write("bad.toml", text)
            r = self.run_jsift("run", "--config", cfg, "-o", self.path("o"), *CHAT)
            self.assertEqual(r.rc, 2, (text, r.err))
            self.assertIn(where, r.err, text)
            self.assertIn(what, r.err, text)
        self.assertFalse(os.path.exists(self.path("o")))


if __name__ == "__main__":
    import unittest
    unittest.main()
