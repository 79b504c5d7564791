// SPDX-License-Identifier: GPL-3.0-or-later
// relu and its pullback (see rectifier_kernels.h), each one branch-free loop in the
// instruction-set variants of cpu_dispatch.h.
#include "rectifier_kernels.h"
#include "cpu_dispatch.h"

RESODE_ALWAYS_INLINE void relu_body(const double *restrict x, double *restrict y, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        const double v = x[i];
        y[i] = (v > 0 || v != v) ? v : 0.0;
    }
}

RESODE_ALWAYS_INLINE void relu_backward_body(const double *restrict y, const double *restrict gy, double *restrict g,
                                             size_t n) {
    for (size_t i = 0; i < n; ++i) g[i] = gy[i] * (y[i] > 0 ? 1.0 : 0.0);
}

RESODE_VARIANTS(resode_relu, relu_body, , (const double *restrict x, double *restrict y, size_t n), (x, y, n))
RESODE_VARIANTS(resode_relu_backward, relu_backward_body, ,
                (const double *restrict y, const double *restrict gy, double *restrict g, size_t n), (y, gy, g, n))
