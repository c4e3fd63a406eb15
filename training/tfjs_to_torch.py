"""Recovers a torchvision ResNet state_dict from a ResNet graph model written by our exporter (training/lus_export).

The exporter folds each BatchNorm into its conv, so the recovered model has identity BatchNorms (weight 1,
running mean 0, running variance 1 - eps, so the scale is 1 to float32 precision) and the folded conv bias as the
BatchNorm bias. In eval mode it computes what the graph model computes, to the precision of the shipped
weights; folding it again gives the same weights back. Use it to re-export or evaluate a shipped model whose
training checkpoint is gone. It is not a starting point for training with BatchNorm in train mode: batch
statistics would replace the identity ones.

    /usr/bin/python3 training/tfjs_to_torch.py public/models/lus-resnet152 /tmp/lus-resnet152.pt
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_export import ARCHITECTURES, build_resnet  # noqa: E402
from lus_export.errors import ExportError  # noqa: E402
from lus_export.graph_check import weights_from_manifest  # noqa: E402


def read_graph_weights(folder: Path) -> tuple[dict, dict]:
    """(model.json, weights by name as float32 numpy arrays) of an exported graph model."""
    model_json = json.loads((folder / "model.json").read_text())
    manifest = model_json["weightsManifest"]
    entries = [w for group in manifest for w in group["weights"]]
    blob = b"".join((folder / p).read_bytes() for group in manifest for p in group["paths"])
    return model_json, weights_from_manifest(entries, blob)


def last_stage_dilated(model_json: dict) -> bool:
    """Whether the graph's last stage is dilated (torchvision's replace_stride_with_dilation for layer4): its
    second block's 3x3 conv then has dilation 2. The state_dict is the same either way, so this is recorded in
    config.json; a recovered model built without it would compute a 4x4 map from 8x8-trained weights."""
    for node in model_json["modelTopology"]["node"]:
        if node["name"] == "layer4/1/conv2":
            return [int(v) for v in node["attr"]["dilations"]["list"]["i"]] == [1, 2, 2, 1]
    return False


def state_dict_from_graph(weights: dict, architecture: str, num_classes: int) -> dict:
    """A torchvision state_dict whose BatchNorms are identities around the folded convs."""
    model = build_resnet(architecture, num_classes)
    state = model.state_dict()
    out: dict = {}

    def conv(torch_prefix: str, bn_prefix: str, graph_name: str) -> None:
        kernel = weights.get(f"{graph_name}/kernel")
        bias = weights.get(f"{graph_name}/bias")
        if kernel is None or bias is None:
            raise ExportError(f"the graph model has no weights for {graph_name}: not one of our {architecture} exports")
        oihw = torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))).float()
        want = tuple(state[f"{torch_prefix}.weight"].shape)
        if tuple(oihw.shape) != want:
            raise ExportError(f"{graph_name}/kernel has shape {tuple(oihw.shape)}, {architecture} expects {want}")
        eps = 1e-5  # torchvision's BatchNorm2d default
        channels = oihw.shape[0]
        out[f"{torch_prefix}.weight"] = oihw
        out[f"{bn_prefix}.weight"] = torch.ones(channels)
        out[f"{bn_prefix}.bias"] = torch.from_numpy(bias.astype(np.float32))
        out[f"{bn_prefix}.running_mean"] = torch.zeros(channels)
        out[f"{bn_prefix}.running_var"] = torch.full((channels,), 1.0 - eps)
        out[f"{bn_prefix}.num_batches_tracked"] = torch.tensor(0)

    kind, counts = ARCHITECTURES[architecture]
    n = 2 if kind == "basic" else 3
    conv("conv1", "bn1", "stem/conv1")
    for s, count in enumerate(counts, start=1):
        for b in range(count):
            for i in range(1, n + 1):
                conv(f"layer{s}.{b}.conv{i}", f"layer{s}.{b}.bn{i}", f"layer{s}/{b}/conv{i}")
            if f"layer{s}.{b}.downsample.0.weight" in state:
                conv(f"layer{s}.{b}.downsample.0", f"layer{s}.{b}.downsample.1", f"layer{s}/{b}/downsample")
    out["fc.weight"] = torch.from_numpy(np.ascontiguousarray(weights["classifier/kernel"].T)).float()
    out["fc.bias"] = torch.from_numpy(weights["classifier/bias"].astype(np.float32))
    missing = sorted(set(state) - set(out))
    if missing:
        raise ExportError(f"could not recover {', '.join(missing[:4])}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="folder with model.json and its weight shards")
    ap.add_argument("out", type=Path, help="state_dict file to write (.pt)")
    ap.add_argument("--config", action="store_true",
                    help="also write config.json beside it (input size, mean, std as training writes them), so "
                    "training/train.py --init, evaluate.py and export_default.py can read the recovered weights")
    args = ap.parse_args()
    model_json, weights = read_graph_weights(args.model)
    meta = model_json.get("userDefinedMetadata", {}).get("lusSigns", {})
    architecture = meta.get("architecture", "resnet152")
    classes = meta.get("classes", [])
    state = state_dict_from_graph(weights, architecture, len(classes) or 4)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, str(args.out))
    if args.config:
        inp = meta["input"]
        config = {
            "stage": "recovered",
            "recoveredFrom": f"{meta.get('id')}@{meta.get('version')} ({args.model})",
            "architecture": architecture,
            "classes": classes,
            "batchNorm": "folded into the convs; identity BatchNorms",
            "dilateLastStage": last_stage_dilated(model_json),
            "provenance": meta.get("provenance"),
            "input": {"size": inp["height"], "height": inp["height"], "width": inp["width"], "channels": 3,
                      "colour": inp.get("colour"), "aspect": inp.get("aspect"), "range": inp.get("range"),
                      "mean": inp["mean"][0], "std": inp["std"][0]},
        }
        (args.out.parent / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"{args.out}: {architecture}, {len(weights)} graph weights recovered", file=sys.stderr)


if __name__ == "__main__":
    main()
