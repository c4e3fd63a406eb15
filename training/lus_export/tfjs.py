"""Exports a torchvision ResNet to a TF.js graph-model folder: graph, weights, metadata, written atomically."""

from __future__ import annotations

import copy
import datetime as _dt
import json
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torchvision
from torch import nn

from . import graph as graph_mod
from .errors import ExportError, ParityError
from .graph_check import run_graph, weights_from_manifest
from .graph import folded_forward
from .resnet import FoldedResNet, fold_resnet
from .weights import QUANTIZATIONS, SHARD_BYTES, encode, shard

EXPORTER_NAME = "lus-signs exporter 1"
METADATA_KEY = "lusSigns"
SIGN_CLASSES = ("a_lines", "b_lines", "pleural_effusion", "consolidation")
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass
class ModelDescription:
    """What goes into userDefinedMetadata.lusSigns besides what the exporter derives from the network."""

    id: str
    trained_on: str
    licence: str
    version: str = "1.0.0"
    display_name: Optional[str] = None
    is_test_model: bool = False
    colour: str = "grey-replicated"
    aspect: str = "pad"
    value_range: Tuple[float, float] = (0.0, 1.0)
    mean: Tuple[float, float, float] = IMAGENET_MEAN
    std: Tuple[float, float, float] = IMAGENET_STD
    low_confidence_threshold: float = 0.5
    created_at: Optional[str] = None
    sources: List[str] = field(default_factory=list)
    notes: Optional[str] = None
    validation: Optional[dict] = None
    gate: Optional[dict] = None
    model_card: Optional[str] = None


@dataclass
class ExportResult:
    path: Path
    files: Dict[str, int]
    seconds: float
    verification: Dict[str, float]
    warnings: List[str]

    @property
    def total_bytes(self) -> int:
        return sum(self.files.values())


def parse_input_size(text) -> Tuple[int, int]:
    """224 or 224x192 (height x width)."""
    if isinstance(text, int):
        return text, text
    if isinstance(text, (tuple, list)) and len(text) == 2:
        return int(text[0]), int(text[1])
    parts = str(text).lower().split("x")
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        sizes = []
    if len(sizes) == 1:
        sizes = sizes * 2
    if len(sizes) != 2:
        raise ExportError(f"--input-size {text!r} must be a size like 224 or HEIGHTxWIDTH like 224x192")
    return sizes[0], sizes[1]


def _check_description(d: ModelDescription, classes: Sequence[str], height: int, width: int) -> List[str]:
    import re

    if not re.match(r"^[a-z0-9][a-z0-9._-]*$", d.id, re.IGNORECASE):
        raise ExportError(f"--id {d.id!r} may contain only letters, digits, '.', '_' and '-'")
    for label, value in (("--trained-on", d.trained_on), ("--licence", d.licence), ("--version", d.version)):
        if not str(value).strip():
            raise ExportError(f"{label} must not be empty")
    if d.colour not in ("grey-replicated", "rgb"):
        raise ExportError(f"--colour {d.colour!r} must be grey-replicated or rgb")
    if d.aspect not in ("pad", "stretch"):
        raise ExportError(f"--aspect {d.aspect!r} must be pad or stretch")
    if not (d.value_range[1] > d.value_range[0]):
        raise ExportError("--range must be LOW,HIGH with HIGH > LOW")
    if len(d.mean) != 3 or len(d.std) != 3 or any(s <= 0 for s in d.std):
        raise ExportError("--mean and --std take three numbers each (one per channel); std must be positive")
    if not (0 < d.low_confidence_threshold < 1):
        raise ExportError("--low-confidence must be a probability between 0 and 1")
    for size in (height, width):
        if not (32 <= size <= 1024):
            raise ExportError(f"--input-size {height}x{width}: each side must be from 32 to 1024 pixels")
    if len(set(classes)) != len(classes):
        raise ExportError(f"--classes lists a class twice: {', '.join(classes)}")
    warnings = []
    if sorted(classes) != sorted(SIGN_CLASSES):
        warnings.append(
            f"classes {', '.join(classes)} are not the four LUS Signs ids ({', '.join(SIGN_CLASSES)}): the "
            "graph is exported, but the LUS Signs app will refuse the model"
        )
    return warnings


def build_metadata(
    d: ModelDescription,
    architecture: str,
    classes: Sequence[str],
    height: int,
    width: int,
    outputs: dict,
    classifier: Optional[dict],
) -> dict:
    created = d.created_at or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    provenance = {
        "trainedOn": d.trained_on,
        "licence": d.licence,
        "createdAt": created,
        "exporter": f"{EXPORTER_NAME} (torch {torch.__version__}, torchvision {torchvision.__version__})",
    }
    if d.sources:
        provenance["sources"] = list(d.sources)
    if d.notes:
        provenance["notes"] = d.notes
    metadata = {
        "schemaVersion": 1,
        "id": d.id,
        "version": d.version,
        "displayName": d.display_name or d.id,
        "architecture": architecture,
        "isTestModel": bool(d.is_test_model),
        "classes": list(classes),
        "input": {
            "name": graph_mod.INPUT_NAME,
            "height": height,
            "width": width,
            "channels": 3,
            "colour": d.colour,
            "aspect": d.aspect,
            "range": [float(d.value_range[0]), float(d.value_range[1])],
            # The graph takes already-normalised NHWC float32: the app's preprocessing applies
            # (x - mean) / std, because folding the mean into the first conv is wrong at padded borders.
            "mean": [float(v) for v in d.mean],
            "std": [float(v) for v in d.std],
        },
        "outputs": outputs,
        "lowConfidenceThreshold": float(d.low_confidence_threshold),
        "provenance": provenance,
    }
    if classifier:
        metadata["classifier"] = classifier
    for key, value in (("validation", d.validation), ("gate", d.gate)):
        if value is not None:
            if not isinstance(value, dict):
                raise ExportError(f"--{key}-json must hold a JSON object")
            metadata[key] = value
    if d.model_card is not None:
        metadata["modelCard"] = d.model_card
    return metadata


def _feature_map_size(folded: FoldedResNet, height: int, width: int) -> Tuple[int, int]:
    def conv(size, k, s, p, d=1):
        return (size + 2 * p - d * (k - 1) - 1) // s + 1

    h = conv(height, folded.stem.kernel.shape[2], folded.stem.stride, folded.stem.padding)
    w = conv(width, folded.stem.kernel.shape[3], folded.stem.stride, folded.stem.padding)
    h = conv(h, folded.pool_kernel, folded.pool_stride, folded.pool_padding)
    w = conv(w, folded.pool_kernel, folded.pool_stride, folded.pool_padding)
    for block in folded.blocks:
        for c in block.convs:
            h = conv(h, c.kernel.shape[2], c.stride, c.padding, c.dilation)
            w = conv(w, c.kernel.shape[3], c.stride, c.padding, c.dilation)
    return h, w


def _signature_entry(name: str, dims: Sequence[int]) -> dict:
    return {
        "name": f"{name}:0",
        "dtype": "DT_FLOAT",
        "tensorShape": {"dim": [{"size": str(int(d))} for d in dims]},
    }


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def write_folder_atomically(out_dir: Path, files: List[Tuple[str, bytes]], overwrite: bool) -> None:
    """Writes every file into a temporary folder beside out_dir, then renames it into place.

    A failure at any point leaves out_dir as it was (absent, or the previous export) and no partial folder.
    """
    out_dir = Path(out_dir).absolute()
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ExportError(f"--out {out_dir} exists and is not a folder")
        has_model = (out_dir / "model.json").exists()
        if any(out_dir.iterdir()) and not has_model:
            raise ExportError(f"--out {out_dir} is a non-empty folder without a model.json; refusing to replace it")
        if has_model and not overwrite:
            raise ExportError(f"--out {out_dir} already holds a model; pass --overwrite to replace it")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp's 0700 would hide the model from a web server running as another user
        # model.json last: a reader that sees it can trust the shards are there.
        for name, data in files:
            _write_file(tmp / name, data)
        if out_dir.exists():
            old = out_dir.parent / f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}"
            os.rename(out_dir, old)
            try:
                os.rename(tmp, out_dir)
            except BaseException:
                os.rename(old, out_dir)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def model_json_and_shards(
    folded: FoldedResNet,
    classes: Sequence[str],
    height: int,
    width: int,
    features: bool,
    quantize: str,
    description: ModelDescription,
    shard_bytes: int = SHARD_BYTES,
) -> Tuple[dict, List[Tuple[str, bytes]]]:
    if quantize not in QUANTIZATIONS:
        raise ExportError(f"--quantize {quantize!r} is not supported; use one of {', '.join(QUANTIZATIONS)}")
    nodes, consts, outputs = graph_mod.build_graph(folded, height, width, features)
    encoded = [encode(name, array, quantize) for name, array in consts.items()]
    shards = shard(b"".join(w.data for w in encoded), shard_bytes)
    classifier = (
        {"kernel": graph_mod.CLASSIFIER_KERNEL, "bias": graph_mod.CLASSIFIER_BIAS} if features else None
    )
    metadata = build_metadata(description, folded.architecture, classes, height, width, outputs, classifier)
    signature_outputs = {f"{graph_mod.PROBS_NAME}:0": _signature_entry(graph_mod.PROBS_NAME, [-1, len(classes)])}
    if features:
        fh, fw = _feature_map_size(folded, height, width)
        c = folded.feature_channels
        signature_outputs[f"{graph_mod.FEATURES_NAME}:0"] = _signature_entry(graph_mod.FEATURES_NAME, [-1, fh, fw, c])
        signature_outputs[f"{graph_mod.POOLED_NAME}:0"] = _signature_entry(graph_mod.POOLED_NAME, [-1, c])
    model_json = {
        "format": "graph-model",
        "generatedBy": f"torch {torch.__version__}",
        "convertedBy": EXPORTER_NAME,
        "modelTopology": {"node": nodes, "library": {}, "versions": {"producer": 1, "minConsumer": 0}},
        "signature": {
            "inputs": {f"{graph_mod.INPUT_NAME}:0": _signature_entry(graph_mod.INPUT_NAME, [-1, height, width, 3])},
            "outputs": signature_outputs,
        },
        "userDefinedMetadata": {METADATA_KEY: metadata},
        "weightsManifest": [{"paths": [name for name, _ in shards], "weights": [w.manifest_entry() for w in encoded]}],
    }
    return model_json, shards


def _verify(model: nn.Module, folded: FoldedResNet, model_json: dict, shards, height: int, width: int) -> dict:
    """Checks the written graph against the PyTorch model on a random input; raises ParityError.

    Everything runs in float64, so float32 rounding (which a deep network can amplify) cannot hide or fake
    a structural error: a wrong padding, layout, fold or a model whose forward differs gives errors many
    orders of magnitude above the limits.
    """
    x = torch.randn(1, 3, height, width, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    model64 = copy.deepcopy(model).double().eval()
    captured = {}
    hook = model64.fc.register_forward_hook(lambda _m, inputs, _o: captured.update(pooled=inputs[0]))
    with torch.no_grad():
        model_probs = torch.softmax(model64(x), dim=1).numpy()
    hook.remove()
    del model64
    if "pooled" not in captured:
        raise ParityError("the model's forward never calls fc: it is not a plain torchvision ResNet")
    exact_probs, _, exact_pooled = folded_forward(folded, x, graph_mod.weight_tensors(folded, np.float64), True)
    decoded = weights_from_manifest(model_json["weightsManifest"][0]["weights"], b"".join(d for _, d in shards))
    stored = {k: v.astype(np.float64) for k, v in decoded.items() if v.dtype == np.float32}
    ref_probs, _, ref_pooled = folded_forward(folded, x, stored, features=True)
    graph_probs, graph_pooled = run_graph(
        model_json["modelTopology"]["node"],
        decoded,
        x.permute(0, 2, 3, 1).numpy(),
        [graph_mod.PROBS_NAME, graph_mod.POOLED_NAME],
    )

    def rel(a, b):
        return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))

    result = {
        # BatchNorm folding and the layer walk against the model's own forward.
        "foldedVsModelProbMaxAbs": float(np.max(np.abs(exact_probs.numpy() - model_probs))),
        "foldedVsModelPooledRel": rel(exact_pooled.numpy(), captured["pooled"].numpy()),
        # The graph as written (TF op semantics: padding, layouts), with its stored weights.
        "graphVsFoldedProbMaxAbs": float(np.max(np.abs(graph_probs - ref_probs.numpy()))),
        "graphVsFoldedPooledRel": rel(graph_pooled, ref_pooled.numpy()),
    }
    for key, value in result.items():
        if not value <= 1e-8:
            raise ParityError(
                f"export check failed: {key} = {value:.3g} (limit 1e-8, in float64). The model does not compute "
                "what a plain torchvision ResNet computes (a changed forward or layer?); nothing was written"
            )
    return result


def export_tfjs(
    model: nn.Module,
    out_dir: str | Path,
    *,
    architecture: str,
    description: ModelDescription,
    classes: Sequence[str] = SIGN_CLASSES,
    input_size=224,
    features: bool = False,
    quantize: str = "float32",
    overwrite: bool = False,
    verify: bool = True,
    shard_bytes: int = SHARD_BYTES,
) -> ExportResult:
    """Writes model as a TF.js graph model into out_dir (atomically). Callable from training code.

    The graph's input is NHWC float32 already scaled to description.value_range and normalised with
    description.mean/std by the app; the graph itself does no normalisation.
    """
    started = time.perf_counter()
    classes = list(classes)
    height, width = parse_input_size(input_size)
    warnings = _check_description(description, classes, height, width)
    was_training = model.training
    model.eval()
    try:
        folded = fold_resnet(model, architecture)
    finally:
        model.train(was_training)  # training code may call this between epochs
    if folded.num_classes != len(classes):
        from .errors import ClassCountMismatchError

        raise ClassCountMismatchError(
            f"the model has {folded.num_classes} outputs but --classes lists {len(classes)} ({', '.join(classes)})"
        )
    model_json, shards = model_json_and_shards(
        folded, classes, height, width, features, quantize, description, shard_bytes
    )
    verification = _verify(model, folded, model_json, shards, height, width) if verify else {}
    files = [(name, data) for name, data in shards]
    files.append(("model.json", json.dumps(model_json, separators=(",", ":")).encode("utf-8")))
    write_folder_atomically(Path(out_dir), files, overwrite)
    return ExportResult(
        path=Path(out_dir),
        files={name: len(data) for name, data in files},
        seconds=time.perf_counter() - started,
        verification=verification,
        warnings=warnings,
    )
