"""The exporter's float64 self-check passes exact exports and catches structural errors before writing."""

import copy
import types

import numpy as np
import pytest
import torch
from conftest import description

import lus_export.graph as graph
from lus_export import ParityError, build_resnet, export_tfjs, exported_precision_reference, fold_resnet, folded_forward


def test_exact_export_passes_at_odd_sizes(resnet18, tmp_path):
    # Odd sizes make TF's SAME and PyTorch's padding differ at several depths.
    result = export_tfjs(resnet18, tmp_path / "m", architecture="resnet18", description=description(),
                         input_size="37x45", quantize="uint8")
    assert all(v < 1e-10 for v in result.verification.values()), result.verification


def test_bottleneck_export_passes(tmp_path):
    from conftest import randomise_batchnorm

    torch.manual_seed(3)
    model = randomise_batchnorm(build_resnet("resnet50", 4))
    result = export_tfjs(model, tmp_path / "m", architecture="resnet50", description=description(), input_size=33,
                         quantize="uint8")
    assert all(v < 1e-10 for v in result.verification.values()), result.verification


def test_same_padding_on_stride_2_would_be_caught(resnet18, tmp_path, monkeypatch):
    real = graph.tf_padding
    monkeypatch.setattr(graph, "tf_padding", lambda k, s, p, d=1: ("SAME", []) if p > 0 else real(k, s, p, d))
    with pytest.raises(ParityError, match="graphVsFolded"):
        export_tfjs(resnet18, tmp_path / "m", architecture="resnet18", description=description(), input_size=32)
    assert not (tmp_path / "m").exists()


def test_a_changed_forward_is_caught(resnet18, tmp_path):
    model = copy.deepcopy(resnet18)
    plain = type(model).forward

    def forward(self, x):  # e.g. a hospital's subclass that scales its input
        return plain(self, x * 2)

    model.forward = types.MethodType(forward, model)
    with pytest.raises(ParityError, match="foldedVsModel"):
        export_tfjs(model, tmp_path / "m", architecture="resnet18", description=description(), input_size=32)


def test_folding_matches_batchnorm_in_float64(resnet18):
    folded = fold_resnet(resnet18, "resnet18")
    x = torch.randn(2, 3, 64, 64, dtype=torch.float64)
    with torch.no_grad():
        want = torch.softmax(copy.deepcopy(resnet18).double()(x), dim=1)
    got = folded_forward(folded, x, graph.weight_tensors(folded, np.float64))
    assert torch.allclose(got, want, atol=1e-12, rtol=0)


def test_precision_reference_for_training_code(resnet18):
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        want = torch.softmax(resnet18(x), dim=1)
    f32 = exported_precision_reference(resnet18, "resnet18", "float32")(x)
    u8 = exported_precision_reference(resnet18, "resnet18", "uint8")(x)
    assert (f32 - want).abs().max() < 1e-5
    assert (u8 - want).abs().max() > (f32 - want).abs().max()  # the quantised weights really are used


def test_export_leaves_a_training_model_as_it_was(resnet18, tmp_path):
    from lus_export.onnx import export_onnx

    model = copy.deepcopy(resnet18).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    export_tfjs(model, tmp_path / "m", architecture="resnet18", description=description(), input_size=32)
    export_onnx(model, tmp_path / "m.onnx", architecture="resnet18", input_size=32)
    exported_precision_reference(model, "resnet18", "uint8")
    assert model.training
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())  # BN statistics untouched
