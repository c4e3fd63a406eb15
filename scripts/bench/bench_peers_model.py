#!/usr/bin/python3
"""Writes the peer benchmark's model: one checkpoint, exported by our exporters to TF.js and to ONNX.

A random-weight torchvision ResNet made to behave like a trained one (training/make_goldens.py's
`realistic_network`: BatchNorm statistics from synthetic frames, so activations stay in a trained
network's range and no engine is timed on denormals or infinities). Weights are never committed: the
default folder, .cache/bench-resnet152, is gitignored.

  /usr/bin/python3 scripts/bench/bench_peers_model.py --arch resnet152 --size 224 --out .cache/bench-resnet152

Writes <out>/checkpoint.pt, <out>/tfjs/ (model.json + shards, float32) and <out>/model.onnx.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "training"))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", default="resnet152")
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--seed", type=int, default=1520)
    p.add_argument("--out", default=str(REPO / ".cache" / "bench-resnet152"))
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)

    import torch

    from lus_export import ModelDescription, export_tfjs
    from lus_export.onnx import export_onnx
    from make_goldens import realistic_network

    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    model = realistic_network(args.arch, args.size, args.size, args.seed)
    torch.save(model.state_dict(), out / "checkpoint.pt")
    print(f"network built in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    description = ModelDescription(
        id=f"bench-{args.arch}-{args.size}",
        version="1.0.0",
        display_name=f"Benchmark {args.arch} {args.size}px (random weights)",
        trained_on="nothing: random weights with BatchNorm statistics from synthetic frames",
        licence="benchmark fixture, no licence needed",
        is_test_model=True,
        notes="Written by scripts/bench/bench_peers_model.py for npm run bench:peers. Its answers mean nothing.",
    )
    t0 = time.perf_counter()
    export_tfjs(
        model,
        out / "tfjs",
        architecture=args.arch,
        description=description,
        input_size=args.size,
        features=False,
        quantize="float32",
        overwrite=True,
        verify=False,
    )
    print(f"TF.js export in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    t0 = time.perf_counter()
    export_onnx(model, out / "model.onnx", architecture=args.arch, input_size=str(args.size), overwrite=True)
    print(f"ONNX export in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
