/* SPDX-License-Identifier: MIT */
/*
 * slices.h - running a range of slices of a sliced einsum (runtime/slices.c;
 * libc only), for einc_kernel_run_slices and the NAME_slices of generated
 * headers. A slice's kernel reads its inputs in place (its strides are
 * the whole operands') and writes its part of the output densely; this
 * driver offsets the input pointers per slice and puts each part into the
 * whole output, added up over the summed slices.
 *
 * The table (int64 entries, passes/slice_table.c writes it):
 *   [0] EINC_RT_SLICES_V2   [1] element bytes: 4, 8 or 16
 *   [2] inputs n            [3] sliced labels L   [4] the last S of them are summed
 *   [5] part rank r         [6] part elements; -1 for an unsliced kernel
 *                               whose output is strided: it writes the
 *                               output itself and has no dense part
 *   [7] element kind: EINC_RT_REAL, EINC_RT_COMPLEX (two parts of half the
 *       bytes, added part by part) or EINC_RT_INT (added wrapping)
 *   then r dims of the part (the output without its sliced axes, in order)
 *   and r element strides of those axes in the whole output;
 *   then per sliced label (slice order, the last fastest): its size, its
 *   element stride in the output (0: summed) and in each of the n inputs.
 */
#ifndef EINC_RT_SLICES_H
#define EINC_RT_SLICES_H

#include <stdint.h>

#include "einc_rt.h"

#define EINC_RT_SLICES_V2 0x65696e63736c0002LL

/* Where the head entries above lie; the part's dims start at SLICES_HEAD. */
enum {
	SLICES_VERSION, SLICES_ESIZE, SLICES_NIN, SLICES_NLAB, SLICES_NSUM, SLICES_RANK,
	SLICES_ELEMS, SLICES_KIND, SLICES_HEAD
};

/* One slice: the kernel on inputs "in" writing the dense part "part";
 * returns 0, nonzero when it fails. */
typedef int einc_rt_slice_fn(void *user, void *part, const void *const *in);

/* The number of slices "table" describes. */
int64_t einc_rt_slices_count(const int64_t *table);

/*
 * Runs slices "first" .. "first" + "count" - 1 of "table" with "one"
 * ("user" passed through) on the whole inputs "in" into the whole output
 * "out": each part the range touches is set to the sum, in slice order,
 * of its slices in the range. With "packed", "out" instead receives each
 * slice's dense part, one after another (count times the part's
 * elements), for einc_rt_place_slices. Returns 0; 1 for a range out of
 * bounds or a table of another version; -1 when the part buffer cannot be
 * allocated or a slice fails.
 */
int einc_rt_run_slices(const int64_t *table, einc_rt_slice_fn *one, void *user, void *out,
                       const void *const *in, int64_t first, int64_t count, int packed);

/* The elements of one slice's part of the output. */
int64_t einc_rt_slice_part_elems(const int64_t *table);

/* Puts the "count" dense parts "parts" of slices "first" .. (as the packed
 * einc_rt_run_slices writes them) into the whole output "out" as the
 * unpacked run would. Returns 0, or 1 for a range out of bounds. */
int einc_rt_place_slices(const int64_t *table, void *out, const void *parts, int64_t first,
                         int64_t count);

#endif
