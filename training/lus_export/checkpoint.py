"""Loads a ResNet checkpoint (state_dict or training checkpoint) into a torchvision model, refusing mismatches."""

from __future__ import annotations

import pickle
import re
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

import torch
from torch import nn

from .errors import CheckpointError, ClassCountMismatchError
from .resnet import ARCHITECTURES, build_resnet


def _read(path: Path, trust: bool):
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist or is not a file")
    with open(path, "rb") as f:
        head = f.read(2)
    # torch.save writes a zip archive (or, before torch 1.6, a pickle, which starts with the PROTO opcode).
    if not zipfile.is_zipfile(path) and not head.startswith(b"\x80"):
        raise CheckpointError(f"checkpoint {path} could not be read: it is not a complete file written by torch.save")
    try:
        return torch.load(str(path), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if "Weights only load failed" not in str(error):
            raise CheckpointError(f"checkpoint {path} could not be read: {error}") from error
        if not trust:
            raise CheckpointError(
                f"checkpoint {path} holds Python objects besides tensors (torch {torch.__version__} refuses "
                "even plain floats in its safe loader), and unpickling them can run code: if the file is "
                "yours, pass --trust-checkpoint (Python: trust_checkpoint=True)"
            ) from error
    except Exception as error:  # a truncated or non-PyTorch file
        raise CheckpointError(f"checkpoint {path} could not be read: {error}") from error
    try:
        return torch.load(str(path), map_location="cpu", weights_only=False)
    except Exception as error:
        raise CheckpointError(f"checkpoint {path} could not be read: {error}") from error


def _is_state_dict(obj) -> bool:
    return isinstance(obj, dict) and len(obj) > 0 and all(torch.is_tensor(v) for v in obj.values())


def extract_state_dict(obj, source: str = "checkpoint") -> Dict[str, torch.Tensor]:
    """A plain state_dict from a state_dict, a whole model, or a dict holding one under 'model'/'state_dict'."""
    if isinstance(obj, nn.Module):
        obj = obj.state_dict()
    if isinstance(obj, dict) and not _is_state_dict(obj):
        for key in ("model", "state_dict", "model_state_dict", "model_state"):
            if key in obj:
                return extract_state_dict(obj[key], f"{source}['{key}']")
        raise CheckpointError(
            f"{source} is a dict without tensors or a 'model'/'state_dict' entry (keys: "
            f"{', '.join(sorted(map(str, obj))[:8])}); save model.state_dict() or {{'model': model.state_dict()}}"
        )
    if not _is_state_dict(obj):
        raise CheckpointError(f"{source} is a {type(obj).__name__}, not a state_dict of tensors")
    state = {}
    for key, value in obj.items():
        # nn.DataParallel / DistributedDataParallel and torch.compile wrap every key.
        for prefix in ("module.", "_orig_mod."):
            while key.startswith(prefix):
                key = key[len(prefix) :]
        state[key] = value
    return state


def guess_architecture(state: Dict[str, torch.Tensor]) -> Optional[str]:
    counts: List[int] = []
    for stage in range(1, 5):
        indices = {int(m.group(1)) for k in state if (m := re.match(rf"layer{stage}\.(\d+)\.", k))}
        counts.append(len(indices))
    kind = "bottleneck" if any(k.endswith(".conv3.weight") for k in state) else "basic"
    for name, (arch_kind, arch_counts) in ARCHITECTURES.items():
        if arch_kind == kind and arch_counts == counts:
            return name
    return None


def model_from_state_dict(
    state: Dict[str, torch.Tensor],
    architecture: str,
    classes: List[str],
    source: str = "checkpoint",
    dilate_last_stage: bool = False,
) -> nn.Module:
    fc = state.get("fc.weight")
    if fc is None:
        heads = sorted(k for k in state if k.startswith("fc."))
        if heads:
            raise CheckpointError(
                f"{source} has a classifier head the exporter cannot read ({', '.join(heads[:4])}): it exports a "
                "single Linear fc. If the head is Sequential(Dropout, Linear), rename its keys to fc.weight and "
                "fc.bias (Dropout does nothing at inference)"
            )
        raise CheckpointError(f"{source} has no fc.weight: is it a torchvision ResNet state_dict?")
    if fc.dim() != 2:
        raise CheckpointError(f"{source}: fc.weight has shape {tuple(fc.shape)}, expected [classes, features]")
    if fc.shape[0] != len(classes):
        raise ClassCountMismatchError(
            f"{source} was trained for {fc.shape[0]} classes but --classes lists {len(classes)} "
            f"({', '.join(classes)}); give the class ids in the model's output order"
        )
    model = build_resnet(architecture, len(classes), dilate_last_stage)
    expected = set(model.state_dict())
    # num_batches_tracked is bookkeeping; older checkpoints lack it.
    missing = sorted(k for k in expected - set(state) if not k.endswith("num_batches_tracked"))
    unexpected = sorted(set(state) - expected)
    if missing or unexpected:
        guess = guess_architecture(state)
        hint = f" It looks like a {guess}: pass --arch {guess}." if guess and guess != architecture else ""
        detail = []
        if unexpected:
            detail.append(f"layers torchvision's {architecture} does not have: {', '.join(unexpected[:5])}")
        if missing:
            detail.append(f"missing: {', '.join(missing[:5])}")
        raise CheckpointError(f"{source} does not match {architecture} ({'; '.join(detail)}).{hint}")
    for key, value in state.items():
        want = model.state_dict()[key].shape
        if tuple(value.shape) != tuple(want):
            raise CheckpointError(
                f"{source}: {key} has shape {tuple(value.shape)} but {architecture} expects {tuple(want)}"
            )
    model.load_state_dict(state, strict=False)
    return model.eval()


def load_checkpoint(
    path: str | Path, architecture: str, classes: List[str], trust: bool = False, dilate_last_stage: bool = False
) -> nn.Module:
    """A torchvision ResNet in eval mode with the checkpoint's weights (its last stage dilated if asked)."""
    if architecture not in ARCHITECTURES:
        build_resnet(architecture, len(classes))  # raises the named error
    source = str(path)
    state = extract_state_dict(_read(Path(path), trust), source)
    return model_from_state_dict(state, architecture, classes, source, dilate_last_stage)
