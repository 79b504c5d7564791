// SPDX-License-Identifier: GPL-3.0-or-later
// The C surface ResODE uses from GSL and OpenBLAS.
//
// CBLAS is declared through GSL's own <gsl/gsl_cblas.h> (the standard CBLAS
// interface); the symbols come from OpenBLAS, linked in the module map.
// Including OpenBLAS's <cblas.h> as well would redeclare the CBLAS enums.
#ifndef RESODE_CGSL_SHIM_H
#define RESODE_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>

// OpenBLAS extensions (declared here so that no second cblas.h is needed).
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);

// LAPACK's LU factorisation and solve (Fortran interface, column-major), from
// OpenBLAS; used only by GSLBridge's batched LU of small per-sample blocks.
extern void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
extern void dgetrs_(const char *trans, const int *n, const int *nrhs, const double *a, const int *lda,
                    const int *ipiv, double *b, const int *ldb, int *info);

// Swift 6 rejects C global variables as shared mutable state; these
// accessors return the values instead.
static inline const char *resode_gsl_version(void) { return gsl_version; }

static inline const gsl_odeiv2_step_type *resode_step_rk2(void) { return gsl_odeiv2_step_rk2; }
static inline const gsl_odeiv2_step_type *resode_step_rk4(void) { return gsl_odeiv2_step_rk4; }
static inline const gsl_odeiv2_step_type *resode_step_rkf45(void) { return gsl_odeiv2_step_rkf45; }
static inline const gsl_odeiv2_step_type *resode_step_rkck(void) { return gsl_odeiv2_step_rkck; }
static inline const gsl_odeiv2_step_type *resode_step_rk8pd(void) { return gsl_odeiv2_step_rk8pd; }
static inline const gsl_odeiv2_step_type *resode_step_rk1imp(void) { return gsl_odeiv2_step_rk1imp; }
static inline const gsl_odeiv2_step_type *resode_step_rk2imp(void) { return gsl_odeiv2_step_rk2imp; }
static inline const gsl_odeiv2_step_type *resode_step_rk4imp(void) { return gsl_odeiv2_step_rk4imp; }
static inline const gsl_odeiv2_step_type *resode_step_bsimp(void) { return gsl_odeiv2_step_bsimp; }
static inline const gsl_odeiv2_step_type *resode_step_msadams(void) { return gsl_odeiv2_step_msadams; }
static inline const gsl_odeiv2_step_type *resode_step_msbdf(void) { return gsl_odeiv2_step_msbdf; }


#endif
