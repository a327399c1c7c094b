#!/usr/bin/python3
"""A plain-Python reference of jsift's near-duplicate rule (json/minhash.hpp and
stages/near_seen.hpp), written from their documented definitions with numpy and
Debian's python3-xxhash; run with Debian's /usr/bin/python3.

    near_duplicates.py [--ngram N --bands B --rows R] < texts.json > verdicts.json

stdin: a JSON list of texts (null: the record has none). stdout: one JSON object
{"verdicts": [...], "match": [...], "cluster": [...], "jaccard": [...],
 "estimate": [...], "clusters": {first: size}} with, per item, "kept", "near" or
"keyless"; for a near item the earlier item it matched (the earliest of its
matches), its cluster's first member at the time, the true Jaccard similarity of
their shingle sets, and the b-bit estimate jsift prints; clusters of 2+ at the end.
"""
import argparse
import json
import sys
import unicodedata

import numpy as np
import xxhash

P = (1 << 61) - 1
MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def permutations(k):
    state, a, b = 1, [], []
    for _ in range(k):
        state, x = splitmix64(state)
        a.append(1 + x % (P - 1))
        state, x = splitmix64(state)
        b.append(x % P)
    return np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)


def cjk(c):
    c = ord(c)
    return (0x4E00 <= c <= 0x9FFF or 0x3400 <= c <= 0x4DBF or 0x20000 <= c <= 0x2EBEF or 0xF900 <= c <= 0xFAFF
            or 0x3040 <= c <= 0x30FF or 0x31F0 <= c <= 0x31FF or 0xFF66 <= c <= 0xFF9F or 0xAC00 <= c <= 0xD7AF)


def words(text):
    """Lowercased runs of letters, marks and digits, each CJK character alone, ASCII digits 1-9 made 0."""
    out, word = [], ""
    for ch in text:
        if cjk(ch):
            if word:
                out.append(word)
            out.append(ch)
            word = ""
        elif ch.isalnum() or (unicodedata.category(ch)[0] == "M" and word):  # a mark joins the letter before it
            word += "0" if "1" <= ch <= "9" else ch.lower()
        elif unicodedata.category(ch)[0] == "M":  # a mark without one is ignored
            continue
        else:
            if word:
                out.append(word)
            word = ""
    if word:
        out.append(word)
    return out


def shingles(text, n):
    w = words(text)
    if not w:
        return []
    if len(w) < n:
        return [" ".join(w)]
    return [" ".join(w[i:i + n]) for i in range(len(w) - n + 1)]


class minhash:
    def __init__(self, ngram=5, bands=14, rows=8):
        self.ngram, self.bands, self.rows = ngram, bands, rows
        self.a, self.b = permutations(bands * rows)

    def signature(self, text):
        sh = shingles(text, self.ngram)
        if not sh:
            return None, set()
        h = np.array([xxhash.xxh64_intdigest(s.encode(), seed=0) for s in sh], dtype=np.uint64)
        with np.errstate(over="ignore"):
            phv = (h[:, None] * self.a[None, :] + self.b[None, :]) % np.uint64(P)  # wraps at 2^64, as datatrove's numpy
        return phv.min(axis=0), set(sh)

    def band_keys(self, sig):
        r = self.rows
        return [xxhash.xxh3_128_intdigest(sig[i * r:(i + 1) * r].astype("<u8").tobytes(), seed=i) for i in range(self.bands)]


def estimate(a, b):
    """Li and König's b-bit estimate from the low bytes of two signatures."""
    same = int(np.sum((a & 0xFF) == (b & 0xFF)))
    j = (same / len(a) - 1 / 256) / (1 - 1 / 256)
    return min(1.0, max(0.0, j))


def near_duplicates(texts, ngram=5, bands=14, rows=8):
    mh = minhash(ngram, bands, rows)
    seen, parent, size = {}, [], []
    sigs, sets = [], []
    out = {"verdicts": [], "match": [], "cluster": [], "jaccard": [], "estimate": []}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, text in enumerate(texts):
        parent.append(i)
        size.append(1)
        sig, sh = mh.signature(text or "")
        sigs.append(sig)
        sets.append(sh)
        match = cluster = jac = est = None
        if sig is None:
            verdict = "keyless"
        else:
            hits = []
            for k in mh.band_keys(sig):
                if k in seen:
                    hits.append(seen[k])
                else:
                    seen[k] = i
            verdict = "near" if hits else "kept"
            for f in hits:
                a, b = find(i), find(f)
                if a != b:
                    a, b = min(a, b), max(a, b)
                    parent[b] = a
                    size[a] += size[b]
            if hits:
                match = min(hits)
                cluster = find(i)
                jac = len(sh & sets[match]) / len(sh | sets[match])
                est = estimate(sig, sigs[match])
        for key, v in (("verdicts", verdict), ("match", match), ("cluster", cluster), ("jaccard", jac), ("estimate", est)):
            out[key].append(v)
    out["clusters"] = {str(x): size[x] for x in range(len(texts)) if parent[x] == x and size[x] > 1}
    return out


def jaccard(x, y, ngram=5):
    a, b = set(shingles(x, ngram)), set(shingles(y, ngram))
    return len(a & b) / len(a | b) if a | b else 0.0


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--ngram", type=int, default=5)
    ap.add_argument("--bands", type=int, default=14)
    ap.add_argument("--rows", type=int, default=8)
    args = ap.parse_args()
    json.dump(near_duplicates(json.load(sys.stdin), args.ngram, args.bands, args.rows), sys.stdout)
