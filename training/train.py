"""Trains the default model (ResNet152, four signs) on prepared frames: `pretrain` on phantoms, `finetune` on real + phantoms.

Run with /usr/bin/python3 (Debian's PyTorch). Resumable: every epoch and every few minutes the full state
(model, optimiser, position in the epoch) goes to <out>/last.pt; --resume continues from it. The data order
and every augmentation are fixed by (seed, epoch, position), so a resumed run sees the same batches.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_train import CLASSES  # noqa: E402
from lus_train.augment import augment_batch, to_input  # noqa: E402
from lus_train.data import (  # noqa: E402
    balanced_weights,
    clip_signs,
    epoch_order,
    load_frames,
    load_split,
    make_clip_split,
    mixed_epoch,
    save_split,
    split_by_clip,
)
from lus_train.metrics import table1  # noqa: E402
from lus_train.model import ARCHITECTURE, build_model, clip_level, pick_device, predict  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SPLIT = REPO / "training" / "splits" / "real-val-clips.json"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def fmt_s(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


def git_describe() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "training", "scripts", "src/domain"], capture_output=True, text=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except OSError:
        return "unknown"


def lr_at(step: int, total: int, base: float, warmup: int, floor: float) -> float:
    """Linear warm-up, then cosine decay to `floor` at the last step."""
    if step < warmup:
        return base * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return floor + 0.5 * (base - floor) * (1 + math.cos(math.pi * min(1.0, t)))


def param_groups(model: torch.nn.Module, weight_decay: float) -> list:
    # No weight decay on BatchNorm and biases: decaying them only fights the normalisation.
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def save_atomic(obj, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, str(tmp))
    os.replace(tmp, path)


def evaluate_sets(model, sets: dict, mean: float, std: float, device) -> dict:
    out = {}
    for name, fs in sets.items():
        if fs is None or len(fs) == 0:
            continue
        probs = predict(model, fs.images, mean, std, device)
        t = table1(fs.labels, probs.argmax(1))
        entry = {"frameAccuracy": t["overall"]["accuracy"], "frameKappa": t["overall"]["kappa"], "n": len(fs)}
        if len(set(fs.clips)) < len(fs):
            _, p, y = clip_level(probs, fs.clips, fs.labels)
            ct = table1(y, p.argmax(1))
            entry.update({"clipAccuracy": ct["overall"]["accuracy"], "clips": int(len(y))})
        entry["confusion"] = t["confusion"]["matrix"]
        out[name] = entry
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stage", choices=["pretrain", "finetune"], required=True)
    ap.add_argument("--phantoms", required=True, help="prepared phantom folder (index.csv)")
    ap.add_argument("--phantom-val", help="prepared held-out phantoms, monitored each epoch (not used for choices)")
    ap.add_argument("--phantom-val-per-class", type=int, default=50)
    ap.add_argument("--real", help="prepared real frames (index.csv with clip ids)")
    ap.add_argument("--split", default=str(DEFAULT_SPLIT), help="validation clips JSON (created if missing)")
    ap.add_argument("--split-fraction", type=float, default=0.2)
    ap.add_argument("--split-seed", type=int, default=5)
    ap.add_argument("--out", required=True, help="checkpoint folder for this stage (outside the repository)")
    ap.add_argument("--init", help="finetune: weights file of the pretrained model (its config.json beside it)")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--samples-per-epoch", type=int, help="default: the phantom count (pretrain) or 4x real train frames (finetune)")
    ap.add_argument("--real-share", type=float, default=0.5, help="finetune: share of real frames per batch on average")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--min-lr", type=float, default=1e-6)
    ap.add_argument("--warmup-steps", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--grad-clip", type=float, default=2.0)
    ap.add_argument("--mean", type=float, default=0.2, help="input mean after /255 (goes into the model metadata)")
    ap.add_argument("--std", type=float, default=0.2, help="input std after /255 (goes into the model metadata)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--checkpoint-minutes", type=float, default=15.0)
    ap.add_argument("--resume", action="store_true", help="continue from <out>/last.pt if it exists")
    ap.add_argument("--reschedule", action="store_true",
                    help="with --resume: accept a checkpoint made with another epoch count; the learning-rate "
                         "schedule continues on the new total (for shortening a run that cannot finish in time)")
    ap.add_argument("--dilate-last-stage", action="store_true",
                    help="train the ResNet with its last stage dilated (8x8 feature map at 128 px, for finer heat maps); "
                    "the weights of an undilated model load unchanged")
    ap.add_argument("--freeze-batchnorm", action="store_true",
                    help="keep BatchNorm in eval mode (running statistics fixed, affine still trained): needed when "
                    "--init is a model recovered from an export (training/tfjs_to_torch.py), whose BatchNorms are identities")
    ap.add_argument("--limit-per-class", type=int, help="smoke runs: use only N frames per class")
    ap.add_argument("--max-steps", type=int, help="smoke runs: stop after N optimiser steps in total")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    device = pick_device()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    # ---- data
    phantoms = load_frames(args.phantoms, args.limit_per_class)
    size = int(phantoms.images.shape[1])
    phantom_val = None
    if args.phantom_val:
        phantom_val = load_frames(args.phantom_val, args.phantom_val_per_class)
    real_train = real_val = None
    split_info = None
    if args.real:
        real = load_frames(args.real, args.limit_per_class)
        signs = clip_signs(real)
        split_path = Path(args.split)
        if not split_path.exists():
            if args.limit_per_class is not None:
                raise SystemExit("refusing to create the committed split from a --limit-per-class smoke run")
            save_split(split_path, make_clip_split(signs, args.split_fraction, args.split_seed), signs, args.split_fraction, args.split_seed)
            log(f"wrote the validation split {split_path}")
        val_clips = load_split(split_path)
        if args.limit_per_class is not None:  # smoke: keep only the validation clips present in the subset
            present = set(real.clips)
            val_clips = {k: [c for c in v if c in present] for k, v in val_clips.items()}
        real_train, real_val = split_by_clip(real, val_clips)
        split_info = {"file": str(split_path), "trainFrames": len(real_train), "valFrames": len(real_val),
                      "trainClips": len(set(real_train.clips)), "valClips": len(set(real_val.clips))}
        if set(real_train.clips) & set(real_val.clips):
            raise SystemExit("a clip is on both sides of the split")
    for fs in (phantom_val, real_train, real_val):
        if fs is not None and fs.images.shape[1:] != phantoms.images.shape[1:]:
            raise SystemExit(f"{fs.root}: frames are {fs.images.shape[1:]}, phantoms {phantoms.images.shape[1:]}")
    if args.stage == "finetune" and real_train is None:
        raise SystemExit("finetune needs --real")

    # ---- model
    model = build_model(args.dilate_last_stage)
    mean, std = args.mean, args.std
    if args.stage == "finetune":
        if not args.init:
            raise SystemExit("finetune needs --init (the pretrained weights)")
        init_cfg = json.loads((Path(args.init).parent / "config.json").read_text())
        # The normalisation is part of the model: fine-tuning keeps what pretraining used.
        mean, std = init_cfg["input"]["mean"], init_cfg["input"]["std"]
        if init_cfg["input"]["size"] != size:
            raise SystemExit(f"pretrained at {init_cfg['input']['size']} px, data is {size} px")
        model.load_state_dict(torch.load(args.init, map_location="cpu"))
    model = model.to(device)
    optimiser = torch.optim.AdamW(param_groups(model, args.weight_decay), lr=args.lr, betas=(0.9, 0.999))
    criterion = torch.nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)

    if args.stage == "pretrain":
        samples = args.samples_per_epoch or len(phantoms)
        phantom_weights = real_weights = None
    else:
        samples = args.samples_per_epoch or 4 * len(real_train)
        real_weights = balanced_weights(real_train.labels, real_train.clips)
        phantom_weights = balanced_weights(phantoms.labels, phantoms.clips)
    steps_per_epoch = samples // args.batch
    total_steps = steps_per_epoch * args.epochs
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)

    config = {
        "stage": args.stage,
        "architecture": ARCHITECTURE,
        "classes": list(CLASSES),
        "input": {"size": size, "height": size, "width": size, "channels": 3, "colour": "grey-replicated",
                  "aspect": "pad", "range": [0, 1], "mean": mean, "std": std},
        "data": {"phantoms": str(Path(args.phantoms).resolve()), "phantomFrames": len(phantoms),
                 "phantomVal": args.phantom_val, "real": args.real, "split": split_info,
                 "limitPerClass": args.limit_per_class},
        "recipe": {"epochs": args.epochs, "samplesPerEpoch": samples, "stepsPerEpoch": steps_per_epoch,
                   "totalSteps": total_steps, "batch": args.batch, "optimiser": "AdamW", "lr": args.lr,
                   "minLr": args.min_lr, "warmupSteps": args.warmup_steps, "schedule": "linear warm-up, cosine decay",
                   "weightDecay": args.weight_decay, "labelSmoothing": args.label_smoothing,
                   "gradClip": args.grad_clip, "realShare": args.real_share if args.stage == "finetune" else 0.0,
                   "seed": args.seed, "init": args.init, "augmentation": "lus_train/augment.py"},
        "dilateLastStage": args.dilate_last_stage,
        "freezeBatchNorm": args.freeze_batchnorm,
        "software": {"torch": torch.__version__, "python": sys.version.split()[0], "git": git_describe(),
                     "device": str(device), "threads": args.threads},
    }

    # ---- resume
    epoch, pos, step = 0, 0, 0
    history: list = []
    last = out / "last.pt"
    if args.resume and (out / "model.pt").exists():
        log(f"[{args.stage}] {out / 'model.pt'} exists: stage already done")
        return
    if args.resume and last.exists():
        state = torch.load(str(last), map_location="cpu")
        old_total = state["config"]["recipe"]["totalSteps"]
        if state["config"]["input"]["size"] != size:
            raise SystemExit(f"{last} was made at another input size; remove it or use another --out")
        if old_total != total_steps:
            if not args.reschedule or state["step"] > total_steps:
                raise SystemExit(f"{last} was made with another recipe ({old_total} steps); remove it, use another "
                                 "--out, or pass --reschedule")
            log(f"[{args.stage}] rescheduled: {old_total} → {total_steps} steps in total")
        # The history of reschedules travels with the run so the model card can tell the real recipe.
        config["rescheduledFrom"] = state["config"].get("rescheduledFrom", []) + (
            [{"totalSteps": old_total, "atStep": state["step"]}] if old_total != total_steps else [])
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        epoch, pos, step, history = state["epoch"], state["position"], state["step"], state["history"]
        log(f"[{args.stage}] resumed from {last}: epoch {epoch + 1}, batch {pos}/{steps_per_epoch}, step {step}/{total_steps}")
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")

    def checkpoint(reason: str) -> None:
        save_atomic({"model": model.state_dict(), "optimiser": optimiser.state_dict(), "epoch": epoch,
                     "position": pos, "step": step, "history": history, "config": config}, last)
        log(f"[{args.stage}] checkpoint ({reason}) → {last}")

    log(f"[{args.stage}] {len(phantoms)} phantoms" + (f", real {split_info}" if split_info else "")
        + f"; {size} px, mean {mean}, std {std}; {args.epochs} epochs × {steps_per_epoch} steps of {args.batch} "
        f"= {total_steps} steps on {device} with {args.threads} threads")

    started = time.time()
    last_ckpt = time.time()
    steps_this_run = 0
    loss_ema = acc_ema = None
    while epoch < args.epochs and step < total_steps:
        if args.stage == "pretrain":
            order = epoch_order(len(phantoms), args.seed, epoch)[: steps_per_epoch * args.batch]
        else:
            order = mixed_epoch(real_weights, phantom_weights, steps_per_epoch * args.batch, args.real_share, args.seed, epoch)
        model.train()
        if args.freeze_batchnorm:
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.eval()
        while pos < steps_per_epoch and step < total_steps:
            positions = list(range(pos * args.batch, (pos + 1) * args.batch))
            idx = order[pos * args.batch : (pos + 1) * args.batch]
            imgs, labels = [], []
            for i in map(int, idx):
                # Fine-tuning indices: ≥ 0 into the real frames, −(j+1) into the phantoms (see mixed_epoch).
                if args.stage == "finetune":
                    fs, j = (real_train, i) if i >= 0 else (phantoms, -i - 1)
                else:
                    fs, j = phantoms, i
                imgs.append(fs.images[j])
                labels.append(int(fs.labels[j]))
            batch = augment_batch(imgs, args.seed, epoch, positions)
            x = torch.from_numpy(to_input(batch, mean, std)).to(device)
            y = torch.tensor(labels, dtype=torch.long, device=device)
            for g in optimiser.param_groups:
                g["lr"] = lr_at(step, total_steps, args.lr, args.warmup_steps, args.min_lr)
            logits = model(x)
            loss = criterion(logits, y)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.grad_clip)
            optimiser.step()
            pos += 1
            step += 1
            steps_this_run += 1
            acc = float((logits.argmax(1) == y).float().mean())
            loss_ema = float(loss) if loss_ema is None else 0.95 * loss_ema + 0.05 * float(loss)
            acc_ema = acc if acc_ema is None else 0.95 * acc_ema + 0.05 * acc
            if step % 10 == 0 or step == total_steps or steps_this_run <= 2:
                elapsed = time.time() - started
                rate = steps_this_run * args.batch / max(elapsed, 1e-6)
                eta = (total_steps - step) * args.batch / max(rate, 1e-9)
                log(f"[{args.stage}] epoch {epoch + 1}/{args.epochs} batch {pos}/{steps_per_epoch} step {step}/{total_steps} "
                    f"loss {loss_ema:.3f} acc {acc_ema:.2f} lr {optimiser.param_groups[0]['lr']:.2e} | "
                    f"{rate:.2f} frames/s | ETA {fmt_s(eta)} (training only)")
            if time.time() - last_ckpt > args.checkpoint_minutes * 60:
                checkpoint("timer")
                last_ckpt = time.time()
        if pos >= steps_per_epoch:
            t0 = time.time()
            metrics = evaluate_sets(model, {"phantomVal": phantom_val, "realVal": real_val}, mean, std, device)
            history.append({"epoch": epoch + 1, "step": step, "loss": loss_ema, "trainAcc": acc_ema,
                            "elapsedS": round(time.time() - started), "val": metrics})
            summary = ", ".join(f"{k} frame {v['frameAccuracy']:.3f}" + (f" clip {v['clipAccuracy']:.3f}" if "clipAccuracy" in v else "")
                                for k, v in metrics.items())
            log(f"[{args.stage}] epoch {epoch + 1} done: {summary or 'no validation set'} (eval {time.time() - t0:.0f} s)")
            epoch += 1
            pos = 0
            checkpoint("epoch")
            last_ckpt = time.time()
        (out / "history.json").write_text(json.dumps(history, indent=2) + "\n")

    # A plain state_dict: loads with torch.load(weights_only=True), which is what the exporter uses.
    torch.save(model.state_dict(), str(out / "model.pt.tmp"))
    os.replace(out / "model.pt.tmp", out / "model.pt")
    config["history"] = history
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (out / "history.json").write_text(json.dumps(history, indent=2) + "\n")
    log(f"[{args.stage}] done: {out / 'model.pt'} ({fmt_s(time.time() - started)} this run)")


if __name__ == "__main__":
    main()
