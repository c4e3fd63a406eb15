"""Errors a user can act on: the architecture, the layer, the checkpoint or the option is named."""

import copy

import pytest
import torch
from conftest import description
from torch import nn

from lus_export import (
    CheckpointError,
    ClassCountMismatchError,
    ExportError,
    UnsupportedArchitectureError,
    UnsupportedLayerError,
    build_resnet,
    export_tfjs,
    load_checkpoint,
)

CLASSES = ["a_lines", "b_lines", "pleural_effusion", "consolidation"]


def export(model, out, arch="resnet18", **kw):
    kw.setdefault("description", description())
    return export_tfjs(model, out, architecture=arch, input_size=64, verify=False, **kw)


def test_unsupported_architecture_is_named(tmp_path):
    with pytest.raises(UnsupportedArchitectureError, match="'resnext50_32x4d' is not supported.*resnet152"):
        load_checkpoint(tmp_path / "x.pt", "resnext50_32x4d", CLASSES)


def test_a_model_that_is_not_a_resnet_is_refused(tmp_path):
    with pytest.raises(UnsupportedArchitectureError, match="Sequential, not a torchvision ResNet"):
        export(nn.Sequential(nn.Conv2d(3, 4, 3)), tmp_path / "m")


def test_grouped_convolution_is_named(resnet18, tmp_path):
    model = copy.deepcopy(resnet18)
    model.layer1[0].conv2 = nn.Conv2d(64, 64, 3, padding=1, groups=32, bias=False)
    with pytest.raises(UnsupportedLayerError, match=r"layer1\.0\.conv2 \(Conv2d\).*grouped convolution"):
        export(model, tmp_path / "m")


def test_an_extra_layer_is_named(resnet18, tmp_path):
    model = copy.deepcopy(resnet18)
    model.layer3[1].se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(256, 16, 1))
    with pytest.raises(UnsupportedLayerError, match=r"layer3\.1\.se \(Sequential\).*no such layer"):
        export(model, tmp_path / "m")


def test_a_sequential_head_is_named(resnet18, tmp_path):
    model = copy.deepcopy(resnet18)
    model.fc = nn.Sequential(nn.Dropout(0.5), nn.Linear(512, 4))
    with pytest.raises(UnsupportedLayerError, match=r"layer fc \(Sequential\).*single Linear"):
        export(model, tmp_path / "m")


def test_a_replaced_activation_is_named(resnet18, tmp_path):
    model = copy.deepcopy(resnet18)
    model.relu = nn.GELU()
    with pytest.raises(UnsupportedLayerError, match=r"layer relu \(GELU\)"):
        export(model, tmp_path / "m")


def test_class_count_must_match_the_model(resnet18, tmp_path):
    with pytest.raises(ClassCountMismatchError, match="4 outputs but --classes lists 3"):
        export(resnet18, tmp_path / "m", classes=CLASSES[:3])
    assert not (tmp_path / "m").exists()


def test_checkpoint_class_count_mismatch_is_refused(tmp_path):
    path = tmp_path / "three.pt"
    torch.save(build_resnet("resnet18", 3).state_dict(), path)
    with pytest.raises(ClassCountMismatchError, match="trained for 3 classes but --classes lists 4"):
        load_checkpoint(path, "resnet18", CLASSES)


def test_checkpoint_of_another_depth_suggests_the_right_arch(tmp_path):
    path = tmp_path / "r34.pt"
    torch.save(build_resnet("resnet34", 4).state_dict(), path)
    with pytest.raises(CheckpointError, match="does not match resnet18.*pass --arch resnet34"):
        load_checkpoint(path, "resnet18", CLASSES)


def test_checkpoint_formats_are_unwrapped(resnet18, tmp_path):
    state = resnet18.state_dict()
    x = torch.randn(1, 3, 64, 64)
    want = resnet18(x)
    variants = {
        "plain.pt": state,
        "model.pt": {"model": state, "epoch": 7},
        "state_dict.pt": {"state_dict": {f"module.{k}": v for k, v in state.items()}},
    }
    for name, obj in variants.items():
        torch.save(obj, tmp_path / name)
        model = load_checkpoint(tmp_path / name, "resnet18", CLASSES)
        assert not model.training
        with torch.no_grad():
            assert torch.equal(model(x), want), name


def test_pickled_extras_need_trust(resnet18, tmp_path):
    path = tmp_path / "training.pt"
    torch.save({"model": resnet18.state_dict(), "best_accuracy": 0.93}, path)
    with pytest.raises(CheckpointError, match="--trust-checkpoint"):
        load_checkpoint(path, "resnet18", CLASSES)
    assert load_checkpoint(path, "resnet18", CLASSES, trust=True) is not None


def test_unreadable_and_wrong_checkpoints_are_named(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tmp_path / "missing.pt", "resnet18", CLASSES)
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="could not be read: it is not a complete file written by torch.save"):
        load_checkpoint(tmp_path / "junk.pt", "resnet18", CLASSES)
    torch.save(build_resnet("resnet18", 4).state_dict(), tmp_path / "full.pt")
    (tmp_path / "cut.pt").write_bytes((tmp_path / "full.pt").read_bytes()[:100_000])  # an interrupted copy
    with pytest.raises(CheckpointError, match="could not be read: it is not a complete file"):
        load_checkpoint(tmp_path / "cut.pt", "resnet18", CLASSES)
    torch.save({"optimizer": {"lr": torch.tensor(0.1)}, "epoch": torch.tensor(3)}, tmp_path / "opt.pt")
    with pytest.raises(CheckpointError, match="'model'/'state_dict'"):
        load_checkpoint(tmp_path / "opt.pt", "resnet18", CLASSES)


def test_sequential_head_in_a_checkpoint_is_explained(resnet18, tmp_path):
    state = {k: v for k, v in resnet18.state_dict().items() if not k.startswith("fc.")}
    state["fc.1.weight"] = torch.zeros(4, 512)
    state["fc.1.bias"] = torch.zeros(4)
    torch.save(state, tmp_path / "head.pt")
    with pytest.raises(CheckpointError, match=r"fc\.1\.bias, fc\.1\.weight.*rename its keys to fc\.weight"):
        load_checkpoint(tmp_path / "head.pt", "resnet18", CLASSES)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"id": "my model!"}, "--id"),
        ({"aspect": "crop"}, "--aspect"),
        ({"std": (0.2, 0.0, 0.2)}, "--std"),
        ({"low_confidence_threshold": 1.5}, "--low-confidence"),
        ({"trained_on": " "}, "--trained-on"),
    ],
)
def test_bad_metadata_options_are_named(resnet18, tmp_path, overrides, message):
    with pytest.raises(ExportError, match=message):
        export(resnet18, tmp_path / "m", description=description(**overrides))


def test_input_size_limits(resnet18, tmp_path):
    with pytest.raises(ExportError, match="--input-size"):
        export_tfjs(resnet18, tmp_path / "m", architecture="resnet18", description=description(), input_size="2x")
    with pytest.raises(ExportError, match="from 32 to 1024"):
        export_tfjs(resnet18, tmp_path / "m", architecture="resnet18", description=description(), input_size=16)


def test_a_model_trained_with_per_frame_normalisation_is_refused_by_the_tools_that_assume_the_fixed_one(tmp_path):
    import json

    from lus_train.model import load_trained  # conftest puts training/ on the path

    (tmp_path / "config.json").write_text(json.dumps({"input": {"size": 128, "mean": 0.16, "std": 0.2,
                                                                "normalisation": "per-frame"}}))
    (tmp_path / "model.pt").write_bytes(b"")
    with pytest.raises(SystemExit, match="per-frame normalisation"):
        load_trained(tmp_path / "model.pt", torch.device("cpu"))
