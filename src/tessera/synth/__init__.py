"""Synthetic agency extracts for a national year, calibrated to published figures.

`generate` writes what police forces, children's social care, health and schools would send
(core dataset v1), with ground truth kept apart: who each record really is, each offence's
audit category, and which rows were broken on purpose. Everything is drawn from a seed; no real
person's data is used or produced.
"""

from tessera.synth.generator import SynthSummary, generate

__all__ = ["SynthSummary", "generate"]
