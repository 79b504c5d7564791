// SPDX-License-Identifier: GPL-3.0-or-later
// The C surface ResODE uses from MPI (Open MPI's <mpi.h>).
//
// Open MPI's predefined handles (MPI_COMM_WORLD, MPI_DOUBLE, MPI_SUM,
// MPI_ERRORS_RETURN, …) are macros that take the address of library globals,
// and MPI_STATUS_IGNORE is a cast; Swift imports neither. These accessors
// return the values instead. Only the MessagePassing module uses them.
#ifndef RESODE_CMPI_SHIM_H
#define RESODE_CMPI_SHIM_H

#include <mpi.h>

static inline MPI_Comm resode_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype resode_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype resode_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype resode_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype resode_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Errhandler resode_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Status *resode_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline int resode_mpi_any_source(void) { return MPI_ANY_SOURCE; }
static inline int resode_mpi_any_tag(void) { return MPI_ANY_TAG; }
static inline int resode_mpi_success(void) { return MPI_SUCCESS; }
static inline int resode_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
static inline int resode_mpi_max_library_version_string(void) { return MPI_MAX_LIBRARY_VERSION_STRING; }

/// The sender and tag of a received message (MPI_Status's public fields).
static inline int resode_mpi_status_source(const MPI_Status *status) { return status->MPI_SOURCE; }
static inline int resode_mpi_status_tag(const MPI_Status *status) { return status->MPI_TAG; }

#endif
