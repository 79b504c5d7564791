// SPDX-License-Identifier: GPL-3.0-or-later
// Per-channel passes of batch normalisation over an [N, C, S] array (S = the
// product of the spatial sizes, 1 for [N, C]): the batch statistics, the
// normalisation itself and the two channel sums of its backward pass. Each
// reads the array in storage order, one contiguous plane (n, c) of S values at
// a time, and allocates nothing.
#ifndef RESODE_NORMALIZATION_KERNELS_H
#define RESODE_NORMALIZATION_KERNELS_H
#include <stddef.h>

/// mean[c] = (1/m)·Σ_{n,s} x[n,c,s] and variance[c] = (1/m)·Σ_{n,s} (x[n,c,s] − mean[c])²,
/// m = N·S (two passes: the mean first, then the centred squares).
void resode_channel_moments(const double *x, size_t batch, size_t channels, size_t spatial,
                            double *mean, double *variance);

/// y[n,c,s] = ((x[n,c,s] − mean[c])·inverse_deviation[c])·scale[c] + shift[c].
void resode_channel_normalize(const double *x, size_t batch, size_t channels, size_t spatial,
                              const double *mean, const double *inverse_deviation,
                              const double *scale, const double *shift, double *y);

/// sum[c] = Σ_{n,s} g[n,c,s] and weighted[c] = Σ_{n,s} g[n,c,s]·x̂[n,c,s],
/// x̂ = (x − mean[c])·inverse_deviation[c].
void resode_channel_gradient_sums(const double *g, const double *x, size_t batch, size_t channels, size_t spatial,
                                  const double *mean, const double *inverse_deviation,
                                  double *sum, double *weighted);

/// The input cotangent of training-mode batch normalisation (m = N·S):
///   out[n,c,s] = scale[c]·inverse_deviation[c]·(g[n,c,s] − sum[c]/m − x̂[n,c,s]·weighted[c]/m)
/// with sum, weighted from `resode_channel_gradient_sums`.
void resode_batch_normalization_input_gradient(const double *g, const double *x, size_t batch, size_t channels,
                                               size_t spatial, const double *mean, const double *inverse_deviation,
                                               const double *scale, const double *sum, const double *weighted,
                                               double *out);

#endif
