"""Prepared-frame data sets (index.csv from scripts/data/prepare-training-data.ts), clip-grouped splits, samplers."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from PIL import Image

from . import CLASSES


@dataclass
class FrameSet:
    """Frames held in memory as uint8 (N, H, W): a few thousand 128 px frames are tens of megabytes."""

    images: np.ndarray
    labels: np.ndarray
    clips: List[str]
    paths: List[str]
    sources: List[str]
    roi_found: np.ndarray
    root: str = ""
    extra: Dict[str, list] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def subset(self, keep: Sequence[int]) -> "FrameSet":
        idx = np.asarray(keep, dtype=np.int64)
        return FrameSet(
            images=self.images[idx],
            labels=self.labels[idx],
            clips=[self.clips[i] for i in idx],
            paths=[self.paths[i] for i in idx],
            sources=[self.sources[i] for i in idx],
            roi_found=self.roi_found[idx],
            root=self.root,
            extra={k: [v[i] for i in idx] for k, v in self.extra.items()},
        )


def read_index(root: str | Path) -> List[dict]:
    with open(Path(root) / "index.csv", newline="") as f:
        return list(csv.DictReader(f))


def load_frames(root: str | Path, limit_per_class: Optional[int] = None) -> FrameSet:
    root = Path(root)
    rows = read_index(root)
    if limit_per_class is not None:
        kept, seen = [], {c: 0 for c in CLASSES}
        for r in rows:
            if seen[r["class"]] < limit_per_class:
                kept.append(r)
                seen[r["class"]] += 1
        rows = kept
    if not rows:
        raise ValueError(f"{root}/index.csv lists no frames")
    images = np.stack([np.asarray(Image.open(root / r["path"]).convert("L"), dtype=np.uint8) for r in rows])
    labels = np.asarray([CLASSES.index(r["class"]) for r in rows], dtype=np.int64)
    return FrameSet(
        images=images,
        labels=labels,
        clips=[r["clip"] for r in rows],
        paths=[r["path"] for r in rows],
        sources=[r["source"] for r in rows],
        roi_found=np.asarray([r["roi_found"] == "1" for r in rows]),
        root=str(root),
    )


def clip_signs(frames: FrameSet) -> Dict[str, int]:
    """Clip → class; a clip with frames in two classes means the labels are broken."""
    out: Dict[str, int] = {}
    for clip, label in zip(frames.clips, frames.labels.tolist()):
        if out.setdefault(clip, label) != label:
            raise ValueError(f"clip {clip} has frames in two classes")
    return out


def make_clip_split(clip_to_class: Dict[str, int], fraction: float = 0.2, seed: int = 5) -> Dict[str, List[str]]:
    """Validation clips per sign: round(fraction·n) of each sign's clips (at least 1), drawn with a fixed
    seed from the sorted clip list, so the split depends only on the clip list and the seed."""
    rng = np.random.default_rng(seed)
    val: Dict[str, List[str]] = {}
    for c, name in enumerate(CLASSES):
        clips = sorted(k for k, v in clip_to_class.items() if v == c)
        n = max(1, int(round(fraction * len(clips)))) if clips else 0
        chosen = rng.choice(len(clips), size=n, replace=False) if n else []
        val[name] = sorted(clips[i] for i in chosen)
    return val


def save_split(path: str | Path, val: Dict[str, List[str]], clip_to_class: Dict[str, int], fraction: float, seed: int) -> None:
    counts = {name: sum(1 for v in clip_to_class.values() if v == c) for c, name in enumerate(CLASSES)}
    doc = {
        "description": "Real pocus-lus clips held out for validation; every frame of a clip is on one side.",
        "fraction": fraction,
        "seed": seed,
        "clipsPerSign": counts,
        "validation": val,
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(doc, indent=2) + "\n")


def load_split(path: str | Path) -> Dict[str, List[str]]:
    return json.loads(Path(path).read_text())["validation"]


def split_by_clip(frames: FrameSet, val: Dict[str, List[str]]) -> tuple[FrameSet, FrameSet]:
    val_clips = {c for clips in val.values() for c in clips}
    known = set(frames.clips)
    missing = val_clips - known
    if missing:
        raise ValueError(f"validation clips not in the data: {sorted(missing)}")
    train_idx = [i for i, c in enumerate(frames.clips) if c not in val_clips]
    val_idx = [i for i, c in enumerate(frames.clips) if c in val_clips]
    return frames.subset(train_idx), frames.subset(val_idx)


def balanced_weights(labels: np.ndarray, clips: Sequence[str]) -> np.ndarray:
    """Sampling probabilities giving every class the same share and, within a class, every clip the same
    share (a 12-frame clip must not outweigh a 4-frame one): frame weight = 1/(C · clips_in_class · frames_in_clip)."""
    labels = np.asarray(labels)
    w = np.zeros(len(labels), dtype=np.float64)
    present = [c for c in range(len(CLASSES)) if np.any(labels == c)]
    for c in present:
        idx = np.flatnonzero(labels == c)
        class_clips = [clips[i] for i in idx]
        uniq = sorted(set(class_clips))
        per_clip = {k: class_clips.count(k) for k in uniq}
        for i in idx:
            w[i] = 1.0 / (len(present) * len(uniq) * per_clip[clips[i]])
    return w / w.sum()


def clip_balanced_weights(clips: Sequence[str]) -> np.ndarray:
    """Sampling probabilities giving every clip the same share, whatever its sign or frame count: the signs are then
    drawn as often as they occur among the training clips, so the network learns their mix (no prior to put back)
    and a rare sign's few clips are not drawn several times as often as a common sign's."""
    uniq, inverse, counts = np.unique(np.asarray(clips), return_inverse=True, return_counts=True)
    w = 1.0 / (len(uniq) * counts[inverse].astype(np.float64))
    return w / w.sum()


def sampled_sign_share(weights: np.ndarray, labels: np.ndarray, soft: np.ndarray | None = None) -> np.ndarray:
    """Each sign's share of the training targets under these sampling weights: the prior a network trained on them
    assumes. With soft targets ((N, 4), the clip's flagged signs sharing the mass) it is the weighted mean target."""
    w = np.asarray(weights, dtype=np.float64)
    if soft is not None:
        share = (w[:, None] * np.asarray(soft, dtype=np.float64)).sum(axis=0)
    else:
        share = np.bincount(np.asarray(labels), weights=w, minlength=len(CLASSES))
    return share / share.sum()


def epoch_order(n: int, seed: int, epoch: int) -> np.ndarray:
    """A permutation fixed by (seed, epoch), so a resumed run sees the same batches."""
    return np.random.default_rng([seed, epoch, 0]).permutation(n)


def mixed_epoch(
    real_weights: np.ndarray, phantom_weights: np.ndarray, samples: int, real_share: float, seed: int, epoch: int
) -> np.ndarray:
    """Indices for one fine-tuning epoch drawn with replacement: ≥0 into the real set, <0 as -(i+1) into
    the phantom set. Fixed by (seed, epoch)."""
    rng = np.random.default_rng([seed, epoch, 1])
    n_real = int(round(samples * real_share))
    real = rng.choice(len(real_weights), size=n_real, replace=True, p=real_weights)
    phantom = rng.choice(len(phantom_weights), size=samples - n_real, replace=True, p=phantom_weights)
    mixed = np.concatenate([real, -(phantom + 1)])
    return mixed[rng.permutation(len(mixed))]
