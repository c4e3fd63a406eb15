"""Averages two state_dicts of the same network (a "model soup"): (1 - t)·A + t·B for every float tensor.

Both must come from the same starting weights (for example a model and a further fine-tuning round of it),
or the average means nothing. Integer buffers (BatchNorm's num_batches_tracked) are taken from A. The
config.json written beside the output is B's, with the average recorded, so evaluate.py and
export_default.py can read the result. How 1.2.0 and round 4 averaged: docs/model-card.md.

    /usr/bin/python3 training/average_weights.py A/model.pt B/model.pt 0.5 /tmp/soup/model.pt
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch


def average_state_dicts(a: dict, b: dict, t: float) -> dict:
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"the weight of B must lie in [0, 1], got {t}")
    if set(a) != set(b):
        raise ValueError(f"the two models differ in {sorted(set(a) ^ set(b))[:4]}")
    out = {}
    for k, va in a.items():
        vb = b[k]
        if va.shape != vb.shape:
            raise ValueError(f"{k}: shape {tuple(va.shape)} against {tuple(vb.shape)}")
        out[k] = (1.0 - t) * va + t * vb if va.is_floating_point() else va.clone()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", type=Path, help="model.pt (config.json beside it)")
    ap.add_argument("b", type=Path, help="model.pt (config.json beside it)")
    ap.add_argument("t", type=float, help="the weight of B, 0 to 1")
    ap.add_argument("out", type=Path, help="model.pt to write")
    args = ap.parse_args()
    soup = average_state_dicts(torch.load(args.a, map_location="cpu"), torch.load(args.b, map_location="cpu"), args.t)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(soup, str(args.out))
    config = json.loads((args.b.parent / "config.json").read_text())
    config["averageOf"] = {"a": str(args.a), "b": str(args.b), "weightOfB": args.t}
    (args.out.parent / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"{args.out}: {1 - args.t:g}·A + {args.t:g}·B, {len(soup)} tensors")


if __name__ == "__main__":
    main()
