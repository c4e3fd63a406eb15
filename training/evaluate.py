"""Scores trained models and writes training/reports/evaluation.{json,md}, laid out like the seed study's Table 1.

(a) held-out phantoms (another seed), (b) real validation clips, frame- and clip-level, (c) the phantom-only
model on all real frames, (d) accuracy under each phantom nuisance (probe, depth, overlays, gain) and per
real probe type. Run with /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_train import CLASSES  # noqa: E402
from lus_train.data import FrameSet, load_frames, load_split, split_by_clip  # noqa: E402
from lus_train.metrics import DISPLAY, table1, table1_markdown  # noqa: E402
from lus_train.model import clip_level, load_trained, pick_device, predict  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def frame_and_clip(probs: np.ndarray, fs: FrameSet) -> dict:
    frame = table1(fs.labels, probs.argmax(1))
    _, p, y = clip_level(probs, fs.clips, fs.labels)
    return {"frame": frame, "clip": table1(y, p.argmax(1))}


def depth_bin(mm: float) -> str:
    for hi, name in ((60, "< 6 cm"), (100, "6–10 cm"), (150, "10–15 cm")):
        if mm < hi:
            return name
    return "≥ 15 cm"


def config_summary(config: dict) -> dict:
    """What the report records of a model's config.json. A training run's config has its recipe, data and
    software; one written by tfjs_to_torch.py --config (shipped weights recovered from their export) has
    where they came from and the model's provenance instead."""
    keys = ("stage", "input", "recipe", "data", "software", "dilateLastStage", "recoveredFrom", "provenance")
    return {k: config[k] for k in keys if k in config}


def consolidation_company(content: dict) -> Dict[str, str]:
    """What the generator drew beside a consolidation (lus-synth.md: aerated lung with A-lines or 1–3
    B-lines beside it, a small effusion), so a consolidation read as another sign can be traced to the
    co-finding that carries that sign. Phantoms of the other signs get "other sign"."""
    if content["kind"] != "consolidation":
        return {f"consolidation with {what}": "other sign" for what in ("B-lines beside", "A-lines beside", "small effusion")}
    lung = content["lung"]
    return {
        "consolidation with B-lines beside": "yes" if lung["bLines"] else "no",
        "consolidation with A-lines beside": "yes" if lung["aLines"] else "no",
        "consolidation with small effusion": "yes" if content["smallEffusion"] else "no",
    }


def nuisance_keys(params: dict, gain_lo: float, gain_hi: float) -> Dict[str, str]:
    gain = params["imaging"]["gainDb"]
    overlay = params.get("overlay")
    return {
        "probe": params["probe"]["kind"],
        "depth": depth_bin(params["probe"]["depthMm"]),
        "overlays": "on" if overlay else "off",
        "letterbox": overlay["letterbox"] if overlay else "none",
        "gain": "low (bottom 10 %)" if gain <= gain_lo else "high (top 10 %)" if gain >= gain_hi else "middle",
        **consolidation_company(params["content"]),
    }


def grouped_accuracy(keys: List[Dict[str, str]], truth: np.ndarray, pred: np.ndarray) -> dict:
    """Per nuisance and value: n, accuracy, and per-class n and recall, so a shortcut (a nuisance that
    decides the class) shows as a value where one class collapses."""
    out: dict = {}
    for nuisance in keys[0]:
        values = sorted({k[nuisance] for k in keys})
        out[nuisance] = {}
        for v in values:
            idx = np.asarray([i for i, k in enumerate(keys) if k[nuisance] == v])
            entry = {"n": int(len(idx)), "accuracy": float((truth[idx] == pred[idx]).mean())}
            per = {}
            for c, name in enumerate(CLASSES):
                m = idx[truth[idx] == c]
                per[name] = {"n": int(len(m)), "recall": float((pred[m] == c).mean()) if len(m) else None}
            entry["perClass"] = per
            out[nuisance][v] = entry
    return out


def nuisance_markdown(title: str, groups: dict) -> str:
    lines = [f"### {title}", "", "| nuisance | value | n | accuracy/% | " + " | ".join(f"{DISPLAY[c]} recall/%" for c in CLASSES) + " |",
             "| --- | --- | ---: | ---: |" + " ---: |" * len(CLASSES)]
    for nuisance, values in groups.items():
        for v, e in values.items():
            per = " | ".join("–" if e["perClass"][c]["recall"] is None else f"{100 * e['perClass'][c]['recall']:.1f} ({e['perClass'][c]['n']})" for c in CLASSES)
            lines.append(f"| {nuisance} | {v} | {e['n']} | {100 * e['accuracy']:.2f} | {per} |")
    return "\n".join(lines + [""])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--finetuned", required=True, help="fine-tuned weights (model.pt, config.json beside it)")
    phantom_only = ap.add_mutually_exclusive_group(required=True)
    phantom_only.add_argument("--pretrained", help="phantom-only weights")
    phantom_only.add_argument("--phantom-only-from",
                              help="an earlier evaluation.json whose phantom-only results are reused (the phantom-only "
                              "model and the data sets are unchanged; use when its checkpoint is not on this machine)")
    ap.add_argument("--phantom-test", required=True, help="prepared held-out phantoms")
    ap.add_argument("--phantom-manifest", required=True, help="the synth manifest.json of those phantoms")
    ap.add_argument("--real", required=True, help="prepared real frames")
    ap.add_argument("--clips", required=True, help="pocus-lus clips.csv (probe type per clip)")
    ap.add_argument("--split", default=str(REPO / "training" / "splits" / "real-val-clips.json"))
    ap.add_argument("--reports", default=str(REPO / "training" / "reports"))
    ap.add_argument("--json-copy", help="also write the JSON here (run_all.sh uses it to mark the step done)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit-per-class", type=int, help="smoke runs only")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = pick_device()

    phantoms = load_frames(args.phantom_test, args.limit_per_class)
    real = load_frames(args.real, args.limit_per_class)
    val_clips = load_split(args.split)
    if args.limit_per_class is not None:  # smoke: only the validation clips present in the subset
        val_clips = {k: [c for c in v if c in set(real.clips)] for k, v in val_clips.items()}
    _, real_val = split_by_clip(real, val_clips)
    with open(args.clips, newline="") as f:
        probe_of_clip = {r["clip"]: r["probe"] for r in csv.DictReader(f)}
    manifest = json.loads(Path(args.phantom_manifest).read_text())
    params_of = {Path(item["file"]).stem: item["params"] for item in manifest["items"]}

    finetuned, ft_cfg = load_trained(args.finetuned, device)
    if args.pretrained:
        pretrained, pt_cfg = load_trained(args.pretrained, device)
    else:
        previous = json.loads(Path(args.phantom_only_from).read_text())
        pt_cfg = previous["models"]["phantomOnly"]["config"]
    for cfg in (ft_cfg, pt_cfg):
        if cfg["input"]["size"] != phantoms.images.shape[1]:
            raise SystemExit(f"model input {cfg['input']['size']} px, prepared frames {phantoms.images.shape[1]} px")

    def run(model, cfg, fs: FrameSet, what: str) -> np.ndarray:
        t0 = time.time()
        probs = predict(model, fs.images, cfg["input"]["mean"], cfg["input"]["std"], device)
        log(f"evaluate: {what}: {len(fs)} frames in {time.time() - t0:.0f} s ({len(fs) / max(time.time() - t0, 1e-6):.1f} frames/s)")
        return probs

    p_ft_ph = run(finetuned, ft_cfg, phantoms, "fine-tuned on held-out phantoms")
    p_ft_val = run(finetuned, ft_cfg, real_val, "fine-tuned on real validation clips")
    is_val = np.asarray([c in {k for v in val_clips.values() for k in v} for c in real.clips])

    gains = np.asarray([params_of[Path(p).stem]["imaging"]["gainDb"] for p in phantoms.paths])
    gain_lo, gain_hi = np.quantile(gains, 0.1), np.quantile(gains, 0.9)
    keys = [nuisance_keys(params_of[Path(p).stem], gain_lo, gain_hi) for p in phantoms.paths]
    for k, found in zip(keys, phantoms.roi_found):
        k["roi detected"] = "yes" if found else "no (whole frame)"
    real_keys = [{"probe": probe_of_clip.get(c, "unknown"), "roi detected": "yes" if f else "no (whole frame)"}
                 for c, f in zip(real.clips, real.roi_found)]
    val_keys = [k for k, v in zip(real_keys, is_val) if v]

    if args.pretrained:
        p_pt_ph = run(pretrained, pt_cfg, phantoms, "phantom-only on held-out phantoms")
        p_pt_real = run(pretrained, pt_cfg, real, "phantom-only on all real frames")
        p_pt_val = p_pt_real[is_val]
        phantom_only_weights = args.pretrained
        phantom_only = {
            "a": table1(phantoms.labels, p_pt_ph.argmax(1)),
            "b": frame_and_clip(p_pt_val, real_val),
            "c": frame_and_clip(p_pt_real, real),
            "dPhantom": grouped_accuracy(keys, phantoms.labels, p_pt_ph.argmax(1)),
            "dReal": grouped_accuracy(real_keys, real.labels, p_pt_real.argmax(1)),
        }
    else:
        for key in ("phantomTest", "realValidation"):
            now = {"phantomTest": len(phantoms), "realValidation": len(real_val)}[key]
            if previous["data"][key]["frames"] != now:
                raise SystemExit(f"{args.phantom_only_from}: {key} had {previous['data'][key]['frames']} frames, now {now}")
        phantom_only_weights = (f"{previous['models']['phantomOnly']['weights']} (results reused from "
                                f"{args.phantom_only_from}, created {previous['createdAt']})")
        phantom_only = {
            "a": previous["a_phantomTest"]["phantomOnly"],
            "b": previous["b_realValidation"]["phantomOnly"],
            "c": previous["c_phantomOnlyOnAllReal"],
            "dPhantom": previous["d_nuisance"]["phantomTestPhantomOnly"],
            "dReal": previous["d_nuisance"]["realAllPhantomOnly"],
        }

    report = {
        "createdAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "models": {"finetuned": {"weights": args.finetuned, "config": config_summary(ft_cfg)},
                   "phantomOnly": {"weights": phantom_only_weights, "config": config_summary(pt_cfg)}},
        "data": {"phantomTest": {"root": args.phantom_test, "frames": len(phantoms), "seed": manifest.get("seed"),
                                 "generatorVersion": manifest.get("generatorVersion")},
                 "realValidation": {"split": args.split, "frames": len(real_val), "clips": len(set(real_val.clips))},
                 "realAll": {"frames": len(real), "clips": len(set(real.clips)), "roiNotFound": int((~real.roi_found).sum())}},
        "a_phantomTest": {"finetuned": table1(phantoms.labels, p_ft_ph.argmax(1)),
                          "phantomOnly": phantom_only["a"]},
        "b_realValidation": {"finetuned": frame_and_clip(p_ft_val, real_val),
                             "phantomOnly": phantom_only["b"]},
        "c_phantomOnlyOnAllReal": phantom_only["c"],
        "d_nuisance": {"phantomTestFinetuned": grouped_accuracy(keys, phantoms.labels, p_ft_ph.argmax(1)),
                       "phantomTestPhantomOnly": phantom_only["dPhantom"],
                       "realValidationFinetuned": grouped_accuracy(val_keys, real_val.labels, p_ft_val.argmax(1)),
                       "realAllPhantomOnly": phantom_only["dReal"],
                       "gainThresholdsDb": [float(gain_lo), float(gain_hi)]},
    }

    md = [
        "# lus-resnet152: evaluation",
        "",
        f"Generated by `training/evaluate.py` on {report['createdAt']}. Input {ft_cfg['input']['size']} px, "
        f"mean {ft_cfg['input']['mean']}, std {ft_cfg['input']['std']}. Per-class values are one class against the "
        "rest; the Overall row gives the macro average of the per-class values and the overall accuracy (bold), "
        "as in the seed study's Table 1."
        + ("" if args.pretrained else f" The phantom-only results are reused from {args.phantom_only_from} "
           f"({previous['createdAt']}): that model and these data sets are unchanged."),
        "",
        f"## (a) Held-out phantoms (seed {manifest.get('seed')}, {len(phantoms)} frames)",
        "",
        table1_markdown("Fine-tuned model", report["a_phantomTest"]["finetuned"]),
        table1_markdown("Phantom-only model", report["a_phantomTest"]["phantomOnly"]),
        f"## (b) Real validation clips ({len(set(real_val.clips))} clips, {len(real_val)} frames; split in training/splits/real-val-clips.json)",
        "",
        table1_markdown("Fine-tuned, frame level", report["b_realValidation"]["finetuned"]["frame"]),
        table1_markdown("Fine-tuned, clip level (mean probability over the clip's frames)", report["b_realValidation"]["finetuned"]["clip"]),
        table1_markdown("Phantom-only, frame level (same clips, for comparison)", report["b_realValidation"]["phantomOnly"]["frame"]),
        table1_markdown("Phantom-only, clip level", report["b_realValidation"]["phantomOnly"]["clip"]),
        f"## (c) Phantom-only model on all real frames ({len(real)} frames, {len(set(real.clips))} clips)",
        "",
        table1_markdown("Frame level", report["c_phantomOnlyOnAllReal"]["frame"]),
        table1_markdown("Clip level", report["c_phantomOnlyOnAllReal"]["clip"]),
        "## (d) Accuracy under each nuisance",
        "",
        f"Gain extremes: the bottom and top 10 % of the phantoms' overall gain (≤ {gain_lo:.1f} dB, ≥ {gain_hi:.1f} dB). "
        "Recall per class with its n in brackets; a value where one class collapses points to a shortcut. "
        "The \"consolidation with …\" rows are not nuisances but what the generator drew beside a consolidation; "
        "they show which co-finding a misread consolidation follows.",
        "",
        nuisance_markdown("Held-out phantoms, fine-tuned model", report["d_nuisance"]["phantomTestFinetuned"]),
        nuisance_markdown("Held-out phantoms, phantom-only model", report["d_nuisance"]["phantomTestPhantomOnly"]),
        nuisance_markdown("Real validation frames, fine-tuned model", report["d_nuisance"]["realValidationFinetuned"]),
        nuisance_markdown("All real frames, phantom-only model", report["d_nuisance"]["realAllPhantomOnly"]),
    ]
    reports = Path(args.reports)
    reports.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2) + "\n"
    (reports / "evaluation.json").write_text(text)
    (reports / "evaluation.md").write_text("\n".join(md))
    if args.json_copy:
        Path(args.json_copy).write_text(text)
    a = report["a_phantomTest"]["finetuned"]["overall"]["accuracy"]
    b = report["b_realValidation"]["finetuned"]
    c = report["c_phantomOnlyOnAllReal"]["frame"]["overall"]["accuracy"]
    log(f"evaluate: phantom test {a:.4f}; real val frame {b['frame']['overall']['accuracy']:.4f}, clip "
        f"{b['clip']['overall']['accuracy']:.4f}; phantom-only on all real {c:.4f} → {reports}/evaluation.md")


if __name__ == "__main__":
    main()
