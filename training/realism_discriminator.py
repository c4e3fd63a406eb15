"""Real-vs-phantom discriminator: how easily a small CNN tells phantoms from real frames (50% = indistinguishable).

Reads DATA/{real,phantom}/<sign>/<group>__<k>.png (written by scripts/data/synth-realism.ts), passes both sides through
the same crop, resize and JPEG round trip, and reports grouped k-fold accuracy: frames of one real clip never sit
on both sides of a split.
"""

import argparse
import io
import json
import random
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

SIGNS = ["a_lines", "b_lines", "pleural_effusion", "consolidation"]
SIZE = (96, 72)


def preprocess(path: Path, quality: int) -> np.ndarray:
    """Identical for both sides: 92% centre crop, bilinear resize, JPEG round trip, grey floats in [0, 1]."""
    img = Image.open(path).convert("L")
    w, h = img.size
    cw, ch = int(w * 0.92), int(h * 0.92)
    left, top = (w - cw) // 2, (h - ch) // 2
    img = img.crop((left, top, left + cw, top + ch)).resize(SIZE, Image.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return np.asarray(Image.open(buf).convert("L"), dtype=np.float32) / 255.0


def load(data: Path):
    xs, ys, groups, signs = [], [], [], []
    for label, side in enumerate(["real", "phantom"]):
        for sign in SIGNS:
            for path in sorted((data / side / sign).glob("*.png")):
                xs.append(preprocess(path, quality=75))
                ys.append(label)
                groups.append(path.name.split("__")[0])
                signs.append(sign)
    return np.stack(xs), np.array(ys), np.array(groups), np.array(signs)


def model() -> nn.Module:
    def block(cin: int, cout: int) -> nn.Sequential:
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2))

    return nn.Sequential(
        block(1, 16), block(16, 32), block(32, 64), block(64, 64), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 2)
    )


def run_fold(x, y, train_idx, test_idx, epochs: int, seed: int):
    torch.manual_seed(seed)
    net = model()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    xt = torch.from_numpy(x[train_idx]).unsqueeze(1)
    yt = torch.from_numpy(y[train_idx]).long()
    # Balance the two sides so accuracy cannot come from class priors.
    weights = torch.tensor([1.0 / max(1, int((yt == c).sum())) for c in (0, 1)])
    loss_fn = nn.CrossEntropyLoss(weight=weights / weights.sum() * 2)
    for _ in range(epochs):
        net.train()
        perm = torch.randperm(len(xt))
        for b in range(0, len(perm), 64):
            idx = perm[b : b + 64]
            xb = xt[idx]
            if random.random() < 0.5:
                xb = torch.flip(xb, dims=[3])
            opt.zero_grad()
            loss = loss_fn(net(xb), yt[idx])
            loss.backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        pred = net(torch.from_numpy(x[test_idx]).unsqueeze(1)).argmax(1).numpy()
    return pred


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--json")
    args = ap.parse_args()
    torch.set_num_threads(2)
    random.seed(0)
    np.random.seed(0)
    x, y, groups, signs = load(Path(args.data))
    unique = sorted(set(groups))
    random.shuffle(unique)
    fold_of = {g: k % args.folds for k, g in enumerate(unique)}
    folds = np.array([fold_of[g] for g in groups])
    pred_all = np.full(len(y), -1)
    fold_acc = []
    for k in range(args.folds):
        test = np.where(folds == k)[0]
        train = np.where(folds != k)[0]
        pred = run_fold(x, y, train, test, args.epochs, seed=k)
        pred_all[test] = pred
        # Balanced: mean of the per-side accuracies, so 50% means chance whatever the mix.
        acc = np.mean([np.mean(pred[y[test] == c] == c) for c in (0, 1)])
        fold_acc.append(float(acc))
        print(f"fold {k}: balanced accuracy {acc:.3f} ({len(test)} frames)", flush=True)
    per_sign = {}
    for s in SIGNS:
        m = signs == s
        per_sign[s] = float(np.mean([np.mean(pred_all[m & (y == c)] == c) for c in (0, 1)]))
    result = {
        "balancedAccuracy": float(np.mean(fold_acc)),
        "folds": fold_acc,
        "perSign": per_sign,
        "realFrames": int((y == 0).sum()),
        "phantomFrames": int((y == 1).sum()),
        "realClips": len({g for g, t in zip(groups, y) if t == 0}),
        "input": f"{SIZE[0]}x{SIZE[1]} grey, 92% centre crop, JPEG q75 on both sides",
        "epochs": args.epochs,
    }
    print(f"discriminator balanced accuracy {result['balancedAccuracy']:.3f} (50% = indistinguishable); per sign "
          + ", ".join(f"{s} {v:.2f}" for s, v in per_sign.items()), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
