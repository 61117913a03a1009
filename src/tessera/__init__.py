"""Tessera: one core dataset, one child identifier and the analyses the CSAE measures need."""

__version__ = "0.1.0"
