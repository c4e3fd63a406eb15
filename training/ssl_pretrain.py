"""Self-supervised (SimCLR) pretraining of cv.py's network on unlabelled frames: every real frame plus phantoms, no labels read.

    /usr/bin/python3 training/ssl_pretrain.py --out RUNS/resnet18/ssl/all --minutes 20 \
        --real-video DATA/clipframes-128 --real-stills DATA/real-128 --phantoms DATA/phantoms-train-128
    /usr/bin/python3 training/cv.py --arch resnet18 --split fold:0 --init RUNS/resnet18/ssl/all/model.pt --aug scanner ...

Why: labels are scarce (83 clips), pixels are not (7,430 video frames, 699 stills, 4,000 phantoms). Two views
of each frame are drawn with the augmentations that mimic a change of scanner (random resized crop, then
scanner_augment.py's speckle / compression / TGC / resolution / depth / overlays, then augment.py's geometry,
flips, gain, contrast, gamma, blur, noise and JPEG), and the network learns to tell the two views of a frame
from the other frames of the batch (NT-Xent, temperature 0.2) through a two-layer projection head that is
discarded afterwards. Other frames of the same clip are left out of a frame's negatives: neighbouring frames
of a video are near-duplicates, and pushing them apart would teach the network the frame number, not the lung.

Which frames: every frame of every clip, held-out clips included. No label is read, so seeing the pixels of
the clips a fold later scores is the usual transductive self-supervised setting (the fine-tune in cv.py still
never sees their labels). The held-out site, though, stands for "a scanner the model has never seen", so
`--exclude-site` leaves out every Northumbria clip (splits/cv-folds.json "heldOutSite", as lus_train/folds.py
defines it), video frames and stills alike: that variant, and only it, initialises the `site` split.

Output: <out>/model.pt, a plain state_dict of exactly the network cv.py builds (`cv.py --init` loads it with
strict keys): the backbone as pretrained, the four-sign classifier left at its initialisation. Also
<out>/config.json and <out>/ssl.json (the summary; not result.json, so cv_report.py does not take it for a
recipe). The schedule is `--steps` long, or, with `--minutes` (a wall-time budget over all of the run's
sessions), sized from the speed of its first minute and shortened when the shared machine slows down.
Resumable (--resume): the full state goes to <out>/last.pt every few minutes; which frames a step draws and
how each view is augmented are fixed by (seed, step, position), so a resumed run sees the same batches (with
`--minutes` a resumed run measures its speed again and sizes the rest of the schedule from it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cv import build, cached_frames, concat, cpu_has_bf16, fmt_s, log, lr_at, normalise_batch  # noqa: E402
from lus_train.augment import augment  # noqa: E402
from lus_train.data import FrameSet  # noqa: E402
from lus_train.scanner_augment import scanner_augment  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CALIBRATE_S = 60.0  # --minutes: the schedule is sized from the speed over this much of the run
RECENT = 10  # --minutes: steps whose pace re-sizes the schedule when the machine slows down


def nt_xent(z1: torch.Tensor, z2: torch.Tensor, temperature: float, groups: torch.Tensor | None = None) -> torch.Tensor:
    """SimCLR's loss for N pairs of projections (z1[i], z2[i]): each of the 2N views must pick its partner out
    of the other 2N - 1. Views whose `groups` id equals its own (other frames of the same clip) are removed
    from its candidates rather than counted as negatives; its partner always stays."""
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2]).float(), dim=1)
    sim = z @ z.t() / temperature
    idx = torch.arange(2 * n, device=z.device)
    partner = (idx + n) % (2 * n)
    drop = torch.eye(2 * n, dtype=torch.bool, device=z.device)
    if groups is not None:
        g = torch.cat([groups, groups]).to(z.device)
        same = g[:, None] == g[None, :]
        same[idx, partner] = False
        drop |= same
    sim = sim.masked_fill(drop, float("-inf"))
    return F.cross_entropy(sim, partner)


def features(net: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """torchvision ResNet's forward up to the pooled features (what its `fc` would read)."""
    x = net.maxpool(net.relu(net.bn1(net.conv1(x))))
    x = net.layer4(net.layer3(net.layer2(net.layer1(x))))
    return torch.flatten(net.avgpool(x), 1)


class SimCLR(torch.nn.Module):
    """cv.py's network (its `fc` unused here, so it leaves at its initialisation) and the projection head."""

    def __init__(self, arch: str, dilate: bool, proj_dim: int = 128):
        super().__init__()
        self.net = build(arch, dilate)
        width = self.net.fc.in_features
        self.head = torch.nn.Sequential(torch.nn.Linear(width, width), torch.nn.BatchNorm1d(width),
                                        torch.nn.ReLU(inplace=True), torch.nn.Linear(width, proj_dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(features(self.net, x))


def random_resized_crop(image: np.ndarray, rng: np.random.Generator, scale=(0.35, 1.0), ratio=(3 / 4, 4 / 3)) -> np.ndarray:
    """A box of 35-100 % of the area, aspect 3:4 to 4:3, scaled back to the frame's size: another zoom and
    framing of the same lung (the strongest single view change in SimCLR's ablations)."""
    h, w = image.shape
    area = rng.uniform(*scale) * h * w
    aspect = math.exp(rng.uniform(math.log(ratio[0]), math.log(ratio[1])))
    cw = int(round(min(w, math.sqrt(area * aspect))))
    ch = int(round(min(h, math.sqrt(area / aspect))))
    x0 = int(rng.integers(0, w - cw + 1))
    y0 = int(rng.integers(0, h - ch + 1))
    img = Image.fromarray(image).resize((w, h), Image.BILINEAR, box=(x0, y0, x0 + cw, y0 + ch))
    return np.asarray(img, dtype=np.uint8)


def view(image: np.ndarray, rng: np.random.Generator, crop_scale: float) -> np.ndarray:
    """One view: crop, then a scanner change, then the generic augmentations (which flip half the time)."""
    return augment(scanner_augment(random_resized_crop(image, rng, (crop_scale, 1.0)), rng), rng)


def view_rng(seed: int, step: int, position: int, which: int) -> np.random.Generator:
    return np.random.default_rng([seed, step, position, which, 3])


def sampling_weights(frames: FrameSet, n_real: int, phantom_share: float) -> np.ndarray:
    """Draw probabilities over the pool (real frames first, then phantoms): a real frame weighs
    1/sqrt(frames in its clip), so a 600-frame video outweighs a 4-still clip, but by 12x rather than 150x;
    phantoms (each its own image) share `phantom_share` of the draws evenly."""
    counts: dict = {}
    for c in frames.clips[:n_real]:
        counts[c] = counts.get(c, 0) + 1
    w_real = np.asarray([1.0 / math.sqrt(counts[c]) for c in frames.clips[:n_real]])
    n_ph = len(frames) - n_real
    if n_ph == 0 or phantom_share <= 0:
        return np.concatenate([w_real / w_real.sum(), np.zeros(n_ph)])
    if n_real == 0:
        return np.full(n_ph, 1.0 / n_ph)
    return np.concatenate([(1 - phantom_share) * w_real / w_real.sum(), np.full(n_ph, phantom_share / n_ph)])


def step_indices(p: np.ndarray, seed: int, step: int, batch: int) -> np.ndarray:
    return np.random.default_rng([seed, step, 1]).choice(len(p), size=batch, replace=True, p=p)


def pool(args: argparse.Namespace) -> tuple[FrameSet, int, list]:
    """Real frames (video frames and stills, minus the held-out site with --exclude-site), then phantoms."""
    excluded: set = set()
    if args.exclude_site:
        excluded = set(json.loads(Path(args.splits).read_text())["heldOutSite"]["clips"])
    parts = []
    for root in (args.real_video, args.real_stills):
        if root:
            fs = cached_frames(root)
            parts.append(fs.subset([i for i, c in enumerate(fs.clips) if c not in excluded]))
    n_real = sum(len(p) for p in parts)
    if args.phantoms:
        ph = cached_frames(args.phantoms)
        # A phantom's clip name could in principle repeat a real one: keep them apart for the same-clip mask.
        parts.append(FrameSet(images=ph.images, labels=ph.labels, clips=[f"phantom:{c}" for c in ph.clips],
                              paths=ph.paths, sources=ph.sources, roi_found=ph.roi_found, root=ph.root))
    if not parts:
        raise SystemExit("no frames: give --real-video, --real-stills and/or --phantoms")
    frames = parts[0]
    for p in parts[1:]:
        frames = concat(frames, p)
    left_out = sorted(excluded)
    return frames, n_real, left_out


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default="resnet18", choices=["resnet18", "resnet34", "resnet50", "resnet152"])
    ap.add_argument("--dilate", action="store_true", help="last stage dilated (as cv.py --dilate; same state_dict)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--real-video", help="prepared frames of every video clip (index.csv)")
    ap.add_argument("--real-stills", help="prepared shared frames / stills (index.csv)")
    ap.add_argument("--phantoms", help="prepared phantoms (index.csv)")
    ap.add_argument("--phantom-share", type=float, default=0.25, help="share of phantoms among the drawn frames")
    ap.add_argument("--exclude-site", action="store_true",
                    help="leave out every clip of the held-out site (the init for cv.py --split site)")
    ap.add_argument("--splits", default=str(REPO / "training" / "splits" / "cv-folds.json"))
    ap.add_argument("--steps", type=int, help="optimiser steps in all (the schedule's length)")
    ap.add_argument("--minutes", type=float, help="without --steps: size the schedule to this wall time")
    ap.add_argument("--batch", type=int, default=128, help="frames per step (two views each)")
    ap.add_argument("--micro", type=int, default=32, help="CPU: images per forward pass (the loss spans the batch)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=20, help="warm-up steps (--minutes calibrates within them)")
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--temperature", type=float, default=0.2)
    ap.add_argument("--proj-dim", type=int, default=128)
    ap.add_argument("--crop-scale", type=float, default=0.35, help="smallest crop, as a share of the frame's area")
    ap.add_argument("--no-clip-mask", action="store_true", help="count other frames of the same clip as negatives")
    ap.add_argument("--norm", choices=["global", "frame"], default="global", help="as training/cv.py --norm")
    ap.add_argument("--mean", type=float, default=0.16)
    ap.add_argument("--std", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--float32", action="store_true", help="no bfloat16 autocast")
    ap.add_argument("--checkpoint-minutes", type=float, default=5.0)
    ap.add_argument("--log-every", type=int, default=5)
    ap.add_argument("--resume", action="store_true")
    return ap


def run(args: argparse.Namespace) -> dict:
    """Pretrains and writes <out>/model.pt, config.json and ssl.json; returns ssl.json's content."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.resume and (out / "ssl.json").exists():
        log(f"{out}: done")
        return json.loads((out / "ssl.json").read_text())
    if not args.steps and not args.minutes:
        raise SystemExit("give --steps or --minutes")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    started = time.time()

    frames, n_real, left_out = pool(args)
    p = sampling_weights(frames, n_real, args.phantom_share)
    clip_ids = {c: k for k, c in enumerate(sorted(set(frames.clips)))}
    groups = np.asarray([clip_ids[c] for c in frames.clips], dtype=np.int64)

    model = SimCLR(args.arch, args.dilate, args.proj_dim).to(device).to(memory_format=torch.channels_last)
    decay = [q for q in model.parameters() if q.ndim > 1]
    no_decay = [q for q in model.parameters() if q.ndim <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    bf16 = not args.float32 and (device.type == "cuda" or cpu_has_bf16())
    if not args.float32 and device.type == "cpu" and not bf16:
        log("this CPU has no bfloat16 arithmetic (AVX-512 BF16 / AMX): training in float32")

    step, total, calibrated_s = 0, args.steps, None
    before_s = 0.0  # wall time of the runs before a resume, for ssl.json's total
    held_lr = None  # a resumed --minutes run re-measuring its speed keeps the learning rate it stopped at
    last = out / "last.pt"
    if args.resume and last.exists():
        st = torch.load(str(last), map_location="cpu")
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, total, calibrated_s = st["step"], st["total"] or total, st.get("secondsPerStep")
        before_s = st.get("elapsed", 0.0)
        if args.minutes and not args.steps:
            # The budget spans every run; the speed is measured again (other threads, other load), so the
            # schedule's length is sized anew from here, at the peak learning rate it was left at or below.
            total = None
            held_lr = opt.param_groups[0]["lr"]
        log(f"resumed {out} at step {step}/{total or 're-sized after a minute'}")
    config = {
        "arch": args.arch, "dilateLastStage": args.dilate, "method": "SimCLR (NT-Xent), projection head discarded",
        "recipe": {k: getattr(args, k) for k in ["batch", "lr", "warmup", "weight_decay", "temperature", "proj_dim",
                                                  "crop_scale", "phantom_share", "seed", "exclude_site", "no_clip_mask",
                                                  "micro"]},
        "input": {"size": int(frames.images.shape[1]), "mean": args.mean, "std": args.std,
                  "normalisation": "per-frame" if args.norm == "frame" else "fixed"},
        "data": {"realFrames": n_real, "realClips": len(set(frames.clips[:n_real])), "phantoms": len(frames) - n_real,
                 "excludedClips": left_out},
        "precision": ("bfloat16 autocast, channels_last" if bf16 else "float32") + f" on {device.type}",
        "software": {"torch": torch.__version__, "threads": args.threads},
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    log(f"ssl {args.arch}: {n_real} real frames of {config['data']['realClips']} clips "
        f"({len(left_out)} site clips left out), {config['data']['phantoms']} phantoms; batch {args.batch} x 2 views, "
        f"{total if total else f'{args.minutes:g} min of'} steps ({config['precision']})")

    model.train()
    t0, steps_run, loss_ema, acc_ema = time.time(), 0, None, None
    t_first = None  # the first step pays for allocation and oneDNN's kernel choice: calibrate after it
    stamps: list = []  # the end times of the last RECENT steps
    last_ckpt = time.time()
    while total is None or step < total:
        idx = step_indices(p, args.seed, step, args.batch)
        v1 = np.stack([view(frames.images[i], view_rng(args.seed, step, k, 0), args.crop_scale) for k, i in enumerate(idx)])
        v2 = np.stack([view(frames.images[i], view_rng(args.seed, step, k, 1), args.crop_scale) for k, i in enumerate(idx)])
        x = normalise_batch(torch.from_numpy(np.concatenate([v1, v2])).to(device), args.mean, args.std,
                            args.norm == "frame")
        g = None if args.no_clip_mask else torch.from_numpy(groups[idx])
        # Cosine over the known length; while --minutes is still calibrating, only the warm-up applies.
        if total:
            lr = lr_at(step, total, args.lr, args.warmup)
        else:
            lr = held_lr if held_lr is not None else args.lr * min(1.0, (step + 1) / args.warmup)
        for grp in opt.param_groups:
            grp["lr"] = lr
        with torch.autocast(device.type, dtype=torch.bfloat16) if bf16 else nullcontext():
            # In micro-batches: on CPU a ResNet18 step ran 3-5x faster per image at 32 than at 256 (cache), and
            # each view's BatchNorm statistics then come from another group than its partner's, so the two
            # cannot be matched through the batch statistics. The loss still sees the whole batch.
            z = torch.cat([model(c) for c in x.split(args.micro)]) if device.type == "cpu" else model(x)
        z1, z2 = z.float().chunk(2)
        loss = nt_xent(z1, z2, args.temperature, g)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        steps_run += 1
        with torch.no_grad():  # how often a view's nearest other view is its partner: readable progress
            zn = F.normalize(z.detach().float(), dim=1)
            s = zn @ zn.t()
            s.fill_diagonal_(-2)
            n = len(idx)
            acc = float((s.argmax(1) == (torch.arange(2 * n, device=s.device) + n) % (2 * n)).float().mean())
        loss_ema = float(loss) if loss_ema is None else 0.9 * loss_ema + 0.1 * float(loss)
        acc_ema = acc if acc_ema is None else 0.9 * acc_ema + 0.1 * acc
        if t_first is None:
            t_first = time.time()
        stamps = (stamps + [time.time()])[-RECENT:]
        if total is None and time.time() - t_first >= CALIBRATE_S and steps_run >= 3:
            calibrated_s = (time.time() - t_first) / (steps_run - 1)
            left = args.minutes * 60 - (before_s + time.time() - started)
            total = step + max(1, int(left / calibrated_s))
            log(f"ssl: {calibrated_s:.2f} s/step over the first {steps_run - 1} steps → {total} steps in all")
        elif args.minutes and not args.steps and total and len(stamps) == RECENT and step % args.log_every == 0:
            # The machine is shared: when other work slows the steps so far that the run would overshoot its
            # wall-time budget by a tenth, the schedule is shortened to fit (the cosine only moves on faster).
            pace = (stamps[-1] - stamps[0]) / (RECENT - 1)
            left = args.minutes * 60 - (before_s + time.time() - started)
            if (total - step) * pace > 1.1 * left + pace:
                total = max(step + 1, step + int(left / pace))
                log(f"ssl: {pace:.1f} s/step lately; schedule shortened to {total} steps to fit {args.minutes:g} min")
        if step % args.log_every == 0 or step == total:
            el = time.time() - t0
            rate = steps_run / max(el, 1e-6)
            eta = f"ETA {fmt_s((total - step) / max(rate, 1e-9))}" if total else "calibrating"
            log(f"ssl step {step}/{total or '?'} loss {loss_ema:.3f} partner-top1 {acc_ema:.2f} lr {lr:.2e} | "
                f"{rate * args.batch:.1f} frames/s | {eta}")
        if time.time() - last_ckpt > args.checkpoint_minutes * 60 and (total is None or step < total):
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "total": total,
                        "secondsPerStep": calibrated_s,
                        "elapsed": before_s + time.time() - started}, str(last) + ".tmp")
            os.replace(str(last) + ".tmp", last)
            last_ckpt = time.time()

    net = model.net.to(memory_format=torch.contiguous_format).cpu()
    state = {k: v.contiguous() for k, v in net.state_dict().items()}
    torch.save(state, str(out / "model.pt.tmp"))
    os.replace(out / "model.pt.tmp", out / "model.pt")
    summary = {"arch": args.arch, "steps": total, "stepsThisRun": steps_run, "batch": args.batch,
               "trainSeconds": round(before_s + time.time() - started), "secondsPerStep": calibrated_s,
               "finalLoss": round(loss_ema, 4) if loss_ema is not None else None,
               "finalPartnerTop1": round(acc_ema, 4) if acc_ema is not None else None,
               "data": config["data"] | {"excludedClips": len(left_out)}, "recipe": config["recipe"]}
    (out / "ssl.json").write_text(json.dumps(summary, indent=2) + "\n")
    if last.exists():
        last.unlink()
    log(f"{out}: done in {fmt_s(time.time() - started)} ({total} steps)")
    return summary


def main() -> None:
    run(parser().parse_args())


if __name__ == "__main__":
    main()
