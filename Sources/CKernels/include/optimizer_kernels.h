// SPDX-License-Identifier: GPL-3.0-or-later
// Fused in-place optimiser updates: one pass over the parameter, its gradient and
// the optimiser's state, where separate tensor operations would make several passes
// and allocate temporaries. Every product and sum is rounded as written (no FMA
// contraction), so each variant gives the same bits.
#ifndef RESODE_OPTIMIZER_KERNELS_H
#define RESODE_OPTIMIZER_KERNELS_H
#include <stddef.h>

/// The scalars of one Adam step (Kingma & Ba 2015, Algorithm 1, with L2 or decoupled decay).
typedef struct {
    double beta1, beta2;          /* moment decay rates β₁, β₂ */
    double first_correction;      /* 1 / (1 − β₁ᵗ) */
    double second_correction;     /* 1 / (1 − β₂ᵗ) */
    double learning_rate;         /* η */
    double epsilon;               /* ε */
    double l2;                    /* λ added to the gradient (0 without L2 decay) */
    double shrink;                /* 1 − η·λ_decoupled (1 without decoupled decay) */
} resode_adam_coefficients;

/// For i < n:  gᵢ' = g[i] + l2·θ[i];  m[i] = β₁m[i] + (1 − β₁)gᵢ';  v[i] = β₂v[i] + ((1 − β₂)gᵢ')gᵢ';
///             θ[i] = shrink·θ[i] − (η·m[i]·c₁) / (√(v[i]·c₂) + ε).
/// theta, m and v are updated in place and must not overlap each other or g.
void resode_adam_update(double *theta, const double *g, double *m, double *v, size_t n,
                        resode_adam_coefficients c);

/// For i < n:  gᵢ' = g[i] + l2·θ[i];  θ[i] = shrink·θ[i] − η·gᵢ'   (plain SGD).
void resode_sgd_update(double *theta, const double *g, size_t n, double learning_rate, double l2, double shrink);

/// For i < n:  gᵢ' = g[i] + l2·θ[i];  v[i] = μ·v[i] + gᵢ';  d = nesterov ? gᵢ' + μ·v[i] : v[i];
///             θ[i] = shrink·θ[i] − η·d   (SGD with heavy-ball or Nesterov momentum, PyTorch's form).
void resode_sgd_momentum_update(double *theta, const double *g, double *velocity, size_t n, double learning_rate,
                                double momentum, int nesterov, double l2, double shrink);

#endif
