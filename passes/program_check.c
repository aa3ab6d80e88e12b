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

/* Part "i" of "buf" of "bytes"-byte floats (a complex element e has parts
 * 2e and 2e + 1) as a double. */
static double get_part(const void *buf, int bytes, size_t i)
{
	return bytes == 8 ? ((const double *)buf)[i] : ((const float *)buf)[i];
}

/* Sets part "i" of "buf" of "bytes"-byte floats to "v". */
static void set_part(void *buf, int bytes, size_t i, double v)
{
	if (bytes == 8)
		((double *)buf)[i] = v;
	else
		((float *)buf)[i] = (float)v;
}

/* Element "e" of "buf" of "bytes"-byte integers. */
static int64_t get_int(const void *buf, int bytes, size_t e)
{
	return bytes == 8 ? ((const int64_t *)buf)[e] : ((const int32_t *)buf)[e];
}

/* Element "e" of "buf" in dtype "d" as its real and imaginary parts (0 but
 * for a complex; an integer rounded to double). */
static void get(const ir_dtype_info *d, const void *buf, size_t e, double *re, double *im)
{
	*im = 0;
	if (d->kind == EINC_KIND_INT) {
		*re = (double)get_int(buf, d->bytes, e);
	} else if (d->kind == EINC_KIND_COMPLEX) {
		*re = get_part(buf, d->part_bytes, 2 * e);
		*im = get_part(buf, d->part_bytes, 2 * e + 1);
	} else {
		*re = get_part(buf, d->bytes, e);
	}
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
	int n = program->graph->ninputs;
	const ir_dtype_info *d = ir_dtype(program->graph->dtype);
	einc_status st = null_input(ctx, "run", n, (const void *const *)in);
	if (st)
		return st;
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
	if (!s)
		s = 1; /* xorshift stays at 0 */
	size_t parts = d->kind == EINC_KIND_COMPLEX ? 2 : 1;
	for (int k = 0; k < n; k++) {
		size_t m = (size_t)einc_program_elems(program, k) * parts;
		for (size_t i = 0; i < m; i++) {
			double u = next_uniform(&s);
			if (d->kind != EINC_KIND_INT)
				set_part(in[k], d->part_bytes, i, u);
			else if (d->bytes == 8)
				((int64_t *)in[k])[i] = lround(8 * u);
			else
				((int32_t *)in[k])[i] = (int32_t)lround(8 * u);
		}
	}
	return EINC_OK;
}

/* Whether float "got" is "want" or both are NaN. */
static int same(double got, double want)
{
	return got == want || (isnan(got) && isnan(want));
}

/*
 * The error of element "e" of the output "got" against the reference
 * "want" (dtype "d") as a fraction of "sum", the element's sum of
 * |products|, with |got - want| (the modulus for a complex) in "*abs": 0
 * when they are equal (the same infinity) or both NaN; INFINITY for a NaN
 * or an infinity the reference does not have, or for any error when "sum"
 * is 0. Integers compare exactly: any difference is an error of at least 1.
 */
static double element_error(const ir_dtype_info *d, const void *got, const void *want,
                            size_t e, double sum, double *abs)
{
	if (d->kind == EINC_KIND_INT) {
		int64_t g = get_int(got, d->bytes, e), w = get_int(want, d->bytes, e);
		*abs = g == w ? 0 : fmax(fabs((double)g - (double)w), 1);
		return *abs;
	}
	double gr, gi, wr, wi;
	get(d, got, e, &gr, &gi);
	get(d, want, e, &wr, &wi);
	*abs = same(gr, wr) && same(gi, wi) ? 0 : hypot(gr - wr, gi - wi);
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
	double *sum;      /* each element's sum of |products|; NULL for integers */
};

/* The reference on "in" in the dtype, then, but for integers, on |in| in
 * double (no overflow of the sums in f32; the modulus of a complex). */
einc_status einc_reference_new(einc_ctx *ctx, const einc_program *program,
                               const void *const in[], einc_reference **ref)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!program || !in || !ref)
		return ctx_fail(ctx, EINC_EINVAL, "check", "program, in and ref must not be NULL");
	*ref = NULL;
	int n = program->graph->ninputs;
	const ir_dtype_info *d = ir_dtype(program->graph->dtype);
	int exact = d->kind == EINC_KIND_INT;
	einc_status st = null_input(ctx, "check", n, in);
	if (st)
		return st;
	einc_reference *r = calloc(1, sizeof(*r));
	double **abs_in = calloc((size_t)n + 1, sizeof(double *));
	int ok = r && abs_in;
	if (ok) {
		r->dtype = program->graph->dtype;
		r->n = (size_t)einc_program_elems(program, -1);
		r->want = malloc(r->n * (size_t)d->bytes + 1);
		r->sum = exact ? NULL : malloc(r->n * sizeof(double) + 1);
		ok = r->want && (exact || r->sum);
	}
	for (int k = 0; ok && !exact && k < n; k++) {
		size_t m = (size_t)einc_program_elems(program, k);
		ok = (abs_in[k] = malloc(m * sizeof(double) + 1)) != NULL;
		for (size_t e = 0; ok && e < m; e++) {
			double re, im;
			get(d, in[k], e, &re, &im);
			abs_in[k][e] = hypot(re, im);
		}
	}
	if (!ok)
		st = ctx_fail(ctx, EINC_ENOMEM, "check", "out of memory");
	if (!st)
		st = program_reference(ctx, program, r->dtype, r->want, in);
	if (!st && !exact)
		st = program_reference(ctx, program, EINC_F64, r->sum, (const void *const *)abs_in);
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
	const ir_dtype_info *d = ir_dtype(ref->dtype);
	*r = (einc_check_result){.tolerance = d->tolerance, .at = -1};
	for (size_t e = 0; e < ref->n; e++) {
		double abs, err = element_error(d, out, ref->want, e, ref->sum ? ref->sum[e] : 1, &abs);
		r->max_abs = fmax(r->max_abs, abs);
		if (r->at < 0 || err > r->error) {
			r->error = err;
			r->at = (int64_t)e;
		}
	}
	r->ok = r->error <= r->tolerance;
	if (r->at >= 0) {
		get(d, out, (size_t)r->at, &r->got, &r->got_imag);
		get(d, ref->want, (size_t)r->at, &r->want, &r->want_imag);
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
