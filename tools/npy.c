/* npy.c - .npy files (npy.h): the header's dict parsed by hand. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

static const char magic[6] = "\x93NUMPY";

/* numpy's names of einc's dtypes: the .npy descr and the dtype's name. */
static const struct {
	einc_dtype dtype;
	const char *descr, *name;
} kinds[] = {
	{EINC_F32, "'<f4'", "float32"}, {EINC_F64, "'<f8'", "float64"},
	{EINC_C64, "'<c8'", "complex64"}, {EINC_C128, "'<c16'", "complex128"},
	{EINC_I32, "'<i4'", "int32"}, {EINC_I64, "'<i8'", "int64"},
};
enum { NKINDS = sizeof kinds / sizeof kinds[0] };

/* The row of "kinds" of "dtype"; -1: none. */
static int kind_of_dtype(einc_dtype dtype)
{
	for (int k = 0; k < NKINDS; k++)
		if (kinds[k].dtype == dtype)
			return k;
	return -1;
}

const char *npy_dtype_name(einc_dtype dtype)
{
	int k = kind_of_dtype(dtype);
	return k < 0 ? "?" : kinds[k].name;
}

/* The row of "kinds" whose descr starts "descr" (NULL allowed); -1: none. */
static int kind_of_descr(const char *descr)
{
	for (int k = 0; descr && k < NKINDS; k++)
		if (!strncmp(descr, kinds[k].descr, strlen(kinds[k].descr)))
			return k;
	return -1;
}

/* The value after "'key':" in the header dict "h", or NULL. */
static const char *dict_value(const char *h, const char *key)
{
	char quoted[32];
	snprintf(quoted, sizeof quoted, "'%s':", key);
	const char *at = strstr(h, quoted);
	if (!at)
		return NULL;
	at += strlen(quoted);
	while (*at == ' ')
		at++;
	return at;
}

/* Parses the shape tuple "(2, 3)" / "(5,)" / "()" at "s" into "a". */
static int parse_shape(const char *s, npy_array *a)
{
	if (*s++ != '(')
		return -1;
	a->rank = 0;
	a->elems = 1;
	for (;;) {
		while (*s == ' ' || *s == ',')
			s++;
		if (*s == ')')
			return 0;
		char *end;
		errno = 0;
		long long d = strtoll(s, &end, 10);
		if (end == s || errno || d < 0 || a->rank == NPY_MAX_RANK ||
		    (d && a->elems > INT64_MAX / d))
			return -1;
		a->dims[a->rank++] = d;
		a->elems *= d;
		s = end;
	}
}

/* The length of the dict value at "v": a quoted string ('>f8') or a
 * list (a structured dtype's) whole, anything else up to the next ',' or
 * '}'. */
static int value_len(const char *v)
{
	const char *end = *v == '\'' ? strchr(v + 1, '\'') : *v == '[' ? strchr(v, ']') : NULL;
	return end ? (int)(end - v + 1) : (int)strcspn(v, ",}");
}

/* Reads the header of "f", the file "path", into "a" (not its data). */
static int read_header(FILE *f, const char *path, npy_array *a, char *err, size_t n)
{
	unsigned char head[12];
	if (fread(head, 1, 8, f) != 8 || memcmp(head, magic, 6)) {
		snprintf(err, n, "'%s' is not a .npy file (no \\x93NUMPY magic)", path);
		return -1;
	}
	int major = head[6];
	size_t lenbytes = major == 1 ? 2 : 4, len = 0;
	if (major < 1 || major > 3) {
		snprintf(err, n, "'%s' is of .npy version %d (expected 1, 2 or 3)", path, major);
		return -1;
	}
	bool whole = fread(head + 8, 1, lenbytes, f) == lenbytes;
	for (size_t b = lenbytes; whole && b > 0; b--)
		len = len << 8 | head[8 + b - 1];
	char *h = whole && len < (1u << 20) ? malloc(len + 1) : NULL;
	if (!h || fread(h, 1, len, f) != len) {
		free(h);
		snprintf(err, n, "the .npy header of '%s' is cut short", path);
		return -1;
	}
	h[len] = '\0';
	const char *descr = dict_value(h, "descr"), *order = dict_value(h, "fortran_order");
	const char *shape = dict_value(h, "shape");
	int st = 0, kind = kind_of_descr(descr);
	if (kind < 0) {
		snprintf(err, n, "'%s' holds dtype %.*s (expected '<f4', '<f8', '<c8', '<c16', "
		         "'<i4' or '<i8')", path, descr ? value_len(descr) : 7,
		         descr ? descr : "missing");
		st = -1;
	} else if (!order || strncmp(order, "False", 5)) {
		snprintf(err, n, "'%s' is in Fortran order (expected C order)", path);
		st = -1;
	} else if (!shape || parse_shape(shape, a)) {
		snprintf(err, n, "the shape in the .npy header of '%s' cannot be read", path);
		st = -1;
	} else {
		a->dtype = kinds[kind].dtype;
	}
	free(h);
	return st;
}

int npy_read(const char *path, npy_array *a, char *err, size_t n)
{
	memset(a, 0, sizeof(*a));
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, n, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	int st = read_header(f, path, a, err, n);
	size_t bytes = st ? 0 : (size_t)a->elems * einc_dtype_size(a->dtype);
	if (!st && !(a->data = malloc(bytes + 1))) {
		snprintf(err, n, "out of memory for %zu bytes", bytes);
		st = -1;
	}
	if (!st && fread(a->data, 1, bytes, f) != bytes) {
		snprintf(err, n, "'%s' holds fewer elements than its shape says", path);
		st = -1;
	}
	fclose(f);
	if (st) {
		free(a->data);
		a->data = NULL;
	}
	return st;
}

int npy_write(const char *path, einc_dtype dtype, int rank, const int64_t *dims,
              const void *data, char *err, size_t n)
{
	char dict[64 + 24 * NPY_MAX_RANK];
	int k = kind_of_dtype(dtype);
	if (k < 0) {
		snprintf(err, n, "cannot write '%s': no .npy dtype for einc's %d", path, (int)dtype);
		return -1;
	}
	int len = snprintf(dict, sizeof dict, "{'descr': %s, 'fortran_order': False, 'shape': (",
	                   kinds[k].descr);
	int64_t elems = 1;
	for (int a = 0; a < rank; a++) {
		len += snprintf(dict + len, sizeof dict - (size_t)len, "%lld%s", (long long)dims[a],
		                rank == 1 ? "," : a + 1 < rank ? ", " : "");
		elems *= dims[a];
	}
	len += snprintf(dict + len, sizeof dict - (size_t)len, "), }");
	int total = (10 + len + 1 + 63) / 64 * 64; /* magic, version, length; padded */
	int pad = total - 10 - len - 1;
	FILE *f = fopen(path, "wb");
	unsigned char head[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
	                          (unsigned char)((total - 10) & 255),
	                          (unsigned char)((total - 10) >> 8)};
	int ok = f && fwrite(head, 1, 10, f) == 10 && fwrite(dict, 1, (size_t)len, f) == (size_t)len &&
	         fprintf(f, "%*s\n", pad, "") == pad + 1 &&
	         fwrite(data, einc_dtype_size(dtype), (size_t)elems, f) == (size_t)elems;
	if (f)
		ok &= fclose(f) == 0;
	if (!ok)
		snprintf(err, n, "cannot write '%s': %s", path, strerror(errno));
	return ok ? 0 : -1;
}
