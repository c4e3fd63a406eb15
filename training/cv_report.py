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
from lus_train.folds import FOLD_TAGS as FOLDS, clip_flags, held_out_clips, read_clips, split_of_tag  # noqa: E402
from lus_train.metrics import DISPLAY, table1, table1_markdown  # noqa: E402
from lus_train.prior import prior_adjusted, sign_shares  # noqa: E402


def pct(v) -> str:
    return "–" if v is None else f"{100 * v:.1f}"


def mean_sd(values: list) -> str:
    v = [x for x in values if x is not None]
    if not v:
        return "–"
    if len(v) == 1:
        return f"{100 * v[0]:.1f}"
    return f"{100 * np.mean(v):.1f} ± {100 * np.std(v, ddof=1):.1f}"


def load_runs(root: Path, archive: Path | None = None) -> dict:
    """{arch: {recipe: {split tag: result}}} for every finished run: the archived ones, then those on disk (newer wins)."""
    out: dict = {}
    if archive is not None and archive.exists():
        for f in sorted(archive.glob("*/*/*.json")):
            split, recipe, arch = f.stem, f.parent.name, f.parent.parent.name
            out.setdefault(arch, {}).setdefault(recipe, {})[split] = json.loads(f.read_text())
    for f in sorted(root.glob("*/*/*/result.json")):
        split, recipe, arch = f.parent.name, f.parent.parent.name, f.parent.parent.parent.name
        out.setdefault(arch, {}).setdefault(recipe, {})[split] = json.loads(f.read_text())
    # Phantom pretraining sits one level up (<arch>/pretrain/result.json).
    for f in sorted(root.glob("*/pretrain/result.json")):
        out.setdefault(f.parent.parent.name, {}).setdefault("pretrain", {})["pretrain"] = json.loads(f.read_text())
    if archive is not None:
        for f in sorted(archive.glob("*/pretrain.json")):
            out.setdefault(f.parent.name, {}).setdefault("pretrain", {}).setdefault("pretrain", json.loads(f.read_text()))
    return out


def archive_runs(runs: dict, archive: Path) -> None:
    """Keeps every finished run's result (small JSON, per-clip probabilities included) in the repository.

    The run folders hold checkpoints and live outside the repository; a session that ends takes them with it,
    so the results the report is built from must be kept where the next session finds them."""
    for arch, recipes in runs.items():
        for name, res in recipes.items():
            for tag, r in res.items():
                f = archive / arch / "pretrain.json" if name == "pretrain" else archive / arch / name / f"{tag}.json"
                f.parent.mkdir(parents=True, exist_ok=True)
                f.write_text(json.dumps(r, indent=1) + "\n")


# The read-outs a run is scored with: its frames' probabilities as the network gives them, with test-time flips,
# and with the training clips' sign shares put back as the prior (cv.py prior_adjusted; runs from 7 Dec 2026 on).
READOUTS = {"withoutFlips": "without test-time flips", "withFlips": "with test-time flips",
            "priorAdjusted": "prior-adjusted (training clips' sign shares), without flips"}
POOLED = {"withoutFlips": "pooledWithoutFlips", "withFlips": "pooledWithFlips", "priorAdjusted": "pooledPriorAdjusted"}


def pooled(results: dict, key: str) -> dict | None:
    """Out-of-fold Table 1 over the clips of the five folds (each clip scored once, by the run that held it out)."""
    truth, pred = [], []
    for tag in FOLDS:
        r = results.get(tag)
        if r is None:
            return None
        if key not in r:
            return None
        m = np.asarray(r[key]["clipConfusion"])
        for t in range(len(CLASSES)):
            for p in range(len(CLASSES)):
                truth += [t] * int(m[t, p])
                pred += [p] * int(m[t, p])
    return table1(truth, pred)


def add_clip_mean_prior_readouts(runs: dict, splits: dict, rows: list) -> None:
    """Gives every run without a frame-level prior-adjusted read-out (scored before 7 Dec 2026) the clip-mean shortcut.

    Those runs kept each clip's mean probability only, so the correction (cv.py prior_adjusted: log of the training
    clips' sign shares added to the logits) is applied to that mean instead of to each frame as the app does. The
    read-out says which (`level`), and the report marks the shortcut; training/reports/prior-adjustment.md shows,
    on runs that have both, how far apart the two are. Runs that have the frame-level read-out keep it."""
    sign_of = {r["clip"]: CLASSES.index(r["sign"]) for r in rows}
    flags = clip_flags(rows)
    for recipes in runs.values():
        for name, res in recipes.items():
            if name == "pretrain":
                continue
            for tag, r in res.items():
                if "priorAdjusted" in r:
                    r["priorAdjusted"].setdefault("level", "frame")
                    continue
                if "perClip" not in r or tag not in FOLDS + ["site"]:
                    continue
                held = set(held_out_clips(splits, split_of_tag(tag)))
                share = sign_shares(sign_of, held)
                names = sorted(r["perClip"])
                truth = [CLASSES.index(r["perClip"][c]["sign"]) for c in names]
                pred = [int(prior_adjusted(np.asarray(r["perClip"][c]["probs"]), share).argmax()) for c in names]
                t = table1(truth, pred)
                r["priorAdjusted"] = {
                    "level": "clip mean", "clips": len(names), "clipAccuracy": t["overall"]["accuracy"],
                    "clipKappa": t["overall"]["kappa"], "frameAccuracy": None,
                    "clipLenientAccuracy": float(np.mean([flags[c][p] == 1 for c, p in zip(names, pred)])),
                    "clipRecall": {c: t["perClass"][c]["recall"] for c in CLASSES},
                    "clipConfusion": t["confusion"]["matrix"]}


def summarise(runs: dict) -> dict:
    """{arch: {recipe: summary}} from the runs: per flips setting the per-fold figures, the site, the pooled Table 1."""
    doc: dict = {}
    for arch, recipes in runs.items():
        for name, res in recipes.items():
            if name == "pretrain":
                pre = res.get("pretrain", {})
                if "phantomAccuracy" in pre:
                    doc.setdefault(arch, {})["pretrain"] = {"trainSeconds": pre.get("trainSeconds"),
                                                            "phantomAccuracy": pre["phantomAccuracy"]}
                continue
            entry = doc.setdefault(arch, {}).setdefault(name, {})
            for key in READOUTS:
                tags = [t for t in FOLDS if t in res and key in res[t]]
                if not tags:
                    continue
                folds = [res[t][key] for t in tags]
                entry[key] = {
                    "foldsDone": len(folds),
                    **({"level": sorted({f.get("level", "frame") for f in folds})} if key == "priorAdjusted" else {}),
                    "folds": tags,
                    "clipAccuracy": [f["clipAccuracy"] for f in folds],
                    "frameAccuracy": [f["frameAccuracy"] for f in folds],
                    "clipKappa": [f["clipKappa"] for f in folds],
                    "clipLenientAccuracy": [f["clipLenientAccuracy"] for f in folds],
                    "recall": {c: [f["clipRecall"][c] for f in folds] for c in CLASSES},
                    "site": res.get("site", {}).get(key),
                    "trainSeconds": {t: r.get("trainSeconds") for t, r in res.items()},
                }
                t = pooled(res, key)
                if t is not None:
                    entry[POOLED[key]] = t
    return doc


def carry_over(doc: dict, earlier: dict) -> dict:
    """Adds the recipes of an earlier report whose runs are no longer on disk or in the archive, marked as such.

    Their figures were measured (the report says so); only their per-clip detail is gone with the session that ran them."""
    for arch, recipes in earlier.items():
        for name, entry in recipes.items():
            if name not in doc.get(arch, {}):
                doc.setdefault(arch, {})[name] = {**entry, "fromEarlierReport": True}
    return doc


def fold_tags(row: dict) -> list:
    # Reports written before fold tags were kept ran their folds in order (fold0, fold1, ...).
    return row.get("folds") or FOLDS[: row["foldsDone"]]


def render(doc: dict) -> str:
    md = ["# Cross-validation of the training recipes", "",
          "Five clip-grouped folds over all 83 development clips (stratified by sign, `training/splits/cv-folds.json`, fixed "
          "once) and the held-out site (all 35 Northumbria clips, trained on the other 48). A clip's read-out is the mean "
          "probability over its shared frames (up to 12), as `lus-signs score` reads a folder. Figures in %; folds as "
          "mean ± sd over the folds run; *lenient* counts a read-out right when the clip's flags in clips.csv show that "
          "sign. Made by `training/cv_report.py` from the runs of `training/cv_all.sh` (their results are kept in "
          "`training/reports/runs/`). Recipes marked † come from an earlier report whose run folders were lost with "
          "their session: their figures stand, their per-clip detail is gone. In the prior-adjusted tables, recipes marked ‡ "
          "ran before every frame's probabilities were kept: the correction is applied to each clip's mean probability "
          "(a shortcut; `training/reports/prior-adjustment.md` compares it with the app's frame-by-frame read-out).", ""]
    for arch, recipes in doc.items():
        names = [n for n in recipes if n != "pretrain"]
        mark = {n: " †" if recipes[n].get("fromEarlierReport") else "" for n in names}
        md += [f"## {arch}", ""]
        for key, label in READOUTS.items():
            if not any(recipes[n].get(key) for n in names):
                continue
            md += [f"### {arch}, {label}", "",
                   "| recipe | folds done | clips, folds | frames, folds | kappa (clips), folds | lenient, folds | "
                   "clips, site | frames, site | lenient, site | " + " | ".join(f"{DISPLAY[c]} recall (folds)" for c in CLASSES) + " |",
                   "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + " ---: |" * len(CLASSES)]
            for name in names:
                row = recipes[name].get(key)
                if row is None:
                    continue
                site = row["site"]
                short = " ‡" if key == "priorAdjusted" and "clip mean" in row.get("level", []) else ""
                md.append(
                    f"| {name}{mark[name]}{short} | {row['foldsDone']} | {mean_sd(row['clipAccuracy'])} | {mean_sd(row['frameAccuracy'])} | "
                    f"{mean_sd(row['clipKappa'])} | {mean_sd(row['clipLenientAccuracy'])} | "
                    f"{pct(site['clipAccuracy']) if site else '–'} | {pct(site['frameAccuracy']) if site else '–'} | "
                    f"{pct(site['clipLenientAccuracy']) if site else '–'} | "
                    + " | ".join(mean_sd(row["recall"][c]) for c in CLASSES) + " |")
            md.append("")
        md += [f"### {arch}, per fold (clip accuracy, without / with flips)", "",
               "| recipe | " + " | ".join(FOLDS) + " | site | training time per run |", "| --- |" + " ---: |" * (len(FOLDS) + 2)]
        for name in names:
            a, b = recipes[name].get("withoutFlips"), recipes[name].get("withFlips")
            if a is None or b is None:
                continue
            by_a = dict(zip(fold_tags(a), a["clipAccuracy"]))
            by_b = dict(zip(fold_tags(b), b["clipAccuracy"]))
            cells = [f"{pct(by_a[t])} / {pct(by_b[t])}" if t in by_a and t in by_b else "–" for t in FOLDS]
            cells.append(f"{pct(a['site']['clipAccuracy'])} / {pct(b['site']['clipAccuracy'])}" if a["site"] and b["site"] else "–")
            secs = [v for v in a["trainSeconds"].values() if v]
            md.append(f"| {name}{mark[name]} | " + " | ".join(cells) + f" | {int(np.median(secs)) if secs else '–'} s |")
        md.append("")
        pre = recipes.get("pretrain")
        if pre:
            md += [f"Phantom pretraining of {arch}: {pre['trainSeconds']} s, held-out phantoms {pct(pre['phantomAccuracy'])} %.", ""]
        for name in names:
            for key, label in READOUTS.items():
                t = recipes[name].get(POOLED[key])
                if t is not None:
                    md.append(table1_markdown(f"{arch} {name}{mark[name]}: pooled out-of-fold clips, {label} "
                                              "(Table 1 layout)", t))
    return "\n".join(md) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", default="/work/lus-train/cv")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "reports"))
    ap.add_argument("--archive", help="folder of kept run results (default: <out>/runs)")
    here = Path(__file__).resolve().parent
    ap.add_argument("--splits", default=str(here / "splits" / "cv-folds.json"))
    ap.add_argument("--clips", default=str(here.parent.parent / "shared" / "data" / "pocus-lus" / "clips.csv"))
    args = ap.parse_args()
    out = Path(args.out)
    archive = Path(args.archive) if args.archive else out / "runs"
    runs = load_runs(Path(args.runs), archive)
    archive_runs(runs, archive)
    add_clip_mean_prior_readouts(runs, json.loads(Path(args.splits).read_text()), read_clips(args.clips))
    earlier = json.loads((out / "cv.json").read_text()) if (out / "cv.json").exists() else {}
    doc = carry_over(summarise(runs), earlier)
    md = render(doc)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cv.json").write_text(json.dumps(doc, indent=1) + "\n")
    (out / "cv.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
