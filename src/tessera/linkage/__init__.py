"""Record linkage: which person records, within and across agencies, are the same person.

This first slice deduplicates one standalone file (`link_records`); warehouse-wide person and
child ids build on it.
"""

from tessera.errors import LinkageError
from tessera.linkage.settings import DEFAULT_THRESHOLD
from tessera.linkage.standalone import OUTPUT_SCHEMA, link_records

__all__ = ["DEFAULT_THRESHOLD", "OUTPUT_SCHEMA", "LinkageError", "link_records"]
