/* SPDX-License-Identifier: MIT */
/*
 * einc_rt.h - the small runtime linked into einc's library and into every
 * generated object (libeinc_rt.a). It depends on libc and pthreads only:
 * link a generated object with libeinc_rt.a -lpthread (-lpthread is part of
 * libc from glibc 2.34). Its other headers: workspace.h (buffers), spill.h
 * (counted copies to the slow buffer), pool.h (the thread pool), gett.h
 * (the driver of GEMM-like steps).
 */
#ifndef EINC_RT_H
#define EINC_RT_H

#include <stdint.h>

/* What an element holds: the values of einc.h's einc_dtype_kind_t. */
enum { EINC_RT_REAL, EINC_RT_COMPLEX, EINC_RT_INT };

/*
 * One einsum as the reference evaluator sees it: loops over "nindices"
 * indices of extents "sizes"; input k is read at sum_i in_strides[k][i]*x_i,
 * the output accumulated at sum_i out_strides[i]*x_i (element strides; 0
 * where a tensor lacks or broadcasts the index, summed for a diagonal).
 * Elements are of "kind" (EINC_RT_*) with "part_bytes"-byte parts (4 or 8;
 * a complex has two, real first).
 */
typedef struct {
	int nindices;
	const int64_t *sizes;
	int ninputs;
	const int64_t *const *in_strides;
	const int64_t *out_strides;
	int64_t out_elems;
	int kind;
	int part_bytes;
} einc_rt_ref_problem;

/*
 * Evaluates "p" by plain loops over every index, accumulating reals in
 * double, each part of a complex in long double and integers modulo 2^64
 * (so wrapping as numpy does, whatever the order), and writes the
 * "out_elems" results in the problem's dtype to "out". Returns 0, or -1
 * when its scratch memory cannot be allocated.
 */
int einc_rt_ref_eval(const einc_rt_ref_problem *p, void *out, const void *const in[]);

#endif
