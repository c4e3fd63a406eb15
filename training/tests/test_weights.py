"""Weight encoding: uint8 per-tensor affine with exact zero, float16, int32, and the TF.js decode."""

import numpy as np
import pytest

from lus_export.errors import ExportError
from lus_export.weights import decode, encode, quantize_uint8, round_trip, shard, uint8_affine

RNG = np.random.default_rng(7)
CASES = {
    "mixed": RNG.normal(0, 0.05, (3, 3, 16, 32)).astype(np.float32),
    "positive": RNG.uniform(0.2, 3.0, (64, 8)).astype(np.float32),
    "negative": RNG.uniform(-5.0, -0.1, (16, 4)).astype(np.float32),
    "skewed": np.concatenate([RNG.normal(0, 0.01, 1000), [4.0, -0.02]]).astype(np.float32).reshape(2, 501),
    "zeros": np.zeros((4, 4), np.float32),
}


@pytest.mark.parametrize("name", CASES)
def test_uint8_round_trip_error_is_at_most_half_a_step(name):
    values = CASES[name]
    weight = encode("w", values, "uint8")
    assert len(weight.data) == values.size
    scale, minimum = weight.quantization["scale"], weight.quantization["min"]
    decoded = decode(weight)
    assert decoded.dtype == np.float32 and decoded.shape == values.shape
    # Half a quantisation step, plus float32 rounding of the decoded value.
    bound = scale / 2 * (1 + 1e-6) + np.abs(values).max() * 2 ** -23
    assert np.abs(decoded - values).max() <= bound


@pytest.mark.parametrize("name", CASES)
def test_uint8_zero_decodes_exactly(name):
    values = CASES[name].copy()
    values.flat[0] = 0.0
    q, scale, minimum = quantize_uint8(values)
    # TF.js decodes q*scale + min in float64; the zero point must land on 0.0 exactly.
    zero_point = round(-minimum / scale)
    assert zero_point * scale + minimum == 0.0
    assert q.flat[0] == zero_point
    assert decode(encode("w", values, "uint8")).flat[0] == 0.0


def test_uint8_range_always_contains_zero():
    scale, minimum = uint8_affine(CASES["positive"])
    assert minimum == 0.0 and scale == pytest.approx(CASES["positive"].max() / 255)
    scale, minimum = uint8_affine(CASES["negative"])
    assert minimum == pytest.approx(CASES["negative"].min()) and minimum + 255 * scale == pytest.approx(0, abs=1e-12)


def test_float16_round_trip_relative_error():
    values = CASES["mixed"]
    weight = encode("w", values, "float16")
    assert weight.quantization == {"dtype": "float16"} and len(weight.data) == 2 * values.size
    decoded = decode(weight)
    normal = np.abs(values) > 2 ** -14  # float16 normal range
    assert np.all(np.abs(decoded - values)[normal] <= np.abs(values)[normal] * 2 ** -11)
    assert np.all(np.abs(decoded - values)[~normal] <= 2 ** -25)


def test_float16_refuses_values_out_of_range():
    with pytest.raises(ExportError, match="float16's range"):
        encode("big", np.array([[1e5, 0.0]], np.float32), "float16")


def test_biases_and_int32_are_not_quantised():
    bias = RNG.normal(0, 1, 32).astype(np.float32)
    assert encode("b", bias, "uint8").quantization is None
    assert np.array_equal(decode(encode("b", bias, "uint8")), bias)
    paddings = np.array([[0, 0], [1, 1]], np.int32)
    weight = encode("p", paddings, "uint8")
    assert weight.dtype == "int32" and weight.quantization is None
    assert np.array_equal(decode(weight), paddings)


def test_float32_is_bit_exact():
    values = CASES["mixed"]
    assert np.array_equal(round_trip({"w": values}, "float32")["w"], values)


def test_unknown_quantisation_is_named():
    with pytest.raises(ExportError, match="int4"):
        encode("w", CASES["mixed"], "int4")


def test_shards_split_at_exact_size_and_keep_order():
    blob = bytes(range(256)) * 41  # 10496 bytes
    shards = shard(blob, shard_bytes=4096)
    assert [name for name, _ in shards] == [f"group1-shard{i}of3.bin" for i in (1, 2, 3)]
    assert [len(d) for _, d in shards] == [4096, 4096, 2304]
    assert b"".join(d for _, d in shards) == blob
