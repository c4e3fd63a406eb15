"""The fixed evaluation splits of the development clips: five clip-grouped folds stratified by sign, and a held-out site."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Dict, List

import numpy as np

from . import CLASSES

# The one source that holds clips of all four signs (35 of 83): holding it out is the closest the set comes
# to "a scanner it has never seen" (pocus-lus README). Matched on the start of the clips.csv source column.
HELD_OUT_SITE = "northumbria"
SITE_PREFIX = "Data contributed by Northumbria"
FINDINGS = {"a_lines": "a_lines", "b_lines": "b_lines", "pleural_effusion": "effusion", "consolidation": "consolidation"}


def read_clips(clips_csv: str | Path) -> List[dict]:
    with open(clips_csv, newline="") as f:
        return list(csv.DictReader(f))


def clip_flags(rows: List[dict]) -> Dict[str, List[int]]:
    """Clip → the four finding flags in class order (A-lines, B-lines, effusion, consolidation); the clip's own
    sign always counts as flagged (a "regular" A-lines clip has no A-lines flag in the collection)."""
    out = {}
    for r in rows:
        flags = [int(r[FINDINGS[c]] or 0) for c in CLASSES]
        flags[CLASSES.index(r["sign"])] = 1
        out[r["clip"]] = flags
    return out


def make_folds(rows: List[dict], k: int = 5, seed: int = 20261202) -> List[List[str]]:
    """Each sign's clips, sorted then shuffled with a fixed seed, dealt round-robin into k folds, so every fold
    holds about a fifth of each sign; a clip (all its frames) sits in exactly one fold."""
    rng = np.random.default_rng(seed)
    folds: List[List[str]] = [[] for _ in range(k)]
    offset = 0
    for c in CLASSES:
        clips = sorted(r["clip"] for r in rows if r["sign"] == c)
        order = rng.permutation(len(clips))
        for j, i in enumerate(order):
            folds[(offset + j) % k].append(clips[i])
        offset += len(clips)  # the next sign starts where this one stopped, evening out fold sizes
    return [sorted(f) for f in folds]


def site_clips(rows: List[dict]) -> List[str]:
    return sorted(r["clip"] for r in rows if r["source"].startswith(SITE_PREFIX))


def write_splits(clips_csv: str | Path, out: str | Path) -> dict:
    rows = read_clips(clips_csv)
    folds = make_folds(rows)
    sign = {r["clip"]: r["sign"] for r in rows}
    doc = {
        "description": "Fixed once and never re-drawn: five clip-grouped folds over all development clips, stratified "
        "by sign, and the held-out site. Every frame of a clip sits on one side.",
        "clipsCsv": "../shared/data/pocus-lus/clips.csv",
        "seed": 20261202,
        "folds": [{"clips": f, "perSign": {c: sum(sign[x] == c for x in f) for c in CLASSES}} for f in folds],
        "heldOutSite": {"name": HELD_OUT_SITE, "sourcePrefix": SITE_PREFIX, "clips": site_clips(rows),
                        "perSign": {c: sum(sign[x] == c for x in site_clips(rows)) for c in CLASSES}},
    }
    Path(out).write_text(json.dumps(doc, indent=2) + "\n")
    return doc


# A run's folder (and archived file) is named after its split without the colon (cv_all.sh): fold0..fold4, site.
FOLD_TAGS = [f"fold{k}" for k in range(5)]


def split_of_tag(tag: str) -> str:
    """'fold3' → 'fold:3', 'site' → 'site': the split a run folder's name stands for."""
    if tag == "site":
        return tag
    if tag in FOLD_TAGS:
        return f"fold:{tag[4:]}"
    raise ValueError(f"unknown run tag {tag!r}: use fold0..fold4 or site")


def held_out_clips(splits: dict, split: str) -> List[str]:
    """'fold:K' → that fold's clips; 'site' → the held-out site's; 'all' → none (the final model)."""
    if split == "all":
        return []
    if split == "site":
        return list(splits["heldOutSite"]["clips"])
    if split.startswith("fold:"):
        return list(splits["folds"][int(split.split(":")[1])]["clips"])
    raise ValueError(f"unknown split {split!r}: use fold:0..4, site or all")
