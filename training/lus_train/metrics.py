"""Classification metrics laid out like the seed study's Table 1, plus confusion matrices and Markdown."""

from __future__ import annotations

from typing import Dict, List, Sequence

import numpy as np

from . import CLASSES

DISPLAY = {
    "a_lines": "A-lines",
    "b_lines": "B-lines",
    "pleural_effusion": "Pleural effusion",
    "consolidation": "Lung consolidation",
}


def confusion(truth: Sequence[int], pred: Sequence[int], n: int = len(CLASSES)) -> np.ndarray:
    """Rows: true class; columns: predicted class."""
    m = np.zeros((n, n), dtype=np.int64)
    for t, p in zip(truth, pred):
        m[int(t), int(p)] += 1
    return m


def _ratio(a: float, b: float) -> float | None:
    return float(a / b) if b > 0 else None


def cohen_kappa(m: np.ndarray) -> float | None:
    total = m.sum()
    if total == 0:
        return None
    po = np.trace(m) / total
    pe = float((m.sum(axis=0) * m.sum(axis=1)).sum()) / float(total * total)
    return None if pe == 1 else float((po - pe) / (1 - pe))


def table1(truth: Sequence[int], pred: Sequence[int]) -> dict:
    """Per class (one against the rest): precision, recall, specificity, F1, accuracy; overall: accuracy,
    macro averages of the per-class values (as the study reports them) and Cohen's kappa."""
    m = confusion(truth, pred)
    total = int(m.sum())
    per_class: Dict[str, dict] = {}
    for c, name in enumerate(CLASSES):
        tp = int(m[c, c])
        fp = int(m[:, c].sum()) - tp
        fn = int(m[c, :].sum()) - tp
        tn = total - tp - fp - fn
        precision = _ratio(tp, tp + fp)
        recall = _ratio(tp, tp + fn)
        f1 = None
        if precision is not None and recall is not None:
            f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
        per_class[name] = {
            "support": tp + fn,
            "precision": precision,
            "recall": recall,
            "specificity": _ratio(tn, tn + fp),
            "f1": f1,
            "accuracy": _ratio(tp + tn, total),
        }

    def macro(key: str) -> float | None:
        values = [v[key] for v in per_class.values() if v[key] is not None and v["support"] > 0]
        return float(np.mean(values)) if values else None

    return {
        "n": total,
        "perClass": per_class,
        "overall": {
            "accuracy": _ratio(float(np.trace(m)), total),
            "precision": macro("precision"),
            "recall": macro("recall"),
            "specificity": macro("specificity"),
            "f1": macro("f1"),
            "kappa": cohen_kappa(m),
        },
        "confusion": {"rows": "true class", "columns": "predicted class", "classes": list(CLASSES), "matrix": m.tolist()},
    }


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.2f}"


def table1_markdown(title: str, t: dict) -> str:
    lines: List[str] = [f"### {title}", "", f"n = {t['n']}", ""]
    lines.append("| Class | Precision/% | Specificity/% | F1-score/% | Recall/% | Accuracy/% | n |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in CLASSES:
        v = t["perClass"][name]
        lines.append(
            f"| {DISPLAY[name]} | {_pct(v['precision'])} | {_pct(v['specificity'])} | {_pct(v['f1'])} | "
            f"{_pct(v['recall'])} | {_pct(v['accuracy'])} | {v['support']} |"
        )
    o = t["overall"]
    lines.append(
        f"| **Overall** (macro) | {_pct(o['precision'])} | {_pct(o['specificity'])} | {_pct(o['f1'])} | "
        f"{_pct(o['recall'])} | **{_pct(o['accuracy'])}** | {t['n']} |"
    )
    kappa = "–" if o["kappa"] is None else f"{o['kappa']:.3f}"
    lines += ["", f"Cohen's kappa: {kappa}", "", "Confusion matrix (rows: true, columns: predicted):", ""]
    short = ["A", "B", "Eff", "Cons"]
    lines.append("| true \\ predicted | " + " | ".join(short) + " |")
    lines.append("| --- |" + " ---: |" * len(short))
    for c, name in enumerate(CLASSES):
        row = t["confusion"]["matrix"][c]
        lines.append(f"| {DISPLAY[name]} | " + " | ".join(str(x) for x in row) + " |")
    lines.append("")
    return "\n".join(lines)
