"""The commons reproductions, small: the files they write and the claims they measure."""

import pandas as pd

from reproductions import REPRODUCTIONS


def test_public_goods_claims_small(tmp_path):
    from reproductions.commons import DAC_SETTINGS, SETTINGS, public_goods_claims

    paths = public_goods_claims(tmp_path, seed=2, trials=2, rounds=40, settings={"truthful": SETTINGS["truthful"]},
                                free_rider_shares=(0.0, 0.3), dac_settings={"unanimity": DAC_SETTINGS["unanimity"]})
    assert [p.name for p in paths] == ["public-goods-claims.png", "public-goods-runs.csv", "public-goods-claims.csv"]
    assert (tmp_path / "public-goods-claims.png").read_bytes()[:4] == b"\x89PNG"
    summary = pd.read_csv(tmp_path / "public-goods-claims.csv")
    pick = summary.set_index(["study", "setting", "mechanism", "metric"])["mean"]
    # Exact claims hold in every run, however few: Clarke and truthful assurance decide as the optimum,
    # truth beats every random misreport under Clarke, assurance takes nothing for a good it does not build.
    for mechanism in ("assurance", "clarke"):
        assert pick["mechanisms", "truthful", mechanism, "wrong_decisions"] == 0
    assert pick["mechanisms", "truthful", "clarke", "misreport_gain_max"] <= 1e-9
    assert pick["mechanisms", "truthful", "assurance", "paid_unbuilt"] == 0
    assert pick["dominant assurance, values U[4, 10]", "unanimity", "dominant-assurance", "dominance_violations"] == 0
    runs = pd.read_csv(tmp_path / "public-goods-runs.csv")
    assert len(runs) == 2 * (4 + 2 * 2 + 1)
    shares = pick.loc["free riders"]
    assert shares["30% free riders", "voluntary", "provision"] < shares["0% free riders", "voluntary", "provision"]


def test_harberger_tradeoff_small(tmp_path):
    from reproductions.commons import best_rates, harberger_tradeoff

    paths = harberger_tradeoff(tmp_path, seed=1, trials=2, tax_rates=(0.0, 0.5), turnovers=(0.2,), periods=60,
                               burn_in=10)
    assert [p.name for p in paths] == ["harberger-tradeoff.png", "harberger-tradeoff-runs.csv",
                                       "harberger-tradeoff.csv"]
    summary = pd.read_csv(tmp_path / "harberger-tradeoff.csv")
    table = summary[~summary.metric.str.endswith("minus untaxed")].pivot(index="tax_rate", columns="metric",
                                                                         values="mean")
    assert table.investment_ratio[0.0] > table.investment_ratio[0.5]        # the tax weakens maintenance
    assert table.assessment_ratio[0.0] > 1 > table.assessment_ratio[0.5]    # mark-up without it, under-assessment with
    paired = summary[summary.metric == "investment_ratio minus untaxed"]
    assert len(paired) == 1 and paired["mean"].iloc[0] < 0
    assert set(best_rates(summary).columns) == {"turnover", "best_for_allocation", "best_for_welfare", "predicted"}
    assert {"public-goods-claims", "harberger-tradeoff"} <= set(REPRODUCTIONS)
