/* SPDX-License-Identifier: MIT */
/* ref_eval.c - the reference evaluator: every index combination, one by one. */
#include <stdlib.h>

#include "einc_rt.h"

/* The accumulators of every output element, in the kind of the problem. */
typedef union {
	double *real;       /* one per element */
	long double *cplx;  /* two per element: real, imaginary */
	uint64_t *ints;     /* one per element, modulo 2^64 */
} accumulators;

/* Part "q" of element "off" of input "in" with "bytes"-byte floats. */
static long double part(const void *in, int bytes, int64_t off, int q)
{
	return bytes == 8 ? ((const double *)in)[2 * off + q] : ((const float *)in)[2 * off + q];
}

/* Element "off" of input "in" with "bytes"-byte integers, modulo 2^64. */
static uint64_t integer(const void *in, int bytes, int64_t off)
{
	return bytes == 8 ? (uint64_t)((const int64_t *)in)[off] : (uint64_t)((const int32_t *)in)[off];
}

/* Adds the product of the inputs at offsets "off" to accumulator "o". */
static void add_product(const einc_rt_ref_problem *p, const void *const in[], accumulators acc,
                        int64_t o, const int64_t *off)
{
	int nin = p->ninputs, b = p->part_bytes;
	if (p->kind == EINC_RT_INT) {
		uint64_t prod = 1;
		for (int k = 0; k < nin; k++)
			prod *= integer(in[k], b, off[k]);
		acc.ints[o] += prod;
	} else if (p->kind == EINC_RT_COMPLEX) {
		long double re = 1, im = 0;
		for (int k = 0; k < nin; k++) {
			long double xr = part(in[k], b, off[k], 0), xi = part(in[k], b, off[k], 1);
			long double r = re * xr - im * xi;
			im = re * xi + im * xr;
			re = r;
		}
		acc.cplx[2 * o] += re;
		acc.cplx[2 * o + 1] += im;
	} else {
		double prod = 1.0;
		for (int k = 0; k < nin; k++)
			prod *= b == 8 ? ((const double *)in[k])[off[k]] : ((const float *)in[k])[off[k]];
		acc.real[o] += prod;
	}
}

/*
 * Adds, for every point x of the index space, the product of the inputs at x
 * to "acc" at the output offset of x. An odometer "x" walks the points, last
 * index fastest (no index at all is a single point); the offsets follow it:
 * stepping index i moves each by its stride for i, wrapping i back to 0 moves
 * it back by (size-1) strides. "x" and "off" arrive zeroed (nindices and
 * ninputs entries). An index of size 0 leaves every sum empty.
 */
static void accumulate(const einc_rt_ref_problem *p, const void *const in[], accumulators acc,
                       int64_t *x, int64_t *off)
{
	int n = p->nindices, nin = p->ninputs;
	for (int i = 0; i < n; i++)
		if (p->sizes[i] <= 0)
			return;
	int64_t o = 0;
	for (;;) {
		add_product(p, in, acc, o, off);
		int i = n - 1;
		for (; i >= 0 && x[i] == p->sizes[i] - 1; i--) {
			x[i] = 0;
			o -= (p->sizes[i] - 1) * p->out_strides[i];
			for (int k = 0; k < nin; k++)
				off[k] -= (p->sizes[i] - 1) * p->in_strides[k][i];
		}
		if (i < 0)
			return;
		x[i]++;
		o += p->out_strides[i];
		for (int k = 0; k < nin; k++)
			off[k] += p->in_strides[k][i];
	}
}

/* Stores accumulator "e" of "acc" as element "e" of "out" in the problem's
 * dtype: rounded to its floats, or the low bits of the integer. */
static void store(const einc_rt_ref_problem *p, accumulators acc, void *out, int64_t e)
{
	int b = p->part_bytes;
	if (p->kind == EINC_RT_INT) {
		if (b == 8)
			((int64_t *)out)[e] = (int64_t)acc.ints[e];
		else
			((int32_t *)out)[e] = (int32_t)(uint32_t)acc.ints[e];
	} else if (p->kind == EINC_RT_COMPLEX) {
		for (int q = 0; q < 2; q++) {
			if (b == 8)
				((double *)out)[2 * e + q] = (double)acc.cplx[2 * e + q];
			else
				((float *)out)[2 * e + q] = (float)acc.cplx[2 * e + q];
		}
	} else if (b == 8) {
		((double *)out)[e] = acc.real[e];
	} else {
		((float *)out)[e] = (float)acc.real[e];
	}
}

/* Sums into zeroed scratch accumulators, then stores them in the dtype. */
int einc_rt_ref_eval(const einc_rt_ref_problem *p, void *out, const void *const in[])
{
	size_t n = p->out_elems > 0 ? (size_t)p->out_elems : 1;
	accumulators acc;
	acc.cplx = calloc(2 * n, sizeof(long double)); /* room for any kind */
	int64_t *x = calloc((size_t)p->nindices + (size_t)p->ninputs + 1, sizeof(int64_t));
	if (!acc.cplx || !x) {
		free(acc.cplx);
		free(x);
		return -1;
	}
	accumulate(p, in, acc, x, x + p->nindices);
	for (int64_t e = 0; e < p->out_elems; e++)
		store(p, acc, out, e);
	free(acc.cplx);
	free(x);
	return 0;
}
