"""The warehouse: an embedded DuckDB file with an identity zone, a pseudonymous analysis zone,
reference code lists and the record of every batch and rejection."""
