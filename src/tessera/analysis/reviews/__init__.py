"""Review requests (M8): the closed offences in the warehouse a victim's request may be about."""

from tessera.analysis.reviews.service import find_closed_cases

__all__ = ["find_closed_cases"]
