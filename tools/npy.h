/*
 * npy.h - numpy's .npy files (format versions 1.0 to 3.0) for the tools:
 * C-order little-endian arrays of einc's dtypes (float32, float64,
 * complex64, complex128, int32, int64), read whole and written whole.
 */
#ifndef EINC_NPY_H
#define EINC_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "einc.h"

#define NPY_MAX_RANK 32

/* An array read from a .npy file. */
typedef struct {
	einc_dtype dtype;
	int rank;
	int64_t dims[NPY_MAX_RANK];
	int64_t elems;
	void *data;                  /* elems elements, malloc'd */
} npy_array;

/*
 * Reads the .npy file "path" into "*a" (free a->data). Returns 0, or -1
 * with a sentence in "err" ("n" bytes): the file cannot be read, is not
 * a .npy file, holds another dtype (not one of einc's), is in Fortran
 * order, or is cut short.
 */
int npy_read(const char *path, npy_array *a, char *err, size_t n);

/* Writes the elements at "data" (of "dtype") of shape "dims" ("rank" of
 * them) to "path" as a version 1.0 .npy file. Returns 0, or -1 with the
 * system's reason in "err". */
int npy_write(const char *path, einc_dtype dtype, int rank, const int64_t *dims,
              const void *data, char *err, size_t n);

/* numpy's name of "dtype": "float32", "complex64", ... keep. */
const char *npy_dtype_name(einc_dtype dtype);

#endif
