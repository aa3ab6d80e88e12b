/* ref_eval.c - the reference evaluator: every index combination, one by one. */
#include <stdlib.h>

#include "einc_rt.h"

/* Element "off" of input "in" as a double. */
static double load(const void *in, int is_f64, int64_t off)
{
	return is_f64 ? ((const double *)in)[off] : (double)((const float *)in)[off];
}

/*
 * Adds, for every point x of the index space, the product of the inputs at x
 * to "acc" at the output offset of x. An odometer "x" walks the points, last
 * index fastest (no index at all is a single point); the offsets follow it:
 * stepping index i moves each by its stride for i, wrapping i back to 0 moves
 * it back by (size-1) strides. "x" and "off" arrive zeroed (nindices and
 * ninputs entries). An index of size 0 leaves every sum empty.
 */
static void accumulate(const einc_rt_ref_problem *p, int is_f64, const void *const in[],
                       double *acc, int64_t *x, int64_t *off)
{
	int n = p->nindices, nin = p->ninputs;
	for (int i = 0; i < n; i++)
		if (p->sizes[i] <= 0)
			return;
	int64_t o = 0;
	for (;;) {
		double prod = 1.0;
		for (int k = 0; k < nin; k++)
			prod *= load(in[k], is_f64, off[k]);
		acc[o] += prod;
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

/* Sums into a zeroed double scratch array, then stores it as float or double. */
int einc_rt_ref_eval(const einc_rt_ref_problem *p, int is_f64, void *out,
                const void *const in[])
{
	double *acc = calloc(p->out_elems > 0 ? (size_t)p->out_elems : 1, sizeof(double));
	int64_t *x = calloc((size_t)p->nindices + (size_t)p->ninputs + 1, sizeof(int64_t));
	if (!acc || !x) {
		free(acc);
		free(x);
		return -1;
	}
	accumulate(p, is_f64, in, acc, x, x + p->nindices);
	for (int64_t e = 0; e < p->out_elems; e++) {
		if (is_f64)
			((double *)out)[e] = acc[e];
		else
			((float *)out)[e] = (float)acc[e];
	}
	free(acc);
	free(x);
	return 0;
}
