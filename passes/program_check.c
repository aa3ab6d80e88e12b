/*
 * program_check.c - is an output right: random inputs for test runs, and
 * the comparison of an output with the reference evaluator under a
 * tolerance on each element's sum of |products|, once or against a
 * reference computed once. The one such check: the CLI's --run --check,
 * the unit tests and the ahead-of-time test's checker all call it.
 */
#include <math.h>
#include <stdlib.h>

#include "ctx.h"
#include "dtype.h"
#include "program.h"

/* Element "e" of "buf" (double when "f64", else float) as a double. */
static double get(const void *buf, int f64, size_t e)
{
	return f64 ? ((const double *)buf)[e] : ((const float *)buf)[e];
}

/* Sets element "e" of "buf" (double when "f64", else float) to "v". */
static void set(void *buf, int f64, size_t e, double v)
{
	if (f64)
		((double *)buf)[e] = v;
	else
		((float *)buf)[e] = (float)v;
}

/* The next value of the xorshift64* stream "*s", uniform in [-1, 1) in
 * steps of 2^-52. */
static double next_uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-52 - 1.0;
}

/* Records a NULL input among the "n" of "in" under "stage"; EINC_OK when
 * there is none. */
static einc_status null_input(einc_ctx *ctx, const char *stage, int n, const void *const in[])
{
	for (int k = 0; k < n; k++)
		if (!in[k])
			return ctx_fail(ctx, EINC_EINVAL, stage, "input %d is NULL", k);
	return EINC_OK;
}

/* The inputs in order, each element drawn from one stream. */
einc_status einc_program_random_inputs(einc_ctx *ctx, const einc_program *program,
                                       uint64_t seed, void *const in[])
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!program || !in)
		return ctx_fail(ctx, EINC_EINVAL, "run", "program and in must not be NULL");
	int n = program->graph->ninputs, f64 = program->graph->dtype == EINC_F64;
	einc_status st = null_input(ctx, "run", n, (const void *const *)in);
	if (st)
		return st;
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
	if (!s)
		s = 1; /* xorshift stays at 0 */
	for (int k = 0; k < n; k++) {
		size_t m = (size_t)einc_program_elems(program, k);
		for (size_t e = 0; e < m; e++)
			set(in[k], f64, e, next_uniform(&s));
	}
	return EINC_OK;
}

/*
 * The error of the output "got" against the reference "want" as a fraction
 * of "sum", the element's sum of |products|, with |got - want| in "*abs":
 * 0 when they are equal (the same infinity) or both NaN; INFINITY for a NaN
 * or an infinity the reference does not have, or for any error when "sum"
 * is 0.
 */
static double element_error(double got, double want, double sum, double *abs)
{
	*abs = got == want || (isnan(got) && isnan(want)) ? 0 : fabs(got - want);
	if (!isfinite(*abs))
		*abs = INFINITY;
	if (*abs == 0)
		return 0;
	return isfinite(*abs) && sum > 0 ? *abs / sum : INFINITY;
}

struct einc_reference {
	einc_dtype dtype; /* of "want" and of the outputs */
	size_t n;         /* output elements */
	void *want;       /* the reference result */
	double *sum;      /* each element's sum of |products| */
};

/* The reference on "in" in the dtype, then on |in| in double (no overflow
 * of the sums in f32). */
einc_status einc_reference_new(einc_ctx *ctx, const einc_program *program,
                               const void *const in[], einc_reference **ref)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!program || !in || !ref)
		return ctx_fail(ctx, EINC_EINVAL, "check", "program, in and ref must not be NULL");
	*ref = NULL;
	int n = program->graph->ninputs, f64 = program->graph->dtype == EINC_F64;
	einc_status st = null_input(ctx, "check", n, in);
	if (st)
		return st;
	einc_reference *r = calloc(1, sizeof(*r));
	double **abs_in = calloc((size_t)n + 1, sizeof(double *));
	int ok = r && abs_in;
	if (ok) {
		r->dtype = program->graph->dtype;
		r->n = (size_t)einc_program_elems(program, -1);
		r->want = malloc(r->n * (size_t)ir_dtype(r->dtype)->bytes + 1);
		r->sum = malloc(r->n * sizeof(double) + 1);
		ok = r->want && r->sum;
	}
	for (int k = 0; ok && k < n; k++) {
		size_t m = (size_t)einc_program_elems(program, k);
		ok = (abs_in[k] = malloc(m * sizeof(double) + 1)) != NULL;
		for (size_t e = 0; ok && e < m; e++)
			abs_in[k][e] = fabs(get(in[k], f64, e));
	}
	if (!ok)
		st = ctx_fail(ctx, EINC_ENOMEM, "check", "out of memory");
	if (!st)
		st = program_reference(ctx, program, f64, r->want, in);
	if (!st)
		st = program_reference(ctx, program, 1, r->sum, (const void *const *)abs_in);
	for (int k = 0; abs_in && k < n; k++)
		free(abs_in[k]);
	free(abs_in);
	if (st)
		einc_reference_free(r);
	else
		*ref = r;
	return st;
}

/* The worst element by error over sum of |products|, the first of equals. */
einc_status einc_reference_check(const einc_reference *ref, const void *out,
                                 einc_check_result *result)
{
	if (!ref || !out || !result)
		return EINC_EINVAL;
	einc_check_result *r = result;
	int f64 = ref->dtype == EINC_F64;
	*r = (einc_check_result){.tolerance = ir_dtype(ref->dtype)->tolerance, .at = -1};
	for (size_t e = 0; e < ref->n; e++) {
		double abs, err = element_error(get(out, f64, e), get(ref->want, f64, e), ref->sum[e],
		                                &abs);
		r->max_abs = fmax(r->max_abs, abs);
		if (r->at < 0 || err > r->error) {
			r->error = err;
			r->at = (int64_t)e;
		}
	}
	r->ok = r->error <= r->tolerance;
	if (r->at >= 0) {
		r->got = get(out, f64, (size_t)r->at);
		r->want = get(ref->want, f64, (size_t)r->at);
	}
	return EINC_OK;
}

void einc_reference_free(einc_reference *ref)
{
	if (!ref)
		return;
	free(ref->want);
	free(ref->sum);
	free(ref);
}

/* One reference, one comparison. */
einc_status einc_program_check(einc_ctx *ctx, const einc_program *program,
                               const void *const in[], const void *out,
                               einc_check_result *result)
{
	if (!ctx)
		return EINC_EINVAL;
	if (!program || !in || !out || !result)
		return ctx_fail(ctx, EINC_EINVAL, "check",
		                "program, in, out and result must not be NULL");
	einc_reference *ref = NULL;
	einc_status st = einc_reference_new(ctx, program, in, &ref);
	if (!st)
		st = einc_reference_check(ref, out, result);
	einc_reference_free(ref);
	return st;
}
