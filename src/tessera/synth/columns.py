"""Arrow string columns from the generator's arrays: the last step before a file is written.

Why all text: extracts are text (CSV) or all-string Parquet, exactly what an agency sends, so
dates are 'YYYY-MM-DD', booleans 'true'/'false', codes their code list spelling, and anything
missing is null (an empty cell in CSV).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tessera.synth.calibration import NO_DATE


def coded(index: np.ndarray, vocabulary: Sequence[str]) -> pa.Array:
    """The text of each index into `vocabulary`; -1 is null."""
    index = np.asarray(index, dtype=np.int32)
    indices = pa.array(index, mask=index < 0, type=pa.int32())
    dictionary = pa.array(list(vocabulary), type=pa.string())
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())


def constant(value: str, n: int) -> pa.Array:
    """One value repeated `n` times."""
    return coded(np.zeros(n, dtype=np.int32), [value])


def text(values: np.ndarray) -> pa.Array:
    """Object array of str (None for missing) as a string column."""
    return pa.array(values, type=pa.string())


def dates(days: np.ndarray) -> pa.Array:
    """Day numbers as ISO dates; NO_DATE is null."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == NO_DATE
    values = pa.array(np.where(missing, 0, days).astype("datetime64[D]"), mask=missing)
    return values.cast(pa.string())


def booleans(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """'true' / 'false', null where `missing`."""
    index = np.asarray(values, dtype=np.int32)
    if missing is not None:
        index = np.where(missing, -1, index)
    return coded(index, ["false", "true"])


def integers(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """Whole numbers as text, null where `missing`."""
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64), mask=missing), pa.string())


def identifiers(prefix: str, serial: np.ndarray, width: int = 9) -> pa.Array:
    """Record ids: `prefix` then the zero-padded serial."""
    padded = pc.utf8_lpad(pc.cast(pa.array(np.asarray(serial, dtype=np.int64)), pa.string()),
                          width=width, padding="0")
    return pc.binary_join_element_wise(prefix, padded, "")


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string columns (or constants) row by row; null if any part is null."""
    return pc.binary_join_element_wise(*parts, "")
