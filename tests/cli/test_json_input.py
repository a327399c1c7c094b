"""JSON text as input: a file whose first byte that is not whitespace is
'[' is read as its elements (one record each, whitespace outside strings
removed, nothing else changed), compressed or from a pipe, at any -j; one
pretty-printed value with --input-format json; broken arrays are clear
errors; the report's unit is the element."""
import gzip
import json
import os
import subprocess

from harness import *  # noqa: F401,F403

ARRAY = fixture("json", "alpaca-style.json")
EXPECTED = slurp(fixture("json", "alpaca-style.expected.jsonl"))
PRETTY = fixture("json", "pretty-object.json")


class json_input_tests(jsift_case):
    def test_elements_become_records_wherever_the_bytes_come_from(self):
        gz = self.write("a.json.gz", gzip.compress(slurp(ARRAY)))
        zst = self.path("a.json.zst")
        subprocess.run(["zstd", "-q", "-f", ARRAY, "-o", zst], check=True)
        for src in (ARRAY, gz, zst):
            for extra in (("-j1",), ("-j3", "--chunk-bytes", "64"), ("--mmap",)):
                r, rep = self.run_with_report("filter", "--on-invalid", "skip", *extra, src)
                self.assertEqual(r.out, EXPECTED, (src, extra))
                self.assertEqual(rep["unit"], "element")
                self.assertEqual(rep["lines"], 4)
                self.assertEqual(rep["dispositions"], {"kept": 3, "invalid:not_object": 1, "total": 4})
        r = self.run_jsift("filter", "--on-invalid", "skip", stdin=slurp(ARRAY))
        self.assertEqual((r.rc, r.out), (0, EXPECTED), r.err)
        self.assertIn("<stdin>: element 3, byte 1 of its minified text: not an object", r.err)  # a pipe cannot be read again
        r = self.run_jsift("filter", "--on-invalid", "skip", ARRAY)
        self.assertIn("alpaca-style.json:9:3: element 3: not an object", r.err)  # its line and column in the file
        # every command reads them: stats counts the elements' records
        r = self.run_jsift("stats", "--json", "--on-invalid", "skip", ARRAY)
        self.assertEqual(r.json()["records"], 3)
        # Python agrees on the values
        want = [e for e in json.loads(slurp(ARRAY).decode("utf-8-sig")) if isinstance(e, dict)]
        self.assertEqual([json.loads(l) for l in EXPECTED.splitlines()], want)

    def test_a_real_pretty_printed_array(self):
        # gsm8k's first records as one indented JSON array: the same records as the dataset's JSONL lines
        r, rep = self.run_with_report("convert", "--to", "jsonl", fixture("real", "array-gsm8k.json"))
        lines = read_lines(fixture("real", "array-gsm8k.lines.jsonl"))
        self.assertEqual([json.loads(l) for l in r.out.splitlines()], [json.loads(l) for l in lines])
        self.assertEqual(r.out, self.run_jsift("convert", "--to", "jsonl", fixture("real", "array-gsm8k.lines.jsonl")).out)
        self.assertEqual(rep["unit"], "element")
        r = self.run_jsift("stats", "--json", fixture("real", "array-gsm8k.json"))
        self.assertEqual(r.json()["records"], 4)

    def test_mixed_inputs_say_so_and_jsonl_stays_jsonl(self):
        jl = self.write("x.jsonl", '{"a": 1}\n')
        r, rep = self.run_with_report("filter", "--on-invalid", "skip", jl, ARRAY)
        self.assertEqual(rep["unit"], "line+element")
        self.assertEqual(r.out, b'{"a": 1}\n' + EXPECTED)
        r, rep = self.run_with_report("filter", jl)
        self.assertEqual(rep["unit"], "line")
        # --input-format jsonl: the array's lines are lines
        r = self.run_jsift("filter", "--input-format", "jsonl", "--on-invalid", "skip", "--report", self.path("r.json"), ARRAY)
        self.assertEqual(r.rc, 0, r.err)
        rep = json.loads(slurp(self.path("r.json")))
        self.assertEqual(rep["unit"], "line")
        self.assertEqual(rep["dispositions"].get("kept", 0), 1)  # only the last element is a line of its own with no comma
        self.assertEqual(rep["lines"], len(slurp(ARRAY).splitlines()))

    def test_one_pretty_value_with_input_format_json_and_a_hint_without(self):
        r, rep = self.run_with_report("filter", "--input-format", "json", PRETTY)
        self.assertEqual(r.out, b'{"id":"one","turns":[{"role":"user","content":"hi  there"}]}\n')
        r = self.run_jsift("filter", PRETTY)
        self.assertEqual(r.rc, 3)
        self.assertIn("pretty-object.json:1:2:", r.err)
        self.assertIn("--input-format json", r.err)
        r = self.run_jsift("filter", "--input-format", "json", stdin=b'{"a":1}\n{"b":2}\n')
        self.assertEqual(r.rc, 3)
        self.assertIn("more than one JSON value", r.err)

    def test_messages_name_the_elements_line_and_column_in_the_file(self):
        # each element made invalid in turn, pretty-printed, BOM, CRLF, compressed: the place Python's decoder gives
        elements = [{"id": i, "text": "caf\u00e9 %d" % i, "n": [1, 2.5, {"k": None}]} for i in range(6)]
        for bad in range(6):
            for crlf in (False, True):
                text = json.dumps(elements, indent=2, ensure_ascii=False)
                marker = '"n": [\n      1,'
                # the bad element: a literal broken where its second 'n' array starts
                at = 0
                for _ in range(bad + 1):
                    at = text.index(marker, at) + 1
                at = text.index("1,", at)
                text = text[:at] + "tru" + text[at + 1:]
                data = text.encode()
                if crlf:
                    data = data.replace(b"\n", b"\r\n")
                before = data.decode()[:data.decode().index("tru")]
                line = before.count("\n") + 1
                column = len(before.rsplit("\n", 1)[-1].encode()) + 1
                for name, payload in (("e.json", b"\xef\xbb\xbf" + data), ("e.json.gz", gzip.compress(data))):
                    f = self.write(name, payload)
                    r = self.run_jsift("filter", "-q", f)
                    self.assertEqual(r.rc, 3, r.err)
                    self.assertIn("%s:%d:%d: element %d: invalid literal" % (name, line, column, bad + 1), r.err, (bad, crlf, name))
        # the report says the element and where it is
        f = self.write("two.json", '[\n {"a": 1},\n 7\n]\n')
        r, rep = self.run_with_report("stats", "--json", "--on-invalid", "skip", f)
        first = rep["invalid"]["first"][0]
        self.assertEqual((first["element"], first["element_column"], first["line"], first["column"]), (2, 1, 3, 2))

    def test_a_fifo_is_not_read_twice_for_a_message(self):
        # the place of a bad element is found by reading the file again: never a pipe's bytes
        import threading
        fifo = self.path("in.json")
        os.mkfifo(fifo)
        data = ("[" + ",".join(['{"i": %d}' % i if i != 3 else '{"i": tru}' for i in range(2000)]) + "]").encode()

        def feed():
            with open(fifo, "wb") as f:
                f.write(data)
        t = threading.Thread(target=feed)
        t.start()
        r, rep = self.run_with_report("filter", "--on-invalid", "skip", fifo)
        t.join()
        self.assertEqual(len(r.out.splitlines()), 1999)
        self.assertIn("in.json: element 4, byte", r.err)

    def test_whitespace_between_two_scalars_is_not_removed(self):
        # "2 3" inside a value is invalid JSON, and must not become 23
        f = self.write("gap.json", '[{"a": [1,\n  2 3]}, {"b": [true\tfalse]}, {"c": [-1 .5]}, {"ok": [1 , 2]}]')
        r, rep = self.run_with_report("filter", "--on-invalid", "skip", f)
        self.assertEqual(r.out, b'{"ok":[1,2]}\n')
        self.assertEqual(rep["dispositions"]["invalid:json_syntax"], 3)
        self.assertIn("gap.json:2:5: element 1:", r.err)

    def test_broken_arrays_are_clear_errors(self):
        for data, what in ((b'[{"a":1},\n{"b":2}', "truncated JSON array: no closing ']' after element 2"),
                           (b'[{"a":1} {"b":2}]', "expected ',' or ']' after element 1"),
                           (b'[{"a":1}] x', "text after the end of the JSON array"),
                           (b'[{"a":1},]', "expected a value after element 1"),
                           (b'[{"a":"x]", "b":[1,2}', "truncated JSON array")):
            r = self.run_jsift("filter", stdin=data)
            self.assertEqual(r.rc, 3, (data, r.err))
            self.assertIn(what, r.err, data)
        r, rep = self.run_with_report("filter", stdin=b"  [ ]  \n")
        self.assertEqual((r.out, rep["lines"], rep["unit"]), (b"", 0, "line"))


if __name__ == "__main__":
    unittest.main()
