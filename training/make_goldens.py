#!/usr/bin/python3
"""Writes parity goldens: random-weight ResNets with realistic BatchNorm statistics, their TF.js exports at
float32/float16/uint8, ONNX exports, 32 fixed inputs and PyTorch's eval-mode outputs.

Run with /usr/bin/python3 (Debian's PyTorch): npm run parity:goldens
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import resnet as tv_resnet

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_export import SIGN_CLASSES, ModelDescription, build_resnet, export_tfjs  # noqa: E402
from lus_export import exported_precision_reference  # noqa: E402
from lus_export.onnx import export_onnx  # noqa: E402
from lus_export.tfjs import IMAGENET_MEAN, IMAGENET_STD  # noqa: E402

GOLDENS_VERSION = 1
INPUT_COUNT = 32
BROWSER_INPUTS = 4
PRECISIONS = ("float32", "float16", "uint8")
# Per-class logit spread after re-scaling fc: wide enough that most inputs have a clear top-1, so the
# top-1 comparison means something, as in a trained network.
LOGIT_STD = 3.0


def synthetic_frames(count: int, height: int, width: int, seed: int) -> torch.Tensor:
    """Deterministic, varied frames in [0, 1], NCHW: speckle, A-line bands, B-line streaks, dark pools,
    blotchy texture, gradients, colour and plain noise, so every input exercises different activations."""
    g = torch.Generator().manual_seed(seed)

    def smooth(channels: int, cells: int) -> torch.Tensor:
        low = torch.rand(1, channels, max(2, height // cells), max(2, width // cells), generator=g)
        return F.interpolate(low, size=(height, width), mode="bilinear", align_corners=False)[0]

    ys = torch.linspace(0, 1, height).view(height, 1).expand(height, width)
    xs = torch.linspace(0, 1, width).view(1, width).expand(height, width)
    frames = []
    for i in range(count):
        kind = i % 8
        speckle = torch.rand(height, width, generator=g)
        if kind == 0:
            img = (smooth(1, 8)[0] * speckle * (1.2 - ys)).clamp(0, 1)
        elif kind == 1:
            period = 4 + 4 * float(torch.rand(1, generator=g))
            img = 0.5 + 0.4 * torch.sin(ys * height / period) * (1 - ys) + 0.1 * speckle
        elif kind == 2:
            columns = (torch.rand(1, width, generator=g) > 0.85).float().expand(height, width)
            img = 0.25 * speckle + 0.7 * columns * (0.5 + 0.5 * ys)
        elif kind == 3:
            cy, cx = 0.5 + 0.3 * float(torch.rand(1, generator=g)), float(torch.rand(1, generator=g))
            pool = (((ys - cy) / 0.25) ** 2 + ((xs - cx) / 0.4) ** 2) < 1
            img = torch.where(pool, 0.05 * speckle, 0.3 + 0.5 * speckle * smooth(1, 4)[0])
        elif kind == 4:
            img = ((smooth(1, 4)[0] > 0.5).float() * 0.6 + 0.4 * speckle) * smooth(1, 16)[0]
        elif kind == 5:
            img = 0.5 * xs + 0.5 * smooth(1, 2)[0] * ys
        elif kind == 6:
            frames.append(smooth(3, 8).clamp(0, 1))
            continue
        else:
            img = speckle
        frames.append(img.clamp(0, 1).unsqueeze(0).expand(3, height, width))
    return torch.stack(frames)


def normalise(frames: torch.Tensor) -> torch.Tensor:
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (frames - mean) / std


@torch.no_grad()
def realistic_network(architecture: str, height: int, width: int, seed: int, dilate_last_stage: bool = False) -> nn.Module:
    """Random weights made to behave like a trained ResNet: BatchNorm statistics measured on varied inputs,
    and an fc re-scaled so that logits are centred and spread (otherwise every output would be near 1/4).

    The last BatchNorm of each residual branch gets a small gamma, as in trained torchvision ResNets and
    with zero_init_residual training. With gamma ~ U(0.5, 1.5) there instead, a random ResNet152 is
    chaotic: PyTorch's own float32 result differs from float64 by ~2e-4 in probability, so no float32
    engine could show 1e-4 parity and the test would measure rounding noise, not the export.
    """
    torch.manual_seed(seed)
    model = build_resnet(architecture, len(SIGN_CLASSES), dilate_last_stage)
    g = torch.Generator().manual_seed(seed + 1)
    last_bns = set()
    for module in model.modules():
        if isinstance(module, tv_resnet.Bottleneck):
            last_bns.add(module.bn3)
        elif isinstance(module, tv_resnet.BasicBlock):
            last_bns.add(module.bn2)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            low, high = (0.0, 0.3) if module in last_bns else (0.5, 1.5)
            module.weight.copy_(low + (high - low) * torch.rand(module.weight.shape, generator=g))
            module.bias.copy_(0.2 * torch.randn(module.bias.shape, generator=g))
            module.momentum = None  # cumulative average over the calibration batches
            module.reset_running_stats()
    model.train()
    calibration = normalise(synthetic_frames(32, height, width, seed + 2))
    for batch in calibration.split(8):
        model(batch)
    model.eval()
    pooled = []
    hook = model.fc.register_forward_hook(lambda _m, inputs, _o: pooled.append(inputs[0]))
    model(calibration)
    hook.remove()
    features = pooled[0].double()
    weight = torch.randn(model.fc.weight.shape, generator=g).double()
    logits = features @ weight.T
    scale = LOGIT_STD / logits.std(dim=0)
    model.fc.weight.copy_((weight * scale[:, None]).float())
    model.fc.bias.copy_((-logits.mean(dim=0) * scale).float())
    return model


@torch.no_grad()
def torch_outputs(model: nn.Module, x: torch.Tensor):
    """Eval-mode probabilities, layer4 output and pooled features, batch by batch."""
    captured = {"features": [], "pooled": []}
    hooks = [
        model.layer4.register_forward_hook(lambda _m, _i, out: captured["features"].append(out)),
        model.fc.register_forward_hook(lambda _m, inputs, _o: captured["pooled"].append(inputs[0])),
    ]
    probs = torch.cat([torch.softmax(model(batch), dim=1) for batch in x.split(8)])
    for h in hooks:
        h.remove()
    return probs, {key: torch.cat(parts) for key, parts in captured.items()}


def class_activation_maps(features: torch.Tensor, fc_weight: torch.Tensor) -> np.ndarray:
    """CAM reference in PyTorch (float64): layer4 output [N, C, H, W] times the fc weights [classes, C],
    NHWC-ordered [N, H, W, classes], without the bias (a per-class constant that CAM leaves out)."""
    cam = torch.einsum("nchw,kc->nhwk", features.detach().double(), fc_weight.detach().double())
    return cam.numpy()


def float_list(array: np.ndarray) -> list:
    # The exact double value of each float32, so JSON readers get the very same bits back.
    return [float(v) for v in np.asarray(array, dtype=np.float32).ravel()]


def build_net(
    out: Path, name: str, architecture: str, size: int, features: bool, seed: int, report: dict, dilate_last_stage: bool = False
) -> dict:
    net_dir = out / name
    net_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    model = realistic_network(architecture, size, size, seed, dilate_last_stage)
    t_cal = time.perf_counter() - t0
    x = normalise(synthetic_frames(INPUT_COUNT, size, size, seed + 100))
    t0 = time.perf_counter()
    probs, captured = torch_outputs(model, x)
    t_ref = time.perf_counter() - t0
    with torch.no_grad():
        # How far PyTorch's own float32 result is from float64: the rounding noise floor of this network.
        p64 = torch.softmax(copy.deepcopy(model).double()(x[:4].double()), dim=1)
    noise_floor = float((p64 - probs[:4].double()).abs().max())
    x_nhwc = x.permute(0, 2, 3, 1).contiguous().numpy().astype("<f4")
    (net_dir / "inputs.f32").write_bytes(x_nhwc.tobytes())
    top2 = probs.topk(2, dim=1).values
    expected = {
        "torchProbs": [float_list(p) for p in probs.numpy()],
        "top2Margin": [float(v) for v in (top2[:, 0] - top2[:, 1]).numpy()],
        "exportedReference": {},
    }
    net_report = {
        "calibrationSeconds": t_cal,
        "referenceSeconds": t_ref,
        "torchFloat32VsFloat64MaxAbsProb": noise_floor,
        "exports": {},
    }
    models = {}
    for precision in PRECISIONS:
        description = ModelDescription(
            id=f"parity-{name}-{precision}",
            version="1.0.0",
            display_name=f"Parity fixture {architecture} {size}px {precision} (random weights)",
            trained_on="nothing: random weights with BatchNorm statistics from synthetic frames",
            licence="test fixture, no licence needed",
            is_test_model=True,
            created_at="2026-01-01T00:00:00+00:00",
            notes="Generated by training/make_goldens.py for TF.js/ONNX parity tests. Its answers mean nothing.",
        )
        result = export_tfjs(
            model,
            net_dir / precision,
            architecture=architecture,
            description=description,
            input_size=size,
            features=features,
            quantize=precision,
            overwrite=True,
            # The graph is the same at every precision. Its float64 self-check runs on the small net only:
            # for ResNet152 it costs ~40 s here, and the TF.js parity test checks the same graph anyway.
            verify=precision == "float32" and architecture != "resnet152",
        )
        models[precision] = f"{name}/{precision}"
        net_report["exports"][precision] = {
            "seconds": result.seconds,
            "bytes": result.total_bytes,
            "shards": len(result.files) - 1,
            "verification": result.verification,
        }
        if precision != "float32":
            # PyTorch with the weights as TF.js decodes them: TF.js must match this to float32 rounding.
            reference = exported_precision_reference(model, architecture, precision)
            with torch.no_grad():
                ref = torch.cat([reference(batch) for batch in x.split(8)]).numpy()
            expected["exportedReference"][precision] = [float_list(p) for p in ref]
            net_report["exports"][precision].update(
                torchSimulatedMaxAbsProbDiff=float(np.max(np.abs(ref - probs.numpy()))),
                torchSimulatedTop1Agreement=float(np.mean(ref.argmax(1) == probs.numpy().argmax(1))),
            )
    onnx = export_onnx(model, net_dir / "model.onnx", architecture=architecture, input_size=size, overwrite=True)
    net_report["onnx"] = onnx
    entry = {
        "name": name,
        "architecture": architecture,
        "height": size,
        "width": size,
        "classes": list(SIGN_CLASSES),
        "inputCount": INPUT_COUNT,
        "inputs": f"{name}/inputs.f32",
        "expected": f"{name}/expected.json",
        "models": models,
        "onnx": f"{name}/model.onnx",
        "features": features,
        "dilateLastStage": dilate_last_stage,
    }
    if features:
        fmap = captured["features"].permute(0, 2, 3, 1).contiguous().numpy().astype("<f4")
        (net_dir / "features.f32").write_bytes(fmap.tobytes())
        (net_dir / "pooled.f32").write_bytes(captured["pooled"].numpy().astype("<f4").tobytes())
        entry["featureMap"] = {"file": f"{name}/features.f32", "shape": list(fmap.shape)}
        entry["pooled"] = {"file": f"{name}/pooled.f32", "shape": list(captured["pooled"].shape)}
        cam = class_activation_maps(captured["features"], model.fc.weight)
        (net_dir / "cam.f32").write_bytes(cam.astype("<f4").tobytes())
        entry["cam"] = {"file": f"{name}/cam.f32", "shape": list(cam.shape)}
    (net_dir / "expected.json").write_text(json.dumps(expected))
    report[name] = net_report
    classes = probs.argmax(1).bincount(minlength=len(SIGN_CLASSES)).tolist()
    margins = np.array(expected["top2Margin"])
    print(
        f"{name}: calibration {t_cal:.1f}s, reference {t_ref:.1f}s, top-1 classes {classes}, "
        f"{int((margins > 1e-3).sum())}/{INPUT_COUNT} with top-2 margin > 1e-3",
        file=sys.stderr,
    )
    print(f"  PyTorch float32 vs float64 (4 inputs): max |dprob| {noise_floor:.2e}", file=sys.stderr)
    for precision, r in net_report["exports"].items():
        simulated = (
            f", PyTorch-simulated max |dprob| {r['torchSimulatedMaxAbsProbDiff']:.2e}, "
            f"top-1 agreement {r['torchSimulatedTop1Agreement']:.3f}"
            if "torchSimulatedMaxAbsProbDiff" in r
            else ""
        )
        print(
            f"  {precision}: export {r['seconds']:.1f}s, {r['bytes'] / 1e6:.1f} MB in {r['shards']} shards"
            + simulated,
            file=sys.stderr,
        )
    print(f"  onnx: {onnx['seconds']:.1f}s, {onnx['bytes'] / 1e6:.1f} MB", file=sys.stderr)
    return entry


def browser_goldens(out: Path, entry: dict, file_name: str, inputs: int = BROWSER_INPUTS) -> None:
    """A small model's first inputs and PyTorch probabilities as one JSON, for the WebGPU/WebGL e2e test."""
    h, w = entry["height"], entry["width"]
    raw = np.frombuffer((out / entry["inputs"]).read_bytes(), dtype="<f4").reshape(-1, h, w, 3)
    expected = json.loads((out / entry["expected"]).read_text())
    doc = {
        "version": GOLDENS_VERSION,
        "model": f"{entry['models']['float32']}/model.json",
        "inputName": "input",
        "outputName": "probs",
        "inputShape": [1, h, w, 3],
        "layout": "NHWC float32, already normalised (x - mean) / std",
        "classes": entry["classes"],
        "tolerance": 1e-3,
        "inputs": [float_list(raw[i]) for i in range(inputs)],
        "expected": expected["torchProbs"][:inputs],
    }
    (out / file_name).write_text(json.dumps(doc))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="goldens folder (replaced)")
    parser.add_argument("--large-size", type=int, default=224, help="input size of the ResNet152 (default 224)")
    parser.add_argument("--only", choices=["small", "dilated", "gpu", "large"], action="append",
                        help="build only this net (repeatable): npm test builds small, dilated and gpu, "
                             "npm run test:model the large ResNet152")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch CPU threads (default 2)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    report: dict = {}
    nets = []
    if args.only is None or "small" in args.only:
        small = build_net(out, "resnet18-64", "resnet18", 64, features=True, seed=1804, report=report)
        browser_goldens(out, small, "small-browser.json")
        nets.append(small)
    if args.only is None or "dilated" in args.only:
        # The default model's layout: last stage dilated (dilated 3x3 convs, stride 16, an 8x8 map at 128 px).
        dilated = build_net(out, "resnet50-64-dilated", "resnet50", 64, features=True, seed=5064, report=report,
                            dilate_last_stage=True)
        browser_goldens(out, dilated, "dilated-browser.json", inputs=2)
        nets.append(dilated)
    if args.only is None or "gpu" in args.only:
        # The same layout with one bottleneck a stage (two in the last, so that one 3x3 is dilated): every layer
        # kind of the default model, for the browser's software GPUs, where each layer costs seconds to compile.
        gpu = build_net(out, "resnet17-64-dilated", "resnet17", 64, features=True, seed=1764, report=report,
                        dilate_last_stage=True)
        browser_goldens(out, gpu, "gpu-browser.json", inputs=2)
        nets.append(gpu)
    if args.only is None or "large" in args.only:
        name = f"resnet152-{args.large_size}"
        nets.append(build_net(out, name, "resnet152", args.large_size, features=False, seed=1520, report=report))
    manifest = {
        "version": GOLDENS_VERSION,
        "generatedBy": "training/make_goldens.py",
        "torch": torch.__version__,
        "precisions": list(PRECISIONS),
        "nets": nets,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    report["totalSeconds"] = time.perf_counter() - started
    (out / "report.json").write_text(json.dumps(report, indent=1))
    print(f"goldens written to {out} in {report['totalSeconds']:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
