/* SPDX-License-Identifier: MIT */
/*
 * transpose_copy.h - a tensor copied into a layout whose unit-stride dim is
 * not the source's (runtime/transpose_copy.c; libc only): the copies
 * passes/relayout.c puts before GEMM-like steps, and any step out = in
 * whose nest would transpose (passes/lower.c's transpose_dims).
 */
#ifndef EINC_RT_TRANSPOSE_COPY_H
#define EINC_RT_TRANSPOSE_COPY_H

#include <stdint.h>

/* Copies whose destination takes at least this many bytes store it past
 * the caches (it is read again only after as much other memory): a copy of
 * 16 MiB f32 out of a view took 5.5 ms with plain stores and 2.8 ms so,
 * beside memcpy's 1.5 ms. */
#define RT_TRANSPOSE_COPY_STREAM_BYTES (4 << 20)

/*
 * dst[sum_d x_d * strides[d]] = src[sum_d x_d * strides[ndims + d]] for every
 * x within "sizes" ("ndims" dims), elements of "esize" bytes; dst runs with
 * unit stride along dim "r", src along dim "a" (r != a). The two never
 * overlap.
 */
void einc_rt_transpose_copy(void *dst, const void *src, int64_t esize, int64_t ndims, int64_t r,
                            int64_t a, const int64_t *sizes, const int64_t *strides);

/*
 * As einc_rt_transpose_copy, but only the elements whose index along dim
 * "dim" lies in [lo, hi) (0 <= lo <= hi <= sizes[dim]): one task's rows of
 * a copy split over threads, stored past the caches as the whole copy
 * would be.
 */
void einc_rt_transpose_copy_rows(void *dst, const void *src, int64_t esize, int64_t ndims,
                                 int64_t r, int64_t a, const int64_t *sizes,
                                 const int64_t *strides, int64_t dim, int64_t lo, int64_t hi);

#endif
