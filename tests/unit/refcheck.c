/* refcheck.c - random inputs, the reference result and the tolerance
 * check shared by the tests that run compiled kernels. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "refcheck.h"

uint64_t refcheck_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

double refcheck_get(const void *buf, int f64, size_t i)
{
	return f64 ? ((const double *)buf)[i] : ((const float *)buf)[i];
}

/* Sets element "i" of "buf" to "v". */
static void set(void *buf, int f64, size_t i, double v)
{
	if (f64)
		((double *)buf)[i] = v;
	else
		((float *)buf)[i] = (float)v;
}

int refcheck_init(refcheck *r, einc_ctx *ctx, const einc_program *p, uint64_t *s)
{
	memset(r, 0, sizeof(*r));
	int n = einc_program_num_inputs(p);
	r->ninputs = n;
	r->f64 = einc_program_dtype(p) == EINC_F64;
	r->nout = (size_t)einc_program_elems(p, -1);
	void **abs_in = calloc((size_t)n + 1, sizeof(void *));
	r->in = calloc((size_t)n + 1, sizeof(void *));
	r->want = malloc(r->nout * 8 + 8);
	r->bound = malloc(r->nout * 8 + 8);
	int ok = abs_in && r->in && r->want && r->bound;
	for (int k = 0; ok && k < n; k++) {
		size_t m = (size_t)einc_program_elems(p, k);
		r->in[k] = malloc(m * 8 + 8);
		abs_in[k] = malloc(m * 8 + 8);
		ok = r->in[k] && abs_in[k];
		for (size_t i = 0; ok && i < m; i++) {
			double v = (double)(refcheck_rand(s) % 2001) / 1000.0 - 1.0;
			set(r->in[k], r->f64, i, v);
			set(abs_in[k], r->f64, i, fabs(v));
		}
	}
	ok = ok && !einc_program_run_reference(ctx, p, r->want, (const void *const *)r->in) &&
	     !einc_program_run_reference(ctx, p, r->bound, (const void *const *)abs_in);
	for (int k = 0; abs_in && k < n; k++)
		free(abs_in[k]);
	free(abs_in);
	if (!ok)
		refcheck_free(r);
	return ok ? 0 : -1;
}

double refcheck_worst(const refcheck *r, const void *got, size_t *at)
{
	double rel = r->f64 ? 1e-10 : 1e-4, worst = 0;
	size_t where = 0;
	for (size_t i = 0; i < r->nout; i++) {
		double err = fabs(refcheck_get(got, r->f64, i) - refcheck_get(r->want, r->f64, i));
		double tol = rel * refcheck_get(r->bound, r->f64, i) + 1e-300;
		if (!(err <= tol * 1e30))
			err = INFINITY; /* NaN or garbage */
		if (err / tol > worst) {
			worst = err / tol;
			where = i;
		}
	}
	if (at)
		*at = where;
	return worst;
}

void refcheck_free(refcheck *r)
{
	for (int k = 0; r->in && k < r->ninputs; k++)
		free(r->in[k]);
	free(r->in);
	free(r->want);
	free(r->bound);
	memset(r, 0, sizeof(*r));
}
