"""A ResNet with its last stage dilated exports exactly, keeps the undilated map on its even cells, and a
shipped graph model can be recovered as a PyTorch state_dict (training/tfjs_to_torch.py)."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import description, randomise_batchnorm

import lus_export.graph as graph
from lus_export import UnsupportedArchitectureError, build_resnet, export_tfjs, fold_resnet, folded_forward

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tfjs_to_torch import last_stage_dilated, read_graph_weights, state_dict_from_graph  # noqa: E402


@pytest.fixture(scope="module")
def resnet50_pair():
    torch.manual_seed(7)
    plain = randomise_batchnorm(build_resnet("resnet50", 4), seed=3)
    dilated = build_resnet("resnet50", 4, dilate_last_stage=True)
    dilated.load_state_dict(plain.state_dict())  # the same weights: dilation changes no parameter
    return plain, dilated.eval()


def test_dilated_export_is_exact_at_odd_sizes(resnet50_pair, tmp_path):
    _, dilated = resnet50_pair
    result = export_tfjs(dilated, tmp_path / "m", architecture="resnet50", description=description(),
                         input_size="67x45", features=True, quantize="float16")
    assert all(v < 1e-10 for v in result.verification.values()), result.verification
    model_json = json.loads((tmp_path / "m" / "model.json").read_text())
    dilations = {n["name"]: [int(v) for v in n["attr"]["dilations"]["list"]["i"]]
                 for n in model_json["modelTopology"]["node"] if n["op"] == "_FusedConv2D"}
    assert dilations["layer4/1/conv2"] == [1, 2, 2, 1]
    assert dilations["layer4/0/conv2"] == [1, 1, 1, 1]  # torchvision keeps the first block's 3x3 undilated
    assert dilations["layer3/0/conv2"] == [1, 1, 1, 1]
    # Recovery reads the layout back, so a recovered model is rebuilt dilated (config.json dilateLastStage).
    assert last_stage_dilated(model_json)


def test_the_feature_map_is_twice_as_fine_and_its_even_cells_are_the_undilated_map(resnet50_pair):
    plain, dilated = resnet50_pair
    x = torch.randn(2, 3, 128, 128, dtype=torch.float64)
    fp, fd = fold_resnet(plain, "resnet50"), fold_resnet(dilated, "resnet50")
    _, map_plain, _ = folded_forward(fp, x, graph.weight_tensors(fp, np.float64), features=True)
    _, map_dilated, _ = folded_forward(fd, x, graph.weight_tensors(fd, np.float64), features=True)
    assert tuple(map_plain.shape[2:]) == (4, 4) and tuple(map_dilated.shape[2:]) == (8, 8)
    # Why the weights carry over: every cell the strided network computes is computed unchanged.
    assert torch.allclose(map_dilated[:, :, ::2, ::2], map_plain, atol=1e-10, rtol=0)


def test_basic_blocks_cannot_be_dilated():
    with pytest.raises(UnsupportedArchitectureError, match="BasicBlock"):
        build_resnet("resnet18", 4, dilate_last_stage=True)


def test_a_graph_model_is_recovered_as_a_state_dict_that_computes_the_same(resnet50_pair, tmp_path):
    plain, _ = resnet50_pair
    export_tfjs(plain, tmp_path / "m", architecture="resnet50", description=description(), input_size=64,
                features=True, quantize="float16")
    model_json, weights = read_graph_weights(tmp_path / "m")
    assert not last_stage_dilated(model_json)
    recovered = build_resnet("resnet50", 4)
    recovered.load_state_dict(state_dict_from_graph(weights, "resnet50", 4))
    recovered.eval()
    # Folding the recovered model gives back the shipped (float16) weights exactly.
    refolded = graph.weight_tensors(fold_resnet(recovered, "resnet50"))
    floats = [name for name in weights if weights[name].dtype.kind == "f"]
    assert set(floats) == set(refolded)
    for name in floats:
        assert np.array_equal(refolded[name], weights[name]), name
    # In float64, so that only the recovery is compared, not float32 summation order.
    x = torch.randn(3, 3, 64, 64, dtype=torch.float64)
    with torch.no_grad():
        got = torch.softmax(recovered.double()(x), dim=1)
    want = folded_forward(fold_resnet(recovered, "resnet50"), x, {k: v.astype(np.float64) for k, v in weights.items()})
    assert torch.allclose(got, want, atol=1e-6, rtol=0)
