"""S1: the learned scorer's dense block (|u - v| and u * v of the answer's and the reference's USE
vectors): the interaction features, the model file's round trip, and that the app path feeds the real
vectors to the model. Real offline USE model and the shipped model file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.interview.bank import default_bank
from core.interview.features import DENSE_DIM, DENSE_KIND, dense_interactions
from core.interview.model import MODEL_FILE, ScorerModel, load_model
from core.interview.scoring import finalize, learned_features
from tests.interview_helpers import scorer


@pytest.fixture(scope="module")
def sc(tmp_path_factory):
    return scorer(str(tmp_path_factory.mktemp("iv-cache-dense")))


def test_dense_interactions_of_real_vectors(sc):
    u, v, w = sc.embedder.embed(["A stack is last in, first out.", "Стек: последним пришёл, первым ушёл.",
                                 "Photosynthesis makes sugar from light."])
    d = dense_interactions(u, v)
    assert d.shape == (DENSE_DIM,) == (2 * len(u),)
    assert np.allclose(d[:len(u)], np.abs(u - v)) and np.all(d[:len(u)] >= 0)
    assert np.isclose(d[len(u):].sum(), float(u @ v), atol=1e-5)  # the product half sums to the cosine
    assert d[len(u):].sum() > dense_interactions(u, w)[len(u):].sum()  # RU paraphrase closer than another topic
    assert dense_interactions(np.vstack([u, u]), np.vstack([v, w])).shape == (2, DENSE_DIM)


def test_model_file_round_trip_and_malformed_dense_blocks_are_refused():
    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    model = ScorerModel.from_json(raw)
    again = ScorerModel.from_json(json.loads(json.dumps(model.to_json())))
    rng = np.random.default_rng(0)
    x = model.mean + rng.normal(size=(4, len(model.names))) * model.scale
    z = rng.random((4, DENSE_DIM)) if model.dense else None
    assert np.allclose(model.proba(x, z), again.proba(x, z))
    if model.dense:
        assert model.dense == DENSE_KIND and model.dense_coef.shape == (3, DENSE_DIM)
        with pytest.raises(ValueError):
            ScorerModel.from_json(dict(raw, dense_coef=np.zeros((3, 10)).tolist()))
        with pytest.raises(ValueError):
            ScorerModel.from_json(dict(raw, dense="something_else"))


def test_the_app_path_scores_with_the_answer_and_reference_vectors(sc):
    """finalize's score is the model's probability on the analysis's own vectors; with a dense block those
    vectors matter (another reference's vector changes the score)."""
    model = load_model()
    assert model is not None
    q = default_bank().get("cml-001")
    answer = "Overfitting: the model memorises training noise, so validation error grows while training error falls."
    a = sc.analyse(q.text("en"), q.ref("en"), answer, "en", list(q.kps("en")), q.id)
    assert a.ans_vec is not None and a.ref_vec is not None and a.ans_vec.shape == a.ref_vec.shape
    assert np.isclose(float(a.ans_vec @ a.ref_vec), a.sim_ref, atol=1e-5)
    r = finalize(a, sc.calibration, model)
    feats = learned_features(a, float(r.features["contradicted"]), r.structure / 100.0)
    p, _ = model.score(feats, a.ans_vec, a.ref_vec)
    assert not r.flag and abs(r.score - p) <= 0.5 + 1e-9
    if model.dense:
        other = sc.embedder.embed(["Photosynthesis turns light, water and carbon dioxide into sugar."])[0]
        assert abs(model.score(feats, a.ans_vec, other)[0] - p) > 1.0
