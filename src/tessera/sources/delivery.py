"""A delivery: the files given to one ingest, each read by the source its content calls for.

Why by content and not by name: a local authority sends its CIN census return under whatever
name its case system gives it, and may send it in the same folder as core-dataset extracts.
What a file holds is told from its first bytes: XML (a `<` first) is a CIN census return,
anything else a core-dataset extract (CSV, or Parquet by its magic number), whose entity its
name gives. A CIN return holds two entities (children and their episodes), so a delivery is
read entity by entity, and a file's extracts for later entities wait until their turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tessera.dataset import ENTITIES, Entity
from tessera.errors import UnreadableFileError
from tessera.sources.cin_xml import CIN_ENTITIES, read_cin_census
from tessera.sources.core_files import Extract, entity_for_file, read_extract

FOLDER_SUFFIXES = (".csv", ".parquet", ".xml")
"""Files taken from a folder; a file named on the command line is taken whatever its name."""
READ_THREADS = 4
SNIFF_BYTES = 512
_UTF8_BOM = b"\xef\xbb\xbf"
Format = Literal["cin_xml", "extract"]


@dataclass(frozen=True)
class DeliveryFile:
    """One file of a delivery: what its content says it is, and the entities it holds."""

    path: Path
    format: Format
    entities: tuple[Entity, ...]

    @classmethod
    def describe(cls, path: Path) -> DeliveryFile:
        """Tell a file's format from its first bytes, and its entities from that."""
        if file_format(path) == "cin_xml":
            return cls(path, "cin_xml", CIN_ENTITIES)
        return cls(path, "extract", (entity_for_file(path),))

    def read(self) -> tuple[Extract, ...]:
        """Read the file into one extract per entity it holds."""
        if self.format == "cin_xml":
            return read_cin_census(self.path)
        return (read_extract(self.path),)


def file_format(path: Path) -> Format:
    """'cin_xml' when the file starts (after a byte order mark and blanks) with `<`."""
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    return "cin_xml" if head.removeprefix(_UTF8_BOM).lstrip().startswith(b"<") else "extract"


@dataclass(frozen=True)
class Delivery:
    """The files of one delivery, read one entity at a time, referenced entities first.

    Entities come in the definition's order, so a loader meets a party's offence and person
    before the party; reading is lazy so only about one entity's files are in memory at once.
    """

    members: tuple[DeliveryFile, ...]

    @classmethod
    def find(cls, paths: Iterable[Path]) -> Delivery:
        """Every file under `paths`, its format and entities told, in load order."""
        order = [e.name for e in ENTITIES]
        members = [DeliveryFile.describe(p) for p in find_delivery_files(paths)]
        return cls(tuple(sorted(members, key=lambda m: (order.index(m.entities[0].name),
                                                        str(m.path)))))

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file of the delivery, in load order."""
        return tuple(m.path for m in self.members)

    def entity_groups(self, on_file: Callable[[Path], None] | None = None
                      ) -> Iterator[tuple[Entity, list[Extract]]]:
        """Yield each entity with its files read; `on_file` is told as each file is taken.

        Files are read by a few threads at once: Arrow parses without holding the GIL, and a
        national delivery is about a thousand small files. The next entity's files are read
        while the caller loads this one's (the warehouse, too, works without the GIL), so
        reading overlaps loading; about two entities' files are in memory at once. A file is
        read at its first entity's turn; its extracts of later entities are held until theirs.
        """
        due = {e.name: [m for m in self.members if m.entities[0].name == e.name]
               for e in ENTITIES}
        held: dict[str, list[Extract]] = {}
        with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
            upcoming = pool.map(DeliveryFile.read, due[ENTITIES[0].name])
            for entity, following in zip(ENTITIES, [*ENTITIES[1:], None], strict=True):
                reads = upcoming
                if following is not None:
                    upcoming = pool.map(DeliveryFile.read, due[following.name])
                for extracts in reads:
                    if on_file:
                        on_file(extracts[0].path)
                    for extract in extracts:
                        held.setdefault(extract.entity.name, []).append(extract)
                group = sorted(held.pop(entity.name, []), key=lambda e: str(e.path))
                if group:
                    yield entity, group


def find_delivery_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the files inside them that a delivery reads, in a stable order.

    A path that does not exist is an error rather than nothing to do, so a typo in a
    folder name cannot pass for an empty delivery.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*")
                                if p.suffix.lower() in FOLDER_SUFFIXES and p.is_file()))
        elif path.exists():
            found.append(path)
        else:
            raise UnreadableFileError(f"{path}: no such file or folder")
    return found
