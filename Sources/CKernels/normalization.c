// SPDX-License-Identifier: GPL-3.0-or-later
// Batch-normalisation passes over [N, C, S] arrays (see normalization_kernels.h).
// The inner loops run along one contiguous plane of S values; the reductions keep
// four partial sums so that they vectorise without -ffast-math; each kernel comes in
// the instruction-set variants of cpu_dispatch.h.
#include "normalization_kernels.h"
#include "cpu_dispatch.h"

RESODE_ALWAYS_INLINE double plane_sum(const double *restrict p, size_t n) {
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) { a0 += p[i]; a1 += p[i + 1]; a2 += p[i + 2]; a3 += p[i + 3]; }
    for (; i < n; ++i) a0 += p[i];
    return (a0 + a1) + (a2 + a3);
}

RESODE_ALWAYS_INLINE double plane_centered_squares(const double *restrict p, size_t n, double mean) {
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        double d0 = p[i] - mean, d1 = p[i + 1] - mean, d2 = p[i + 2] - mean, d3 = p[i + 3] - mean;
        a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3;
    }
    for (; i < n; ++i) { double d = p[i] - mean; a0 += d * d; }
    return (a0 + a1) + (a2 + a3);
}

RESODE_ALWAYS_INLINE void channel_moments_body(const double *x, size_t batch, size_t channels, size_t spatial,
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

RESODE_ALWAYS_INLINE void channel_normalize_body(const double *restrict x, size_t batch, size_t channels, size_t spatial,
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

RESODE_ALWAYS_INLINE void channel_gradient_sums_body(const double *restrict g, const double *restrict x, size_t batch, size_t channels,
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

RESODE_ALWAYS_INLINE void batch_normalization_input_gradient_body(const double *restrict g, const double *restrict x, size_t batch,
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

RESODE_VARIANTS(resode_channel_moments, channel_moments_body, ,
                (const double *x, size_t batch, size_t channels, size_t spatial, double *mean, double *variance),
                (x, batch, channels, spatial, mean, variance))
RESODE_VARIANTS(resode_channel_normalize, channel_normalize_body, ,
                (const double *x, size_t batch, size_t channels, size_t spatial, const double *mean,
                 const double *inverse_deviation, const double *scale, const double *shift, double *y),
                (x, batch, channels, spatial, mean, inverse_deviation, scale, shift, y))
RESODE_VARIANTS(resode_channel_gradient_sums, channel_gradient_sums_body, ,
                (const double *g, const double *x, size_t batch, size_t channels, size_t spatial, const double *mean,
                 const double *inverse_deviation, double *sum, double *weighted),
                (g, x, batch, channels, spatial, mean, inverse_deviation, sum, weighted))
RESODE_VARIANTS(resode_batch_normalization_input_gradient, batch_normalization_input_gradient_body, ,
                (const double *g, const double *x, size_t batch, size_t channels, size_t spatial, const double *mean,
                 const double *inverse_deviation, const double *scale, const double *sum, const double *weighted,
                 double *out),
                (g, x, batch, channels, spatial, mean, inverse_deviation, scale, sum, weighted, out))
