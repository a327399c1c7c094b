"""Conversations whatever their schema: detection order, --turns-count in
filter, stats, gate and run, the warning when no record has a conversation,
and role-aware paths in --unique, --key, predicates and checks; on excerpts
of real public data (fixtures/real) against a Python oracle."""
import json
import os

from harness import *  # noqa: F401,F403

REAL = fixture("real")
SHAREGPT = os.path.join(REAL, "sharegpt-medicalgpt-dpo-zh.jsonl")
OPENAI = os.path.join(REAL, "openai-parts-llamafactory-tool-use.jsonl")
HH = os.path.join(REAL, "text-marked-hh-style.jsonl")
MT = os.path.join(REAL, "history-mt-bench-style.jsonl")
ALL = [SHAREGPT, OPENAI, HH, MT]

ROLES = {"user": "user", "human": "user", "prompter": "user", "assistant": "assistant", "gpt": "assistant",
         "bot": "assistant", "model": "assistant", "chatgpt": "assistant", "system": "system", "tool": "tool",
         "function": "tool", "observation": "tool", "ipython": "tool", "tool_response": "tool"}


def text_marked(s):
    if not isinstance(s, str):
        return None
    starts = [0] + [i + 2 for i in range(len(s)) if s.startswith("\n\n", i)]
    roles = []
    for at in starts:
        if s.startswith("Human:", at):
            roles.append("user")
        elif s.startswith("Assistant:", at):
            roles.append("assistant")
    return roles if "user" in roles and "assistant" in roles else None


def find_conversation(rec):
    for k in ("turns", "messages", "conversations", "training_pairs", "history", "traj"):
        if k in rec:
            return rec[k]
    if text_marked(rec.get("chosen")) is not None:
        return rec["chosen"]
    return None


def roles_of(conv):
    if isinstance(conv, str):
        return text_marked(conv)
    if not isinstance(conv, list):
        return None
    out = []
    for m in conv:
        if isinstance(m, dict) and ("role" in m or "from" in m):
            name = m.get("role", m.get("from"))
            out.append(ROLES.get(name.lower(), "other") if isinstance(name, str) else "other")
        elif isinstance(m, dict) and ("user" in m or "bot" in m):
            out += (["user"] if "user" in m else []) + (["assistant"] if "bot" in m else [])
        elif isinstance(m, list) and len(m) == 2:
            out += ["user", "assistant"]
        else:
            out.append("other")
    return out


def count(rec, unit):
    conv = find_conversation(rec)
    roles = roles_of(conv) if conv is not None else None
    if roles is None:
        return None
    if unit == "elements":
        return len(conv) if isinstance(conv, list) else len(roles)
    if unit == "messages":
        return len(roles)
    if unit in ("user", "assistant"):
        return roles.count(unit)
    n, pending = 0, False
    for r in roles:
        if r == "user":
            pending = True
        elif r == "assistant" and pending:
            n, pending = n + 1, False
    return n


def records(*paths):
    return [json.loads(l) for p in paths for l in read_lines(p)]


class conversation_tests(jsift_case):
    def test_stats_counts_every_unit_on_every_shape(self):
        recs = records(*ALL)
        for unit in ("elements", "messages", "user", "assistant", "exchanges"):
            r = self.run_jsift("stats", "--json", "--no-duplicates", "--turns-count", unit, *ALL)
            self.assertEqual(r.rc, 0, r.err)
            t = r.json()["turns"]
            want = {}
            for rec in recs:
                n = count(rec, unit)
                if n is not None:
                    want[str(n)] = want.get(str(n), 0) + 1
            self.assertEqual(t["histogram"], want, unit)
            self.assertEqual(t["count"], unit)
            self.assertEqual(t["without"], 0)
            self.assertTrue(t["any_conversation"])
        self.assertNotEqual(count(recs[-1], "messages"), count(recs[-1], "elements"))  # the units differ on this data

    def test_filter_turns_count_keeps_what_python_keeps_and_accounts_for_every_line(self):
        for unit, rng in (("elements", "2..3"), ("messages", "4.."), ("user", "2"), ("assistant", "1..1"), ("exchanges", "2..")):
            lo, _, hi = rng.partition("..") if ".." in rng else (rng, "", rng)
            lo, hi = int(lo or 0), int(hi) if hi else 1 << 60
            for j in ("-j1", "-j3"):
                r, rep = self.run_with_report("filter", j, "--turns", rng, "--turns-count", unit, *ALL)
                want = b"".join(l + b"\n" for p in ALL for l in read_lines(p)
                                if (lambda n: n is not None and lo <= n <= hi)(count(json.loads(l), unit)))
                self.assertEqual(r.out, want, (unit, rng, j))
                self.assertEqual(rep["turns"]["count"], unit)
                self.assertTrue(rep["turns"]["any_conversation"])
                self.assertNotIn("no conversation", r.err)

    def test_no_conversation_anywhere_is_said_not_silent(self):
        src = self.write("qa.jsonl", '{"question": "q", "answer": "a"}\n{"prompt": "p", "chosen": "plain"}\n')
        r, rep = self.run_with_report("filter", "--turns", "1..", src)
        self.assertEqual(r.out, b"")
        self.assertIn("warning: --turns found no conversation in any record", r.err)
        self.assertEqual(rep["turns"], {"count": "elements", "without_conversation": 2, "any_conversation": False})
        r, rep = self.run_with_report("filter", "-q", "--turns", "1..", src)
        self.assertEqual(r.err, "")  # -q: no warnings
        # Some records with a conversation: no warning, the rest counted.
        r, rep = self.run_with_report("filter", "--turns", "1..", src, HH)
        self.assertNotIn("warning", r.err)
        self.assertEqual(rep["turns"]["without_conversation"], 2)
        # stats: asked about turns, and none found
        r = self.run_jsift("stats", "--json", "--turns-count", "messages", src)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("none of the 2 records has a conversation", r.err)
        self.assertFalse(r.json()["turns"]["any_conversation"])
        r = self.run_jsift("stats", "--json", src)  # not asked: the report says it, stderr stays quiet
        self.assertEqual(r.err, "")
        r = self.run_jsift("stats", "--format", "table", "--turns-count", "user", src)
        self.assertIn(b"(no record has a conversation)", r.out)

    def test_bad_unit_and_count_without_turns_are_usage_errors(self):
        r = self.run_jsift("filter", "--turns", "1..", "--turns-count", "pairs", HH)
        self.assertEqual(r.rc, 2)
        self.assertIn("turns-count", r.err)
        self.assertIn("expected elements, messages, user, assistant or exchanges", r.err)
        r = self.run_jsift("filter", "--turns-count", "messages", HH)
        self.assertEqual(r.rc, 2)
        self.assertIn("needs --turns", r.err)
        r = self.run_jsift("stats", "--turns-count", "words", HH)
        self.assertEqual(r.rc, 2)

    def test_role_aware_paths_in_unique_key_predicates_and_checks(self):
        # the last assistant message, whatever the schema calls it
        def last_assistant(rec, key, field):
            msgs = [m for m in rec.get(key, []) if ROLES.get(str(m.get("role", m.get("from"))).lower()) == "assistant"]
            return msgs[-1][field] if msgs else None
        recs = records(OPENAI)
        want = {json.dumps(last_assistant(r, "messages", "content"), sort_keys=True) for r in recs}
        r = self.run_jsift("stats", "--json", "--unique", ".messages[role=assistant][-1].content", OPENAI)
        self.assertEqual(r.rc, 0, r.err)
        u = r.json()["unique"][0]
        self.assertEqual((u["records"], u["distinct"]), (len(recs), len(want)))
        # --key: records equal in their user messages are duplicates
        dup = self.write("dup.jsonl", '{"conversations":[{"from":"human","value":"q"},{"from":"gpt","value":"a1"}]}\n'
                                      '{"messages":[{"role":"user","content":"q"}]}\n'
                                      '{"conversations":[{"from":"human","value":"q"},{"from":"gpt","value":"a2"}]}\n')
        r, rep = self.run_with_report("dedup", "--key", ".conversations[role=user].value", dup)
        self.assertEqual(rep["dispositions"]["duplicate"], 1)
        self.assertEqual(r.out.count(b"\n"), 2)
        # predicates: --eq and --has on role paths
        r, rep = self.run_with_report("filter", "--eq", ".conversations[role=assistant][-1].value=a2", dup)
        self.assertEqual(r.out, read_lines(dup)[2] + b"\n")
        r, rep = self.run_with_report("filter", "--has", ".messages[role=tool]", OPENAI)
        self.assertEqual(r.out, b"".join(l + b"\n" for l in read_lines(OPENAI) if b'"role": "tool"' in l or b'"role":"tool"' in l))
        self.assertEqual(rep["dispositions"]["kept"], 2)
        # a gate check on a role path, and the turns check counting messages
        cfg = self.write("gate.toml", '[[check]]\ntype = "unique"\npath = ".messages[role=user][0].content[0].value"\nmin_ratio = 1.0\n'
                                      '[[check]]\ntype = "turns"\nrange = "3.."\ncount = "messages"\n'
                                      '[[check]]\nname = "exchanges"\ntype = "turns"\nrange = "2.."\ncount = "exchanges"\nmin_share = 0.25\n')
        r = self.run_jsift("gate", "--config", cfg, "--report-json", self.path("g.json"), OPENAI)
        self.assertEqual(r.rc, 0, r.err + r.out.decode())
        checks = {c["name"]: c for c in json.loads(slurp(self.path("g.json")))["checks"]}
        share = sum((count(rec, "exchanges") or 0) >= 2 for rec in recs) / len(recs)
        self.assertEqual(checks["exchanges"]["measured"], "%.2f%% of %d records have 2.. turns (counted as exchanges)" % (100 * share, len(recs)))
        self.assertTrue(all(c["passed"] for c in checks.values()), checks)
        bad = self.write("bad.toml", '[[check]]\ntype = "turns"\nrange = "1.."\ncount = "pairs"\n')
        r = self.run_jsift("gate", "--config", bad, OPENAI)
        self.assertEqual(r.rc, 2)
        self.assertIn("bad.toml:4:", r.err)
        self.assertIn("got 'pairs'", r.err)

    def test_run_filter_table_takes_turns_count(self):
        out = self.path("out")
        cfg = self.write("p.toml", '[filter]\nturns = "2.."\nturns_count = "exchanges"\n[output]\ndir = "%s"\n' % out)
        r, rep = self.run_with_report("run", "--config", cfg, *ALL)
        want = b"".join(l + b"\n" for p in ALL for l in read_lines(p) if (count(json.loads(l), "exchanges") or 0) >= 2)
        with open(os.path.join(out, "data.jsonl"), "rb") as f:
            self.assertEqual(f.read(), want)
        self.assertEqual(rep["turns"], {"count": "exchanges", "any_conversation": True})


if __name__ == "__main__":
    unittest.main()
