"""The output folder appears complete or not at all, and a previous export survives a failed one."""

import json

import pytest
from conftest import description

import lus_export.tfjs as tfjs
from lus_export import ExportError, export_tfjs


def export(model, out, **kw):
    return export_tfjs(model, out, architecture="resnet18", description=description(), input_size=64,
                       verify=False, **kw)


def fail_after(monkeypatch, count):
    real = tfjs._write_file
    calls = {"n": 0}

    def flaky(path, data):
        calls["n"] += 1
        if calls["n"] > count:
            raise OSError(28, "No space left on device (simulated)")
        real(path, data)

    monkeypatch.setattr(tfjs, "_write_file", flaky)
    return calls


def test_failure_mid_write_leaves_nothing(resnet18, tmp_path, monkeypatch):
    calls = fail_after(monkeypatch, 3)
    out = tmp_path / "model"
    with pytest.raises(OSError, match="simulated"):
        export(resnet18, out)
    assert calls["n"] == 4  # three shards were written before the failure
    assert list(tmp_path.iterdir()) == []  # no model folder, no partial temp folder


def test_failure_keeps_the_previous_export(resnet18, tmp_path, monkeypatch):
    out = tmp_path / "model"
    export(resnet18, out, quantize="uint8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    fail_after(monkeypatch, 5)
    with pytest.raises(OSError, match="simulated"):
        export(resnet18, out, overwrite=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_overwrite_replaces_the_whole_folder(resnet18, tmp_path):
    out = tmp_path / "model"
    export(resnet18, out)
    (out / "stale-note.txt").write_text("from an old export")
    with pytest.raises(ExportError, match="--overwrite"):
        export(resnet18, out, quantize="uint8")
    export(resnet18, out, quantize="uint8", overwrite=True)
    files = sorted(p.name for p in out.iterdir())
    assert "stale-note.txt" not in files and len(files) == 4  # 3 uint8 shards + model.json
    assert json.loads((out / "model.json").read_text())["weightsManifest"][0]["paths"][0] == "group1-shard1of3.bin"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_never_replaces_a_folder_that_is_not_a_model(resnet18, tmp_path):
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(ExportError, match="non-empty folder without a model.json"):
        export(resnet18, out, overwrite=True)
    assert (out / "holiday.jpg").exists()
