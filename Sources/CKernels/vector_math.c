// SPDX-License-Identifier: GPL-3.0-or-later
// Vectorisable tanh and exp.
//
// Variants for AVX-512 (x86-64-v4), AVX2+FMA (x86-64-v3) and baseline x86-64 are
// chosen at the first call (cpu_dispatch.h).
//
// exp(y) = 2^k · exp(r),   k = round(y / ln 2),   r = y − k·ln 2  (|r| ≤ ln2/2),
// with exp(r) − 1 from its Taylor polynomial of degree 13 (truncation
// error < 1e-17 on |r| ≤ 0.35) and ln 2 split in two parts (Cody–Waite) so
// that r is exact. expm1 is kept separate so that tanh near 0 keeps its
// relative accuracy:
//     tanh(x) = −sign(x) · e / (e + 2),   e = expm1(−2|x|) ∈ (−1, 0].
#include "ckernels.h"
#include "cpu_dispatch.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

static const double LOG2E = 1.4426950408889634074;
static const double LN2_HI = 6.93147180369123816490e-01; /* high bits of ln 2 */
static const double LN2_LO = 1.90821492927058770002e-10; /* ln 2 − LN2_HI */
static const double SHIFTER = 6755399441055744.0;        /* 1.5·2^52: rounds to integer */

/* expm1(r) for |r| <= ln2/2 by Horner on the Taylor series. */
RESODE_ALWAYS_INLINE double expm1_reduced(double r) {
    double p = 1.0 / 6227020800.0;          /* 1/13! */
    p = p * r + 1.0 / 479001600.0;          /* 1/12! */
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    return r + r * r * p;
}

/* 2^k for integer-valued k in [-1022, 1023], built from the exponent bits. k must be
   finite and in range (converting NaN or an out-of-range double to an integer is undefined
   behaviour): callers clamp their argument so that NaN never reaches here. */
RESODE_ALWAYS_INLINE double pow2_int(double k) {
    int64_t bits = ((int64_t)k + 1023) << 52;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* expm1(y) for y in [-40, 0]: the only range tanh needs. */
RESODE_ALWAYS_INLINE double expm1_nonpositive(double y) {
    double kd = (y * LOG2E + SHIFTER) - SHIFTER;
    double r = (y - kd * LN2_HI) - kd * LN2_LO;
    double em = expm1_reduced(r);
    double s = pow2_int(kd);
    /* 2^k (1 + em) − 1, arranged so that k = 0 gives em exactly. */
    return (s - 1.0) + s * em;
}

RESODE_ALWAYS_INLINE void vtanh_body(const double *x, double *y, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        double xi = x[i];
        double a = fabs(xi);
        a = a < 20.0 ? a : 20.0; /* tanh(20) = 1 to double precision */
        double e = expm1_nonpositive(-2.0 * a);
        double t = -e / (e + 2.0);
        t = copysign(t, xi);
        y[i] = (xi == xi) ? t : xi;
    }
}

RESODE_ALWAYS_INLINE void vexp_body(const double *x, double *y, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        double xi = x[i];
        /* Clamp to where 2^k splits into two normal factors; the result
           saturates to inf / 0 outside, as exp does. Written so that NaN (for which
           every comparison is false) is clamped too, keeping pow2_int's argument finite;
           the NaN is put back at the end. */
        double c = xi <= 709.8 ? xi : 709.8;
        c = c >= -745.2 ? c : -745.2;
        double kd = (c * LOG2E + SHIFTER) - SHIFTER;
        double r = (c - kd * LN2_HI) - kd * LN2_LO;
        double p = 1.0 + expm1_reduced(r);
        /* Split 2^k = 2^k1 · 2^k2 so that neither factor over/underflows. */
        double k1 = floor(kd * 0.5);
        double k2 = kd - k1;
        double v = p * pow2_int(k1) * pow2_int(k2);
        v = xi > 709.8 ? INFINITY : v;
        v = xi < -745.2 ? 0.0 : v;
        y[i] = (xi == xi) ? v : xi;
    }
}

RESODE_ALWAYS_INLINE void tanh_backward_body(const double *y, const double *gy, double *g, size_t n) {
    for (size_t i = 0; i < n; ++i) g[i] = gy[i] * (1.0 - y[i] * y[i]);
}

RESODE_VARIANTS(resode_vtanh, vtanh_body, , (const double *x, double *y, size_t n), (x, y, n))
RESODE_VARIANTS(resode_vexp, vexp_body, , (const double *x, double *y, size_t n), (x, y, n))
RESODE_VARIANTS(resode_tanh_backward, tanh_backward_body, ,
                (const double *y, const double *gy, double *g, size_t n), (y, gy, g, n))
