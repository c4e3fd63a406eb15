"""How far the seeds of one recipe agree, clip by clip: each seed's figures, the seed ensemble, and the clips every seed gets wrong.

A recipe run with several seeds (cv_all.sh SEED=N writes <recipe>-seedN) answers two questions one seed cannot:
would averaging the seeds' read-outs (an ensemble, or weight averaging that approximates one) read more clips
right, and are the mistakes the same clips every time (the data's hard cases) or different clips each time
(noise a recipe change could average away)?

    /usr/bin/python3 training/cv_agreement.py --runs /work/lus-train/cv --out training/reports/cv-agreement.md
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_train import CLASSES  # noqa: E402
from cv_report import FOLDS, load_runs  # noqa: E402

SPLITS = FOLDS + ["site"]


def seed_groups(recipes: dict) -> dict:
    """{recipe: [run names]}: a recipe and its -seedN reruns, only those with every fold and the site."""
    groups: dict = {}
    for name, results in sorted(recipes.items()):
        if name == "pretrain" or not all(s in results for s in SPLITS):
            continue
        groups.setdefault(re.sub(r"-seed\d+$", "", name), []).append(name)
    return groups


def clip_reads(results: list[dict], split: str) -> dict:
    """{clip: (true sign index, mean probabilities over the runs)} for one split."""
    clips = results[0][split]["perClip"]
    out = {}
    for clip, v in clips.items():
        probs = np.mean([r[split]["perClip"][clip]["probs"] for r in results], axis=0)
        out[clip] = (CLASSES.index(v["sign"]), probs)
    return out


def read_right(reads: dict) -> dict:
    """{clip: whether its read-out (the sign of highest mean probability) is the clip's sign}."""
    return {clip: int(np.argmax(p)) == t for clip, (t, p) in reads.items()}


def accuracy(reads: dict) -> float:
    return float(np.mean(list(read_right(reads).values())))


def agreement(results: list[dict]) -> dict:
    """Per run and for the ensemble of all runs: fold accuracies, their mean, the site; and how many clips of the
    folds and of the site every run reads wrong (and right)."""
    per_run = [[accuracy(clip_reads([r], s)) for s in SPLITS] for r in results]
    ensemble = [accuracy(clip_reads(results, s)) for s in SPLITS]
    always = {}
    for part, splits in (("folds", FOLDS), ("site", ["site"])):
        wrong = right = clips = 0
        for s in splits:
            runs = [read_right(clip_reads([r], s)) for r in results]
            for clip in runs[0]:
                hits = [run[clip] for run in runs]
                wrong += not any(hits)
                right += all(hits)
            clips += len(runs[0])
        always[part] = {"clips": clips, "wrongEveryRun": wrong, "rightEveryRun": right}
    return {
        "runs": [{"folds": float(np.mean(a[:5])), "site": a[5]} for a in per_run],
        "ensemble": {"folds": float(np.mean(ensemble[:5])), "site": ensemble[5]},
        "always": always,
    }


def render(runs: dict) -> str:
    md = ["# Seed agreement (made by `training/cv_agreement.py`)", "",
          "Clip accuracy without flips, in %. Folds: mean of the five folds' clip accuracy. Ensemble: the runs' "
          "per-clip probabilities averaged. Wrong/right in every run: clips of the five folds (83) and of the "
          "held-out site (35) that no run, or every run, reads right.", "",
          "| network | recipe | seeds | each seed: folds / site | mean of seeds: folds / site | ensemble: folds / site "
          "| fold clips wrong / right in every run | site clips wrong / right in every run |",
          "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |"]
    for arch, recipes in sorted(runs.items()):
        groups = {recipe: names for recipe, names in seed_groups(recipes).items() if len(names) >= 2}
        if len(groups) >= 2:  # every seed of every recipe above: the clips no recipe or seed gets right
            groups["*every run above*"] = [n for names in groups.values() for n in names]
        for recipe, names in groups.items():
            a = agreement([recipes[n] for n in names])
            each = ", ".join(f"{100 * r['folds']:.1f} / {100 * r['site']:.1f}" for r in a["runs"])
            mf = 100 * np.mean([r["folds"] for r in a["runs"]])
            ms = 100 * np.mean([r["site"] for r in a["runs"]])
            e, f, s = a["ensemble"], a["always"]["folds"], a["always"]["site"]
            md.append(f"| {arch} | {recipe if recipe.startswith('*') else f'`{recipe}`'} | {len(names)} | {each} | {mf:.1f} / {ms:.1f} | "
                      f"{100 * e['folds']:.1f} / {100 * e['site']:.1f} | {f['wrongEveryRun']} / {f['rightEveryRun']} "
                      f"| {s['wrongEveryRun']} / {s['rightEveryRun']} |")
    return "\n".join(md) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", default="/work/lus-train/cv")
    ap.add_argument("--archive", default=str(Path(__file__).resolve().parent / "reports" / "runs"))
    ap.add_argument("--out", help="also write the table here (markdown)")
    args = ap.parse_args()
    md = render(load_runs(Path(args.runs), Path(args.archive)))
    if args.out:
        Path(args.out).write_text(md)
    print(md)


if __name__ == "__main__":
    main()
