#!/usr/bin/env bash
# Trains the shipped default model with the recipe the cross-validation chose, exports it, calibrates its gate, writes its smoke reference.
#
#   RECIPE=pre-scan VERSION=2.0.0 bash training/ship_default.sh
#
# Steps (each after training/prepare_cv_data.sh and the CV runs of training/cv_all.sh): the recipe on all 83 clips
# (cv_all.sh STAGES=final152, same samples and schedule as its CV runs), training/reports/cv.{md,json}, the export
# to public/models/lus-resnet152 (uint8 if it keeps the top sign on 99.5 % of frames, else float16; CV figures in
# the metadata), the input gate's calibration, the smoke reference for tests/model/smoke-default-model.spec.ts.
# PRIOR=clips (the default since 2.2.0) adds log(each sign's share of the 83 clips) to the classifier bias, Bayes' rule
# for training samples balanced by sign (training/reports/prior-adjustment.md), and quotes the CV's prior-adjusted
# read-out; PRIOR=none exports the network as trained and quotes the plain read-out.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="${LUS_TRAIN_ROOT:-/work/lus-train}"
DATA="$ROOT/data"
PY="${PYTHON:-/usr/bin/python3}"
RECIPE="${RECIPE:?name the recipe the cross-validation chose}"
VERSION="${VERSION:?name the model version}"
PRIOR="${PRIOR:-clips}"
READOUT="$([ "$PRIOR" = clips ] && echo priorAdjusted || echo withoutFlips)"
cd "$REPO"
step() { echo "=== $(date -u +%H:%M:%S) $*" >&2; }

step "train $RECIPE on every clip"
STAGES=final152 R152_FIRST="$RECIPE" bash training/cv_all.sh
step "cross-validation report"
"$PY" training/cv_report.py --runs "$ROOT/cv" --out training/reports > /dev/null
step "export lus-resnet152 $VERSION"
"$PY" training/export_default.py --weights "$ROOT/cv/resnet152/$RECIPE/all/model.pt" --split all \
  --cv-report training/reports/cv.json --cv-recipe "$RECIPE" --cv-readout "$READOUT" --prior "$PRIOR" --model-version "$VERSION" \
  --phantom-test "$DATA/phantoms-test-128" --real "$DATA/real-128" --train-phantoms "$DATA/phantoms-train-128" \
  --out public/models/lus-resnet152 --reports training/reports
step "calibrate the input gate"
npx tsx scripts/gate/gate-calibrate.ts --model public/models/lus-resnet152 --reference 400 --write
step "smoke reference"
rm -rf "$ROOT/smoke-frames"
npx tsx scripts/fixtures/smoke-frames.ts --out "$ROOT/smoke-frames"
"$PY" training/smoke_reference.py --model public/models/lus-resnet152 --inputs "$ROOT/smoke-frames" \
  --out training/reports/smoke-reference.json
step "done: lus-resnet152 $VERSION"
