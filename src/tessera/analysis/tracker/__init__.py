"""The recommendations tracker's indicators drawn from the warehouse (see docs/tracker.md)."""

from tessera.analysis.tracker.indicators import warehouse_indicators

__all__ = ["warehouse_indicators"]
