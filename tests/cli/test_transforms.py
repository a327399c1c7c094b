"""jsift set, cut, explode and window: golden files, the bytes of untouched values kept,
every line accounted for, pipes, -j, CSV that Python's csv module reads back,
and bad usage."""
import csv
import io
import json
import os

from harness import *  # noqa: F401,F403

GOLDEN = fixture("golden")
INPUT = os.path.join(GOLDEN, "transform-input.jsonl")
SET_ARGS = (".source=oasst", ".input_parameters.reviewed=false", ".turns[role=assistant][-1].final=true", "--del", ".tags")
CUT_CSV = ("-f", ".id,.score,.big,.text,.input_parameters.persona_key=persona,.turns[role=assistant][-1].content=answer,.tags[]=tags",
           "-f", ".input_parameters")
CUT_TSV = ("--format", "tsv", "-f", ".id,.score,.text,.turns[role=assistant][-1].content=answer,.chosen")
CUT_JSONL = ("--format", "jsonl", "-f", ".id,.score,.big,.input_parameters.persona_key=persona,.tags")
EXPLODE_INPUT = os.path.join(GOLDEN, "explode-input.jsonl")
EXPLODE_ARGS = (".training_pairs", "--inherit", ".input_parameters.persona_key=.metadata.persona", "--inherit", ".id=.parent_id",
                "--index", ".pair_index")


class transform_tests(jsift_case):
    def test_golden_outputs_for_every_j_and_from_a_pipe(self):
        for name, args in (("set.golden.jsonl", ("set",) + SET_ARGS), ("cut.golden.csv", ("cut",) + CUT_CSV),
                           ("cut.golden.tsv", ("cut",) + CUT_TSV), ("cut.golden.jsonl", ("cut",) + CUT_JSONL)):
            want = slurp(os.path.join(GOLDEN, name))
            for extra in (("-j1",), ("-j3", "--chunk-bytes", "64")):
                r, rep = self.run_with_report(*args, *extra, INPUT)
                self.assertEqual(r.out, want, (name, extra))
            r = self.run_jsift(*args, stdin=slurp(INPUT))
            self.assertEqual((r.rc, r.out), (0, want), (name, r.err))
            out = self.path(name)
            r, rep = self.run_with_report(*args, INPUT, "-o", out)
            self.assertEqual(slurp(out), want, name)

    def test_explode_golden_oracle_and_accounting(self):
        want = slurp(os.path.join(GOLDEN, "explode.golden.jsonl"))
        for extra in (("-j1",), ("-j3", "--chunk-bytes", "64")):
            r, rep = self.run_with_report("explode", *EXPLODE_ARGS, *extra, EXPLODE_INPUT)
            self.assertEqual(r.out, want, extra)
        r = self.run_jsift("explode", *EXPLODE_ARGS, stdin=slurp(EXPLODE_INPUT))
        self.assertEqual((r.rc, r.out), (0, want), r.err)
        # the oracle: each object element, as its bytes, plus what it inherits, last
        got, lines = [], read_lines(EXPLODE_INPUT)
        for line in lines:
            rec = json.loads(line)
            for i, e in enumerate(rec.get("training_pairs") or []):
                if not isinstance(e, dict) or isinstance(e.get("metadata", {}), str):
                    continue
                e = dict(e)
                if "persona_key" in rec.get("input_parameters", {}):
                    e["metadata"] = dict(e.get("metadata", {}), persona=rec["input_parameters"]["persona_key"])
                e["parent_id"], e["pair_index"] = rec["id"], i
                got.append(e)
        self.assertEqual([json.loads(l) for l in want.splitlines()], got)
        self.assertIn(b'"score":1.0', want)  # the element's own bytes
        r, rep = self.run_with_report("explode", *EXPLODE_ARGS, EXPLODE_INPUT)
        self.assertEqual(rep["dispositions"], {"kept": 1, "filtered:explode": 2, "total": 3})
        self.assertEqual(rep["explode"], {"path": ".training_pairs", "records_out": 2, "elements_left_out": 2})
        self.assertIn("-> 2 records (2 elements left out", r.err)
        for args, what in ((("explode", EXPLODE_INPUT), "first argument is the array's PATH"),
                           (("explode", ".a[]", EXPLODE_INPUT), "one array"),
                           (("explode", ".a", "--inherit", ".id", EXPLODE_INPUT), "SRC=DEST"),
                           (("explode", ".a", "--inherit", ".id=.", EXPLODE_INPUT), "DEST names one place")):
            r = self.run_jsift(*args)
            self.assertEqual(r.rc, 2, (args, r.err))
            self.assertIn(what, r.err, args)

    def test_window_joins_text_parts_between_parts_with_text(self):
        src = self.write("parts.jsonl", json.dumps({"messages": [
            {"role": "user", "content": [{"type": "text", "text": ""}, {"type": "text", "text": "b"}, {"type": "image_url"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "x"}, {"type": "text", "text": "y"}]}]}) + "\n")
        r = self.run_jsift("window", "-q", src)
        self.assertEqual(json.loads(r.out), {"turn": 1, "input": "User: b", "output": "x\ny"})

    def test_window_golden_and_oracle(self):
        src = os.path.join(GOLDEN, "window-input.jsonl")
        labels = {"user": "User", "assistant": "Assistant", "system": "System"}
        roles = {"human": "user", "gpt": "assistant", "user": "user", "assistant": "assistant", "system": "system"}

        def messages(rec):
            conv = rec.get("conversations") or rec.get("messages") or []
            out = []
            for m in conv:
                r = roles[m.get("role", m.get("from"))]
                c = m.get("content", m.get("value"))
                out.append((r, c if isinstance(c, str) else "\n".join(p["text"] for p in c)))
            return out

        for golden, args, lo, hi, fmt in (("window.golden.jsonl", (), 1, 3, "text"),
                                          ("window.messages.golden.jsonl", ("--history", "2..2", "--format", "messages"), 2, 2, "messages")):
            want = slurp(os.path.join(GOLDEN, golden))
            for extra in (("-j1",), ("-j3", "--chunk-bytes", "64")):
                r, rep = self.run_with_report("window", *args, *extra, src)
                self.assertEqual(r.out, want, (golden, extra))
            self.assertEqual(rep["dispositions"], {"kept": 2, "filtered:window": 1, "total": 3})
            self.assertEqual(rep["window"]["records_out"], len(want.splitlines()))
            expect = []
            for line in read_lines(src):
                rec = json.loads(line)
                ms = messages(rec)
                for k, (r, text) in enumerate(ms):
                    if r != "assistant" or k < lo:
                        continue
                    hist = ms[k - min(hi, k):k]
                    inp = ("\n".join("%s: %s" % (labels[hr], ht) for hr, ht in hist) if fmt == "text"
                           else [{"role": hr, "content": ht} for hr, ht in hist])
                    expect.append({"id": "%s#%d" % (rec["id"], k), "parent_id": rec["id"], "turn": k, "input": inp, "output": text})
            self.assertEqual([json.loads(l) for l in want.splitlines()], expect, golden)
        for bad in (("--history", "1.."), ("--history", "0"), ("--format", "html")):
            r = self.run_jsift("window", *bad, src)
            self.assertEqual(r.rc, 2, (bad, r.err))

    def test_set_changes_only_what_it_names(self):
        r, rep = self.run_with_report("set", *SET_ARGS, INPUT)
        self.assertEqual(rep["dispositions"], {"kept": 2, "filtered:set": 1, "total": 3})  # p1: input_parameters is a string
        outs = [json.loads(l) for l in r.out.splitlines()]
        ins = [json.loads(l) for l in read_lines(INPUT)][:2]
        for before, after in zip(ins, outs):
            want = dict(before)
            want.pop("tags", None)
            want["source"] = "oasst"
            want["input_parameters"] = dict(before["input_parameters"], reviewed=False)
            if "turns" in before:
                want["turns"] = [dict(t) for t in before["turns"]]
                want["turns"][-1]["final"] = True
            self.assertEqual(after, want)
            self.assertEqual(list(after)[-1], "source")  # new members go last
        # untouched values keep their bytes: number spellings, escapes, spacing
        first, second = r.out.splitlines()
        self.assertIn(b'"score":1.0,"big":12345678901234567890,"text":"caf\\u00e9 \\"quoted\\", comma"', first)
        self.assertIn(b'"record_type":"qa", "score":2e-3 ,"question"', second)

    def test_csv_reads_back_with_python(self):
        r, rep = self.run_with_report("cut", *CUT_CSV, INPUT)
        self.assertIn(b"\r\n", r.out)
        rows = list(csv.reader(io.StringIO(r.out.decode(), newline="")))
        self.assertEqual(rows[0], ["id", "score", "big", "text", "persona", "answer", "tags", "input_parameters"])
        recs = [json.loads(l) for l in read_lines(INPUT)]
        for row, rec in zip(rows[1:], recs):
            ip = rec.get("input_parameters")
            turns = [t for t in rec.get("turns", []) if t["role"] == "assistant"]
            want = [rec["id"], "" if rec["score"] is None else None, "", rec.get("text", ""),
                    ip.get("persona_key", "") if isinstance(ip, dict) else "", turns[-1]["content"] if turns else "",
                    json.dumps(rec["tags"], separators=(",", ":")) if rec.get("tags") else "",  # none reached: empty
                    json.dumps(ip, separators=(",", ":"), ensure_ascii=False) if isinstance(ip, dict) else ip]
            got = list(row)
            want[1] = got[1] if want[1] is None else want[1]  # numbers as written: checked below
            want[2] = got[2] if "big" in rec else ""
            self.assertEqual(got, want)
        self.assertEqual([row[1] for row in rows[1:]], ["1.0", "2e-3", ""])
        self.assertEqual(rows[1][2], "12345678901234567890")
        self.assertEqual(rep["dispositions"], {"kept": 3, "total": 3})

    def test_usage_errors(self):
        for args, what in ((("set", INPUT), "at least one PATH=VALUE"), (("set", "--del", ".", INPUT), "cannot be deleted"),
                           (("cut", INPUT), "at least one PATH"), (("cut", "-f", "nodot", INPUT), "invalid path"),
                           (("cut", "-f", ".a,,.b", INPUT), "empty field"), (("cut", "--format", "xml", "-f", ".a", INPUT), "xml"),
                           (("set", ".a[role=robot].x=1", INPUT), "unknown role"),
                           (("cut", "-f", ".a.id,.b.id", INPUT), "two fields named 'id'")):
            r = self.run_jsift(*args)
            self.assertEqual(r.rc, 2, (args, r.err))
            self.assertIn(what, r.err, args)

    def test_a_cut_field_no_record_has_is_said(self):
        r, rep = self.run_with_report("cut", "-f", ".id,.nowhere", INPUT)
        self.assertIn("no record has a value at .nowhere", r.err)
        self.assertNotIn("at .id", r.err)
        r, rep = self.run_with_report("cut", "-f", ".id", INPUT)
        self.assertNotIn("warning", r.err)

    def test_edge_names_ids_and_roles(self):
        src = self.write("e.jsonl", '{"id":"","turns":[{"role":null,"from":"human","content":"q"},{"role":"assistant","content":"a"}],"a":1,"a":2}\n')
        r, rep = self.run_with_report("window", src)
        self.assertEqual(json.loads(r.out), {"id": "#1", "parent_id": "", "turn": 1, "input": "User: q", "output": "a"})
        r, rep = self.run_with_report("cut", "--format", "jsonl", "-f", ".a=tab\there", src)
        self.assertEqual(json.loads(r.out), {"tab\there": 1})  # the name escaped: valid JSON
        r, rep = self.run_with_report("set", "--del", ".a", src)
        self.assertNotIn(b'"a":', r.out)  # every repeat of the key, or the second would show
        r, rep = self.run_with_report("filter", "--eq", ".turns[role=user][0].content=q", src)
        r2, rep2 = self.run_with_report("cut", "-f", ".turns[role=user][0].content=q", src)
        self.assertEqual((rep["dispositions"]["kept"], r2.out), (1, b"q\r\nq\r\n"))  # DOM and raw walks agree on the role

    def test_invalid_lines_are_accounted_for_and_cut_rows_stay_in_order(self):
        src = self.write("mixed.jsonl", '{"id":1}\nnot json\n{"id":2}\n')
        r, rep = self.run_with_report("cut", "--on-invalid", "skip", "-f", ".id", src)
        self.assertEqual(r.out, b"id\r\n1\r\n2\r\n")
        r = self.run_jsift("set", ".x=1", src)
        self.assertEqual(r.rc, 3)
        self.assertEqual(r.out, b'{"id":1,"x":1}\n')  # the records before the bad line, then the stop


if __name__ == "__main__":
    unittest.main()
