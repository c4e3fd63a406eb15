"""Measures the sign-prior correction (cv.py prior_adjusted) on every kept cross-validation run: training/reports/prior-adjustment.{md,json}.

    /usr/bin/python3 training/prior_report.py            # reads training/reports/runs (cv_report.py keeps the runs there)

Sampling is balanced by sign, so a network learns as if the four signs were equally common; the clips are not. The
correction adds log(each sign's share of the training clips) to every frame's logits. Runs scored since 7 Dec 2026
keep every frame's probabilities and are measured the app's way (corrected frame by frame, then the clip mean:
"frame level"). Older runs kept only each clip's mean probabilities; for them the correction is applied to that mean
("clip level", a shortcut the app cannot take, reported as such). The shares are always the training clips' own: a
fold's from the other four folds, the site's from the 48 non-Northumbria clips. No held-out clip enters them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_train import CLASSES  # noqa: E402
from lus_train.folds import FOLD_TAGS as FOLDS, held_out_clips, read_clips, split_of_tag  # noqa: E402
from lus_train.prior import prior_adjusted, sign_shares  # noqa: E402

TRAINING = Path(__file__).resolve().parent


def clip_reads(result: dict, share: np.ndarray) -> dict:
    """{clip: (true sign, raw read-out, corrected frame by frame (None without every frame's probabilities),
    corrected on the clip mean)} for one run's held-out clips."""
    out = {}
    sampled = result.get("samplingShare")  # a run sampled by clip learned the clips' mix: nothing to put back
    if "perFrame" in result:
        pf = result["perFrame"]
        probs = np.asarray(pf["probs"], dtype=np.float64)
        clips = np.asarray(pf["clips"])
        for c in sorted(set(pf["clips"])):
            m = clips == c
            sign = pf["signs"][int(np.flatnonzero(m)[0])]
            mean = probs[m].mean(0)
            out[c] = (CLASSES.index(sign), int(mean.argmax()), int(prior_adjusted(probs[m], share, sampled).mean(0).argmax()),
                      int(prior_adjusted(mean, share, sampled).argmax()))
    else:
        for c, v in result["perClip"].items():
            p = np.asarray(v["probs"], dtype=np.float64)
            out[c] = (CLASSES.index(v["sign"]), int(p.argmax()), None, int(prior_adjusted(p, share, sampled).argmax()))
    return out


def recall(conf: np.ndarray) -> list:
    return [float(conf[i, i] / conf[i].sum()) if conf[i].sum() else float("nan") for i in range(len(CLASSES))]


def measure(archive: Path, splits: dict, sign_of: dict) -> dict:
    """Every run of the archive with all five folds, sampled by sign: read-outs right both ways, per fold and at the
    site. A run sampled by clip learned the clips' mix and has nothing to put back, so it would only dilute the
    figures. sign_of maps each development clip to its sign's name (clips.csv)."""
    sign_ids = {c: CLASSES.index(s) for c, s in sign_of.items()}
    runs = {}
    for run in sorted(p for p in archive.glob("*/*") if p.is_dir()):
        if not all((run / f"{t}.json").exists() for t in FOLDS):
            continue
        if json.loads((run / "fold0.json").read_text()).get("recipe", {}).get("sampling", "sign") != "sign":
            continue
        entry = {"folds": {}, "site": None, "level": set()}
        conf_raw = np.zeros((4, 4), int)
        conf_adj = np.zeros((4, 4), int)
        for tag in FOLDS + ["site"]:
            f = run / f"{tag}.json"
            if not f.exists():
                continue
            held = set(held_out_clips(splits, split_of_tag(tag)))
            reads = clip_reads(json.loads(f.read_text()), sign_shares(sign_ids, held))
            frame_level = all(a is not None for _, _, a, _ in reads.values())
            raw = sum(t == r for t, r, _, _ in reads.values())
            clip_adj = sum(t == ac for t, _, _, ac in reads.values())
            adj = sum(t == a for t, _, a, _ in reads.values()) if frame_level else clip_adj
            entry["level"].add("frame" if frame_level else "clip")
            row = {"clips": len(reads), "raw": int(raw), "adjusted": int(adj), "adjustedOnClipMean": int(clip_adj),
                   "shortcutDiffers": int(sum(a != ac for _, _, a, ac in reads.values())) if frame_level else None}
            if tag == "site":
                entry["site"] = row
            else:
                entry["folds"][tag] = row
                for t, r, a, ac in reads.values():
                    conf_raw[t, r] += 1
                    conf_adj[t, a if frame_level else ac] += 1
        entry["level"] = "/".join(sorted(entry["level"]))
        entry["confusionRaw"] = conf_raw.tolist()
        entry["confusionAdjusted"] = conf_adj.tolist()
        runs[f"{run.parent.name}/{run.name}"] = entry
    return runs


def pct(a: int, n: int) -> str:
    return f"{100 * a / n:.1f}"


def render(runs: dict) -> str:
    md = ["# The sign-prior correction on every kept cross-validation run", "",
          "Made by `training/prior_report.py` from `training/reports/runs/`. Clip read-outs right, uncorrected → "
          "corrected with the training clips' sign shares (`softmax(log p + log share)`). *frame*: corrected frame by "
          "frame, then the clip mean, as the app and `lus-signs score` read (runs that kept every frame's "
          "probabilities); *clip*: the correction applied to the clip's mean probabilities (older runs, a shortcut).",
          "", "The last column is the clip-mean shortcut on runs measured frame by frame: how far the shortcut, the only "
          "figure the older runs allow, is from the app's read-out. Runs sampled by clip (`--sampling clip`) are left "
          "out: they learned the clips' mix and have nothing to put back.", "",
          "| run | level | folds (of 83) | folds, mean of the five | site (of 35) | shortcut: folds / site |",
          "| --- | --- | ---: | ---: | ---: | ---: |"]
    tot = np.zeros(4, int)
    ups = {"folds": [0, 0, 0], "site": [0, 0, 0]}
    for name, e in runs.items():
        fr = sum(v["raw"] for v in e["folds"].values())
        fa = sum(v["adjusted"] for v in e["folds"].values())
        n = sum(v["clips"] for v in e["folds"].values())
        mean_r = np.mean([v["raw"] / v["clips"] for v in e["folds"].values()]) * 100
        mean_a = np.mean([v["adjusted"] / v["clips"] for v in e["folds"].values()]) * 100
        s = e["site"]
        site = f"{s['raw']} → {s['adjusted']}" if s else "–"
        short = "–"
        if e["level"] == "frame":
            differ = sum(v["shortcutDiffers"] for v in e["folds"].values()) + (s["shortcutDiffers"] if s else 0)
            short = (f"{sum(v['adjustedOnClipMean'] for v in e['folds'].values())} / {s['adjustedOnClipMean'] if s else '–'}"
                     f" ({differ} clips read otherwise)")
        md.append(f"| {name} | {e['level']} | {fr} → {fa} (of {n}) | {mean_r:.1f} → {mean_a:.1f} | {site} | {short} |")
        ups["folds"][0 if fa > fr else 1 if fa == fr else 2] += 1
        if s:
            ups["site"][0 if s["adjusted"] > s["raw"] else 1 if s["adjusted"] == s["raw"] else 2] += 1
            tot += [fr, fa, s["raw"], s["adjusted"]]
    cr = sum(np.asarray(e["confusionRaw"]) for e in runs.values())
    ca = sum(np.asarray(e["confusionAdjusted"]) for e in runs.values())
    n_site = sum(1 for e in runs.values() if e["site"])
    md += ["", f"Runs with a site result: {n_site}. Folds: {ups['folds'][0]} runs read more clips, {ups['folds'][1]} as many, "
           f"{ups['folds'][2]} fewer. Site: {ups['site'][0]} more, {ups['site'][1]} as many, {ups['site'][2]} fewer. Summed over "
           f"those runs: folds {tot[0]} → {tot[1]} of {83 * n_site} ({pct(tot[0], 83 * n_site)} → {pct(tot[1], 83 * n_site)} %), "
           f"site {tot[2]} → {tot[3]} of {35 * n_site} ({pct(tot[2], 35 * n_site)} → {pct(tot[3], 35 * n_site)} %).", "",
           "Pooled out-of-fold recall over every run (clips): " + ", ".join(
               f"{c.replace('_', ' ')} {100 * r:.0f} → {100 * a:.0f} %" for c, r, a in zip(CLASSES, recall(cr), recall(ca))) + ".",
           "", "A-lines against B-lines only (the A-lines and B-lines clips; how often each is read as the other): "
           f"A-lines read as B-lines {cr[0, 1]} → {ca[0, 1]} of {cr[0].sum()}, B-lines read as A-lines {cr[1, 0]} → {ca[1, 0]} "
           f"of {cr[1].sum()}.", ""]
    return "\n".join(md)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--archive", default=str(TRAINING / "reports" / "runs"))
    ap.add_argument("--splits", default=str(TRAINING / "splits" / "cv-folds.json"))
    ap.add_argument("--clips", default=str(TRAINING.parent.parent / "shared" / "data" / "pocus-lus" / "clips.csv"))
    ap.add_argument("--out", default=str(TRAINING / "reports"))
    args = ap.parse_args()
    splits = json.loads(Path(args.splits).read_text())
    sign_of = {r["clip"]: r["sign"] for r in read_clips(args.clips)}
    runs = measure(Path(args.archive), splits, sign_of)
    md = render(runs)
    out = Path(args.out)
    (out / "prior-adjustment.json").write_text(json.dumps(runs, indent=1) + "\n")
    (out / "prior-adjustment.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
