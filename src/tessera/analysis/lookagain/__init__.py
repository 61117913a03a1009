"""The look-again list (M8): closed group-based cases ranked by new linked evidence since they
closed, each with its evidence trail and the eligibility rules it meets."""

from tessera.analysis.lookagain.results import Case, Contribution, Evidence, LookAgainResult
from tessera.analysis.lookagain.rules import EligibilityRules, load_rules
from tessera.analysis.lookagain.service import (
    Community,
    look_again_warehouse,
    network_communities,
    run_look_again,
)
from tessera.analysis.lookagain.weights import FEATURES, FeatureWeight, load_weights

__all__ = [
    "FEATURES", "Case", "Community", "Contribution", "EligibilityRules", "Evidence",
    "FeatureWeight", "LookAgainResult", "load_rules", "load_weights", "look_again_warehouse",
    "network_communities", "run_look_again",
]
