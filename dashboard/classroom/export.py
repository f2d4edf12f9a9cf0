"""A class session's files, rewritten whole (atomically) every time a round closes, so that
a crash or a restart loses no finished round.

In the session's folder: ``rounds.csv`` and ``rounds.parquet`` (one row per seat per round),
``summary.csv`` (one row per seat), ``ledger.csv`` (every ledger entry of the session's model)
and ``session.json`` (the scenario, its parameters and the session's settings).
"""

import json
import os
from pathlib import Path

import pandas as pd

#: The columns of rounds.csv, in order.
ROUND_COLUMNS = ("round", "seat", "nickname", "role", "player", "strategy", "value", "order", "allocation",
                 "payment", "profit", "wallet_change", "wallet", "price")


def _replace(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def summary(rounds: pd.DataFrame) -> pd.DataFrame:
    """One row per seat: rounds played by a person and by a bot, total profit, last wallet."""
    if rounds.empty:
        return pd.DataFrame(columns=["seat", "nickname", "role", "human_rounds", "bot_rounds", "profit", "wallet"])
    human = rounds.player.isin(["human", "none"])
    grouped = rounds.assign(human=human, bot=~human).groupby("seat", sort=True)
    return pd.DataFrame({
        "nickname": grouped.nickname.last(), "role": grouped.role.last(),
        "human_rounds": grouped.human.sum(), "bot_rounds": grouped.bot.sum(),
        "profit": grouped.profit.sum(), "wallet": grouped.wallet.last(),
    }).reset_index()


def write(folder: Path, rows: list[dict], meta: dict, ledger: pd.DataFrame) -> dict[str, Path]:
    """Write every file of the session; return their paths by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    rounds = pd.DataFrame(rows, columns=list(ROUND_COLUMNS))
    paths = {kind: folder / name for kind, name in (("csv", "rounds.csv"), ("parquet", "rounds.parquet"),
                                                    ("summary", "summary.csv"), ("ledger", "ledger.csv"),
                                                    ("meta", "session.json"))}
    _replace(paths["csv"], lambda p: rounds.to_csv(p, index=False))
    _replace(paths["parquet"], lambda p: rounds.to_parquet(p, index=False))
    _replace(paths["summary"], lambda p: summary(rounds).to_csv(p, index=False))
    _replace(paths["ledger"], lambda p: ledger.to_csv(p, index=False))
    _replace(paths["meta"], lambda p: p.write_text(json.dumps(meta, indent=2, default=str)))
    return paths
