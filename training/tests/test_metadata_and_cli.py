"""The lusSigns metadata the exporter writes, the command line (exit codes, messages) and the ONNX export."""

import json

import pytest
import torch
from conftest import description

import export_onnx
import export_tfjs
from lus_export import ExportError, build_resnet
from lus_export.onnx import export_onnx as export_onnx_model

SIGNS = ["a_lines", "b_lines", "pleural_effusion", "consolidation"]


def test_metadata_fills_the_contract(exported18):
    model_json = json.loads((exported18[0] / "model.json").read_text())
    udm = model_json["userDefinedMetadata"]
    # A "signature" key here would override the top-level signature in TF.js's loader.
    assert list(udm) == ["lusSigns"]
    meta = udm["lusSigns"]
    assert meta["schemaVersion"] == 1 and meta["id"] == "pytest-model" and meta["architecture"] == "resnet18"
    assert meta["classes"] == SIGNS and meta["isTestModel"] is False
    assert meta["input"] == {
        "name": "input", "height": 64, "width": 64, "channels": 3, "colour": "grey-replicated", "aspect": "pad",
        "range": [0.0, 1.0], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
    }
    assert meta["outputs"] == {"probabilities": "probs", "featureMap": "features", "pooledFeatures": "pooled"}
    assert meta["classifier"] == {"kernel": "classifier/kernel", "bias": "classifier/bias"}
    manifest_names = {w["name"] for w in model_json["weightsManifest"][0]["weights"]}
    assert {"classifier/kernel", "classifier/bias"} <= manifest_names
    assert meta["lowConfidenceThreshold"] == 0.5
    prov = meta["provenance"]
    assert prov["trainedOn"] == "random weights" and prov["licence"] == "test"
    assert prov["createdAt"] == "2026-01-01T00:00:00Z" and prov["exporter"].startswith("lus-signs exporter 1")
    assert not {"validation", "gate", "modelCard"} & set(meta)


def write_checkpoint(tmp_path, classes=4):
    torch.manual_seed(0)
    path = tmp_path / "ck.pt"
    torch.save({"model": build_resnet("resnet18", classes).state_dict()}, path)
    return path


def test_cli_writes_metadata_from_options(tmp_path, capsys):
    ck = write_checkpoint(tmp_path)
    (tmp_path / "val.json").write_text(json.dumps({"accuracy": 0.91, "perClass": {"b_lines": {"f1": 0.9}}}))
    (tmp_path / "gate.json").write_text(json.dumps({"pooledMean": [0.1, 0.2]}))
    (tmp_path / "card.md").write_text("# Model card\n\nResearch use only.\n")
    out = tmp_path / "model"
    code = export_tfjs.main([
        "--arch", "resnet18", "--checkpoint", str(ck), "--input-size", "64x48", "--quantize", "float16",
        "--out", str(out), "--id", "ward-4.lus", "--version", "2.0.1", "--display-name", "Ward 4 LUS",
        "--trained-on", "ward 4 frames", "--licence", "internal", "--source", "ward 4 PACS", "--source", "paper",
        "--notes", "fine-tuned", "--colour", "rgb", "--aspect", "stretch", "--range", "0,255",
        "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25", "--low-confidence", "0.6",
        "--validation-json", str(tmp_path / "val.json"), "--gate-json", str(tmp_path / "gate.json"),
        "--model-card", str(tmp_path / "card.md"), "--no-verify",
    ])
    assert code == 0
    assert "wrote" in capsys.readouterr().out
    meta = json.loads((out / "model.json").read_text())["userDefinedMetadata"]["lusSigns"]
    assert meta["id"] == "ward-4.lus" and meta["version"] == "2.0.1" and meta["displayName"] == "Ward 4 LUS"
    assert meta["input"]["height"] == 64 and meta["input"]["width"] == 48
    assert meta["input"]["colour"] == "rgb" and meta["input"]["aspect"] == "stretch"
    assert meta["input"]["range"] == [0.0, 255.0] and meta["input"]["std"] == [0.25, 0.25, 0.25]
    assert meta["lowConfidenceThreshold"] == 0.6
    assert meta["provenance"]["sources"] == ["ward 4 PACS", "paper"] and meta["provenance"]["notes"] == "fine-tuned"
    assert meta["validation"]["perClass"]["b_lines"]["f1"] == 0.9
    assert meta["gate"] == {"pooledMean": [0.1, 0.2]}
    assert meta["modelCard"].startswith("# Model card")
    assert "featureMap" not in meta["outputs"] and "classifier" not in meta


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--classes", "a_lines,b_lines,consolidation"], "trained for 4 classes but --classes lists 3"),
        (["--arch", "resnet200"], "'resnet200' is not supported"),
        (["--mean", "0.5,0.5"], "--mean takes 3"),
        (["--validation-json", "/nonexistent.json"], "--validation-json"),
    ],
)
def test_cli_errors_exit_2_with_the_reason(tmp_path, capsys, extra, message):
    ck = write_checkpoint(tmp_path)
    args = ["--arch", "resnet18", "--checkpoint", str(ck), "--input-size", "64", "--out", str(tmp_path / "m"),
            "--id", "x", "--trained-on", "y", "--licence", "z", *extra]
    assert export_tfjs.main(args) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_onnx_export_writes_nhwc_model(tmp_path, resnet18, capsys):
    out = tmp_path / "m.onnx"
    result = export_onnx_model(resnet18, out, architecture="resnet18", input_size=64)
    data = out.read_bytes()
    assert result["bytes"] == len(data) > 40_000_000
    assert b"input" in data and b"probs" in data and b"Transpose" in data and b"BatchNormalization" not in data
    with pytest.raises(ExportError, match="--overwrite"):
        export_onnx_model(resnet18, out, architecture="resnet18", input_size=64)
    assert [p.name for p in tmp_path.iterdir()] == ["m.onnx"]
    ck = write_checkpoint(tmp_path, classes=3)
    assert export_onnx.main(["--arch", "resnet18", "--checkpoint", str(ck), "--out", str(tmp_path / "x.onnx")]) == 2
    assert "trained for 3 classes" in capsys.readouterr().err
