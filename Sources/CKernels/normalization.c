// SPDX-License-Identifier: GPL-3.0-or-later
// Batch-normalisation passes over [N, C, S] arrays (see normalization_kernels.h).
// The inner loops run along one contiguous plane of S values; the reductions keep
// four partial sums so that they vectorise without -ffast-math.
#include "normalization_kernels.h"

static double plane_sum(const double *restrict p, size_t n) {
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) { a0 += p[i]; a1 += p[i + 1]; a2 += p[i + 2]; a3 += p[i + 3]; }
    for (; i < n; ++i) a0 += p[i];
    return (a0 + a1) + (a2 + a3);
}

static double plane_centered_squares(const double *restrict p, size_t n, double mean) {
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        double d0 = p[i] - mean, d1 = p[i + 1] - mean, d2 = p[i + 2] - mean, d3 = p[i + 3] - mean;
        a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3;
    }
    for (; i < n; ++i) { double d = p[i] - mean; a0 += d * d; }
    return (a0 + a1) + (a2 + a3);
}

void resode_channel_moments(const double *x, size_t batch, size_t channels, size_t spatial,
                            double *mean, double *variance) {
    const double m = (double)(batch * spatial);
    for (size_t c = 0; c < channels; ++c) {
        double s = 0;
        for (size_t n = 0; n < batch; ++n) s += plane_sum(x + (n * channels + c) * spatial, spatial);
        const double mu = m > 0 ? s / m : 0;
        double q = 0;
        for (size_t n = 0; n < batch; ++n) q += plane_centered_squares(x + (n * channels + c) * spatial, spatial, mu);
        mean[c] = mu;
        variance[c] = m > 0 ? q / m : 0;
    }
}

void resode_channel_normalize(const double *restrict x, size_t batch, size_t channels, size_t spatial,
                              const double *mean, const double *inverse_deviation,
                              const double *scale, const double *shift, double *restrict y) {
    for (size_t n = 0; n < batch; ++n)
        for (size_t c = 0; c < channels; ++c) {
            const double mu = mean[c], r = inverse_deviation[c], a = scale[c], b = shift[c];
            const double *restrict in = x + (n * channels + c) * spatial;
            double *restrict out = y + (n * channels + c) * spatial;
            for (size_t s = 0; s < spatial; ++s) out[s] = ((in[s] - mu) * r) * a + b;
        }
}

void resode_channel_gradient_sums(const double *restrict g, const double *restrict x, size_t batch, size_t channels,
                                  size_t spatial, const double *mean, const double *inverse_deviation,
                                  double *sum, double *weighted) {
    for (size_t c = 0; c < channels; ++c) {
        const double mu = mean[c], r = inverse_deviation[c];
        double s = 0, w = 0;
        for (size_t n = 0; n < batch; ++n) {
            const double *restrict gp = g + (n * channels + c) * spatial;
            const double *restrict xp = x + (n * channels + c) * spatial;
            double s0 = 0, s1 = 0, w0 = 0, w1 = 0;
            size_t i = 0;
            for (; i + 2 <= spatial; i += 2) {
                s0 += gp[i]; s1 += gp[i + 1];
                w0 += gp[i] * ((xp[i] - mu) * r); w1 += gp[i + 1] * ((xp[i + 1] - mu) * r);
            }
            for (; i < spatial; ++i) { s0 += gp[i]; w0 += gp[i] * ((xp[i] - mu) * r); }
            s += s0 + s1;
            w += w0 + w1;
        }
        sum[c] = s;
        weighted[c] = w;
    }
}

void resode_batch_normalization_input_gradient(const double *restrict g, const double *restrict x, size_t batch,
                                               size_t channels, size_t spatial, const double *mean,
                                               const double *inverse_deviation, const double *scale,
                                               const double *sum, const double *weighted, double *restrict out) {
    const double m = (double)(batch * spatial);
    for (size_t n = 0; n < batch; ++n)
        for (size_t c = 0; c < channels; ++c) {
            const double mu = mean[c], r = inverse_deviation[c];
            const double k = scale[c] * r, meanGradient = sum[c] / m, meanWeighted = weighted[c] / m;
            const double *restrict gp = g + (n * channels + c) * spatial;
            const double *restrict xp = x + (n * channels + c) * spatial;
            double *restrict o = out + (n * channels + c) * spatial;
            for (size_t s = 0; s < spatial; ++s)
                o[s] = k * (gp[s] - meanGradient - ((xp[s] - mu) * r) * meanWeighted);
        }
}
