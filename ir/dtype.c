/* dtype.c - the table of element types (dtype.h) and the public dtype
 * calls of einc.h. */
#include "dtype.h"

#include <stdio.h>
#include <string.h>
#include <threads.h>

/* Indexed by einc_dtype. The tolerances are einc_program_check's, relative
 * to each element's sum of |products| (the reference sums in double or long
 * double); integers are exact. */
static const ir_dtype_info dtypes[] = {
	[EINC_F32] = {"f32", "float", 4, EINC_KIND_REAL, 4, 1e-4},
	[EINC_F64] = {"f64", "double", 8, EINC_KIND_REAL, 8, 1e-10},
	[EINC_C64] = {"c64", "float _Complex", 8, EINC_KIND_COMPLEX, 4, 1e-4},
	[EINC_C128] = {"c128", "double _Complex", 16, EINC_KIND_COMPLEX, 8, 1e-10},
	[EINC_I32] = {"i32", "int32_t", 4, EINC_KIND_INT, 4, 0},
	[EINC_I64] = {"i64", "int64_t", 8, EINC_KIND_INT, 8, 0},
};

enum { NDTYPES = sizeof dtypes / sizeof dtypes[0] };

const ir_dtype_info *ir_dtype(einc_dtype t)
{
	return (unsigned)t < NDTYPES && dtypes[t].name ? &dtypes[t] : NULL;
}

int ir_dtype_from_name(const char *name, size_t len, einc_dtype *out)
{
	for (int t = 0; t < NDTYPES; t++)
		if (dtypes[t].name && strlen(dtypes[t].name) == len &&
		    !memcmp(dtypes[t].name, name, len)) {
			*out = (einc_dtype)t;
			return 0;
		}
	return -1;
}

/* "f32, f64, ... or i64": the names in the table, written once (names_once). */
static char names[NDTYPES * 16];
static once_flag names_once = ONCE_FLAG_INIT;

/* Writes the table's names into "names", the last two joined by "or". */
static void write_names(void)
{
	size_t at = 0;
	for (int t = 0, seen = 0; t < NDTYPES; t++) {
		if (!dtypes[t].name)
			continue;
		const char *sep = !seen++ ? "" : t + 1 < NDTYPES ? ", " : " or ";
		at += (size_t)snprintf(names + at, sizeof names - at, "%s%s", sep, dtypes[t].name);
	}
}

const char *ir_dtype_names(void)
{
	call_once(&names_once, write_names);
	return names;
}

const char *einc_dtype_names(void)
{
	return ir_dtype_names();
}

const char *einc_dtype_name(einc_dtype dtype)
{
	const ir_dtype_info *d = ir_dtype(dtype);
	return d ? d->name : NULL;
}

size_t einc_dtype_size(einc_dtype dtype)
{
	const ir_dtype_info *d = ir_dtype(dtype);
	return d ? (size_t)d->bytes : 0;
}

int einc_dtype_kind(einc_dtype dtype)
{
	const ir_dtype_info *d = ir_dtype(dtype);
	return d ? (int)d->kind : -1;
}

int einc_dtype_parse(const char *name, einc_dtype *dtype)
{
	return name && dtype ? ir_dtype_from_name(name, strlen(name), dtype) : -1;
}
