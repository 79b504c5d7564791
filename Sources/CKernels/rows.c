// SPDX-License-Identifier: GPL-3.0-or-later
// Row broadcasting for the bias of a linear layer: one C loop that the compiler
// vectorises, instead of one memmove call per row (whose fixed cost dominates
// at the small widths of neural-ODE fields).
#include "ckernels.h"

#if defined(__x86_64__) && defined(__clang__)
#define RESODE_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define RESODE_CLONES
#endif

/* no_builtin: clang would turn the inner loop back into one memcpy call per row. */
RESODE_CLONES __attribute__((no_builtin("memcpy")))
void resode_repeat_row(const double *restrict row, double *restrict y, size_t m, size_t n) {
    for (size_t i = 0; i < m; ++i) {
        double *out = y + i * n;
        for (size_t j = 0; j < n; ++j) out[j] = row[j];
    }
}
