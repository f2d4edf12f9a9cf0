"""Every reproducible figure, by name: a function (out_dir, seed=..., trials=...) -> paths written."""

from reproductions.commons import REPRODUCTIONS as COMMONS
from reproductions.evolution import REPRODUCTIONS as EVOLUTION
from reproductions.hayek_learning import REPRODUCTIONS as HAYEK_LEARNING
from reproductions.information_markets import REPRODUCTIONS as INFORMATION
from reproductions.learning_auctions import REPRODUCTIONS as LEARNING
from reproductions.learning_markets import REPRODUCTIONS as LEARNING_MARKETS
from reproductions.seed000_efficiency import REPRODUCTIONS as SEED000
from reproductions.seed001_debt import REPRODUCTIONS as SEED001_DEBT
from reproductions.seed001_planning import REPRODUCTIONS as SEED001
from reproductions.seed002_stability import REPRODUCTIONS as SEED002

REPRODUCTIONS = {**SEED000, **SEED001, **SEED001_DEBT, **SEED002, **LEARNING, **HAYEK_LEARNING, **LEARNING_MARKETS,
                 **EVOLUTION, **COMMONS, **INFORMATION}
