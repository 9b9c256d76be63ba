"""R3's shipping rule in scripts/calibrate_abstention.py: a refit replaces the model file only when
its held-out abstention on unanswerable questions is at least the current file's in EN and RU."""

from __future__ import annotations

import numpy as np

from scripts.calibrate_abstention import Row, refit_passes


def _rows() -> list[Row]:
    rows = []
    for lang in ("en", "ru"):
        rows += [Row("p.pdf", f"u{i}", lang, False, "on_topic") for i in range(4)]
        rows += [Row("p.pdf", f"a{i}", lang, True, "qasper_dev") for i in range(2)]
    return rows


def test_refit_must_match_the_kept_model_in_both_languages():
    rows = _rows()
    # order: en u0-u3, en a0-a1, ru u0-u3, ru a0-a1
    kept = np.array([1, 1, 0, 0, 0, 0] + [1, 0, 0, 0, 0, 0], bool)
    better_both = np.array([1, 1, 1, 0, 0, 0] + [1, 1, 0, 0, 0, 0], bool)
    worse_en = np.array([1, 0, 0, 0, 0, 0] + [1, 1, 1, 0, 0, 0], bool)
    equal = kept.copy()
    assert refit_passes(rows, better_both, kept)
    assert refit_passes(rows, equal, kept)
    assert not refit_passes(rows, worse_en, kept)
    # false abstention on answerable rows does not enter the rule (the threshold rule bounds it)
    assert refit_passes(rows, np.array([1, 1, 0, 0, 1, 1] + [1, 0, 0, 0, 1, 1], bool), kept)
    assert refit_passes(rows, worse_en, None)  # no current file: the refit is written
