"""Weight encoding for TF.js: float32, float16 or uint8 (per-tensor affine, 0.0 exact), packed into shards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Tuple

import numpy as np

from .errors import ExportError

SHARD_BYTES = 4 * 1024 * 1024
QUANTIZATIONS = ("float32", "float16", "uint8")


@dataclass
class EncodedWeight:
    name: str
    shape: Tuple[int, ...]
    dtype: str  # what the tensor is once loaded: "float32" or "int32"
    data: bytes
    quantization: dict | None

    def manifest_entry(self) -> dict:
        entry = {"name": self.name, "shape": list(self.shape), "dtype": self.dtype}
        if self.quantization is not None:
            entry["quantization"] = self.quantization
        return entry


def uint8_affine(values: np.ndarray) -> Tuple[float, float]:
    """(scale, min) so that q*scale + min covers values and q = zero_point decodes to exactly 0.0.

    The range always includes 0 (ReLU networks have exact zeros that must stay zeros). min is nudged to
    -zero_point*scale; TF.js computes q*scale + min in float64 and Python computes the same product, so
    the zero point decodes to 0.0 exactly.
    """
    lo = min(0.0, float(np.min(values))) if values.size else 0.0
    hi = max(0.0, float(np.max(values))) if values.size else 0.0
    if hi == lo:  # an all-zero tensor: any scale decodes every byte 0 to 0.0
        return 1.0, 0.0
    scale = (hi - lo) / 255.0
    zero_point = float(np.round(-lo / scale))
    return scale, -(zero_point * scale)


def quantize_uint8(values: np.ndarray) -> Tuple[np.ndarray, float, float]:
    scale, minimum = uint8_affine(values)
    top = 255.0 * scale + minimum
    q = np.round((np.clip(values.astype(np.float64), minimum, top) - minimum) / scale)
    return q.astype(np.uint8), scale, minimum


def dequantize_uint8(q: np.ndarray, scale: float, minimum: float) -> np.ndarray:
    """Exactly what TF.js does at load time: q*scale + min in float64, stored as float32."""
    return (q.astype(np.float64) * scale + minimum).astype(np.float32)


def quantizable(name: str, array: np.ndarray) -> bool:
    # Kernels hold 99.8% of the bytes. Biases stay float32: a per-tensor uint8 bias would shift whole
    # channels for a saving of a few hundred kilobytes.
    return array.dtype == np.float32 and array.ndim >= 2


def encode(name: str, array: np.ndarray, quantization: str) -> EncodedWeight:
    if quantization not in QUANTIZATIONS:
        raise ExportError(f"--quantize {quantization!r} is not supported; use one of {', '.join(QUANTIZATIONS)}")
    shape = tuple(int(d) for d in array.shape)
    if array.dtype == np.int32:
        return EncodedWeight(name, shape, "int32", array.astype("<i4").tobytes(), None)
    if array.dtype != np.float32:
        raise ExportError(f"weight {name} has dtype {array.dtype}; the exporter writes float32 and int32 only")
    if quantization == "float32" or not quantizable(name, array):
        return EncodedWeight(name, shape, "float32", array.astype("<f4").tobytes(), None)
    if quantization == "float16":
        if np.any(np.abs(array) > 65504.0):
            raise ExportError(
                f"weight {name} has values beyond float16's range (|x| > 65504); export it with --quantize float32"
            )
        return EncodedWeight(name, shape, "float32", array.astype("<f2").tobytes(), {"dtype": "float16"})
    q, scale, minimum = quantize_uint8(array)
    return EncodedWeight(name, shape, "float32", q.tobytes(), {"dtype": "uint8", "min": minimum, "scale": scale})


def decode(weight: EncodedWeight) -> np.ndarray:
    """The float32 (or int32) tensor TF.js builds from the encoded bytes."""
    if weight.dtype == "int32":
        return np.frombuffer(weight.data, dtype="<i4").reshape(weight.shape).astype(np.int32)
    q = weight.quantization
    if q is None:
        return np.frombuffer(weight.data, dtype="<f4").reshape(weight.shape).astype(np.float32)
    if q["dtype"] == "float16":
        return np.frombuffer(weight.data, dtype="<f2").reshape(weight.shape).astype(np.float32)
    raw = np.frombuffer(weight.data, dtype=np.uint8).reshape(weight.shape)
    return dequantize_uint8(raw, q["scale"], q["min"])


def round_trip(tensors: Dict[str, np.ndarray], quantization: str) -> Dict[str, np.ndarray]:
    """The weights as TF.js will see them after encoding with the given quantization."""
    return {name: decode(encode(name, array, quantization)) for name, array in tensors.items()}


def shard(blob: bytes, shard_bytes: int = SHARD_BYTES) -> List[Tuple[str, bytes]]:
    """Splits the packed weights into group1-shardNofM.bin files; a tensor may span two shards."""
    count = max(1, -(-len(blob) // shard_bytes))
    return [
        (f"group1-shard{i + 1}of{count}.bin", blob[i * shard_bytes : (i + 1) * shard_bytes]) for i in range(count)
    ]
