/* SPDX-License-Identifier: MIT */
/* slices.c - a range of slices run one after another (slices.h). */
#include <stdlib.h>
#include <string.h>

#include "slices.h"
#include "workspace.h"


/* The entries of sliced label "l" of "t": size, output stride, input strides. */
static const int64_t *label_entry(const int64_t *t, int l)
{
	return t + SLICES_HEAD + 2 * t[SLICES_RANK] + l * (2 + t[SLICES_NIN]);
}

int64_t einc_rt_slices_count(const int64_t *table)
{
	int64_t n = 1;
	for (int l = 0; l < table[SLICES_NLAB]; l++)
		n *= label_entry(table, l)[0];
	return n;
}

/* Copies (or, when "add", adds) the "n" consecutive elements at "from" to
 * those at "to", of "esize" bytes and "kind" (EINC_RT_*): floats, a
 * complex part by part, integers wrapping (added unsigned: the same bits). */
static void put_run(char *to, const char *from, int64_t n, int64_t esize, int64_t kind, int add)
{
	int64_t parts = n * (kind == EINC_RT_COMPLEX ? 2 : 1), bytes = esize * n / parts;
	if (!add)
		memcpy(to, from, (size_t)(esize * n));
	else if (kind == EINC_RT_INT && bytes == 8)
		for (int64_t p = 0; p < parts; p++)
			((uint64_t *)(void *)to)[p] += ((const uint64_t *)(const void *)from)[p];
	else if (kind == EINC_RT_INT)
		for (int64_t p = 0; p < parts; p++)
			((uint32_t *)(void *)to)[p] += ((const uint32_t *)(const void *)from)[p];
	else if (bytes == 8)
		for (int64_t p = 0; p < parts; p++)
			((double *)(void *)to)[p] += ((const double *)(const void *)from)[p];
	else
		for (int64_t p = 0; p < parts; p++)
			((float *)(void *)to)[p] += ((const float *)(const void *)from)[p];
}

/* Copies (or, when "add", adds) the dense part "part" into "out" along
 * the part's dims and strides in "t", a row at a time where the last dim
 * is contiguous in "out". */
static void put_part(const int64_t *t, char *out, const char *part, int add)
{
	int r = (int)t[SLICES_RANK];
	const int64_t *dims = t + SLICES_HEAD, *strides = dims + r;
	int rows = r > 0 && strides[r - 1] == 1 ? r - 1 : r; /* the dims walked */
	int64_t at[r + 1], off = 0, esize = t[SLICES_ESIZE], run = rows < r ? dims[r - 1] : 1;
	memset(at, 0, sizeof(at));
	for (int64_t e = 0; run > 0 && e < t[SLICES_ELEMS]; e += run) {
		put_run(out + off * esize, part + e * esize, run, esize, t[SLICES_KIND], add);
		for (int d = rows - 1; d >= 0; d--) { /* the next row: an odometer */
			off += strides[d];
			if (++at[d] < dims[d])
				break;
			off -= strides[d] * dims[d];
			at[d] = 0;
		}
	}
}

int64_t einc_rt_slice_part_elems(const int64_t *table)
{
	return table[SLICES_ELEMS] > 0 ? table[SLICES_ELEMS] : 0;
}

/* Whether "first", "count" is a range of the slices of "table" (of its
 * version); the slices summed per part into "*summed". */
static int in_range(const int64_t *table, int64_t first, int64_t count, int64_t *summed)
{
	int64_t total = table[SLICES_VERSION] == EINC_RT_SLICES_V2 ? einc_rt_slices_count(table) : -1;
	int nl = (int)table[SLICES_NLAB], ns = (int)table[SLICES_NSUM];
	*summed = 1;
	for (int l = nl - ns; l < nl; l++)
		*summed *= label_entry(table, l)[0];
	return total >= 0 && first >= 0 && count >= 0 && first <= total && count <= total - first;
}

/* The element offset of slice "s" in the output, and unless "ins" is
 * NULL its inputs' bases (from the whole inputs "in") into "ins". */
static int64_t slice_bases(const int64_t *table, int64_t s, const void *const *in,
                           const void **ins)
{
	int n = ins ? (int)table[SLICES_NIN] : 0;
	int64_t rest = s, out_off = 0, esize = table[SLICES_ESIZE];
	for (int k = 0; k < n; k++)
		ins[k] = in[k];
	for (int l = (int)table[SLICES_NLAB] - 1; l >= 0; l--) {
		const int64_t *e = label_entry(table, l);
		int64_t v = rest % e[0];
		rest /= e[0];
		out_off += v * e[1];
		for (int k = 0; k < n; k++)
			ins[k] = (const char *)ins[k] + v * e[2 + k] * esize;
	}
	return out_off;
}

/* Whether the part of "t" lies in the output as it is dense (row-major
 * over its dims), so that a slice may write it there in place. */
static int part_dense(const int64_t *t)
{
	int r = (int)t[SLICES_RANK];
	const int64_t *dims = t + SLICES_HEAD, *strides = dims + r;
	int64_t step = 1;
	for (int d = r - 1; d >= 0; step *= dims[d], d--)
		if (dims[d] > 1 && strides[d] != step)
			return 0;
	return 1;
}

int einc_rt_run_slices(const int64_t *table, einc_rt_slice_fn *one, void *user, void *out,
                       const void *const *in, int64_t first, int64_t count, int packed)
{
	int64_t summed, esize = table[SLICES_ESIZE], part_bytes = table[SLICES_ELEMS] * esize;
	if (!in_range(table, first, count, &summed) || (packed && table[SLICES_ELEMS] < 0))
		return 1;
	if (!table[SLICES_NLAB] && !packed) /* unsliced: the kernel writes "out" itself */
		return count && one(user, out, in) ? -1 : 0;
	/* a part dense in "out" is written there by the first slice that
	 * touches it; the buffer takes the slices that add or a part that is
	 * not dense */
	int dense = part_dense(table);
	int buffered = count && !packed && (!dense || (summed > 1 && count > 1));
	char *part = buffered ? einc_rt_buffer_alloc((size_t)part_bytes) : NULL;
	const void **ins = malloc(sizeof(void *) * ((size_t)table[SLICES_NIN] + 1));
	int r = !ins || (buffered && !part) ? -1 : 0;
	for (int64_t s = first; !r && s < first + count; s++) {
		int64_t out_off = slice_bases(table, s, in, ins);
		int add = s != first && s % summed != 0;
		char *at = (char *)out + out_off * esize;
		char *to = packed ? (char *)out + (s - first) * part_bytes : dense && !add ? at : part;
		if (one(user, to, ins))
			r = -1;
		else if (to == part)
			put_part(table, at, part, add);
	}
	free(ins);
	free(part);
	return r;
}

int einc_rt_place_slices(const int64_t *table, void *out, const void *parts, int64_t first,
                         int64_t count)
{
	int64_t summed, esize = table[SLICES_ESIZE], part_bytes = table[SLICES_ELEMS] * esize;
	if (!in_range(table, first, count, &summed) || table[SLICES_ELEMS] < 0)
		return 1;
	for (int64_t s = first; s < first + count; s++)
		put_part(table, (char *)out + slice_bases(table, s, NULL, NULL) * esize,
		         (const char *)parts + (s - first) * part_bytes, s != first && s % summed != 0);
	return 0;
}
