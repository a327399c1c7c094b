"""jsift convert: OpenAI, ShareGPT and Alpaca against a Python oracle and golden files,
the bytes of what it does not rename kept, the round trip, every line accounted for
with the reason a record was not converted, -j, pipes, JSON text to JSONL, bad usage."""
import json
import os

from harness import *  # noqa: F401,F403

GOLDEN = fixture("golden")
INPUT = os.path.join(GOLDEN, "convert-input.jsonl")
ORDER = ("turns", "messages", "conversations", "training_pairs", "history", "traj", "chosen")
ROLES = {"user": "user", "human": "user", "prompter": "user", "assistant": "assistant", "gpt": "assistant",
         "bot": "assistant", "model": "assistant", "chatgpt": "assistant", "system": "system", "tool": "tool",
         "function": "tool", "observation": "tool", "ipython": "tool", "tool_response": "tool"}
WORDS = {"openai": {"user": "user", "assistant": "assistant", "system": "system", "tool": "tool"},
         "sharegpt": {"user": "human", "assistant": "gpt", "system": "system", "tool": "observation"}}
ALPACA = ("instruction", "input", "output", "system", "history")


class cannot(Exception):
    pass


def dialogue(text):
    """hh-rlhf text cut at its markers, as (role, text) pairs."""
    out, rest = [], "\n\n" + text if not text.startswith("\n\n") else text
    for piece in rest.split("\n\n")[1:]:
        for marker, role in (("Human:", "user"), ("Assistant:", "assistant")):
            if piece.startswith(marker):
                out.append([role, piece[len(marker):]])
                break
        else:
            if out:
                out[-1][1] += "\n\n" + piece
    return [(r, t.strip()) for r, t in out]


def source_messages(rec):
    """(key, [(role name, role, text field, text, other fields)]) or raises cannot."""
    if "instruction" in rec and "output" in rec:
        msgs = []
        if "system" in rec:
            msgs.append(("system", "system", None, rec["system"], {}))
        for u, a in rec.get("history", []):
            msgs += [("user", "user", None, u, {}), ("assistant", "assistant", None, a, {})]
        user = rec["instruction"] + ("\n" + rec["input"] if rec.get("input") else "")
        msgs += [("user", "user", None, user, {}), ("assistant", "assistant", None, rec["output"], {})]
        return "alpaca", msgs
    key = next((k for k in ORDER if k in rec and (k != "chosen" or (isinstance(rec[k], str) and rec[k].startswith(("Human:", "\n\nHuman:"))))), None)
    if key is None:
        raise cannot("no conversation")
    conv = rec[key]
    if isinstance(conv, str):
        if not conv.startswith(("Human:", "\n\nHuman:")) or "\n\nAssistant:" not in conv:
            raise cannot("a conversation element that is not a message")
        return key, [(r, r, None, t, {}) for r, t in dialogue(conv)]
    if not isinstance(conv, list):
        raise cannot("a conversation element that is not a message")
    msgs = []
    for m in conv:
        if isinstance(m, list) and len(m) == 2:
            msgs += [("user", "user", None, m[0], {}), ("assistant", "assistant", None, m[1], {})]
        elif isinstance(m, dict) and ("role" in m or "from" in m):
            if "role" in m and "from" in m or sum(k in m for k in ("content", "value", "text")) > 1:
                raise cannot("a message with two role fields or two text fields")
            name = m.get("role", m.get("from"))
            tkey = next((k for k in ("content", "value", "text") if k in m), None)
            other = {k: v for k, v in m.items() if k not in ("role", "from", tkey)}
            msgs.append((name, ROLES.get(name.lower(), "other"), tkey, m.get(tkey), other))
        elif isinstance(m, dict) and ("user" in m or "bot" in m):
            msgs += [("user", "user", None, m["user"], {}), ("assistant", "assistant", None, m["bot"], {})]
        else:
            raise cannot("a conversation element that is not a message")
    return key, msgs


def as_text(content):
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) and p.get("type") == "text" and set(p) == {"type", "text"} for p in content):
        return "\n".join(p["text"] for p in content)
    raise cannot("content with parts other than text" if isinstance(content, list) else "a message without text")


def oracle(rec, to):
    """The converted record as a dict (in member order), or raises cannot."""
    key, msgs = source_messages(rec)
    if to == "alpaca":
        if key == "alpaca":
            return rec
        system = None
        if msgs and msgs[0][1] == "system":
            system, msgs = msgs[0], msgs[1:]
        if len(msgs) < 2 or len(msgs) % 2 or any(m[1] != ("user", "assistant")[i % 2] for i, m in enumerate(msgs)):
            raise cannot("not an optional system message then user/assistant turns ending with the assistant (Alpaca)")
        if any(m[4] for m in msgs) or (system and system[4]):
            raise cannot("message fields other than role and text (Alpaca cannot hold them)")
        texts = [as_text(m[3]) for m in msgs]
        new = {"instruction": texts[-2], "input": "", "output": texts[-1]}
        if system:
            new["system"] = as_text(system[3])
        if len(texts) > 2:
            new["history"] = [[texts[i], texts[i + 1]] for i in range(0, len(texts) - 2, 2)]
        replaced, target = {key}, ALPACA
    else:
        words, target_key = WORDS[to], ("messages" if to == "openai" else "conversations")
        role_key, text_key = ("role", "content") if to == "openai" else ("from", "value")
        out = []
        for name, role, tkey, text, other in msgs:
            m = {role_key: words.get(role, name)}
            if tkey is not None or text is not None:
                m[text_key] = text if to == "openai" else as_text(text)
            elif to == "sharegpt":
                raise cannot("a message without text")
            m.update(other)
            out.append(m)
        new = {target_key: out}
        replaced = set(ALPACA) if key == "alpaca" else {key}
        target = (target_key,)
    if any(k in rec and k not in replaced for k in target):
        raise cannot("the record already has a field the target schema writes")
    result, placed = {}, False
    for k, v in rec.items():
        if k in replaced:
            if not placed:
                result.update(new)
                placed = True
        else:
            result[k] = v
    return result


class convert_tests(jsift_case):
    def test_oracle_golden_accounting_for_every_schema(self):
        lines = read_lines(INPUT)
        for to in ("openai", "sharegpt", "alpaca"):
            want_lines, reasons = [], {}
            for line in lines:
                try:
                    want_lines.append(oracle(json.loads(line), to))
                except cannot as why:
                    reasons[str(why)] = reasons.get(str(why), 0) + 1
            golden = slurp(os.path.join(GOLDEN, "convert-%s.golden.jsonl" % to))
            for extra in (("-j1",), ("-j3", "--chunk-bytes", "64")):
                r, rep = self.run_with_report("convert", "--to", to, *extra, INPUT)
                self.assertEqual(r.out, golden, (to, extra))
            got = [json.loads(l) for l in r.out.splitlines()]
            self.assertEqual(got, want_lines, to)
            self.assertEqual([list(g) for g in got], [list(w) for w in want_lines], to)  # member order too
            self.assertEqual(rep["convert"]["not_converted"], reasons, to)
            self.assertEqual(rep["dispositions"].get("filtered:convert", 0), sum(reasons.values()))
            self.assertEqual(rep["dispositions"]["kept"], len(want_lines))
            self.assertEqual(sum(rep["convert"]["converted"].values()) + rep["convert"]["unchanged"], len(want_lines))
            for why in reasons:
                self.assertIn(why, r.err)
            r = self.run_jsift("convert", "--to", to, stdin=slurp(INPUT))
            self.assertEqual((r.rc, r.out), (0, golden), r.err)

    def test_bytes_kept_and_records_already_in_the_schema_unchanged(self):
        lines = read_lines(INPUT)
        r = self.run_jsift("convert", "--to", "openai", INPUT)
        out = r.out.splitlines()
        self.assertIn(b'"Hello \\u00e9"', out[0])  # the text as written
        self.assertIn(b'"weight": 1', out[0])  # a message's other field as written
        self.assertIn(b'"score":1.0', out[1])  # not 1
        self.assertEqual(out[1], lines[1])  # already OpenAI: byte for byte
        r = self.run_jsift("convert", "--to", "sharegpt", INPUT)
        self.assertEqual(r.out.splitlines()[0], lines[0])  # already ShareGPT, Python's spacing kept

    def test_round_trip_sharegpt_openai(self):
        sharegpt = self.run_jsift("convert", "--to", "sharegpt", "-q", INPUT).out
        back = self.run_jsift("convert", "--to", "openai", "-q", stdin=sharegpt)
        direct = self.run_jsift("convert", "--to", "openai", "-q", INPUT)
        self.assertEqual(back.rc, 0, back.err)
        want = [json.loads(l) for l in direct.out.splitlines()]
        got = [json.loads(l) for l in back.out.splitlines()]
        # every record ShareGPT could hold comes back as the direct conversion gives it
        expected = []
        for line in sharegpt.splitlines():
            try:
                expected.append(oracle(json.loads(line), "openai"))
            except cannot:
                pass  # {"conversations", "messages": "..."}: .messages comes first in the detection order
        self.assertEqual(got, expected)
        self.assertGreaterEqual(len(got), len(sharegpt.splitlines()) - 1)
        for g in got:
            self.assertIn(g, want)
        # and OpenAI -> ShareGPT -> OpenAI is the identity on a plain chat file
        chat = self.write("chat.jsonl", "".join(json.dumps({"id": i, "messages": [
            {"role": "system", "content": "s%d" % i}, {"role": "user", "content": "q\u00e9\n%d" % i},
            {"role": "assistant", "content": "a \"%d\"" % i}]}) + "\n" for i in range(50)))
        there = self.run_jsift("convert", "--to", "sharegpt", "-q", chat).out
        again = self.run_jsift("convert", "--to", "openai", "-q", stdin=there).out
        self.assertEqual([json.loads(l) for l in again.splitlines()], [json.loads(l) for l in read_lines(chat)])

    def test_json_text_to_jsonl(self):
        r, rep = self.run_with_report("convert", "--to", "jsonl", "--on-invalid", "skip", fixture("json", "alpaca-style.json"))
        self.assertEqual(r.out, slurp(fixture("json", "alpaca-style.expected.jsonl")))
        self.assertEqual(rep["unit"], "element")
        spaced = self.write("spaced.jsonl", '{ "a" : [ 1 , 2.50 ] , "b" : "x  y" }\n')
        self.assertEqual(self.run_jsift("convert", "--to", "jsonl", spaced).out, b'{"a":[1,2.50],"b":"x  y"}\n')

    def test_turns_path_and_bad_usage(self):
        rec = self.write("dialog.jsonl", json.dumps({"id": 1, "dialog": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]}) + "\n")
        r = self.run_jsift("convert", "--to", "openai", "--turns-path", ".dialog", rec)
        self.assertEqual(json.loads(r.out), {"id": 1, "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})
        r = self.run_jsift("convert", "--to", "openai", rec)
        self.assertEqual((r.rc, r.out), (0, b""))
        self.assertIn("no conversation: 1", r.err)
        for args in (("convert", rec), ("convert", "--to", "xml", rec), ("convert", "--to", "openai", "--turns-path", ".a.b", rec)):
            r = self.run_jsift(*args)
            self.assertEqual(r.rc, 2, (args, r.err))
            self.assertRegex(r.err, "--to|--turns-path|turns_path", args)
        r = self.run_jsift("convert", "--to", "openai", self.path("missing.jsonl"))
        self.assertEqual(r.rc, 4, r.err)


if __name__ == "__main__":
    import unittest
    unittest.main()
