/* npy.c - .npy files (npy.h): the header's dict parsed by hand. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

static const char magic[6] = "\x93NUMPY";

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

/* Reads the header of "f" into "a" (not its data). */
static int read_header(FILE *f, npy_array *a, char *err, size_t n)
{
	unsigned char head[12];
	if (fread(head, 1, 8, f) != 8 || memcmp(head, magic, 6)) {
		snprintf(err, n, "not a .npy file (no \\x93NUMPY magic)");
		return -1;
	}
	int major = head[6];
	size_t lenbytes = major == 1 ? 2 : 4, len = 0;
	if (major < 1 || major > 3 || fread(head + 8, 1, lenbytes, f) != lenbytes) {
		snprintf(err, n, "unsupported .npy version %d", major);
		return -1;
	}
	for (size_t b = lenbytes; b > 0; b--)
		len = len << 8 | head[8 + b - 1];
	char *h = len < (1u << 20) ? malloc(len + 1) : NULL;
	if (!h || fread(h, 1, len, f) != len) {
		free(h);
		snprintf(err, n, "the .npy header is cut short");
		return -1;
	}
	h[len] = '\0';
	const char *descr = dict_value(h, "descr"), *order = dict_value(h, "fortran_order");
	const char *shape = dict_value(h, "shape");
	int st = 0;
	if (!descr || (strncmp(descr, "'<f4'", 5) && strncmp(descr, "'<f8'", 5))) {
		snprintf(err, n, "dtype %.12s is not supported (expected '<f4' or '<f8')",
		         descr ? descr : "missing");
		st = -1;
	} else if (!order || strncmp(order, "False", 5)) {
		snprintf(err, n, "Fortran-order arrays are not supported (expected C order)");
		st = -1;
	} else if (!shape || parse_shape(shape, a)) {
		snprintf(err, n, "the shape in the .npy header cannot be read");
		st = -1;
	} else {
		a->f64 = descr[3] == '8';
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
	int st = read_header(f, a, err, n);
	size_t bytes = (size_t)a->elems * (a->f64 ? 8 : 4);
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

int npy_write(const char *path, int f64, int rank, const int64_t *dims, const void *data,
              char *err, size_t n)
{
	char dict[64 + 24 * NPY_MAX_RANK];
	int len = snprintf(dict, sizeof dict, "{'descr': '<f%d', 'fortran_order': False, 'shape': (",
	                   f64 ? 8 : 4);
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
	         fwrite(data, f64 ? 8 : 4, (size_t)elems, f) == (size_t)elems;
	if (f)
		ok &= fclose(f) == 0;
	if (!ok)
		snprintf(err, n, "cannot write '%s': %s", path, strerror(errno));
	return ok ? 0 : -1;
}
