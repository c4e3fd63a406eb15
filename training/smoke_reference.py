"""PyTorch's probabilities for the default model's smoke frames, computed on the shipped weights exactly as TF.js decodes them.

    npx tsx scripts/fixtures/smoke-frames.ts --out /tmp/smoke-frames
    /usr/bin/python3 training/smoke_reference.py --model public/models/lus-resnet152 --inputs /tmp/smoke-frames \\
        --out training/reports/smoke-reference.json

The inputs are the app's own model inputs for each frame (scripts/smoke-frames.ts runs the app's frame
preparation), so the only difference left between PyTorch here and the browser is the engine. The browser
smoke test (tests/smoke-default-model.spec.ts) drops the same frames and must agree within 1e-3, with the same
top sign.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_export import build_resnet  # noqa: E402
from tfjs_to_torch import last_stage_dilated, read_graph_weights, state_dict_from_graph  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="an exported model folder (model.json + shards)")
    ap.add_argument("--inputs", required=True, help="the folder scripts/smoke-frames.ts wrote")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(2)

    folder = Path(args.model)
    model_json, weights = read_graph_weights(folder)
    meta = model_json["userDefinedMetadata"]["lusSigns"]
    classes = meta["classes"]
    model = build_resnet(meta["architecture"], len(classes), dilate_last_stage=last_stage_dilated(model_json))
    model.load_state_dict(state_dict_from_graph(weights, meta["architecture"], len(classes)))
    model.eval()

    spec = json.loads((Path(args.inputs) / "frames.json").read_text())
    h, w = spec["input"]["height"], spec["input"]["width"]
    x = np.fromfile(Path(args.inputs) / "inputs.bin", dtype=np.float32).reshape(len(spec["frames"]), h, w, 3)
    with torch.no_grad():
        probs = torch.softmax(model(torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()), dim=1).numpy()
    frames = []
    for f, p in zip(spec["frames"], probs):
        frames.append({**f, "probabilities": {c: float(v) for c, v in zip(classes, p)}, "top": classes[int(p.argmax())]})
    doc = {
        "model": {"id": meta["id"], "version": meta["version"]},
        "description": "PyTorch float32 on the shipped weights as decoded by TF.js, fed the app's own inputs",
        "tolerance": 1e-3,
        "frames": frames,
    }
    Path(args.out).write_text(json.dumps(doc, indent=2) + "\n")
    for f in frames:
        print(f"{f['name']}: {f['top']} ({f['probabilities'][f['top']]:.3f}), clip sign {f['sign']}")


if __name__ == "__main__":
    main()
