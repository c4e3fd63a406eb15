"""Graph layout of an export: nodes, ops, attributes, padding, signature, no dead nodes, weight bookkeeping."""

import base64
import json

import numpy as np
import pytest
import torch
from conftest import description, randomise_batchnorm

from lus_export import build_resnet, export_tfjs
from lus_export.graph_check import weights_from_manifest
from lus_export.weights import SHARD_BYTES

ALLOWED_OPS = {"Placeholder", "Const", "_FusedConv2D", "Pad", "MaxPool", "AddV2", "Relu", "Identity", "Mean",
               "MatMul", "BiasAdd", "Softmax"}


def load(folder):
    model_json = json.loads((folder / "model.json").read_text())
    nodes = {n["name"]: n for n in model_json["modelTopology"]["node"]}
    return model_json, nodes


def s(attr):
    return base64.b64decode(attr["s"]).decode()


def ints(attr):
    return [int(v) for v in attr["list"].get("i", [])]


def test_only_supported_ops_in_topological_order(exported18):
    model_json, nodes = load(exported18[0])
    seen = set()
    for node in model_json["modelTopology"]["node"]:
        assert node["op"] in ALLOWED_OPS, node["op"]
        for name in node.get("input", []):
            assert name in seen, f"{node['name']} reads {name} before it is defined"
        seen.add(node["name"])
    assert model_json["format"] == "graph-model"
    assert model_json["modelTopology"]["versions"] == {"producer": 1, "minConsumer": 0}


def test_no_dead_nodes_and_signature(exported18):
    model_json, nodes = load(exported18[0])
    consumed = {i for n in nodes.values() for i in n.get("input", [])}
    outputs = {k.split(":")[0] for k in model_json["signature"]["outputs"]}
    assert outputs == {"probs", "features", "pooled"}
    dead = [name for name in nodes if name not in consumed and name not in outputs]
    assert dead == []
    sig_in = model_json["signature"]["inputs"]["input:0"]
    assert [d["size"] for d in sig_in["tensorShape"]["dim"]] == ["-1", "64", "64", "3"]
    probs = model_json["signature"]["outputs"]["probs:0"]
    assert [d["size"] for d in probs["tensorShape"]["dim"]] == ["-1", "4"]
    fmap = model_json["signature"]["outputs"]["features:0"]
    assert [d["size"] for d in fmap["tensorShape"]["dim"]] == ["-1", "2", "2", "512"]
    placeholder = nodes["input"]
    assert placeholder["op"] == "Placeholder"
    assert [d["size"] for d in placeholder["attr"]["shape"]["shape"]["dim"]] == ["-1", "64", "64", "3"]


def test_padding_matches_pytorch(exported18):
    _, nodes = load(exported18[0])
    stem = nodes["stem/conv1"]
    assert stem["op"] == "_FusedConv2D"
    assert s(stem["attr"]["padding"]) == "EXPLICIT"
    assert ints(stem["attr"]["explicit_paddings"]) == [0, 0, 3, 3, 3, 3, 0, 0]
    assert ints(stem["attr"]["strides"]) == [1, 2, 2, 1]
    # First 3x3 of layers 2-4 has stride 2: TF's SAME would pad bottom/right only and shift every output.
    for stage in (2, 3, 4):
        conv = nodes[f"layer{stage}/0/conv1"]
        assert ints(conv["attr"]["strides"]) == [1, 2, 2, 1]
        assert s(conv["attr"]["padding"]) == "EXPLICIT"
        assert ints(conv["attr"]["explicit_paddings"]) == [0, 0, 1, 1, 1, 1, 0, 0]
        ds = nodes[f"layer{stage}/0/downsample"]
        assert s(ds["attr"]["padding"]) == "VALID"
        assert ints(ds["attr"]["strides"]) == [1, 2, 2, 1]
    same = nodes["layer1/0/conv2"]
    assert s(same["attr"]["padding"]) == "SAME"
    # An empty list still needs "list": {}, or the TF.js parser crashes.
    assert same["attr"]["explicit_paddings"] == {"list": {}}
    for node in nodes.values():
        if node["op"] == "_FusedConv2D":
            attr = node["attr"]
            assert ints(attr["dilations"]) == [1, 1, 1, 1]
            assert s(attr["data_format"]) == "NHWC"
            assert attr["num_args"] == {"i": "1"}
            assert len(node["input"]) == 3


def test_maxpool_is_pad_then_valid(exported18):
    model_json, nodes = load(exported18[0])
    pool = nodes["stem/maxpool"]
    assert pool["op"] == "MaxPool" and pool["input"] == ["stem/maxpool/pad"]
    assert s(pool["attr"]["padding"]) == "VALID"
    assert ints(pool["attr"]["ksize"]) == [1, 3, 3, 1] and ints(pool["attr"]["strides"]) == [1, 2, 2, 1]
    pad = nodes["stem/maxpool/pad"]
    assert pad["op"] == "Pad" and pad["input"] == ["stem/conv1", "stem/maxpool/paddings"]
    weights = weights_from_manifest(
        model_json["weightsManifest"][0]["weights"],
        b"".join((exported18[0] / p).read_bytes() for p in model_json["weightsManifest"][0]["paths"]),
    )
    assert weights["stem/maxpool/paddings"].dtype == np.int32
    assert weights["stem/maxpool/paddings"].tolist() == [[0, 0], [1, 1], [1, 1], [0, 0]]
    assert weights["pooled/axes"].tolist() == [1, 2]


def test_fused_activations_and_residuals(exported18):
    _, nodes = load(exported18[0])

    def fused(name):
        return [base64.b64decode(v).decode() for v in nodes[name]["attr"]["fused_ops"]["list"]["s"]]

    assert fused("stem/conv1") == ["BiasAdd", "Relu"]
    assert fused("layer1/0/conv1") == ["BiasAdd", "Relu"]
    # The block's last conv has no ReLU: that comes after the residual add.
    assert fused("layer1/0/conv2") == ["BiasAdd"]
    assert fused("layer2/0/downsample") == ["BiasAdd"]
    add = nodes["layer2/0/add"]
    assert add["op"] == "AddV2" and add["input"] == ["layer2/0/conv2", "layer2/0/downsample"]
    assert nodes["layer1/1/add"]["input"] == ["layer1/1/conv2", "layer1/0/relu"]
    assert nodes["layer2/0/relu"]["op"] == "Relu"
    assert nodes["features"] == {"name": "features", "op": "Identity", "input": ["layer4/1/relu"],
                                 "attr": {"T": {"type": "DT_FLOAT"}}}
    mean = nodes["pooled"]
    assert mean["op"] == "Mean" and mean["input"] == ["layer4/1/relu", "pooled/axes"]
    assert mean["attr"]["keep_dims"] == {"b": False} and mean["attr"]["Tidx"] == {"type": "DT_INT32"}
    assert nodes["logits/matmul"]["input"] == ["pooled", "classifier/kernel"]
    assert nodes["logits"]["op"] == "BiasAdd" and nodes["logits"]["input"] == ["logits/matmul", "classifier/bias"]
    assert nodes["probs"]["op"] == "Softmax" and nodes["probs"]["input"] == ["logits"]


def test_bottleneck_stride_sits_on_the_3x3():
    torch.manual_seed(1)
    model = randomise_batchnorm(build_resnet("resnet50", 3))
    from lus_export import fold_resnet
    from lus_export.graph import build_graph

    nodes, consts, outputs = build_graph(fold_resnet(model, "resnet50"), 64, 64, features=False)
    by_name = {n["name"]: n for n in nodes}
    assert outputs == {"probabilities": "probs"}
    assert s(by_name["layer2/0/conv1"]["attr"]["padding"]) == "VALID"  # 1x1, stride 1
    assert ints(by_name["layer2/0/conv2"]["attr"]["strides"]) == [1, 2, 2, 1]
    assert ints(by_name["layer2/0/conv2"]["attr"]["explicit_paddings"]) == [0, 0, 1, 1, 1, 1, 0, 0]
    assert s(by_name["layer2/0/conv3"]["attr"]["padding"]) == "VALID"
    assert "features" not in by_name
    assert consts["classifier/kernel"].shape == (2048, 3)


def test_manifest_matches_consts_and_shard_bytes(exported18):
    folder = exported18[0]
    model_json, nodes = load(folder)
    (group,) = model_json["weightsManifest"]
    names = [w["name"] for w in group["weights"]]
    const_names = [n["name"] for n in model_json["modelTopology"]["node"] if n["op"] == "Const"]
    assert names == const_names
    per_value = {"float32": 4, "int32": 4}
    expected = sum(int(np.prod(w["shape"] or [1])) * per_value[w["dtype"]] for w in group["weights"])
    sizes = [(folder / p).stat().st_size for p in group["paths"]]
    assert sum(sizes) == expected
    count = len(group["paths"])
    assert group["paths"] == [f"group1-shard{i}of{count}.bin" for i in range(1, count + 1)]
    assert all(size == SHARD_BYTES for size in sizes[:-1]) and 0 < sizes[-1] <= SHARD_BYTES
    assert sorted(p.name for p in folder.iterdir()) == sorted(group["paths"] + ["model.json"])
    # Const nodes say their dtype and shape, as TF's converter writes them.
    kernel = nodes["stem/conv1/kernel"]["attr"]
    assert kernel["dtype"] == {"type": "DT_FLOAT"}
    assert [d["size"] for d in kernel["value"]["tensor"]["tensorShape"]["dim"]] == ["7", "7", "3", "64"]


@pytest.mark.parametrize("quantize, per_value", [("float16", 2), ("uint8", 1)])
def test_quantised_manifest_sizes(resnet18, tmp_path, quantize, per_value):
    out = tmp_path / quantize
    export_tfjs(resnet18, out, architecture="resnet18", description=description(), input_size=64,
                quantize=quantize, verify=False)
    model_json = json.loads((out / "model.json").read_text())
    (group,) = model_json["weightsManifest"]
    total = 0
    for w in group["weights"]:
        size = int(np.prod(w["shape"] or [1]))
        q = w.get("quantization")
        if w["dtype"] == "float32" and len(w["shape"]) >= 2:
            assert q["dtype"] == quantize
            if quantize == "uint8":
                assert set(q) == {"dtype", "min", "scale"}
            total += size * per_value
        else:  # biases and int32 constants (paddings, axes) are kept exact
            assert q is None
            total += size * 4
    assert sum((out / p).stat().st_size for p in group["paths"]) == total
