"""Arrow arrays built from buffers, without `pyarrow.array`.

Why: `pyarrow.array` first asks whether its input is a pandas object, and asking imports
pandas (0.2 s of processor time, during which an ingest's reading threads wait on the import
lock). Ingest needs no pandas, so the arrays it builds itself (row numbers, file indexes)
are made from their buffers here.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def numbers(values: np.ndarray) -> pa.Array:
    """An Arrow array of a one-dimensional numpy array of integers, sharing its memory."""
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values),
                                 [None, pa.py_buffer(values)])
