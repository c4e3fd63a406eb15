"""Trains one recipe on one split of the development clips (a cross-validation fold, the held-out site, all clips, or phantoms only) and scores its held-out clips.

    /usr/bin/python3 training/cv.py --arch resnet18 --split fold:0 --init PRE/model.pt --out RUNS/r18-mix/fold0 ...

A recipe is the set of options (architecture, initial weights, phantom share, augmentation, label handling,
samples, learning rate, test-time flips). A split is `fold:K` (the K-th of the five fixed folds of
training/splits/cv-folds.json is held out), `site` (the held-out site: every Northumbria clip), `all` (no clip
held out: the shipped model) or `pretrain` (phantoms only; no real frame is seen).

Training frames: every frame of each video clip not held out (ffmpeg-extracted, then prepared with the app's
own ROI crop, aspect policy and resize) plus the one frame of each still-image clip. Sampling is balanced by
sign and, within a sign, by clip, so a 300-frame clip weighs what a 1-frame clip weighs. Held-out clips are
scored on the shared frames (up to 12 evenly spaced per clip), the way a folder of frames is scored by
`lus-signs score`: a clip's read-out is the mean probability over its frames.

Resumable (--resume): the full state goes to <out>/last.pt every few minutes; the data order and every
augmentation are fixed by (seed, chunk, position), so a resumed run sees the same batches. A finished run
writes <out>/model.pt, <out>/config.json and <out>/result.json and is skipped next time.
"""

from __future__ import annotations

import argparse
import copy
import json
import lzma
import math
import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch
import torchvision

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_train import CLASSES  # noqa: E402
from lus_train.augment import augment, sample_rng  # noqa: E402
from lus_train.data import (FrameSet, balanced_weights, clip_balanced_weights, load_frames, mixed_epoch,  # noqa: E402
                            sampled_sign_share)
from lus_train.folds import clip_flags, held_out_clips, read_clips  # noqa: E402
from lus_train.metrics import table1  # noqa: E402
from lus_train.prior import prior_adjusted, sign_shares  # noqa: E402,F401  (prior_adjusted: cv's read-out, tested here)
from lus_train.scanner_augment import scanner_augment  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CHUNK = 1024  # samples between two data-order draws (and the finest resume granularity)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def fmt_s(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


def cpu_has_bf16() -> bool:
    """bfloat16 autocast only pays on CPUs that compute in bf16 (AVX-512 BF16 or AMX); elsewhere oneDNN emulates
    it and a ResNet18 step measured 15x slower than float32 (AMD EPYC with AVX2 only)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def build(arch: str, dilate: bool) -> torch.nn.Module:
    kwargs = {"num_classes": len(CLASSES), "zero_init_residual": True}
    basic = arch in ("resnet18", "resnet34")
    if dilate and not basic:
        kwargs["replace_stride_with_dilation"] = [False, False, True]
    model = getattr(torchvision.models, arch)(**kwargs)
    if dilate and basic:
        dilate_basic_last_stage(model)
    return model


def dilate_basic_last_stage(model: torch.nn.Module) -> None:
    """torchvision's replace_stride_with_dilation for the last stage, done by hand for BasicBlock networks
    (ResNet18/34), which refuse it: the cheap net then has the shipped ResNet152's geometry (an 8x8 final map at
    128 px), so its ranking is not confounded by it. The first block loses its stride; every 3x3 convolution that
    then reads the finer map is dilated by 2 (the first block's second one too, unlike Bottleneck, whose strided
    convolution is its last 3x3), so the even cells are exactly the undilated map. Same weights either way."""
    first, *rest = list(model.layer4)
    first.conv1.stride = (1, 1)
    first.downsample[0].stride = (1, 1)
    for conv in [first.conv2] + [c for block in rest for c in (block.conv1, block.conv2)]:
        conv.dilation, conv.padding = (2, 2), (2, 2)


STAGES = ["layer1", "layer2", "layer3", "layer4"]


def frozen_modules(model: torch.nn.Module, stages: int) -> list:
    """The stem and the first `stages` residual stages: the low-level filters phantom pretraining learned are kept
    as they are, so the few real clips (a handful of sites) can only retune what reads the sign, not what sees the
    speckle, gain and geometry of the scanners they come from."""
    if not 0 <= stages <= len(STAGES):
        raise ValueError(f"--freeze-stages must be 0..{len(STAGES)}, not {stages}")
    if stages == 0:
        return []
    return [model.conv1, model.bn1] + [getattr(model, name) for name in STAGES[:stages]]


def freeze(modules: list) -> None:
    """No gradient, and BatchNorm keeps its pretrained statistics (eval mode; call again after model.train())."""
    for m in modules:
        m.eval()
        for p in m.parameters():
            p.requires_grad_(False)


def mixup(x: torch.Tensor, t: torch.Tensor, alpha: float, seed: int, step: int) -> tuple:
    """Mixes each sample with another of its batch (weight from Beta(alpha, alpha), kept >= 0.5 so the first
    sample leads) and their targets alike. Drawn from (seed, step), so a resumed run mixes the same pairs."""
    if alpha <= 0:
        return x, t
    rng = np.random.default_rng([seed, step, 0x6D6978])
    lam = float(rng.beta(alpha, alpha))
    lam = max(lam, 1 - lam)
    perm = torch.from_numpy(rng.permutation(x.shape[0])).to(x.device)
    return lam * x + (1 - lam) * x[perm], lam * t + (1 - lam) * t[perm]


class WeightAverage:
    """Running mean of a network's parameters over the optimiser steps after `start` (stochastic weight averaging,
    dense as in SWAD): a flatter point of the same trajectory, which in domain-generalisation studies reads unseen
    sites better than the last step's weights. It leaves training alone (a side copy), so the last step's weights of
    the same run are the paired comparison. BatchNorm statistics are not averaged: recompute_batch_norm refits them
    for the averaged weights."""

    def __init__(self, model: torch.nn.Module, start: int):
        self.start, self.count = start, 0
        self.mean = {k: v.detach().float().clone() for k, v in model.named_parameters()}

    def update(self, model: torch.nn.Module, step: int) -> None:
        """After optimiser step `step` (1-based): steps 1..start are left out."""
        if step <= self.start:
            return
        self.count += 1
        with torch.no_grad():
            for k, v in model.named_parameters():
                self.mean[k] += (v.detach().float() - self.mean[k]) / self.count

    def averaged(self, model: torch.nn.Module) -> torch.nn.Module:
        """A copy of `model` with the averaged parameters (its BatchNorm statistics still the last step's)."""
        if self.count == 0:
            raise ValueError("no step was averaged: the average starts after the last step")
        twin = copy.deepcopy(model)
        with torch.no_grad():
            for k, v in twin.named_parameters():
                v.copy_(self.mean[k].to(v.dtype))
        return twin

    def state_dict(self) -> dict:
        return {"start": self.start, "count": self.count, "mean": self.mean}

    def load_state_dict(self, st: dict) -> None:
        self.start, self.count, self.mean = st["start"], st["count"], st["mean"]


@torch.no_grad()
def recompute_batch_norm(model: torch.nn.Module, batches) -> int:
    """Refits the running statistics of every BatchNorm layer that trains (frozen ones keep theirs) as the plain
    mean over `batches` (normalised input tensors). Averaged weights need their own statistics: the last step's
    belong to other weights. Returns the number of frames seen."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and m.training]
    momenta = [m.momentum for m in bns]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over every batch
    seen = 0
    for x in batches:
        model(x)
        seen += int(x.shape[0])
    for m, mom in zip(bns, momenta):
        m.momentum = mom
    return seen


def lr_at(step: int, total: int, base: float, warmup: int, floor: float = 1e-6) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return floor + 0.5 * (base - floor) * (1 + math.cos(math.pi * min(1.0, t)))


def concat(a: FrameSet, b: FrameSet) -> FrameSet:
    return FrameSet(images=np.concatenate([a.images, b.images]), labels=np.concatenate([a.labels, b.labels]),
                    clips=a.clips + b.clips, paths=a.paths + b.paths, sources=a.sources + b.sources,
                    roi_found=np.concatenate([a.roi_found, b.roi_found]), root=a.root)


_LOADED: dict = {}


def cached_frames(root: str) -> FrameSet:
    """load_frames, kept beside the index as one .npz: a run otherwise spends most of a minute opening 12,000 PNGs.
    The cache is remade whenever index.csv is newer. Held in memory too, so a driver running many splits in one
    process (cv_gpu.py) reads each set once."""
    key = str(Path(root).resolve())
    if key not in _LOADED:
        _LOADED[key] = _read_cached_frames(root)
    return _LOADED[key]


def _read_cached_frames(root: str) -> FrameSet:
    index, cache = Path(root) / "index.csv", Path(root) / "frames-cache.npz"
    # A packed copy (training/pack_gpu_data.py) carries the cache without the PNGs, and a copy may not keep mtimes.
    packed = (Path(root) / "packed.json").exists()
    if cache.exists() and (packed or cache.stat().st_mtime >= index.stat().st_mtime):
        z = np.load(cache, allow_pickle=False)
        images = z["images"] if "images" in z.files else np.frombuffer(
            lzma.decompress((Path(root) / "images.u8.xz").read_bytes()), dtype=np.uint8).reshape(z["shape"])
        return FrameSet(images=images, labels=z["labels"], clips=z["clips"].tolist(), paths=z["paths"].tolist(),
                        sources=z["sources"].tolist(), roi_found=z["roi_found"], root=str(root))
    fs = load_frames(root)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, images=fs.images, labels=fs.labels, clips=np.asarray(fs.clips), paths=np.asarray(fs.paths),
             sources=np.asarray(fs.sources), roi_found=fs.roi_found)
    os.replace(tmp, cache)
    return fs


def first_per_class(frames: FrameSet, limit: int) -> FrameSet:
    """The first `limit` frames of each class in index order (load_frames' limit_per_class, on a loaded set)."""
    seen: dict = {}
    keep = []
    for i, y in enumerate(frames.labels.tolist()):
        if seen.get(y, 0) < limit:
            keep.append(i)
            seen[y] = seen.get(y, 0) + 1
    return frames.subset(keep)


def real_training_frames(video_root: str, stills_root: str, exclude: set) -> FrameSet:
    """Every frame of the video clips plus the still-image clips' frames, minus the held-out clips."""
    video = cached_frames(video_root)
    stills = cached_frames(stills_root)
    video_clips = set(video.clips)
    keep_v = [i for i, c in enumerate(video.clips) if c not in exclude]
    keep_s = [i for i, c in enumerate(stills.clips) if c not in exclude and c not in video_clips]
    return concat(video.subset(keep_v), stills.subset(keep_s))


def chunk_order(real_w: np.ndarray | None, ph_w: np.ndarray, phantom_share: float, seed: int, chunk: int) -> np.ndarray:
    """CHUNK sample indices fixed by (seed, chunk): >= 0 into the real frames, -(j+1) for phantom j, with
    `phantom_share` of them phantoms (all of them when there are no real frames)."""
    rng = np.random.default_rng([seed, chunk, 1])
    if real_w is None:
        return -(rng.choice(len(ph_w), size=CHUNK, p=ph_w) + 1)
    if phantom_share <= 0:
        return rng.choice(len(real_w), size=CHUNK, p=real_w)
    return mixed_epoch(real_w, ph_w, CHUNK, 1.0 - phantom_share, seed, chunk)  # mixed_epoch takes the real share


def soft_targets(labels: np.ndarray, clips: list, flags: dict, primary_weight: float) -> np.ndarray:
    """(N, 4): the clip's sign gets primary_weight, the rest is shared by the other signs its flags show (a
    one-hot target when it shows no other)."""
    t = np.zeros((len(labels), len(CLASSES)), dtype=np.float32)
    for i, (y, c) in enumerate(zip(labels.tolist(), clips)):
        others = [k for k, f in enumerate(flags[c]) if f and k != y]
        if others:
            t[i, y] = primary_weight
            t[i, others] = (1 - primary_weight) / len(others)
        else:
            t[i, y] = 1.0
    return t


class TrainingSamples(torch.utils.data.Dataset):
    """Sample s of a run as (augmented uint8 frame, target): which frame and how it is augmented are fixed by
    (seed, chunk, position), so the samples are the same whether one process draws them in order or a
    DataLoader's workers draw them in parallel (on a GPU machine), and a resumed run sees the same batches."""

    def __init__(self, real: FrameSet | None, phantoms: FrameSet | None, real_w, ph_w, share: float,
                 real_soft: np.ndarray | None, aug: str, seed: int):
        self.real, self.phantoms, self.real_w, self.ph_w = real, phantoms, real_w, ph_w
        self.share, self.real_soft, self.aug, self.seed = share, real_soft, aug, seed
        self._orders: dict = {}

    def __len__(self) -> int:  # the DataLoader is given the sample numbers; the set itself is unbounded
        return 1 << 62

    def _order(self, chunk: int) -> np.ndarray:
        if chunk not in self._orders:
            self._orders = {chunk: chunk_order(self.real_w if self.real is not None else None, self.ph_w, self.share,
                                               self.seed, chunk)}
        return self._orders[chunk]

    def __getitem__(self, s: int):
        chunk, pos = divmod(int(s), CHUNK)
        i = int(self._order(chunk)[pos])
        rng = sample_rng(self.seed, chunk, pos)
        eye = np.eye(len(CLASSES), dtype=np.float32)
        if i >= 0:
            img, y = self.real.images[i], int(self.real.labels[i])
            t = self.real_soft[i] if self.real_soft is not None else eye[y]
        else:
            img, y = self.phantoms.images[-i - 1], int(self.phantoms.labels[-i - 1])
            t = eye[y]
        if self.aug == "scanner":
            img = scanner_augment(img, rng)
        return torch.from_numpy(np.array(augment(img, rng))), torch.from_numpy(np.array(t, dtype=np.float32))


def normalise_batch(images: torch.Tensor, mean: float, std: float, per_frame: bool = False) -> torch.Tensor:
    """uint8 (N, H, W) → float32 (N, 3, H, W) channels_last: to_input's arithmetic, done where the batch is.
    per_frame: each frame to zero mean and unit spread by its own statistics instead of the fixed mean and std,
    so a dim, low-contrast scanner's frame reaches the network at the same level as a bright one's."""
    x = images.float() / 255.0
    if per_frame:
        x = (x - x.mean(dim=(1, 2), keepdim=True)) / (x.std(dim=(1, 2), keepdim=True) + 1e-3)
    else:
        x = (x - mean) / std
    return x[:, None].expand(-1, 3, -1, -1).contiguous(memory_format=torch.channels_last)


@torch.no_grad()
def predict(model: torch.nn.Module, images: np.ndarray, mean: float, std: float, flips: bool, batch: int = 64,
            per_frame: bool = False) -> np.ndarray:
    model.eval()
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(images), batch):
        x = normalise_batch(torch.from_numpy(np.array(images[i : i + batch])).to(device), mean, std, per_frame)
        p = torch.softmax(model(x).float(), dim=1)
        if flips:  # the mirror image shows the same sign; averaging both halves a view's left-right bias
            p = 0.5 * (p + torch.softmax(model(torch.flip(x, dims=[3])).float(), dim=1))
        out.append(p.cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, len(CLASSES)), dtype=np.float32)


def training_clip_share(frames: FrameSet) -> np.ndarray:
    """Each sign's share of the training clips (a clip counts once, whatever its frame count): the prior that
    prior_adjusted puts back. Sampling balanced by sign (the default) makes the network learn as if every sign were
    equally common; the clips it will read are not (the collection is 42 % A-lines, 14 % B-lines)."""
    return sign_shares({c: int(y) for c, y in zip(frames.clips, frames.labels)})


def score_clips(probs: np.ndarray, frames: FrameSet, flags: dict) -> dict:
    """Frame- and clip-level Table 1, per-sign clip recall, and the lenient clip accuracy (right when the
    read-out is a sign the clip's flags show)."""
    ft = table1(frames.labels, probs.argmax(1))
    names = sorted(set(frames.clips))
    idx = {c: [i for i, k in enumerate(frames.clips) if k == c] for c in names}
    clip_p = np.stack([probs[idx[c]].mean(axis=0) for c in names])
    clip_y = np.asarray([int(frames.labels[idx[c][0]]) for c in names])
    ct = table1(clip_y, clip_p.argmax(1))
    lenient = float(np.mean([flags[c][int(p)] == 1 for c, p in zip(names, clip_p.argmax(1))]))
    return {
        "clips": len(names),
        "frames": len(frames),
        "clipAccuracy": ct["overall"]["accuracy"],
        "clipKappa": ct["overall"]["kappa"],
        "clipLenientAccuracy": lenient,
        "frameAccuracy": ft["overall"]["accuracy"],
        "frameKappa": ft["overall"]["kappa"],
        "clipRecall": {c: ct["perClass"][c]["recall"] for c in CLASSES},
        "clipConfusion": ct["confusion"]["matrix"],
        "frameConfusion": ft["confusion"]["matrix"],
        "perClip": {c: {"sign": CLASSES[int(y)], "probs": [round(float(v), 4) for v in p]}
                    for c, y, p in zip(names, clip_y, clip_p)},
    }


def score_with_prior(probs: np.ndarray, frames: FrameSet, flags: dict, clip_share: np.ndarray,
                     sampled) -> tuple[dict, dict]:
    """score_clips of the probabilities as they are, and of the read-out with the training clips' sign shares put
    back frame by frame (prior_adjusted), as the app reads: the last step's and the final weights' one scoring."""
    return score_clips(probs, frames, flags), score_clips(prior_adjusted(probs, clip_share, sampled), frames, flags)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default="resnet18", choices=["resnet18", "resnet34", "resnet50", "resnet152"])
    ap.add_argument("--split", required=True, help="fold:0..4, site, all or pretrain")
    ap.add_argument("--out", required=True)
    ap.add_argument("--splits", default=str(REPO / "training" / "splits" / "cv-folds.json"))
    ap.add_argument("--clips", default=str(REPO.parent / "shared" / "data" / "pocus-lus" / "clips.csv"))
    ap.add_argument("--real-video", help="prepared frames of every video clip (index.csv)")
    ap.add_argument("--real-stills", help="prepared shared frames (index.csv): training stills and what held-out clips are scored on")
    ap.add_argument("--phantoms", help="prepared phantoms (index.csv)")
    ap.add_argument("--phantom-share", type=float, default=0.0, help="share of phantoms per batch (pretrain: 1)")
    ap.add_argument("--phantom-val", help="prepared held-out phantoms, scored at the end (pretrain)")
    ap.add_argument("--init", help="initial weights (a state_dict): a pretrained model; none = random")
    ap.add_argument("--samples", type=int, default=6144, help="training samples in all")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--warmup", type=int, default=30, help="warm-up steps")
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--sampling", choices=["sign", "clip"], default="sign",
                    help="real frames drawn balanced by sign (then by clip), or every clip the same share")
    ap.add_argument("--labels", choices=["primary", "soft"], default="primary")
    ap.add_argument("--primary-weight", type=float, default=0.7, help="soft labels: the clip's own sign's share")
    ap.add_argument("--aug", choices=["basic", "scanner"], default="basic")
    ap.add_argument("--flips", action="store_true", help="test time: average each frame with its mirror image")
    ap.add_argument("--dilate", action=argparse.BooleanOptionalAction, default=False,
                    help="last stage dilated (the default model's 8x8 heat maps); --no-dilate after it turns it off")
    ap.add_argument("--norm", choices=["global", "frame"], default="global",
                    help="global: the fixed --mean/--std (the app's to_input); frame: each frame by its own mean and spread")
    ap.add_argument("--mean", type=float, default=0.16)
    ap.add_argument("--std", type=float, default=0.2)
    ap.add_argument("--freeze-stages", type=int, default=0,
                    help="keep the stem and the first N residual stages (0-4) as --init has them")
    ap.add_argument("--mixup", type=float, default=0.0, help="mixup's Beta alpha (0: none)")
    ap.add_argument("--swa-from", type=float, default=0.0,
                    help="average the weights of every step after this fraction of the schedule (0: none); the "
                         "averaged network is the run's model and result, the last step's is scored beside it")
    ap.add_argument("--swa-bn-batches", type=int, default=32,
                    help="training batches (the samples after the schedule's last) that refit BatchNorm for the average")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--float32", action="store_true", help="no bfloat16 autocast")
    ap.add_argument("--checkpoint-minutes", type=float, default=10.0)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--workers", type=int, default=0,
                    help="processes drawing augmented samples beside the training step (0: in the training process; "
                         "a GPU machine needs many to keep up)")
    return ap


def run(args: argparse.Namespace) -> dict:
    """Trains and scores one recipe on one split; returns result.json's content (and writes it under --out)."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.resume and (out / "result.json").exists():
        log(f"{out}: done")
        return json.loads((out / "result.json").read_text())
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    started = time.time()
    rows = read_clips(args.clips)
    flags = clip_flags(rows)
    splits = json.loads(Path(args.splits).read_text())
    pretrain = args.split == "pretrain"
    held = set() if pretrain else set(held_out_clips(splits, args.split))

    phantoms = cached_frames(args.phantoms) if args.phantoms else None
    real = None if pretrain else real_training_frames(args.real_video, args.real_stills, held)
    if real is not None and held & set(real.clips):
        raise SystemExit("a held-out clip is in the training frames")
    val = None
    if held:
        stills = cached_frames(args.real_stills)
        val = stills.subset([i for i, c in enumerate(stills.clips) if c in held])
    share = 1.0 if pretrain else args.phantom_share
    if share > 0 and phantoms is None:
        raise SystemExit("--phantoms is needed for a phantom share above 0")

    real_w = np.ones(1)
    if real is not None:
        real_w = clip_balanced_weights(real.clips) if args.sampling == "clip" else balanced_weights(real.labels, real.clips)
    ph_w = balanced_weights(phantoms.labels, phantoms.clips) if phantoms is not None else np.ones(1)
    real_soft = None
    if real is not None and args.labels == "soft":
        real_soft = soft_targets(real.labels, real.clips, flags, args.primary_weight)
    # The sign mix of the targets the network is trained toward: the prior its probabilities assume, which the
    # prior-adjusted read-out and the exporter's --prior clips take out again. Real frames (soft targets included)
    # and phantoms in their share of the batches; label smoothing is left aside (the same for every sign).
    sampled = None
    if real is not None:
        sampled = sampled_sign_share(real_w, real.labels, real_soft)
        if share > 0 and phantoms is not None:
            sampled = (1 - share) * sampled + share * sampled_sign_share(ph_w, phantoms.labels)

    model = build(args.arch, args.dilate)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu"))  # a plain state_dict, as cv.py writes
    model = model.to(device).to(memory_format=torch.channels_last)
    frozen = frozen_modules(model, args.freeze_stages)
    if frozen and not args.init:
        raise SystemExit("--freeze-stages keeps pretrained filters: it needs --init")
    freeze(frozen)
    trainable = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in trainable if p.ndim > 1]
    no_decay = [p for p in trainable if p.ndim <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    total_steps = args.samples // args.batch
    bf16 = not args.float32 and (device.type == "cuda" or cpu_has_bf16())
    if not args.float32 and device.type == "cpu" and not bf16:
        log("this CPU has no bfloat16 arithmetic (AVX-512 BF16 / AMX): training in float32")
    config = {
        "arch": args.arch, "split": args.split, "heldOutClips": sorted(held),
        "recipe": {k: getattr(args, k) for k in ["init", "samples", "batch", "lr", "warmup", "weight_decay",
                                                  "label_smoothing", "sampling", "labels", "primary_weight", "aug", "flips",
                                                  "dilate", "seed", "phantom_share", "freeze_stages", "mixup", "swa_from"]},
        "input": {"size": int((real or phantoms).images.shape[1]), "mean": args.mean, "std": args.std,
                  "normalisation": "per-frame" if args.norm == "frame" else "fixed",
                  "colour": "grey-replicated", "aspect": "pad", "range": [0, 1]},
        "dilateLastStage": args.dilate,
        "samplingShare": None if sampled is None else [round(float(v), 4) for v in sampled],
        "data": {"realFrames": len(real) if real is not None else 0,
                 "realClips": len(set(real.clips)) if real is not None else 0,
                 "phantoms": len(phantoms) if phantoms is not None else 0},
        "precision": ("bfloat16 autocast, channels_last" if bf16 else "float32") + f" on {device.type}",
        "software": {"torch": torch.__version__, "device": torch.cuda.get_device_name() if device.type == "cuda" else "cpu",
                     "threads": args.threads, "workers": args.workers},
    }

    if not 0.0 <= args.swa_from < 1.0:
        raise SystemExit(f"--swa-from is a fraction of the schedule in [0, 1), not {args.swa_from}")
    average = WeightAverage(model, int(round(args.swa_from * total_steps))) if args.swa_from > 0 else None
    step = 0
    last = out / "last.pt"
    if args.resume and last.exists():
        st = torch.load(str(last), map_location="cpu")
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step = st["step"]
        if average is not None:
            average.load_state_dict(st["average"])
        log(f"resumed {out} at step {step}/{total_steps}")
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    log(f"{args.arch} {args.split}: {config['data']}, held out {len(held)} clips; {total_steps} steps of {args.batch} "
        f"({config['precision']}) on {device}")

    samples = TrainingSamples(real, phantoms, real_w, ph_w, share, real_soft, args.aug, args.seed)
    # Sample numbers, not shuffling: the order is the dataset's (seed, chunk, position).
    parallel = {"num_workers": args.workers, "prefetch_factor": 2} if args.workers else {}
    loader = torch.utils.data.DataLoader(samples, batch_size=args.batch, sampler=range(step * args.batch, total_steps * args.batch),
                                         pin_memory=device.type == "cuda", **parallel)
    t0 = time.time()
    steps_run = 0
    loss_ema = None  # kept on the device: reading it back every step would stall a GPU
    last_ckpt = time.time()
    model.train()
    freeze(frozen)
    for images, t in loader:
        x = normalise_batch(images.to(device, non_blocking=True), args.mean, args.std, args.norm == "frame")
        t = t.to(device, non_blocking=True)
        t = t * (1 - args.label_smoothing) + args.label_smoothing / len(CLASSES)
        x, t = mixup(x, t, args.mixup, args.seed, step)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, total_steps, args.lr, args.warmup)
        with torch.autocast(device.type, dtype=torch.bfloat16) if bf16 else nullcontext():
            logits = model(x)
        loss = -(t * torch.log_softmax(logits.float(), dim=1)).sum(1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 2.0)
        opt.step()
        step += 1
        steps_run += 1
        if average is not None:
            average.update(model, step)
        loss_ema = loss.detach() if loss_ema is None else 0.95 * loss_ema + 0.05 * loss.detach()
        if step % 25 == 0 or step == total_steps:
            rate = steps_run * args.batch / max(time.time() - t0, 1e-6)
            log(f"{args.arch} {args.split} step {step}/{total_steps} loss {float(loss_ema):.3f} | {rate:.1f} frames/s | "
                f"ETA {fmt_s((total_steps - step) * args.batch / max(rate, 1e-9))}")
        if time.time() - last_ckpt > args.checkpoint_minutes * 60 and step < total_steps:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                        "average": average.state_dict() if average is not None else None}, str(last) + ".tmp")
            os.replace(str(last) + ".tmp", last)
            last_ckpt = time.time()

    train_s = time.time() - started
    result = {"arch": args.arch, "split": args.split, "recipe": config["recipe"], "trainSeconds": round(train_s),
              "framesPerSecond": round(steps_run * args.batch / max(time.time() - t0, 1e-6), 2)}
    if average is not None:
        final = model
        # The last step's weights, scored as the paired comparison and kept beside the averaged model.
        torch.save(final.to(memory_format=torch.contiguous_format).state_dict(), str(out / "model-last-step.pt"))
        if val is not None:
            probs = predict(final.to(memory_format=torch.channels_last), val.images, args.mean, args.std, False,
                            per_frame=args.norm == "frame")
            plain, adjusted = score_with_prior(probs, val, flags, training_clip_share(real), sampled)
            last_step = {k: v for k, v in plain.items() if k != "perClip"}
            last_step["priorAdjusted"] = {k: v for k, v in adjusted.items() if k != "perClip"}
            last_step["perFrameProbs"] = [[round(float(v), 5) for v in p] for p in probs]
            result["lastStep"] = last_step
            log(f"{args.arch} {args.split} (last step): clips {last_step['clipAccuracy']:.3f}, prior-adjusted "
                f"{last_step['priorAdjusted']['clipAccuracy']:.3f}")
        model = average.averaged(final)
        model.train()
        freeze(frozen_modules(model, args.freeze_stages))  # the copy's own modules: frozen ones keep their statistics
        first = total_steps * args.batch  # the samples after the schedule's last: drawn as training draws them
        bn_loader = torch.utils.data.DataLoader(samples, batch_size=args.batch,
                                                sampler=range(first, first + args.swa_bn_batches * args.batch), **parallel)
        seen = recompute_batch_norm(model, (normalise_batch(images.to(device), args.mean, args.std, args.norm == "frame")
                                            for images, _ in bn_loader))
        result["weightAverage"] = {"fromStep": average.start, "steps": average.count, "batchNormFrames": seen}
        log(f"{args.arch} {args.split}: averaged {average.count} steps' weights, BatchNorm refitted on {seen} frames")
    model = model.to(memory_format=torch.contiguous_format)
    torch.save(model.state_dict(), str(out / "model.pt.tmp"))
    os.replace(out / "model.pt.tmp", out / "model.pt")
    model = model.to(memory_format=torch.channels_last)
    if val is not None:
        # Scored both ways, so test-time flips are compared on the same trained weights.
        clip_share = training_clip_share(real)
        for flips in (False, True):
            probs = predict(model, val.images, args.mean, args.std, flips, per_frame=args.norm == "frame")
            scored, adjusted = score_with_prior(probs, val, flags, clip_share, sampled)
            if flips == args.flips:
                result.update(scored)
            result["withFlips" if flips else "withoutFlips"] = {k: v for k, v in scored.items() if k != "perClip"}
            log(f"{args.arch} {args.split}{' (flips)' if flips else ''}: clips {scored['clipAccuracy']:.3f} "
                f"(lenient {scored['clipLenientAccuracy']:.3f}), frames {scored['frameAccuracy']:.3f}, "
                f"clip recall {scored['clipRecall']}")
            if not flips:
                # Every frame's probabilities, so any read-out rule can be re-scored later without retraining,
                # and the read-out with the training clips' sign shares as the prior (prior_adjusted).
                result["trainingClipShare"] = [round(float(v), 4) for v in clip_share]
                result["samplingShare"] = config["samplingShare"]
                result["perFrame"] = {"clips": list(val.clips), "signs": [CLASSES[int(y)] for y in val.labels],
                                      "probs": [[round(float(v), 5) for v in p] for p in probs]}
                result["priorAdjusted"] = adjusted
                log(f"{args.arch} {args.split} (prior-adjusted): clips {adjusted['clipAccuracy']:.3f}, "
                    f"frames {adjusted['frameAccuracy']:.3f}, clip recall {adjusted['clipRecall']}")
    if args.phantom_val:
        pv = first_per_class(cached_frames(args.phantom_val), 100)
        pp = predict(model, pv.images, args.mean, args.std, False, per_frame=args.norm == "frame")
        result["phantomAccuracy"] = float((pp.argmax(1) == pv.labels).mean())
        log(f"{args.arch} {args.split}: held-out phantoms {result['phantomAccuracy']:.3f}")
    config["result"] = {k: v for k, v in result.items() if k not in ("perClip", "perFrame", "priorAdjusted", "lastStep")}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (out / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    if last.exists():
        last.unlink()
    log(f"{out}: done in {fmt_s(time.time() - started)}")
    return result


def main() -> None:
    run(parser().parse_args())


if __name__ == "__main__":
    main()
