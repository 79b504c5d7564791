// SPDX-License-Identifier: GPL-3.0-or-later
// Fused optimiser updates (see optimizer_kernels.h). Memory-bound at training sizes:
// one read of θ, g and the state and one write of θ and the state per element.
#include "optimizer_kernels.h"
#include "cpu_dispatch.h"
#include <math.h>

/* Rounded as written: with contraction the x86-64-v3/v4 variants would fuse products
   into FMAs and give other bits than the baseline variant (and than the Swift loops
   these kernels replaced). */
#pragma clang fp contract(off)

/* √x without errno handling (x ≥ 0 or NaN here), so that the loop vectorises. */
#if __has_builtin(__builtin_elementwise_sqrt)
#define RESODE_SQRT(x) __builtin_elementwise_sqrt(x)
#else
#define RESODE_SQRT(x) sqrt(x)
#endif

RESODE_ALWAYS_INLINE void adam_body(double *restrict theta, const double *restrict g, double *restrict m,
                                    double *restrict v, size_t n, resode_adam_coefficients c) {
    const double b1 = c.beta1, b2 = c.beta2, a1 = 1.0 - c.beta1, a2 = 1.0 - c.beta2;
    for (size_t i = 0; i < n; ++i) {
        double gi = g[i] + c.l2 * theta[i];
        double mi = b1 * m[i] + a1 * gi;
        double vi = b2 * v[i] + a2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        double m_hat = mi * c.first_correction;
        double v_hat = vi * c.second_correction;
        theta[i] = c.shrink * theta[i] - c.learning_rate * m_hat / (RESODE_SQRT(v_hat) + c.epsilon);
    }
}

RESODE_ALWAYS_INLINE void sgd_body(double *restrict theta, const double *restrict g, size_t n, double eta,
                                   double l2, double shrink) {
    for (size_t i = 0; i < n; ++i) {
        double gi = g[i] + l2 * theta[i];
        theta[i] = shrink * theta[i] - eta * gi;
    }
}

RESODE_ALWAYS_INLINE void sgd_momentum_body(double *restrict theta, const double *restrict g, double *restrict velocity,
                                            size_t n, double eta, double mu, int nesterov, double l2, double shrink) {
    for (size_t i = 0; i < n; ++i) {
        double gi = g[i] + l2 * theta[i];
        double vi = mu * velocity[i] + gi;
        velocity[i] = vi;
        double d = nesterov ? gi + mu * vi : vi;
        theta[i] = shrink * theta[i] - eta * d;
    }
}

RESODE_VARIANTS(resode_adam_update, adam_body, ,
                (double *theta, const double *g, double *m, double *v, size_t n, resode_adam_coefficients c),
                (theta, g, m, v, n, c))
RESODE_VARIANTS(resode_sgd_update, sgd_body, ,
                (double *theta, const double *g, size_t n, double learning_rate, double l2, double shrink),
                (theta, g, n, learning_rate, l2, shrink))
RESODE_VARIANTS(resode_sgd_momentum_update, sgd_momentum_body, ,
                (double *theta, const double *g, double *velocity, size_t n, double learning_rate, double momentum,
                 int nesterov, double l2, double shrink),
                (theta, g, velocity, n, learning_rate, momentum, nesterov, l2, shrink))
