"""Packs the prepared sets a cross-validation run reads (index.csv + the frames as one compressed .npz) into one small folder that can travel to a lent GPU machine.

    /usr/bin/python3 training/pack_gpu_data.py --data /work/lus-train/data --out gpu-data

The frames are the prepared 128 px grey frames exactly (lossless, LZMA), so a run there trains on the same pixels as
one here; training/cv.py reads a packed set from its frames-cache.npz (packed.json marks it). The device tool
carries 64 MiB in all and every video frame alone is 52 MiB compressed (speckle does not compress), so by
default the video clips keep every second frame (1/15 s apart at 30 frames/s: the clips' motion stays, the
number of clips, which is what limits, is unchanged), and the held-out phantoms the first 100 of each sign
(all that cv.py scores); clips.csv travels beside them. Run cv_gpu.py on the same packed folder to reproduce a GPU run
on this machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import lzma
import re
import shutil
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cv  # noqa: E402

SETS = ["clipframes-128", "real-128", "phantoms-train-128", "phantoms-test-128"]
FRAME = re.compile(r"_f(\d+)\.png$")


def kept(fs, name: str, video_step: int, phantoms_per_class: dict) -> list:
    """Indices of the frames that travel."""
    if name.startswith("clipframes"):
        return [i for i, p in enumerate(fs.paths) if int(FRAME.search(p).group(1)) % video_step == 0]
    if name in phantoms_per_class:
        seen: dict = {}
        keep = []
        for i, y in enumerate(fs.labels.tolist()):
            if seen.get(y, 0) < phantoms_per_class[name]:
                keep.append(i)
                seen[y] = seen.get(y, 0) + 1
        return keep
    return list(range(len(fs)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="/work/lus-train/data")
    ap.add_argument("--out", required=True)
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--clips", default=str(cv.REPO.parent / "shared" / "data" / "pocus-lus" / "clips.csv"))
    ap.add_argument("--video-step", type=int, default=2, help="keep every Nth frame of each video clip")
    ap.add_argument("--phantoms-train", type=int, default=1000, help="training phantoms kept per sign")
    ap.add_argument("--phantoms-test", type=int, default=100, help="held-out phantoms kept per sign")
    a = ap.parse_args()
    per_class = {"phantoms-train-128": a.phantoms_train, "phantoms-test-128": a.phantoms_test}
    out = Path(a.out)
    total = 0
    for name in a.sets.split(","):
        src, dst = Path(a.data) / name, out / name
        whole = cv.cached_frames(str(src))
        fs = whole.subset(kept(whole, name, a.video_step, per_class))
        dst.mkdir(parents=True, exist_ok=True)
        with open(src / "index.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        by_path = {r["path"]: r for r in rows}
        with open(dst / "index.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(by_path[p] for p in fs.paths)
        # LZMA's large window finds what neighbouring frames share; zlib's 32 KiB does not (25 against 33 MiB).
        (dst / "images.u8.xz").write_bytes(lzma.compress(np.ascontiguousarray(fs.images).tobytes(), preset=6))
        np.savez_compressed(dst / "frames-cache.npz", shape=np.asarray(fs.images.shape), labels=fs.labels,
                            clips=np.asarray(fs.clips), paths=np.asarray(fs.paths), sources=np.asarray(fs.sources),
                            roi_found=fs.roi_found)
        (dst / "packed.json").write_text(json.dumps({"from": str(src), "frames": len(fs), "of": len(whole)}) + "\n")
        size = sum(f.stat().st_size for f in dst.iterdir())
        total += size
        print(f"{name}: {len(fs)} of {len(whole)} frames, {len(set(fs.clips))} clips, {size / 2**20:.1f} MiB")
    shutil.copyfile(a.clips, out / "clips.csv")
    print(f"total {total / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
