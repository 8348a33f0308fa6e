#!/usr/bin/env python3
"""Measure the matcher's near-spelling threshold (``loaders.matcher.NEAR_THRESHOLD``).

Usage: .venv/bin/python scripts/near_spelling_threshold.py CROSSREF_LABELLED.csv

Positives: each labelled watchlist string of tests/data/affiliations_labelled.csv with one
typing error (two letters swapped, one dropped or doubled) in one long word; negatives:
every real string of the Crossref file (nearly none names a watchlist body) and the
labelled traps. For each threshold: how many misspelled positives resolve to their entity,
how many resolve to a wrong one by near spelling, and how many negatives near spelling claims.
"""

from __future__ import annotations

import csv
import random
import sys

import loaders.matcher as matcher_module

LABELLED = "tests/data/affiliations_labelled.csv"


def typo(text: str, rng: random.Random) -> str | None:
    """The text with one typing error in one word of seven letters or more."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if not long_words:
        return None
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    op = rng.choice(["swap", "drop", "double"])
    if op == "swap":
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif op == "drop":
        w = w[:j] + w[j + 1:]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def main(crossref: str) -> None:
    rng = random.Random(14)
    labelled = list(csv.DictReader(open(LABELLED, encoding="utf-8")))
    real = [r["affiliation"] for r in csv.DictReader(open(crossref, encoding="utf-8-sig"))]
    positives = [(t, r["entity_id"]) for r in labelled
                 if r["entity_id"] and r["text"].isascii() and (t := typo(r["text"], rng))]
    negatives = real + [r["text"] for r in labelled if not r["entity_id"]]
    for threshold in (86, 88, 90, 92, 94, 96, 97, 98, 100):
        matcher_module.NEAR_THRESHOLD = float(threshold)
        m = matcher_module.Matcher()
        hits = [(m.match_text(t), e) for t, e in positives]
        right = sum(1 for h, e in hits if h and h.entity.id == e)
        wrong = sum(1 for h, e in hits if h and h.entity.id != e and h.rule == "near_spelling")
        claimed = [t for t in negatives if (h := m.match_text(t)) and h.rule == "near_spelling"]
        print(f"threshold {threshold}: misspelled positives resolved {right}/{len(positives)}, "
              f"wrong entity {wrong}, negatives claimed {len(claimed)} {claimed[:2]}")


if __name__ == "__main__":
    main(sys.argv[1])
