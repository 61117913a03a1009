"""The core dataset, defined once: entities, fields, rules and code lists.

Validation, warehouse tables, the data dictionary and the synthetic generator all follow
from `definition.ENTITIES` and the CSV code lists beside it.
"""

from tessera.dataset.codelists import CodeList, codelist
from tessera.dataset.definition import ENTITIES, Entity, Field, entity

__all__ = ["ENTITIES", "CodeList", "Entity", "Field", "codelist", "entity"]
