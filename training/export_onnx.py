#!/usr/bin/python3
"""Export a torchvision ResNet checkpoint to ONNX: the same weights as the TF.js export, for comparisons.

The ONNX model takes the TF.js model's input, NHWC float32 "input" [batch, H, W, 3] already normalised
by the app, and outputs softmax "probs" [batch, classes]. Opset 13 by default.

Example:
  /usr/bin/python3 training/export_onnx.py --arch resnet152 --checkpoint best.pt --input-size 224 \\
      --out work-data/lus-resnet152.onnx
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_export import ARCHITECTURES, SIGN_CLASSES, ExportError, load_checkpoint  # noqa: E402
from lus_export.onnx import export_onnx  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", required=True, help=f"one of {', '.join(ARCHITECTURES)}")
    p.add_argument("--checkpoint", required=True, help="state_dict or a dict holding it under 'model'/'state_dict'")
    p.add_argument("--trust-checkpoint", action="store_true", help="allow full unpickling (only for your own files)")
    p.add_argument("--classes", default=",".join(SIGN_CLASSES), help="class ids in output order")
    p.add_argument("--input-size", default="224", help="SIZE or HEIGHTxWIDTH (default 224)")
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--dilate-last-stage", action="store_true", help="last stage dilated, as in export_tfjs.py")
    p.add_argument("--out", required=True, help="the .onnx file to write")
    p.add_argument("--overwrite", action="store_true")
    args = p.parse_args(argv)
    import torch

    torch.set_num_threads(min(2, torch.get_num_threads()))
    try:
        classes = [c.strip() for c in args.classes.split(",") if c.strip()]
        model = load_checkpoint(
            args.checkpoint, args.arch, classes, trust=args.trust_checkpoint, dilate_last_stage=args.dilate_last_stage
        )
        result = export_onnx(
            model, args.out, architecture=args.arch, input_size=args.input_size, opset=args.opset, overwrite=args.overwrite
        )
    except ExportError as error:
        print(f"export_onnx: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {result['bytes'] / 1e6:.1f} MB in {result['seconds']:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
