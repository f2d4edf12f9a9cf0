"""The information-market reproductions, small: files, shapes and identities the numbers must keep."""

import numpy as np
import pandas as pd


def test_prediction_market_small(tmp_path):
    from reproductions.information_markets import prediction_market

    paths = prediction_market(tmp_path, seed=1, trials=2, steps=25, shares=(0.0, 0.6), liquidity=(1.0,))
    assert [p.name for p in paths] == ["seed001-prediction-market.png", "seed001-prediction-market-runs.csv",
                                       "seed001-prediction-market.csv"]
    assert paths[0].read_bytes()[:4] == b"\x89PNG"
    runs = pd.read_csv(paths[1])
    main = runs[runs.study == "forecast"]
    assert len(main) == 2 * 4 * 2 and len(runs[runs.study == "rule"]) == 4 * 2
    # The forecast an omniscient owner uses is the truth; with no overpromisers the claims are too.
    truth = main[main.forecast == "truth"]
    assert np.allclose(truth.brier, truth.brier_truth)
    honest = main[(main.overpromisers == 0) & (main.forecast == "claims")]
    assert np.allclose(honest.brier, honest.brier_truth)
    assert main[main.forecast == "none"].brier.isna().all()
    market = runs[runs.forecast == "market"]
    assert (market.loss_ratio_max <= 1 + 1e-6).all() and (market.loss_ratio_mean <= 1).all()
    summary = pd.read_csv(paths[2])
    assert {"forecast", "liquidity", "rule", "paired"} <= set(summary.study)


def test_expertise_small(tmp_path):
    from reproductions.information_markets import VARIANTS, expertise

    paths = expertise(tmp_path, seed=2, trials=2, steps=25)
    assert [p.name for p in paths] == ["seed001-expertise.png", "seed001-expertise-runs.csv",
                                       "seed001-expertise.csv", "seed001-expertise-steps.csv"]
    runs = pd.read_csv(paths[1])
    assert len(runs) == 2 * len(VARIANTS) and set(runs.variant) == set(VARIANTS)
    assert (runs.efficiency <= 1 + 1e-9).all()
    assert runs[runs.variant == "no reputation"].rank_correlation_late.isna().all()
    assert (runs[runs.variant.str.startswith("ring")].ring_share > 0).all()
