#!/usr/bin/env bash
# Prepares every training input of the cross-validation and the shipped model: all frames of the 56 video clips, the shared frames, phantoms.
#
#   bash training/prepare_cv_data.sh        # about 10 min here; each step is skipped when its output exists
#
# Frames go through the app's own decode → grey → ROI crop → aspect 'pad' → resize (scripts/data/prepare-training-data.ts),
# so the network never sees a frame the app would not produce. Everything heavy stays under $LUS_TRAIN_ROOT/data.
# Needs ffmpeg (Debian package `ffmpeg`) and the npm dependencies.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="${LUS_TRAIN_ROOT:-/work/lus-train}"
DATA="$ROOT/data"
REAL="${LUS_REAL_DATA:-$REPO/../shared/data/pocus-lus}"
SIZE="${LUS_SIZE:-128}"
PREPARE="$REPO/scripts/data/prepare-training-data.ts"
# Phantoms are drawn by the generator at a pinned commit, so the set is the same bytes on every rerun.
SYNTH_COMMIT="${LUS_SYNTH_COMMIT:-66fe36c1611ada550d1d774ae9d73430296645ee}"
SNAP="$ROOT/synth-src/$SYNTH_COMMIT"
mkdir -p "$DATA"
cd "$REPO"
step() { echo "=== $(date -u +%H:%M:%S) $*" >&2; }
command -v ffmpeg >/dev/null || { echo "ffmpeg is missing: apt-get install -y ffmpeg" >&2; exit 2; }

if [ ! -f "$DATA/clipframes/.done" ]; then
  step "every frame of the video clips (ffmpeg)"
  rm -rf "$DATA/clipframes"
  for dir in "$REAL"/clips/*/; do
    sign=$(basename "$dir")
    mkdir -p "$DATA/clipframes/$sign"
    for f in "$dir"*.mp4; do
      # <clip>_f<NNNN>.png: the name the preparation step reads the clip id from. -vsync 0: one PNG per coded frame.
      ffmpeg -loglevel error -y -i "$f" -vsync 0 -start_number 0 "$DATA/clipframes/$sign/$(basename "$f" .mp4)_f%04d.png"
    done
  done
  touch "$DATA/clipframes/.done"
fi

prepare() { # in out [args]
  local src="$1" out="$2"
  shift 2
  if [ -f "$out/prepare.json" ]; then step "prepare $(basename "$out"): done"; return; fi
  step "prepare $(basename "$out") at $SIZE px with the app's pipeline"
  rm -rf "$out"
  npx tsx "$PREPARE" --in "$src" --out "$out" --size "$SIZE" "$@"
}
prepare "$DATA/clipframes" "$DATA/clipframes-$SIZE" --clips "$REAL/clips.csv"
prepare "$REAL" "$DATA/real-$SIZE" --clips "$REAL/clips.csv"

if [ ! -f "$SNAP/.ready" ]; then
  step "snapshot of the phantom generator at $SYNTH_COMMIT"
  rm -rf "$SNAP" && mkdir -p "$SNAP"
  git -C "$REPO" archive "$SYNTH_COMMIT" src cli package.json tsconfig.json | tar -x -C "$SNAP"
  ln -s "$REPO/node_modules" "$SNAP/node_modules"
  touch "$SNAP/.ready"
fi
synth() { # name per-class seed
  if [ -f "$DATA/$1/manifest.json" ]; then step "phantoms $1: done"; return; fi
  step "phantoms $1: $2 per class, seed $3"
  rm -rf "${DATA:?}/$1"
  (cd "$SNAP" && npx tsx cli/synth.ts --out "$DATA/$1" --per-class "$2" --width 320 --height 240 --seed "$3" --overlays random)
  echo "$SYNTH_COMMIT" > "$DATA/$1/synth-commit.txt"
}
synth phantoms-train 1000 1
synth phantoms-test 300 2
prepare "$DATA/phantoms-train" "$DATA/phantoms-train-$SIZE"
prepare "$DATA/phantoms-test" "$DATA/phantoms-test-$SIZE"
step "prepared data in $DATA"
