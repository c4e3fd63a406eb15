#!/usr/bin/python3
"""Export a torchvision ResNet checkpoint to a TF.js graph model that LUS Signs can load.

Example:
  /usr/bin/python3 training/export_tfjs.py --arch resnet152 --checkpoint best.pt \\
      --classes a_lines,b_lines,pleural_effusion,consolidation --input-size 224 --features \\
      --quantize float16 --id st-marys-lus --version 2.1.0 --trained-on "St Mary's ward 4, 2024-2025" \\
      --licence "internal use only" --out public/models/st-marys-lus

The graph takes NHWC float32 frames already scaled to --range and normalised with --mean/--std by the
app; the graph itself does no normalisation. Exit status: 0 written, 2 the model or options are unusable
(the message says why), 1 anything unexpected.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_export import (  # noqa: E402
    ARCHITECTURES,
    QUANTIZATIONS,
    SIGN_CLASSES,
    ExportError,
    ModelDescription,
    export_tfjs,
    load_checkpoint,
)
from lus_export.tfjs import IMAGENET_MEAN, IMAGENET_STD  # noqa: E402


def _floats(text: str, count: int, option: str) -> tuple:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != count:
        raise ExportError(f"{option} takes {count} comma-separated numbers, got {text!r}")
    return values


def _json_object(path: str | None, option: str):
    if path is None:
        return None
    try:
        value = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ExportError(f"{option} {path}: {error}") from error
    if not isinstance(value, dict):
        raise ExportError(f"{option} {path} must hold a JSON object")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    model = p.add_argument_group("model")
    model.add_argument("--arch", required=True, help=f"torchvision architecture: {', '.join(ARCHITECTURES)}")
    model.add_argument(
        "--dilate-last-stage",
        action="store_true",
        help="build the ResNet with its last stage dilated (torchvision replace_stride_with_dilation=[False, False, "
        "True]): the same weights, heat maps twice as fine each way, about a fifth more compute",
    )
    model.add_argument(
        "--checkpoint",
        required=True,
        help="state_dict, or a dict holding it under 'model'/'state_dict' ('module.' prefixes are stripped)",
    )
    model.add_argument(
        "--trust-checkpoint",
        action="store_true",
        help="allow full unpickling when the file holds more than tensors (only for files you made)",
    )
    model.add_argument(
        "--classes",
        default=",".join(SIGN_CLASSES),
        help="class ids in the model's output order (default %(default)s)",
    )
    model.add_argument("--input-size", default="224", help="SIZE or HEIGHTxWIDTH the model was trained at (default 224)")
    out = p.add_argument_group("output")
    out.add_argument("--out", required=True, help="model folder to write (atomically)")
    out.add_argument("--overwrite", action="store_true", help="replace an existing model folder")
    out.add_argument("--quantize", choices=QUANTIZATIONS, default="float32", help="weight storage (default float32)")
    out.add_argument(
        "--features",
        action="store_true",
        help="also output the last feature map and pooled features, and name the classifier weights (heat maps)",
    )
    out.add_argument("--no-verify", action="store_true", help="skip the float64 self-check of the written graph")
    meta = p.add_argument_group("metadata (userDefinedMetadata.lusSigns)")
    meta.add_argument("--id", required=True, help="model id: letters, digits, '.', '_', '-'")
    meta.add_argument("--version", default="1.0.0")
    meta.add_argument("--display-name", help="name shown in the app (default: the id)")
    meta.add_argument("--trained-on", required=True, help="what the model was trained on, in a sentence")
    meta.add_argument("--licence", required=True, help="licence or terms of use of the weights")
    meta.add_argument("--source", action="append", default=[], help="a data source or reference (repeatable)")
    meta.add_argument("--notes", help="free-text provenance notes")
    meta.add_argument("--created-at", help="ISO time stamp (default: now, UTC)")
    meta.add_argument("--test-model", action="store_true", help="mark as a test fixture whose answers mean nothing")
    meta.add_argument("--colour", choices=["grey-replicated", "rgb"], default="grey-replicated")
    meta.add_argument("--aspect", choices=["pad", "stretch"], default="pad", help="how frames were fitted in training")
    meta.add_argument("--range", default="0,1", help="pixel range before normalisation (default 0,1)")
    meta.add_argument("--mean", default=",".join(map(str, IMAGENET_MEAN)), help="per-channel mean (ImageNet default)")
    meta.add_argument("--std", default=",".join(map(str, IMAGENET_STD)), help="per-channel std (ImageNet default)")
    meta.add_argument("--low-confidence", type=float, default=0.5, help="top probability below which results are flagged")
    meta.add_argument("--validation-json", help="JSON object of validation metrics, stored as is")
    meta.add_argument("--gate-json", help="JSON object of input-gate reference statistics, stored as is")
    meta.add_argument("--model-card", help="Markdown model card to embed")
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    import torch

    torch.set_num_threads(min(2, torch.get_num_threads()))
    try:
        classes = [c.strip() for c in args.classes.split(",") if c.strip()]
        model_card = None
        if args.model_card:
            try:
                model_card = Path(args.model_card).read_text(encoding="utf-8")
            except OSError as error:
                raise ExportError(f"--model-card {args.model_card}: {error}") from error
        description = ModelDescription(
            id=args.id,
            version=args.version,
            display_name=args.display_name,
            trained_on=args.trained_on,
            licence=args.licence,
            is_test_model=args.test_model,
            colour=args.colour,
            aspect=args.aspect,
            value_range=_floats(args.range, 2, "--range"),
            mean=_floats(args.mean, 3, "--mean"),
            std=_floats(args.std, 3, "--std"),
            low_confidence_threshold=args.low_confidence,
            created_at=args.created_at,
            sources=args.source,
            notes=args.notes,
            validation=_json_object(args.validation_json, "--validation-json"),
            gate=_json_object(args.gate_json, "--gate-json"),
            model_card=model_card,
        )
        started = time.perf_counter()
        model = load_checkpoint(
            args.checkpoint, args.arch, classes, trust=args.trust_checkpoint, dilate_last_stage=args.dilate_last_stage
        )
        result = export_tfjs(
            model,
            args.out,
            architecture=args.arch,
            description=description,
            classes=classes,
            input_size=args.input_size,
            features=args.features,
            quantize=args.quantize,
            overwrite=args.overwrite,
            verify=not args.no_verify,
        )
    except ExportError as error:
        print(f"export_tfjs: {error}", file=sys.stderr)
        return 2
    for warning in result.warnings:
        print(f"export_tfjs: warning: {warning}", file=sys.stderr)
    checked = (
        f"; self-check in float64: graph vs PyTorch max |dprob| "
        f"{max(result.verification['graphVsFoldedProbMaxAbs'], result.verification['foldedVsModelProbMaxAbs']):.1e}"
        if result.verification
        else ""
    )
    print(
        f"wrote {result.path}: {len(result.files) - 1} shards, {result.total_bytes / 1e6:.1f} MB "
        f"({args.quantize}) in {time.perf_counter() - started:.1f}s{checked}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
