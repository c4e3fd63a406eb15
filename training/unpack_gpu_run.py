"""Unpacks what training/cv_gpu.py brought home from a lent GPU machine into the run layout the rest of training/ reads.

    /usr/bin/python3 training/unpack_gpu_run.py --from /work/.device/.../out --runs /work/lus-train/cv

Writes <runs>/<arch>/<recipe>/<split>/result.json for every finished run (what cv_report.py gathers),
<runs>/<arch>/pretrain/result.json, the final model's state_dict rebuilt from its 8-bit blob at
<runs>/<arch>/<recipe>/all/model.pt (what export_default.py reads), and site-features.npz beside <runs>.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cv_gpu import dequantise  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="src", required=True)
    ap.add_argument("--runs", default="/work/lus-train/cv")
    a = ap.parse_args()
    src, runs = Path(a.src), Path(a.runs)
    doc = json.loads((src / "results.json").read_text())
    arch = doc["plan"]["arch"]
    if doc.get("pretrain"):
        d = runs / arch / "pretrain"
        d.mkdir(parents=True, exist_ok=True)
        (d / "result.json").write_text(json.dumps(doc["pretrain"], indent=2) + "\n")
    for recipe, splits in doc["runs"].items():
        for split, result in splits.items():
            d = runs / arch / recipe / split.replace(":", "")
            d.mkdir(parents=True, exist_ok=True)
            (d / "result.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"{recipe}: {len(splits)} runs")
    if "weights" in doc:
        blob = b"".join((src / p).read_bytes() for p in doc["weights"]["parts"])
        if len(blob) != doc["weights"]["bytes"]:
            raise SystemExit(f"the weight parts hold {len(blob)} bytes, results.json says {doc['weights']['bytes']}")
        d = runs / arch / doc["final"]["recipe"] / "all"
        d.mkdir(parents=True, exist_ok=True)
        torch.save(dequantise(blob, doc["weights"]["layout"]), str(d / "model.pt"))
        (d / "result.json").write_text(json.dumps(doc["final"]["result"], indent=2) + "\n")
        print(f"final {doc['final']['recipe']}: {d / 'model.pt'}; 8-bit check {doc.get('quantisationCheck')}")
    if (src / "site-features.npz").exists():
        shutil.copyfile(src / "site-features.npz", runs.parent / "site-features.npz")
        print(f"site features: {runs.parent / 'site-features.npz'}")


if __name__ == "__main__":
    main()
