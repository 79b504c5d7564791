// SPDX-License-Identifier: GPL-3.0-or-later
// The rectified linear unit and its derivative, one vectorised pass each.
#ifndef RESODE_RECTIFIER_KERNELS_H
#define RESODE_RECTIFIER_KERNELS_H
#include <stddef.h>

/// y[i] = max(x[i], 0) for i < n; NaN stays NaN.
void resode_relu(const double *x, double *y, size_t n);

/// g[i] = gy[i] · [y[i] > 0]: the pullback (and tangent map) of relu, read from its
/// output y (y > 0 exactly where x > 0). A product, not a select, so that an infinite
/// or NaN cotangent behaves as it does in gy ⊙ mask.
void resode_relu_backward(const double *y, const double *gy, double *g, size_t n);

#endif
