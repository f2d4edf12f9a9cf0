"""Every reproducible figure, by name: a function (out_dir, seed=..., trials=...) -> paths written."""

from scenarios.seed000_figures import REPRODUCTIONS as SEED000
from scenarios.seed001_debt import REPRODUCTIONS as SEED001_DEBT
from scenarios.seed001_figures import REPRODUCTIONS as SEED001
from scenarios.seed002_figures import REPRODUCTIONS as SEED002

REPRODUCTIONS = {**SEED000, **SEED001, **SEED001_DEBT, **SEED002}
