// SPDX-License-Identifier: GPL-3.0-or-later
// The error measure of an adaptive Runge–Kutta step, in one pass over the state.
#ifndef RESODE_ERROR_NORM_KERNELS_H
#define RESODE_ERROR_NORM_KERNELS_H
#include <stddef.h>

/// The scaled local error of a step from y0 to y1 whose error estimate is the
/// combination e = Σ_j weights[j] · stages[j] of stage_count vectors (accumulated
/// in the order of j, never stored), over n components:
///
///     s_i = atol[i mod atol_count] + rtol · max(|y0_i|, |y1_i|),   r_i = e_i / s_i  (0 when e_i = 0)
///
/// result[0] = Σ r_i² when maximum == 0, max |r_i| otherwise (the caller takes the root of
/// the mean); NaN when any e_i or y1_i is NaN or infinite (a scale of +inf or the max would
/// hide it). atol_count must be at least 1 and divide n; stage_count at least 1. The sum
/// over i is sequential, in the order of i: the result is bit for bit that of a plain
/// loop computing e by axpys and then the norm.
void resode_scaled_error(const double *const *stages, const double *weights, size_t stage_count,
                         const double *y0, const double *y1, size_t n,
                         const double *atol, size_t atol_count, double rtol, int maximum, double *result);

#endif
