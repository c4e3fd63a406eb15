"""Exports the fine-tuned default model to public/models/lus-resnet152 with the exporter (training/lus_export).

Chooses the weight precision first: uint8 when its top-1 agreement with float32 is at least 99.5 % on the
held-out phantoms and the real validation frames (checked in PyTorch on the folded, dequantised weights
that TF.js will load), else float16; never float32 in git. Adds the pooled-feature reference statistics
for the input gate and registers the model as the default in public/models/index.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lus_export import ModelDescription, export_tfjs, exported_precision_reference  # noqa: E402
from lus_export.graph_check import manifest_layout  # noqa: E402
from lus_train import CLASSES  # noqa: E402
from lus_train.augment import to_input  # noqa: E402
from lus_train.data import load_frames, load_split, split_by_clip  # noqa: E402
from lus_train.folds import read_clips  # noqa: E402
from lus_train.model import ARCHITECTURE, load_trained, pick_device, predict  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MODEL_ID = "lus-resnet152"
AGREEMENT_FOR_UINT8 = 0.995


def uint8_agrees(agreement: dict) -> bool:
    """uint8 only if it keeps the top sign on each check set: the pooled rate can pass while the real
    validation frames, the ones that matter, lose several points (1.1.0: 99.55 % pooled, 97.8 % real)."""
    return min(agreement["phantomTest"], agreement["realValidation"]) >= AGREEMENT_FOR_UINT8
def clip_shares(clips_csv: str | Path, held_out: list) -> dict:
    """Each sign's share of the clips a model trained on (every clip of clips.csv but the held-out ones)."""
    rows = [r for r in read_clips(clips_csv) if r["clip"] not in set(held_out)]
    counts = {c: sum(1 for r in rows if r["sign"] == c) for c in CLASSES}
    if not rows or min(counts.values()) == 0:
        raise SystemExit(f"prior correction: every sign needs at least one training clip, got {counts}")
    return {"clips": len(rows), "counts": counts, "shares": {c: counts[c] / len(rows) for c in CLASSES}}


def prior_correction(shares: dict, sampled: list | None = None) -> dict:
    """What the metadata says of the correction, and the offsets added to the classifier bias (log of each share).

    Training samples are balanced by sign, so the network's probabilities assume four equally common signs; adding
    log(share) to its logits is Bayes' rule for the clips' real mix (training/reports/prior-adjustment.md). A network
    trained toward another mix (soft targets, cv.py `samplingShare`) has that mix taken out: log(share / sampled)."""
    offsets = [float(np.log(shares["shares"][c])) for c in CLASSES]
    out = {"rule": "classifier bias + log(share of each sign among the training clips)",
           "trainingClips": shares["clips"], "clipsPerSign": shares["counts"],
           "shares": {c: round(v, 4) for c, v in shares["shares"].items()}}
    if sampled is not None and not np.allclose(sampled, 1 / len(CLASSES), atol=1e-3):
        offsets = [o - float(np.log(max(sampled[k], 1e-7))) for k, o in enumerate(offsets)]
        out["rule"] += " - log(share of each sign among the training targets)"
        out["trainedToward"] = {c: round(float(sampled[k]), 4) for k, c in enumerate(CLASSES)}
    return {**out, "addedToBias": [round(v, 6) for v in offsets], "report": "training/reports/prior-adjustment.md"}


def training_prior(cfg: dict, clips_csv: str | Path) -> dict:
    """The correction for a trained network (its cv.py config): the sign shares of the clips it trained on.

    Only a network sampled balanced by sign needs it; one sampled by clip learned the clips' mix already, and putting
    it back would count it twice. Soft targets give a network trained toward an uneven mix: that mix is taken out."""
    if cfg.get("recipe", {}).get("sampling", "sign") != "sign":
        raise SystemExit("--prior clips is for a network sampled by sign; this one was sampled by clip "
                         "(recipe.sampling = clip): export it with --prior none")
    return prior_correction(clip_shares(clips_csv, cfg.get("heldOutClips", [])), cfg.get("samplingShare"))


def apply_prior_to_export(model_dir: Path, correction: dict, version: str) -> None:
    """Adds the offsets to classifier/bias inside an exported graph model's shards and records it, in place.

    For a shipped model whose training checkpoint is gone: every other weight keeps its bytes, so the gate
    statistics and thresholds (pooled features, before the classifier) stay valid. Refuses a second correction."""
    model_json = model_dir / "model.json"
    doc = json.loads(model_json.read_text())
    meta = doc["userDefinedMetadata"]["lusSigns"]
    if "priorCorrection" in meta.get("validation", {}):
        raise SystemExit(f"{model_json} already carries a prior correction; export again from the weights instead")
    if meta.get("version") == version:
        raise SystemExit(f"new weights need a new version: {model_json} is already {version}")
    bias_name = meta["classifier"]["bias"]
    for group in doc["weightsManifest"]:
        for entry, offset, nbytes in manifest_layout(group["weights"]):
            if entry["name"] != bias_name:
                continue
            if entry.get("quantization") or entry["dtype"] != "float32" or nbytes != 4 * len(CLASSES):
                raise SystemExit(f"{bias_name}: expected {len(CLASSES)} float32 values, got {entry}")
            paths = [model_dir / p for p in group["paths"]]
            blob = bytearray(b"".join(p.read_bytes() for p in paths))
            bias = np.frombuffer(bytes(blob[offset : offset + nbytes]), dtype="<f4") + np.asarray(
                correction["addedToBias"], dtype=np.float32)
            blob[offset : offset + nbytes] = bias.astype("<f4").tobytes()
            start = 0
            for path in paths:  # write back only the shard(s) that changed
                n = path.stat().st_size
                if start < offset + nbytes and offset < start + n:
                    path.write_bytes(bytes(blob[start : start + n]))
                start += n
            meta["version"] = version
            meta.setdefault("validation", {})["priorCorrection"] = correction
            model_json.write_text(json.dumps(doc, separators=(",", ":")))
            log(f"export: {bias_name} + {correction['addedToBias']} in {model_dir}; version {version}")
            return
    raise SystemExit(f"{bias_name} is not in the weights manifest of {model_json}")


SOURCES = [
    "Phantoms from the LUS Signs generator (src/synth, pinned commit in the training config)",
    "pocus-lus: 83 public clips from the POCUS collection of Born et al., github.com/jannisborn/covid19_ultrasound "
    "(each clip's source and licence in its clips.csv; mostly CC BY-NC / CC BY-NC-SA)",
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@torch.no_grad()
def pooled_features(model: torch.nn.Module, images: np.ndarray, mean: float, std: float, device, batch: int = 32) -> np.ndarray:
    """Global-average-pooled 2048-d features (the fc layer's input)."""
    body = torch.nn.Sequential(*list(model.children())[:-1])
    out = []
    for i in range(0, len(images), batch):
        x = torch.from_numpy(to_input(images[i : i + batch], mean, std)).to(device)
        out.append(torch.flatten(body(x), 1).cpu().numpy())
    return np.concatenate(out)


def gate_statistics(features: np.ndarray, components: int = 16) -> dict:
    """Mean, per-feature variance and the leading principal directions of the pooled features: enough for
    a diagonal or low-rank Mahalanobis distance without shipping a 2048×2048 covariance in model.json."""
    mu = features.mean(axis=0)
    centred = features - mu
    var = centred.var(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    k = min(components, vt.shape[0])
    eig = (s[:k] ** 2) / max(1, len(features) - 1)

    def r(a):
        return [float(f"{v:.5g}") for v in np.asarray(a).ravel()]

    return {
        "kind": "pooled-features",
        "featureCount": int(features.shape[1]),
        "samples": int(features.shape[0]),
        "mean": r(mu),
        "variance": r(var),
        "principalComponents": [r(vt[i]) for i in range(k)],
        "principalVariances": r(eig),
        "residualVariance": float(f"{(var.sum() - eig.sum()) / max(1, features.shape[1] - k):.5g}"),
    }


def trained_on(cfg: dict, real_train) -> str:
    dilated = "; last stage dilated (8x8 feature map at 128 px, for finer heat maps)" if cfg.get("dilateLastStage") else ""
    if "recipe" in cfg and "realFrames" in cfg.get("data", {}):  # training/cv.py
        d, r = cfg["data"], cfg["recipe"]
        return (f"ResNet152 from random weights: pretrained on phantoms, then trained on {d['realFrames']} real frames "
                f"(every frame of the video clips) from {d['realClips']} public clips"
                + (f", {round(100 * r['phantom_share'])} % phantoms mixed in" if r.get("phantom_share") else "")
                + (", scanner-change augmentation" if r.get("aug") == "scanner" else "") + dilated)
    return (f"ResNet152 from random weights: pretrained on {cfg['data']['phantomFrames']} phantoms, fine-tuned (three rounds) on "
            f"{len(real_train)} real frames from {len(set(real_train.clips))} public clips mixed with phantoms" + dilated)


def cv_validation(cv: dict, recipe: str | None, readout: str = "withoutFlips") -> dict:
    """The figures a clinician needs, from the cross-validation report, for the recipe the model was trained with:
    clip accuracy on clips the model never saw (folds: mean and sd; the held-out site), per-sign recall, for each
    architecture that ran the recipe (ResNet18 on all five folds; ResNet152, the shipped one, on fewer)."""
    if not recipe:
        raise SystemExit("--cv-report needs --cv-recipe (the recipe the shipped model was trained with)")

    def summary(row: dict) -> dict:
        folds = [v for v in row["clipAccuracy"] if v is not None]
        site = row.get("site") or {}
        mean = lambda v: float(np.mean([x for x in v if x is not None])) if any(x is not None for x in v) else None  # noqa: E731
        return {
            "folds": row["foldsDone"],
            "clipAccuracyMean": float(np.mean(folds)) if folds else None,
            "clipAccuracySd": float(np.std(folds, ddof=1)) if len(folds) > 1 else None,
            "frameAccuracyMean": mean(row["frameAccuracy"]),
            "clipRecallMean": {c: mean(v) for c, v in row["recall"].items()},
            "heldOutSiteClipAccuracy": site.get("clipAccuracy"),
            "heldOutSiteClips": site.get("clips"),
            "heldOutSiteClipRecall": site.get("clipRecall"),
            # "clip mean": the prior applied to each clip's mean probability (runs that did not keep every frame).
            **({"readOutLevel": row["level"]} if "level" in row else {}),
        }

    per_arch = {arch: summary(recipes[recipe][readout]) for arch, recipes in cv.items()
                if recipe in recipes and readout in recipes[recipe]}
    if not per_arch:
        raise SystemExit(f"recipe {recipe!r} with the {readout} read-out is not in the CV report")
    shipped = "resnet152" if "resnet152" in per_arch else next(iter(per_arch))
    return {"crossValidation": {"recipe": recipe, "shipped": shipped, "byArchitecture": per_arch, "readOut": readout,
                                "report": "training/reports/cv.md"}}


def set_model_card(model_json: Path, card: str | None) -> None:
    """Replaces the card in place: the weights and every other metadata field stay byte for byte the same."""
    if card is None:
        raise SystemExit("no model card to store: write docs/model-card.md first (or pass --model-card)")
    doc = json.loads(model_json.read_text())
    doc["userDefinedMetadata"]["lusSigns"]["modelCard"] = card
    model_json.write_text(json.dumps(doc, separators=(",", ":")))
    log(f"export: model card ({len(card)} characters) stored in {model_json}")


def set_cross_validation(model_json: Path, figures: dict) -> None:
    """Replaces validation.crossValidation in place (the weights and every other field stay as they are): CV runs
    of the shipped recipe that finish after the export reach the app without a second export."""
    doc = json.loads(model_json.read_text())
    validation = doc["userDefinedMetadata"]["lusSigns"].setdefault("validation", {})
    validation.update(figures)
    model_json.write_text(json.dumps(doc, separators=(",", ":")))
    log(f"export: cross-validation figures of {figures['crossValidation']['recipe']} stored in {model_json}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True, help="fine-tuned model.pt (config.json beside it)")
    ap.add_argument("--phantom-test", required=True)
    ap.add_argument("--real", required=True)
    ap.add_argument("--train-phantoms", required=True, help="prepared training phantoms (gate statistics)")
    ap.add_argument("--split", default=str(REPO / "training" / "splits" / "real-val-clips.json"),
                    help="the real validation clips JSON, or 'all' for a model trained on every clip (training/cv.py --split all)")
    ap.add_argument("--cv-report", help="training/reports/cv.json: the cross-validation figures stored as the validation metrics")
    ap.add_argument("--cv-recipe", help="the recipe name in the CV report that the shipped model was trained with")
    ap.add_argument("--out", default=str(REPO / "public" / "models" / MODEL_ID))
    ap.add_argument("--reports", default=str(REPO / "training" / "reports"))
    ap.add_argument("--gate-phantoms", type=int, default=250, help="training phantoms per class for the gate statistics")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model-version", default="1.2.0",
                    help="semantic version in the metadata; every result and stored case records it, so new weights get a new one")
    ap.add_argument("--no-register", action="store_true", help="do not touch public/models/index.json")
    ap.add_argument("--model-card", default=str(REPO / "docs" / "model-card.md"),
                    help="Markdown model card stored in the metadata (the app shows it); skipped if missing")
    ap.add_argument("--cv-only", action="store_true",
                    help="only replace the cross-validation figures in an exported model.json (after more CV runs finished)")
    ap.add_argument("--cv-readout", default="withoutFlips", choices=["withoutFlips", "withFlips", "priorAdjusted"],
                    help="which read-out of the CV report the metadata quotes: priorAdjusted for a model exported with --prior clips")
    ap.add_argument("--prior", choices=["none", "clips"], default="none",
                    help="clips: add log(each sign's share of the training clips) to the classifier bias (Bayes' rule for "
                         "sampling balanced by sign; training/reports/prior-adjustment.md)")
    ap.add_argument("--clips", default=str(REPO.parent / "shared" / "data" / "pocus-lus" / "clips.csv"),
                    help="clips.csv of the development clips (the signs the prior shares are counted from)")
    ap.add_argument("--prior-only", action="store_true",
                    help="apply --prior clips to an exported model in place (its checkpoint gone); needs a new --model-version")
    ap.add_argument("--card-only", action="store_true",
                    help="only replace the model card in an exported model.json (after the card is edited)")
    args = ap.parse_args()
    card_path = Path(args.model_card)
    model_card = card_path.read_text() if card_path.exists() else None
    if args.card_only:
        set_model_card(Path(args.out) / "model.json", model_card)
        return
    if args.cv_only:
        if not args.cv_report:
            raise SystemExit("--cv-only needs --cv-report and --cv-recipe")
        set_cross_validation(Path(args.out) / "model.json",
                             cv_validation(json.loads(Path(args.cv_report).read_text()), args.cv_recipe, args.cv_readout))
        return
    if args.prior_only:
        if args.prior != "clips":
            raise SystemExit("--prior-only needs --prior clips")
        # In place, the shares must be those of every clip: say so only of a model that trained on all of them.
        shares = clip_shares(args.clips, [])
        meta = json.loads((Path(args.out) / "model.json").read_text())["userDefinedMetadata"]["lusSigns"]
        if f"from {shares['clips']} public clips" not in meta.get("provenance", {}).get("trainedOn", ""):
            raise SystemExit(f"--prior-only is for a model trained on all {shares['clips']} clips of {args.clips}")
        apply_prior_to_export(Path(args.out), prior_correction(shares), args.model_version)
        return
    torch.set_num_threads(args.threads)
    device = pick_device()

    model, cfg = load_trained(args.weights, device)
    model = model.cpu().eval()
    correction = None
    if args.prior == "clips":
        correction = training_prior(cfg, args.clips)
        with torch.no_grad():
            model.fc.bias += torch.tensor(correction["addedToBias"], dtype=model.fc.bias.dtype)
        log(f"export: classifier bias + {correction['addedToBias']} (sign shares of {correction['trainingClips']} clips)")
    mean, std, size = cfg["input"]["mean"], cfg["input"]["std"], cfg["input"]["size"]
    phantoms = load_frames(args.phantom_test)
    real = load_frames(args.real)
    if args.split == "all":
        # Trained on every clip: no real frame is unseen, so the precision check (agreement with float32, not
        # accuracy) runs on all of them, and accuracy comes from the cross-validation report.
        real_train, real_val = real, real
    else:
        real_train, real_val = split_by_clip(real, load_split(args.split))
    check = np.concatenate([phantoms.images, real_val.images])

    t0 = time.time()
    reference = predict(model, check, mean, std, torch.device("cpu")).argmax(1)
    agreement = {}
    for precision in ("uint8", "float16"):
        forward = exported_precision_reference(model, ARCHITECTURE, precision)
        top1 = predict(model, check, mean, std, torch.device("cpu"), forward=forward).argmax(1)
        agreement[precision] = {
            "all": float((top1 == reference).mean()),
            "phantomTest": float((top1[: len(phantoms)] == reference[: len(phantoms)]).mean()),
            "realValidation": float((top1[len(phantoms) :] == reference[len(phantoms) :]).mean()),
            "frames": int(len(check)),
        }
        log(f"export: {precision} top-1 agreement with float32 {agreement[precision]['all']:.4f} ({time.time() - t0:.0f} s)")
        if precision == "uint8" and uint8_agrees(agreement["uint8"]):
            break
    quantize = "uint8" if uint8_agrees(agreement["uint8"]) else "float16"
    log(f"export: weights as {quantize}")

    # Gate reference: what the app should accept is real lung ultrasound and phantoms like the training set.
    per_class = args.gate_phantoms
    gate_phantoms = load_frames(args.train_phantoms, per_class)
    feats = pooled_features(model, np.concatenate([real_train.images, gate_phantoms.images]), mean, std, torch.device("cpu"))
    gate = gate_statistics(feats)
    gate["data"] = f"{len(real_train)} real training frames + {len(gate_phantoms)} training phantoms"

    evaluation_path = Path(args.reports) / "evaluation.json"
    validation = None
    if evaluation_path.exists():
        ev = json.loads(evaluation_path.read_text())
        b = ev["b_realValidation"]["finetuned"]
        validation = {
            "phantomTestAccuracy": ev["a_phantomTest"]["finetuned"]["overall"]["accuracy"],
            "realValidationFrameAccuracy": b["frame"]["overall"]["accuracy"],
            "realValidationClipAccuracy": b["clip"]["overall"]["accuracy"],
            "realValidationFrameKappa": b["frame"]["overall"]["kappa"],
            "phantomOnlyOnAllRealFrameAccuracy": ev["c_phantomOnlyOnAllReal"]["frame"]["overall"]["accuracy"],
            "realValidationClips": ev["data"]["realValidation"]["clips"],
            # Per sign on the real validation frames, for the app's plain-words model summary (Settings).
            "realValidationPerSign": {
                k: {"frames": v["support"], "recall": v["recall"], "precision": v["precision"]}
                for k, v in b["frame"]["perClass"].items()
            },
            "report": "training/reports/evaluation.md",
        }
    if args.cv_report:
        validation = cv_validation(json.loads(Path(args.cv_report).read_text()), args.cv_recipe, args.cv_readout)
    validation = dict(validation or {}, weightPrecision=quantize, top1AgreementWithFloat32=agreement)
    if correction is not None:
        validation["priorCorrection"] = correction

    description = ModelDescription(
        id=MODEL_ID,
        version=args.model_version,
        display_name="LUS Signs ResNet152 (phantoms + pocus-lus)",
        trained_on=trained_on(cfg, real_train),
        licence="Research and non-commercial use (training clips are mostly CC BY-NC / CC BY-NC-SA)",
        sources=SOURCES,
        mean=(mean, mean, mean),
        std=(std, std, std),
        validation=validation,
        gate=gate,
        notes="Decision support only; not validated prospectively on patients. See docs/model-card.md.",
        model_card=model_card,
    )
    result = export_tfjs(model, args.out, architecture=ARCHITECTURE, description=description, classes=CLASSES,
                         input_size=size, features=True, quantize=quantize, overwrite=True)
    log(f"export: wrote {result.path} ({result.total_bytes / 1e6:.1f} MB, {result.seconds:.0f} s), verification {result.verification}")

    if not args.no_register:
        index_path = Path(args.out).parent / "index.json"
        index = json.loads(index_path.read_text()) if index_path.exists() else {"models": []}
        models = [m for m in index.get("models", []) if m.get("id") != MODEL_ID]
        models.insert(0, {"id": MODEL_ID, "path": f"{MODEL_ID}/model.json"})
        index["models"] = models
        index["default"] = MODEL_ID
        index_path.write_text(json.dumps(index, indent=2) + "\n")
        log(f"export: {MODEL_ID} is the default in {index_path}")
    Path(args.reports).mkdir(parents=True, exist_ok=True)
    (Path(args.reports) / "export.json").write_text(json.dumps(
        {"quantize": quantize, "agreement": agreement, "bytes": result.total_bytes, "files": result.files,
         "verification": result.verification, "warnings": result.warnings}, indent=2) + "\n")


if __name__ == "__main__":
    main()
