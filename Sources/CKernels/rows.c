// SPDX-License-Identifier: GPL-3.0-or-later
// Row broadcasting for the bias of a linear layer (one C loop that the compiler
// vectorises, instead of one memmove call per row, whose fixed cost dominates
// at the small widths of neural-ODE fields), and the weight transpose that lets
// OpenBLAS take its small-matrix kernels.
#include "ckernels.h"
#include "cpu_dispatch.h"

/* no_builtin: clang would turn the inner loop back into one memcpy call per row. */
RESODE_ALWAYS_INLINE __attribute__((no_builtin("memcpy")))
void repeat_row_body(const double *restrict row, double *restrict y, size_t m, size_t n) {
    for (size_t i = 0; i < m; ++i) {
        double *out = y + i * n;
        for (size_t j = 0; j < n; ++j) out[j] = row[j];
    }
}

RESODE_ALWAYS_INLINE
void transpose_body(const double *restrict a, double *restrict at, size_t rows, size_t columns) {
    /* Blocks of 8×8 keep both the reads and the writes within a few cache lines. */
    for (size_t i0 = 0; i0 < rows; i0 += 8) {
        size_t i1 = i0 + 8 < rows ? i0 + 8 : rows;
        for (size_t j0 = 0; j0 < columns; j0 += 8) {
            size_t j1 = j0 + 8 < columns ? j0 + 8 : columns;
            for (size_t i = i0; i < i1; ++i)
                for (size_t j = j0; j < j1; ++j) at[j * rows + i] = a[i * columns + j];
        }
    }
}

RESODE_VARIANTS(resode_repeat_row, repeat_row_body, __attribute__((no_builtin("memcpy"))),
                (const double *restrict row, double *restrict y, size_t m, size_t n), (row, y, m, n))
RESODE_VARIANTS(resode_transpose, transpose_body, ,
                (const double *restrict a, double *restrict at, size_t rows, size_t columns), (a, at, rows, columns))
