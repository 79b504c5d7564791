#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the NumPy-made fixtures that Tests/NumPyIOTests reads back.

Run from any directory:  python3 Tests/NumPyIOTests/Fixtures/make_fixtures.py
The files land next to this script. Every value is a short formula, mirrored in
NumPyFixtureTests.swift, so the tests recompute what to expect instead of
reading it from a second file. All values are exact in binary64.
"""
import os

import numpy as np
from numpy.lib import format as npy_format

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def save_with_version(name, array, version):
    with open(path(name), "wb") as f:
        npy_format.write_array(f, array, version=version)


def main():
    # Row-major float64, the format we also write: read back and byte-compared.
    np.save(path("float64_2d.npy"), np.arange(12, dtype="<f8").reshape(3, 4) * 0.5 - 1.25)
    np.save(path("float64_specials.npy"), np.array(
        [np.nan, np.inf, -np.inf, -0.0, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308], dtype="<f8"))
    np.save(path("float64_scalar.npy"), np.float64(2.75))
    np.save(path("float64_empty.npy"), np.zeros((0, 3), dtype="<f8"))

    # Other dtypes, converted to Float64 on read.
    np.save(path("float32.npy"), (np.arange(6, dtype="<f4") / 8 - 0.25).reshape(2, 3))
    np.save(path("int64.npy"), np.array([-2**53, -1, 0, 1, 2**53, 2**40 + 3], dtype="<i8"))
    np.save(path("int32.npy"), np.array([-2**31, -1, 0, 7, 2**31 - 1], dtype="<i4"))
    np.save(path("uint8.npy"), np.array([0, 1, 127, 128, 255], dtype="|u1"))
    np.save(path("uint64.npy"), np.array([0, 1, 2**53, 2**64 - 1], dtype="<u8"))
    np.save(path("bool.npy"), np.array([True, False, True]))
    np.save(path("float64_big_endian.npy"), (np.arange(5) * 1.5 - 2).astype(">f8"))
    np.save(path("int32_big_endian.npy"), np.array([-70000, -1, 0, 70000], dtype=">i4"))

    # Fortran (column-major) order: the element values equal their row-major index.
    np.save(path("fortran_2d.npy"), np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)))
    np.save(path("fortran_3d.npy"), np.asfortranarray(np.arange(24, dtype="<f8").reshape(2, 3, 4)))
    np.save(path("fortran_4d_int32.npy"), np.asfortranarray(np.arange(12, dtype="<i4").reshape(2, 1, 3, 2)))

    # Header versions 2.0 (4-byte header length) and 3.0 (UTF-8 header).
    save_with_version("version2.npy", np.arange(10, dtype="<f8").reshape(2, 5) - 3, (2, 0))
    save_with_version("version3.npy", np.arange(4, dtype="<f8") * -2, (3, 0))

    # A dtype we do not read.
    np.save(path("complex128.npy"), np.array([1 + 2j, 3 - 4j]))

    # Archives: the same four arrays stored (np.savez) and deflated (np.savez_compressed).
    arrays = dict(
        weights=np.arange(6, dtype="<f8").reshape(2, 3) / 4,
        bias=np.array([0.5, -0.5]),
        step=np.float64(3.0),
        counts=np.array([1, 2, 3], dtype="<i8"),
        transposed=np.asfortranarray(np.arange(6, dtype="<f8").reshape(3, 2)),
    )
    np.savez(path("savez.npz"), **arrays)
    np.savez_compressed(path("savez_compressed.npz"), **arrays)


if __name__ == "__main__":
    main()
