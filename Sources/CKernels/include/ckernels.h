// SPDX-License-Identifier: GPL-3.0-or-later
// Elementwise kernels that Swift's auto-vectoriser cannot produce on its own
// (libm's tanh/exp are scalar calls), and a little run-time introspection.
#ifndef RESODE_CKERNELS_H
#define RESODE_CKERNELS_H
#include <stddef.h>

/// y[i] = tanh(x[i]) for i < n, accurate to a few ulp, NaN in gives NaN out.
/// Branch-free so that it vectorises (AVX-512, AVX2+FMA or baseline variant chosen at the first call).
void resode_vtanh(const double *x, double *y, size_t n);

/// y[i] = exp(x[i]) for i < n, accurate to a few ulp; overflow gives +inf,
/// underflow 0, NaN in gives NaN out.
void resode_vexp(const double *x, double *y, size_t n);

/// g[i] = gy[i] * (1 - y[i]^2): the pullback of tanh, given its output y.
void resode_tanh_backward(const double *y, const double *gy, double *g, size_t n);

/// y[i·n + j] = row[j] for i < m, j < n: a row repeated m times (y must not overlap row).
void resode_repeat_row(const double *row, double *y, size_t m, size_t n);

/// at[j·rows + i] = a[i·columns + j]: the transpose of a row-major rows × columns
/// matrix (at must not overlap a).
void resode_transpose(const double *a, double *at, size_t rows, size_t columns);

/// Path of the shared object that provides `cblas_dgemm` in this process,
/// or NULL when it cannot be told (static link).
const char *resode_dgemm_provider(void);

/// Asks glibc's malloc to keep freed blocks of up to `bytes` for reuse rather
/// than unmapping them (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD). Returns 1 on success,
/// 0 where it does not apply. Tensors of 128 KiB sit exactly at glibc's default
/// mmap threshold, so without this every layer of a training step page-faults.
int resode_retain_freed_memory(long bytes);

#endif
