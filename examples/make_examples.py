#!/usr/bin/env python3
"""Regenerates the example datasets (deterministic): for each gate in this
folder, one dataset that passes it and one that fails it.

    python3 examples/make_examples.py
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
PERSONAS = ["anxious_student", "retired_teacher", "night_nurse", "startup_founder"]
ARCS = ["frustration_to_relief", "curiosity_to_confidence", "sadness_to_hope"]
TOPICS = ["sleep_hygiene", "budgeting", "career_change", "burnout"]
WORDS = ("sleep routine budget plan career change rest boundary habit review notes morning evening "
         "walk water breath journal list goal step small week month friend talk help try again").split()


def sentence(rng, n=12):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def conversation(rng, turns, last=None):
    out = []
    for t in range(turns):
        role = "user" if t % 2 == 0 else "assistant"
        out.append({"role": role, "content": sentence(rng)})
    if out[-1]["role"] != "assistant":
        out.append({"role": "assistant", "content": sentence(rng)})
    if last is not None:
        out[-1]["content"] = last
    return out


def write(name, records):
    with open(os.path.join(HERE, "data", name), "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def chat_records(rng, n, canned=None):
    types = ["chat"] * 6 + ["qa"] * 2 + ["preference"] * 2  # 60/20/20
    recs = []
    for i in range(n):
        t = types[i % 10]
        last = rng.choice(canned) if canned else None
        recs.append({
            "id": f"{t}-{i:03d}", "record_type": t,
            "input_parameters": {"persona_key": PERSONAS[i % 4], "emotional_arc": ARCS[i % 3], "training_topic_key": TOPICS[i % 4]},
            "turns": conversation(rng, rng.choice([5, 6, 7, 8, 9])),
            "outcome": "success" if i % 5 < 3 else "failure",  # exactly 60/40
        })
        if last is not None:
            recs[-1]["turns"][-1]["content"] = last
    return recs


def main():
    os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
    rng = random.Random(7)
    write("chat-pass.jsonl", chat_records(rng, 50))
    bad = chat_records(rng, 50, canned=["I understand.", "Great question!", "Let me help.", "Sure.", "Of course.", "Thanks!"])
    bad[3]["turns"] = bad[3]["turns"][:3]            # a 3-turn conversation
    bad[7]["turns"][-1]["content"] = "   "            # an empty response
    del bad[11]["input_parameters"]["emotional_arc"]  # missing metadata
    for r in bad[:5]:
        r["outcome"] = "failure"                      # 50/50 instead of 60/40
    bad += [bad[0], bad[1]]                           # exact duplicates
    write("chat-fail.jsonl", bad)

    def coverage(counts, topics):
        recs, i = [], 0
        for p, n in counts.items():
            for _ in range(n):
                recs.append({"id": f"c-{i:03d}", "record_type": "chat",
                             "input_parameters": {"persona_key": p, "training_topic_key": topics[i % len(topics)]},
                             "turns": conversation(rng, 6)})
                i += 1
        return recs
    write("coverage-pass.jsonl", coverage({p: 25 + 3 * k for k, p in enumerate(PERSONAS)}, TOPICS))
    write("coverage-fail.jsonl", coverage({PERSONAS[0]: 30, PERSONAS[1]: 10, PERSONAS[2]: 45}, TOPICS[:3]))

    def training_file(i, topic, drift=None):
        pairs = []
        for k in range(3):
            pairs.append({"prompt": sentence(rng, 6), "response": sentence(rng),
                          "conversation_metadata": {"training_topic_key": drift if (drift and k == 1) else topic, "turn": k}})
        return {"id": f"tf-{i:03d}", "record_type": "training_file",
                "input_parameters": {"training_topic_key": topic, "persona_key": PERSONAS[i % 4]}, "training_pairs": pairs}
    write("consistency-pass.jsonl", [training_file(i, TOPICS[i % 4]) for i in range(12)])
    write("consistency-fail.jsonl", [training_file(i, TOPICS[i % 4], drift="burnout" if i == 5 else None) for i in range(12)])

    safe = chat_records(rng, 20)
    write("safety-pass.jsonl", safe)
    unsafe = chat_records(rng, 20)
    unsafe[4]["turns"][0]["content"] = "Some days I think about how to end my life."
    unsafe[9]["turns"][2]["content"] = "He said: I want to kill myself."
    write("safety-fail.jsonl", unsafe)


if __name__ == "__main__":
    main()
