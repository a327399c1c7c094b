"""jsift dedup: first occurrence kept, byte-exact, every key and normalisation,
--dups, --index round trips, --against, --max-memory, and the accounting."""
import hashlib
import json
import os
import re
import string
import unicodedata

from harness import *  # noqa: F401,F403


def canon(value, norm=()):
    """Python's version of jsift's canonical key, to compute expectations."""
    if isinstance(value, dict):
        return {k: canon(v, norm) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [canon(v, norm) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        if "nfkc" in norm:
            value = unicodedata.normalize("NFKC", value)
        if "fold" in norm:
            value = unicodedata.normalize("NFC", unicodedata.normalize("NFC", value).casefold())
        if "punct" in norm:
            value = "".join(c for c in value if c not in string.punctuation)
        if "ws" in norm:
            value = re.sub(r"[ \t\n\r\f\v]+", " ", value).strip()
        if "case" in norm:
            value = "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in value)
        return value
    return value


def keep_first(lines, key):
    seen, kept, dropped = set(), [], 0
    for l in lines:
        k = key(json.loads(l))
        if k is None:
            kept.append(l)
            continue
        k = json.dumps(k, sort_keys=True, ensure_ascii=False)
        if k in seen:
            dropped += 1
        else:
            seen.add(k)
            kept.append(l)
    return b"".join(l + b"\n" for l in kept), dropped


class dedup_tests(jsift_case):
    def test_whole_record_dedup_keeps_first_occurrence(self):
        lines = read_lines(CONV) + read_lines(PAIRS)
        want, dropped = keep_first(lines, canon)
        r, rep = self.run_with_report("dedup", CONV, PAIRS)
        self.assertGreater(dropped, 10)
        self.assertEqual(r.out, want)
        self.assertEqual(rep["dispositions"]["duplicate"], dropped)
        self.assertEqual(rep["dispositions"]["kept"] + dropped, len(lines))
        self.assertEqual(rep["dedup"]["duplicates"], dropped)

    def test_key_order_and_whitespace_do_not_matter(self):
        src = self.write("k.jsonl", '{"a": 1, "b": [1, 2]}\n{"b":[1,2],"a":1.0}\n{"a":1,"b":[2,1]}\n')
        r, rep = self.run_with_report("dedup", src)
        self.assertEqual(r.out, b'{"a": 1, "b": [1, 2]}\n{"a":1,"b":[2,1]}\n')

    def test_key_paths(self):
        lines = read_lines(CONV)
        path = lambda r: [t["content"] for t in r["turns"]]  # noqa: E731
        want, dropped = keep_first(lines, path)
        r, rep = self.run_with_report("dedup", "--key", ".turns[].content", CONV)
        self.assertEqual(r.out, want)
        want2, _ = keep_first(lines, lambda r: [r["input_parameters"]["persona_key"], r["outcome"]])
        r, rep = self.run_with_report("dedup", "--key", ".input_parameters.persona_key", "--key", ".outcome", CONV)
        self.assertEqual(r.out, want2)
        self.assertEqual(rep["dispositions"]["kept"], 12)  # 6 personas x 2 outcomes

    def test_each_normalisation(self):
        recs = ['{"t": "Hello world"}', '{"t": "hello   world "}', '{"t": "Hello, world!"}', '{"t": "HELLO WORLD"}']
        src = self.write("n.jsonl", "\n".join(recs) + "\n")
        for norm, kept in (("none", 4), ("ws", 4), ("ws,case", 2), ("ws,case,punct", 1), ("case", 3)):
            r, rep = self.run_with_report("dedup", "--normalize", norm, src)
            self.assertEqual(rep["dispositions"]["kept"], kept, norm)
            lines = [l.encode() for l in recs]
            want, _ = keep_first(lines, lambda r: canon(r, tuple(norm.split(","))))
            self.assertEqual(r.out, want, norm)

    def test_unicode_normalisation(self):
        # Python's unicodedata is the oracle: full-width forms, ligatures,
        # precomposed and combining accents, German sharp s, CJK, emoji.
        recs = ['{"t": "你好，世界！"}', '{"t": "你好,世界!"}', '{"t": "你好世界"}', '{"t": "\\uff28\\uff45llo"}',
                '{"t": "hello"}', '{"t": "HELLO"}', '{"t": "ÉCOLE"}', '{"t": "e\\u0301cole"}', '{"t": "école"}',
                '{"t": "Straße"}', '{"t": "STRASSE"}', '{"t": "\\ufb01le"}', '{"t": "FILE"}', '{"t": "🔥 ok"}',
                '{"t": "🔥  OK"}', '{"k": ["Ⅻ", "xii"]}', '{"k": ["XII", "XII"]}']
        src = self.write("u.jsonl", "\n".join(recs) + "\n")
        lines = [l.encode() for l in recs]
        for norm in ("nfkc", "fold", "nfkc,fold", "nfkc,punct", "nfkc,fold,punct,ws", "case", "fold,ws"):
            r, rep = self.run_with_report("dedup", "--normalize", norm, src)
            want, dropped = keep_first(lines, lambda r: canon(r, tuple(norm.split(","))))
            self.assertEqual(r.out, want, norm)
            self.assertEqual(rep["dispositions"]["duplicate"], dropped, norm)
            for j in ("-j1", "-j3"):
                self.assertEqual(self.run_jsift("dedup", j, "--normalize", norm, src).out, want, (norm, j))
        # ASCII `case` leaves other scripts alone; `fold` does not.
        _, case_rep = self.run_with_report("dedup", "--normalize", "case", src)
        _, fold_rep = self.run_with_report("dedup", "--normalize", "fold", src)
        self.assertGreater(fold_rep["dispositions"]["duplicate"], case_rep["dispositions"]["duplicate"])
        # stats --unique and its duplicate rate use the same rules.
        r = self.run_jsift("stats", "--json", "--normalize", "nfkc,fold", "--unique", ".t", src)
        self.assertEqual(r.rc, 0, r.err)
        st = json.loads(r.out)
        texts = {canon(json.loads(l)["t"], ("nfkc", "fold")) for l in recs if '"t"' in l}
        self.assertEqual(st["unique"][0]["distinct"], len(texts))
        self.assertEqual(st["unique"][0]["normalize"], "nfkc,fold")

    def test_unicode_index_names_its_tables_and_is_refused_under_other_rules(self):
        idx = self.path("u.idx")
        src = self.write("u.jsonl", '{"t": "ÉCOLE"}\n{"t": "école"}\n')
        r, rep = self.run_with_report("dedup", "--normalize", "fold", "--index", idx, src)
        self.assertEqual(r.out, '{"t": "ÉCOLE"}\n'.encode())
        data = slurp(idx)
        self.assertEqual(int.from_bytes(data[8:12], "little"), 2)
        self.assertRegex(data, rb"record;normalize=fold;unicode=\d+\.\d+\.\d+")
        r, rep = self.run_with_report("dedup", "--normalize", "fold", "--index", idx, src)
        self.assertEqual(r.out, b"")  # both seen in the first run
        r = self.run_jsift("dedup", "--normalize", "case", "--index", idx, src)
        self.assertEqual(r.rc, 3)
        self.assertIn("index was built for key 'record;normalize=fold;unicode=", r.err)

    def test_keyless_records_are_kept(self):
        src = self.write("x.jsonl", '{"a": 1}\n{"b": 1}\n{"b": 1}\n{"a": 1}\n')
        r, rep = self.run_with_report("dedup", "--key", ".a", src)
        self.assertEqual(r.out, b'{"a": 1}\n{"b": 1}\n{"b": 1}\n')
        self.assertEqual(rep["dedup"]["keyless"], 2)

    def test_dups_file_names_the_first_occurrence(self):
        src = self.write("d.jsonl", '{"a": 1}\n{"a": 2}\n\n{"a": 1}\n')
        dups = self.path("dups.jsonl")
        r, rep = self.run_with_report("dedup", "--dups", dups, CONV, src)
        rows = [json.loads(l) for l in slurp(dups).splitlines()]
        self.assertEqual(len(rows), rep["dispositions"]["duplicate"])
        last = rows[-1]
        self.assertEqual((last["file"], last["line"]), (src, 4))
        self.assertEqual(last["duplicate_of"], {"file": src, "line": 1})
        self.assertRegex(last["key"], r"^[0-9a-f]{32}$")
        for row in rows[:-1]:  # duplicates inside the sample: the first is earlier in the same file
            self.assertEqual(row["duplicate_of"]["file"], CONV)
            self.assertLess(row["duplicate_of"]["line"], row["line"])
            first = read_lines(CONV)[row["duplicate_of"]["line"] - 1]
            this = read_lines(CONV)[row["line"] - 1]
            self.assertEqual(canon(json.loads(first)), canon(json.loads(this)))

    def test_count_only(self):
        r, rep = self.run_with_report("dedup", "--count-only", CONV)
        _, dropped = keep_first(read_lines(CONV), canon)
        self.assertIn(f"{dropped} duplicates".encode(), r.out)
        self.assertEqual(rep["dispositions"]["duplicate"], dropped)

    def test_index_round_trip(self):
        idx = self.path("seen.idx")
        first = self.write("first.jsonl", '{"a": 1}\n{"a": 2}\n')
        second = self.write("second.jsonl", '{"a": 2}\n{"a": 3}\n{"a": 1}\n')
        r, rep = self.run_with_report("dedup", "--index", idx, first)
        self.assertEqual(r.out, slurp(first))
        dups = self.path("dups.jsonl")
        r, rep = self.run_with_report("dedup", "--index", idx, "--dups", dups, second)
        self.assertEqual(r.out, b'{"a": 3}\n')
        self.assertEqual(rep["dedup"]["index_loaded"], 2)
        self.assertEqual(json.loads(slurp(dups).splitlines()[0])["duplicate_of"], {"index": idx})
        r, rep = self.run_with_report("dedup", "--index", idx, first, second)
        self.assertEqual(r.out, b"")  # everything seen in earlier runs
        # the index remembers the key spec
        r = self.run_jsift("dedup", "--index", idx, "--key", ".a", first)
        self.assertEqual(r.rc, 3)
        self.assertIn("index was built for key 'record;normalize=none'", r.err)

    def test_corrupt_truncated_or_foreign_index_is_exit_3(self):
        idx = self.path("seen.idx")
        self.run_with_report("dedup", "--index", idx, CONV)
        good = slurp(idx)
        for name, data, what in (("flip", good[:-20] + bytes([good[-20] ^ 1]) + good[-19:], "checksum mismatch"),
                                 ("short", good[:-9], "truncated"),
                                 ("foreign", b'{"a": 1}\n', "not a jsift index")):
            bad = self.write(name + ".idx", data)
            r = self.run_jsift("dedup", "--index", bad, CONV)
            self.assertEqual(r.rc, 3, name)
            self.assertIn(what, r.err, name)
            self.assertEqual(slurp(bad), data, name)  # not overwritten

    def test_against_reference_sets(self):
        evalset = self.write("eval.jsonl", b"".join(l + b"\n" for l in read_lines(CONV)[:5]))
        lines = read_lines(CONV)
        contaminated = {json.dumps(canon(json.loads(l)), sort_keys=True) for l in lines[:5]}
        r, rep = self.run_with_report("dedup", "--against", evalset, CONV)
        for l in r.out.splitlines():
            self.assertNotIn(json.dumps(canon(json.loads(l)), sort_keys=True), contaminated)
        self.assertGreaterEqual(rep["dedup"]["against"], 5)
        # an index works as a reference too, and is not modified
        idx = self.path("eval.idx")
        self.run_with_report("dedup", "--index", idx, evalset)
        before = slurp(idx)
        r2, rep2 = self.run_with_report("dedup", "--against", idx, CONV)
        self.assertEqual(r2.out, r.out)
        self.assertEqual(slurp(idx), before)

    def test_gz_input_and_duplicates_across_files_and_chunks(self):
        gz = fixture("compressed", "conversations.jsonl.gz")
        r1, _ = self.run_with_report("dedup", gz, CONV, "--chunk-bytes", "2K", "-j2")
        want, _ = keep_first(read_lines(CONV) * 2, canon)
        self.assertEqual(r1.out, want)

    def test_threads_do_not_change_output(self):
        # Chunks decide their keys on the workers, in any order: the output,
        # --dups (first occurrences) and --index bytes must not depend on it.
        big = self.write("big.jsonl", (slurp(CONV) + slurp(PAIRS)) * 5)
        lines = read_lines(big)
        want, dropped = keep_first(lines, canon)
        outs = set()
        for args in (("-j1",), ("-j2", "--chunk-bytes", "4K"), ("-j8", "--chunk-bytes", "1K"), ("-j8", "--mmap", "--chunk-bytes", "64")):
            dups, idx = self.path("dups.jsonl"), self.path("seen.idx")
            for f in (dups, idx):
                if os.path.exists(f):
                    os.remove(f)
            r, rep = self.run_with_report("dedup", *args, "--dups", dups, "--index", idx, big)
            self.assertEqual(r.out, want, args)
            rows = [json.loads(l) for l in slurp(dups).splitlines()]
            self.assertEqual(len(rows), dropped, args)
            seen = {}
            for n, l in enumerate(lines, 1):
                seen.setdefault(json.dumps(canon(json.loads(l)), sort_keys=True), n)
            for row in rows:
                key = json.dumps(canon(json.loads(lines[row["line"] - 1])), sort_keys=True)
                self.assertEqual(row["duplicate_of"], {"file": big, "line": seen[key]}, args)
            outs.add((hashlib.sha256(r.out).hexdigest(), hashlib.sha256(slurp(dups)).hexdigest(), hashlib.sha256(slurp(idx)).hexdigest()))
        self.assertEqual(len(outs), 1)

    def test_line_endings_bom_and_the_fail_prefix(self):
        # Kept records are written from the input bytes: CRLF, a BOM and a
        # last line without \n must still come out as the record and \n,
        # across chunks, threads, files and the stream path.
        body = b"".join(b'{"a":%d}\r\n{"b":%d}\n{"a":%d}\r\n\n{"c":%d}\n' % (i % 7, i, i % 7, i % 11) for i in range(60))
        data = b"\xef\xbb\xbf" + body + b'{"z":1}'
        want, dropped = keep_first([l.rstrip(b"\r").lstrip(b"\xef\xbb\xbf") for l in data.split(b"\n") if l.strip(b"\r")], canon)
        src = self.write("endings.jsonl", data)
        second = self.write("second.jsonl", b'{"z":1}\n{"y":2}')  # no final newline either
        want2, _ = keep_first([l.rstrip(b"\r").lstrip(b"\xef\xbb\xbf") for l in (data + b"\n" + slurp(second)).split(b"\n")
                               if l.strip(b"\r")], canon)
        self.assertGreater(dropped, 50)
        for chunk in ("64", "200", "4M"):
            for j in ("-j1", "-j4"):
                r, rep = self.run_with_report("dedup", j, "--chunk-bytes", chunk, src)
                self.assertEqual(r.out, want, (chunk, j))
                self.assertEqual(rep["dispositions"]["duplicate"], dropped)
                r = self.run_jsift("dedup", j, "--chunk-bytes", chunk, "-", stdin=data)  # the stream path
                self.assertEqual(r.out, want, (chunk, j))
                r, _ = self.run_with_report("dedup", j, "--chunk-bytes", chunk, src, second)
                self.assertEqual(r.out, want2, (chunk, j))
        # Under `fail`, the records before the bad line are written, no more,
        # wherever the bad line falls among the chunks.
        lines = [b'{"a":%d}' % (i % 5) for i in range(200)]
        for bad_at in (3, 150):
            bad = self.write("bad.jsonl", b"\n".join(lines[:bad_at] + [b'{"a":'] + lines[bad_at:]) + b"\n")
            expect, _ = keep_first(lines[:bad_at], canon)
            for chunk in ("64", "4M"):
                for j in ("-j1", "-j4"):
                    r = self.run_jsift("dedup", j, "--chunk-bytes", chunk, bad)
                    self.assertEqual(r.rc, 3)
                    self.assertEqual(r.out, expect, (bad_at, chunk, j))

    def test_max_memory(self):
        r = self.run_jsift("dedup", "--max-memory", "1K", CONV)
        self.assertEqual(r.rc, 4)
        self.assertIn("--max-memory", r.err)
        self.assertEqual(self.run_jsift("dedup", "--max-memory", "10M", CONV).rc, 0)

    def test_usage_errors(self):
        for args in (["--normalize", "loud"], ["--count-only", "-o", self.path("x")], ["--key", "nodot"]):
            r = self.run_jsift("dedup", *args, CONV)
            self.assertEqual(r.rc, 2, args)
