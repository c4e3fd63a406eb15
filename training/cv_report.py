"""Gathers the cross-validation runs (training/cv.py result.json files) into training/reports/cv.{json,md}: per fold, mean ± sd, the held-out site, pooled out-of-fold Table 1.

    /usr/bin/python3 training/cv_report.py --runs /work/lus-train/cv --out training/reports
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_train import CLASSES  # noqa: E402
from lus_train.metrics import DISPLAY, table1, table1_markdown  # noqa: E402

FOLDS = [f"fold{k}" for k in range(5)]


def pct(v) -> str:
    return "–" if v is None else f"{100 * v:.1f}"


def mean_sd(values: list) -> str:
    v = [x for x in values if x is not None]
    if not v:
        return "–"
    if len(v) == 1:
        return f"{100 * v[0]:.1f}"
    return f"{100 * np.mean(v):.1f} ± {100 * np.std(v, ddof=1):.1f}"


def load_runs(root: Path) -> dict:
    """{arch: {recipe: {split tag: result}}} for every finished run."""
    out: dict = {}
    for f in sorted(root.glob("*/*/*/result.json")):
        split, recipe, arch = f.parent.name, f.parent.parent.name, f.parent.parent.parent.name
        out.setdefault(arch, {}).setdefault(recipe, {})[split] = json.loads(f.read_text())
    return out


def pooled(results: dict, flips: bool) -> dict | None:
    """Out-of-fold Table 1 over the clips of the five folds (each clip scored once, by the run that held it out)."""
    truth, pred = [], []
    for tag in FOLDS:
        r = results.get(tag)
        if r is None:
            return None
        key = "withFlips" if flips else "withoutFlips"
        m = np.asarray(r[key]["clipConfusion"])
        for t in range(len(CLASSES)):
            for p in range(len(CLASSES)):
                truth += [t] * int(m[t, p])
                pred += [p] * int(m[t, p])
    return table1(truth, pred)


def summarise(runs: dict) -> tuple[dict, str]:
    doc: dict = {}
    md = ["# Cross-validation of the training recipes", "",
          "Five clip-grouped folds over all 83 development clips (stratified by sign, `training/splits/cv-folds.json`, fixed "
          "once) and the held-out site (all 35 Northumbria clips, trained on the other 48). A clip's read-out is the mean "
          "probability over its shared frames (up to 12), as `lus-signs score` reads a folder. Figures in %; folds as "
          "mean ± sd over the five folds; *lenient* counts a read-out right when the clip's flags in clips.csv show that "
          "sign. Made by `training/cv_report.py` from the runs of `training/cv_all.sh`.", ""]
    for arch, recipes in runs.items():
        md += [f"## {arch}", ""]
        for flips in (False, True):
            key = "withFlips" if flips else "withoutFlips"
            md += [f"### {arch}, {'with' if flips else 'without'} test-time flips", "",
                   "| recipe | folds done | clips, folds | frames, folds | kappa (clips), folds | lenient, folds | "
                   "clips, site | frames, site | lenient, site | " + " | ".join(f"{DISPLAY[c]} recall (folds)" for c in CLASSES) + " |",
                   "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + " ---: |" * len(CLASSES)]
            for name, res in recipes.items():
                if name == "pretrain":
                    continue
                folds = [res[t][key] for t in FOLDS if t in res and key in res[t]]
                site = res.get("site", {}).get(key)
                row = {
                    "foldsDone": len(folds),
                    "clipAccuracy": [f["clipAccuracy"] for f in folds],
                    "frameAccuracy": [f["frameAccuracy"] for f in folds],
                    "clipKappa": [f["clipKappa"] for f in folds],
                    "clipLenientAccuracy": [f["clipLenientAccuracy"] for f in folds],
                    "recall": {c: [f["clipRecall"][c] for f in folds] for c in CLASSES},
                    "site": site,
                    "trainSeconds": {t: r.get("trainSeconds") for t, r in res.items()},
                }
                doc.setdefault(arch, {}).setdefault(name, {})[key] = row
                md.append(
                    f"| {name} | {len(folds)} | {mean_sd(row['clipAccuracy'])} | {mean_sd(row['frameAccuracy'])} | "
                    f"{mean_sd(row['clipKappa'])} | {mean_sd(row['clipLenientAccuracy'])} | "
                    f"{pct(site['clipAccuracy']) if site else '–'} | {pct(site['frameAccuracy']) if site else '–'} | "
                    f"{pct(site['clipLenientAccuracy']) if site else '–'} | "
                    + " | ".join(mean_sd(row["recall"][c]) for c in CLASSES) + " |")
            md.append("")
        md += [f"### {arch}, per fold (clip accuracy, without / with flips)", "",
               "| recipe | " + " | ".join(FOLDS) + " | site | training time per run |", "| --- |" + " ---: |" * (len(FOLDS) + 2)]
        for name, res in recipes.items():
            if name == "pretrain":
                continue
            cells = []
            for t in FOLDS + ["site"]:
                r = res.get(t)
                cells.append("–" if r is None else f"{pct(r['withoutFlips']['clipAccuracy'])} / {pct(r['withFlips']['clipAccuracy'])}")
            secs = [r.get("trainSeconds") for r in res.values() if r.get("trainSeconds")]
            md.append(f"| {name} | " + " | ".join(cells) + f" | {int(np.median(secs)) if secs else '–'} s |")
        md.append("")
        pre = recipes.get("pretrain", {}).get("pretrain")
        if pre and "phantomAccuracy" in pre:
            md += [f"Phantom pretraining of {arch}: {pre['trainSeconds']} s, held-out phantoms {pct(pre['phantomAccuracy'])} %.", ""]
        for name, res in recipes.items():
            if name == "pretrain":
                continue
            for flips in (False, True):
                t = pooled(res, flips)
                if t is not None:
                    doc[arch][name]["pooled" + ("WithFlips" if flips else "WithoutFlips")] = t
                    md.append(table1_markdown(f"{arch} {name}: pooled out-of-fold clips, "
                                              f"{'with' if flips else 'without'} flips (Table 1 layout)", t))
    return doc, "\n".join(md) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", default="/work/lus-train/cv")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "reports"))
    args = ap.parse_args()
    runs = load_runs(Path(args.runs))
    doc, md = summarise(runs)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cv.json").write_text(json.dumps(doc, indent=1) + "\n")
    (out / "cv.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
