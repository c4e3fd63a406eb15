"""The default model's card can be replaced in model.json without touching the weights or other metadata."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import export_default  # noqa: E402


def test_set_model_card_replaces_only_the_card(tmp_path: Path) -> None:
    doc = {
        "format": "graph-model",
        "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": []}],
        "userDefinedMetadata": {"lusSigns": {"id": "lus-resnet152", "modelCard": "# old", "gate": {"kind": "x"}}},
    }
    path = tmp_path / "model.json"
    path.write_text(json.dumps(doc))
    export_default.set_model_card(path, "# Model card: lus-resnet152\n\nNew text.")
    out = json.loads(path.read_text())
    assert out["userDefinedMetadata"]["lusSigns"]["modelCard"].startswith("# Model card: lus-resnet152")
    out["userDefinedMetadata"]["lusSigns"]["modelCard"] = "# old"
    assert out == doc


def test_set_model_card_without_a_card_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text("{}")
    with pytest.raises(SystemExit, match="docs/model-card.md"):
        export_default.set_model_card(path, None)


def test_uint8_needs_the_agreement_bar_on_each_check_set() -> None:
    ok = {"all": 0.999, "phantomTest": 0.999, "realValidation": 0.996, "frames": 1337}
    assert export_default.uint8_agrees(ok)
    # 1.1.0's case: the pooled rate passes (99.55 %) while three real validation frames change sign.
    assert not export_default.uint8_agrees({**ok, "all": 0.9955, "phantomTest": 0.9975, "realValidation": 0.978})
    assert not export_default.uint8_agrees({**ok, "phantomTest": 0.99})


def _graph_with_bias(tmp_path: Path, bias, version: str = "2.1.0") -> Path:
    # A float16 kernel, then the float32 classifier bias straddling two shards, as TF.js packs them back to back.
    import numpy as np

    kernel = np.arange(6, dtype="<f2").tobytes()
    blob = kernel + np.asarray(bias, dtype="<f4").tobytes()
    (tmp_path / "s1.bin").write_bytes(blob[:18])
    (tmp_path / "s2.bin").write_bytes(blob[18:])
    doc = {"format": "graph-model", "weightsManifest": [{"paths": ["s1.bin", "s2.bin"], "weights": [
        {"name": "classifier/kernel", "shape": [3, 2], "dtype": "float32", "quantization": {"dtype": "float16"}},
        {"name": "classifier/bias", "shape": [4], "dtype": "float32"}]}],
        "userDefinedMetadata": {"lusSigns": {"version": version, "classifier": {"bias": "classifier/bias"},
                                             "validation": {"weightPrecision": "float16"}}}}
    (tmp_path / "model.json").write_text(json.dumps(doc))
    return tmp_path


def test_prior_correction_adds_log_shares_to_the_bias_and_nothing_else(tmp_path: Path) -> None:
    import numpy as np

    csv = tmp_path / "clips.csv"
    csv.write_text("clip,sign\n" + "".join(f"c{i},{s}\n" for i, s in enumerate(
        ["a_lines"] * 4 + ["b_lines"] + ["pleural_effusion"] * 2 + ["consolidation"])))
    shares = export_default.clip_shares(csv, [])
    assert shares["clips"] == 8 and shares["shares"]["a_lines"] == 0.5
    # A held-out clip leaves the count: the shares are the training clips'.
    assert export_default.clip_shares(csv, ["c0"])["counts"]["a_lines"] == 3
    correction = export_default.prior_correction(shares)
    assert correction["addedToBias"] == pytest.approx(np.log([0.5, 0.125, 0.25, 0.125]), abs=1e-6)

    d = _graph_with_bias(tmp_path, [0.1, -0.2, 0.3, 0.0])
    before = (d / "s1.bin").read_bytes()[:12]
    export_default.apply_prior_to_export(d, correction, "2.2.0")
    blob = (d / "s1.bin").read_bytes() + (d / "s2.bin").read_bytes()
    assert blob[:12] == before  # the kernel keeps its bytes
    bias = np.frombuffer(blob[12:], dtype="<f4")
    assert bias == pytest.approx(np.array([0.1, -0.2, 0.3, 0.0]) + np.log([0.5, 0.125, 0.25, 0.125]), abs=1e-6)
    meta = json.loads((d / "model.json").read_text())["userDefinedMetadata"]["lusSigns"]
    assert meta["version"] == "2.2.0" and meta["validation"]["priorCorrection"]["trainingClips"] == 8
    assert meta["validation"]["weightPrecision"] == "float16"
    # Applied twice it would count the prior twice.
    with pytest.raises(SystemExit, match="already carries a prior correction"):
        export_default.apply_prior_to_export(d, correction, "2.3.0")


def test_prior_correction_needs_a_new_version_and_every_sign(tmp_path: Path) -> None:
    d = _graph_with_bias(tmp_path, [0, 0, 0, 0], version="2.2.0")
    shares = {"clips": 4, "counts": {}, "shares": {"a_lines": 0.25, "b_lines": 0.25, "pleural_effusion": 0.25,
                                                   "consolidation": 0.25}}
    with pytest.raises(SystemExit, match="new version"):
        export_default.apply_prior_to_export(d, export_default.prior_correction(shares), "2.2.0")
    csv = tmp_path / "clips.csv"
    csv.write_text("clip,sign\nc0,a_lines\nc1,b_lines\n")
    with pytest.raises(SystemExit, match="at least one training clip"):
        export_default.clip_shares(csv, [])


def test_the_prior_is_put_back_only_for_a_network_sampled_by_sign(tmp_path: Path) -> None:
    import numpy as np

    csv = tmp_path / "clips.csv"
    csv.write_text("clip,sign\n" + "".join(f"c{i},{s}\n" for i, s in enumerate(
        ["a_lines"] * 4 + ["b_lines"] + ["pleural_effusion"] * 2 + ["consolidation"])))
    # Runs from before the sampling option record none: they were sampled by sign.
    for recipe in ({}, {"sampling": "sign"}):
        got = export_default.training_prior({"recipe": recipe, "heldOutClips": ["c0"]}, csv)
        assert got["trainingClips"] == 7
        assert got["addedToBias"] == pytest.approx(np.log([3 / 7, 1 / 7, 2 / 7, 1 / 7]), abs=1e-6)
    with pytest.raises(SystemExit, match="sampled by clip"):
        export_default.training_prior({"recipe": {"sampling": "clip"}}, csv)
    # Four equal target shares (sampled by sign, hard labels) change nothing; an uneven mix (soft targets) is
    # taken out, so the offsets put back only what the training left out.
    even = export_default.training_prior({"recipe": {}, "samplingShare": [0.25] * 4}, csv)
    assert even["addedToBias"] == pytest.approx(np.log([0.5, 0.125, 0.25, 0.125]), abs=1e-6)
    assert "trainedToward" not in even
    soft_mix = [0.22, 0.24, 0.28, 0.26]
    uneven = export_default.training_prior({"recipe": {"labels": "soft"}, "samplingShare": soft_mix}, csv)
    assert uneven["addedToBias"] == pytest.approx(np.log(np.array([0.5, 0.125, 0.25, 0.125]) / soft_mix), abs=1e-6)
    assert uneven["trainedToward"]["pleural_effusion"] == 0.28
