#!/usr/bin/python3
"""Native PyTorch peer for `npm run bench:peers`: a long-lived process timed on request, so rounds alternate.

Reads the benchmark input (NHWC float32, one frame, already normalised), runs the checkpoint's torchvision
ResNet in eval mode with `torch.inference_mode()`, and speaks JSON lines:
  out: {"ready": true, "loadMs": ..., "probs": [...], "torch": "...", "threads": N}
  in:  "run N"   out: {"times": [ms, ...]}          (each time: one forward of a batch of one, NCHW)
  in:  "quit"
Without --checkpoint it times random weights of the same architecture (no probabilities to compare).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "training"))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", required=True)
    p.add_argument("--height", type=int, required=True)
    p.add_argument("--width", type=int, required=True)
    p.add_argument("--classes", required=True, help="class ids in output order, comma-separated")
    p.add_argument("--checkpoint")
    p.add_argument("--trust-checkpoint", action="store_true")
    p.add_argument("--input", required=True, help="NHWC float32 file, one frame")
    p.add_argument("--threads", type=int, required=True)
    args = p.parse_args(argv)

    import numpy as np
    import torch

    from lus_export import build_resnet, load_checkpoint

    torch.set_num_threads(args.threads)
    classes = args.classes.split(",")
    t0 = time.perf_counter()
    if args.checkpoint:
        model = load_checkpoint(args.checkpoint, args.arch, classes, trust=args.trust_checkpoint)
    else:
        model = build_resnet(args.arch, len(classes))
    model.eval()
    load_ms = (time.perf_counter() - t0) * 1000
    x = np.fromfile(args.input, dtype="<f4").reshape(1, args.height, args.width, 3)
    x = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()
    with torch.inference_mode():
        probs = torch.softmax(model(x), dim=1)[0].tolist()
    ready = {"ready": True, "loadMs": load_ms, "torch": torch.__version__, "threads": torch.get_num_threads()}
    if args.checkpoint:
        ready["probs"] = probs
    print(json.dumps(ready), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        times = []
        with torch.inference_mode():
            for _ in range(int(words[1])):
                t = time.perf_counter()
                torch.softmax(model(x), dim=1).numpy()
                times.append((time.perf_counter() - t) * 1000)
        print(json.dumps({"times": times}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
