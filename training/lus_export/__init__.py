"""LUS Signs exporter: torchvision ResNets to TF.js graph models (and ONNX), with parity checks."""

from .checkpoint import extract_state_dict, guess_architecture, load_checkpoint, model_from_state_dict
from .errors import (
    CheckpointError,
    ClassCountMismatchError,
    ExportError,
    ParityError,
    UnsupportedArchitectureError,
    UnsupportedLayerError,
)
from .graph import folded_forward
from .resnet import ARCHITECTURES, build_resnet, fold_resnet
from .tfjs import SIGN_CLASSES, ExportResult, ModelDescription, export_tfjs, parse_input_size
from .weights import QUANTIZATIONS, round_trip

__all__ = [
    "ARCHITECTURES",
    "QUANTIZATIONS",
    "SIGN_CLASSES",
    "CheckpointError",
    "ClassCountMismatchError",
    "ExportError",
    "ExportResult",
    "ModelDescription",
    "ParityError",
    "UnsupportedArchitectureError",
    "UnsupportedLayerError",
    "build_resnet",
    "export_tfjs",
    "exported_precision_reference",
    "extract_state_dict",
    "fold_resnet",
    "folded_forward",
    "guess_architecture",
    "load_checkpoint",
    "model_from_state_dict",
    "parse_input_size",
    "round_trip",
]


def exported_precision_reference(model, architecture: str, quantize: str):
    """A function x_nchw -> probabilities computing, in PyTorch, what the exported model computes at the
    given precision (BatchNorm folded, weights encoded and decoded as TF.js does). Use it to decide between
    uint8 and float16 on a validation set without a browser."""
    from .graph import weight_tensors

    was_training = model.training
    try:
        folded = fold_resnet(model.eval(), architecture)
    finally:
        model.train(was_training)
    tensors = round_trip(weight_tensors(folded), quantize)
    return lambda x: folded_forward(folded, x, tensors)
