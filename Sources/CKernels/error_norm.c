// SPDX-License-Identifier: GPL-3.0-or-later
// The step-size control's error norm (Hairer, Nørsett & Wanner, Solving ODEs I, §II.4,
// eq. (4.11)) of an embedded pair's error estimate e = h Σ (b_j − b̂_j) k_j, in one pass:
// the estimate is formed block by block in a small buffer and never stored, and one atol
// per component (the adjoint's augmented state of 2·batch·d + P components) costs no
// index modulo.
#include "error_norm_kernels.h"
#include "cpu_dispatch.h"

enum { BLOCK = 256 }; /* 2 KiB of estimate: stays in L1 between the stage sweeps and the norm */

/* Adds block [start, start + count)'s r² (or max |r|) to *combined and its NaN-poison to
   *poison, overwriting e with r; scalar_atol is a literal at each call, so each inlined
   copy has clean loops. The sum of squares is sequential, in the order of i, so that the
   norm is bit for bit that of a plain loop (the step-size decisions do not change); the
   scaling, the maximum and the poison, which do not depend on the order, run in vector lanes. */
RESODE_ALWAYS_INLINE
void scaled_error_block(double *restrict e, const double *restrict y0, const double *restrict y1, size_t count,
                        const double *restrict atol, int scalar_atol, double rtol, int maximum,
                        double *combined, double *poison) {
#pragma clang fp contract(off) /* atol + rtol·m rounded twice, as Swift does: no fused multiply–add */
    {
#pragma clang fp reassociate(on)
        double bad = *poison;
        for (size_t i = 0; i < count; ++i) bad += y1[i] * 0 + e[i] * 0;
        *poison = bad;
    }
    for (size_t i = 0; i < count; ++i) {
        double a0 = y0[i] < 0 ? -y0[i] : y0[i], a1 = y1[i] < 0 ? -y1[i] : y1[i];
        double scale = (scalar_atol ? atol[0] : atol[i]) + rtol * (a0 > a1 ? a0 : a1);
        double r = e[i] == 0 ? 0 : e[i] / scale;
        e[i] = maximum ? (r < 0 ? -r : r) : r * r;
    }
    if (maximum) {
#pragma clang fp reassociate(on)
        double largest = *combined;
        for (size_t i = 0; i < count; ++i) largest = e[i] > largest ? e[i] : largest;
        *combined = largest;
    } else {
        double sum = *combined;
        for (size_t i = 0; i < count; ++i) sum += e[i];
        *combined = sum;
    }
}

RESODE_ALWAYS_INLINE
void scaled_error_body(const double *const *stages, const double *weights, size_t stage_count,
                       const double *restrict y0, const double *restrict y1, size_t n,
                       const double *restrict atol, size_t atol_count, double rtol, int maximum,
                       double *restrict result) {
    double e[BLOCK];
    double pattern[BLOCK]; /* atol[(start + i) mod atol_count] when atol is neither one value nor one per component */
    int pattern_is_fixed = atol_count > 1 && atol_count < n && BLOCK % atol_count == 0;
    if (pattern_is_fixed)
        for (size_t i = 0; i < BLOCK; ++i) pattern[i] = atol[i % atol_count];
    double combined = 0.0, poison = 0.0; /* poison: NaN if any e or y1 is not finite */
    for (size_t start = 0; start < n; start += BLOCK) {
        size_t count = n - start < BLOCK ? n - start : BLOCK;
        {
#pragma clang fp contract(off)
            /* e = Σ_j w_j k_j in the order of j, as the sequence of axpys it replaces. */
            const double *restrict k0 = stages[0] + start;
            for (size_t i = 0; i < count; ++i) e[i] = weights[0] * k0[i];
            for (size_t j = 1; j < stage_count; ++j) {
                const double *restrict kj = stages[j] + start;
                double w = weights[j];
                for (size_t i = 0; i < count; ++i) e[i] += w * kj[i];
            }
        }
        const double *a;
        if (atol_count == n) {
            a = atol + start;
        } else if (atol_count > 1 && !pattern_is_fixed) {
            for (size_t i = 0; i < count; ++i) pattern[i] = atol[(start + i) % atol_count];
            a = pattern;
        } else {
            a = pattern_is_fixed ? pattern : atol;
        }
        int scalar = atol_count == 1 && n > 1;
        if (maximum) {
            if (scalar) scaled_error_block(e, y0 + start, y1 + start, count, a, 1, rtol, 1, &combined, &poison);
            else scaled_error_block(e, y0 + start, y1 + start, count, a, 0, rtol, 1, &combined, &poison);
        } else {
            if (scalar) scaled_error_block(e, y0 + start, y1 + start, count, a, 1, rtol, 0, &combined, &poison);
            else scaled_error_block(e, y0 + start, y1 + start, count, a, 0, rtol, 0, &combined, &poison);
        }
    }
    *result = combined + poison;
}

RESODE_VARIANTS(resode_scaled_error, scaled_error_body, ,
                (const double *const *stages, const double *weights, size_t stage_count,
                 const double *y0, const double *y1, size_t n,
                 const double *atol, size_t atol_count, double rtol, int maximum, double *result),
                (stages, weights, stage_count, y0, y1, n, atol, atol_count, rtol, maximum, result))
