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
