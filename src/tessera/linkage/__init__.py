"""Record linkage: which person records, within and across agencies, are the same person.

`link_records` deduplicates one standalone file; `link_warehouse` links every person record
in the warehouse into stable child and person identifiers, with a history of merges and
splits.
"""

from tessera.errors import LinkageError
from tessera.linkage.pipeline import OUTPUT_SCHEMA, Linkage, link_records, run_linkage
from tessera.linkage.settings import DEFAULT_THRESHOLD

__all__ = ["DEFAULT_THRESHOLD", "OUTPUT_SCHEMA", "Linkage", "LinkageError", "link_records",
           "run_linkage"]
