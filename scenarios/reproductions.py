"""Every reproducible figure, by name: a function (out_dir, seed=..., trials=...) -> paths written."""

from scenarios.seed000_figures import REPRODUCTIONS as SEED000
from scenarios.seed001_figures import REPRODUCTIONS as SEED001

REPRODUCTIONS = {**SEED000, **SEED001}
