/*
 * aot_check.c - the checker of the ahead-of-time test: compiles SPEC with
 * DIMS or SHAPES ("-" for none) and DTYPE, reads the inputs and the output
 * the host program wrote to FILE, and compares the output with the
 * reference evaluator (tolerance as in test_jit.c: 1e-4 f32 / 1e-10 f64 of
 * each element's sum of |products|).
 *   aot_check SPEC DIMS SHAPES f32|f64 FILE
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "einc.h"

/* Element "e" of "buf" as double. */
static double get(const void *buf, int f64, size_t e)
{
	return f64 ? ((const double *)buf)[e] : ((const float *)buf)[e];
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: aot_check SPEC DIMS SHAPES f32|f64 FILE\n");
		return 2;
	}
	einc_ctx *ctx = einc_ctx_new();
	einc_options o;
	einc_options_init(&o);
	int f64 = strcmp(argv[4], "f64") == 0;
	o.dtype = f64 ? EINC_F64 : EINC_F32;
	einc_program *p;
	if (einc_compile_text(ctx, argv[1], strcmp(argv[2], "-") ? argv[2] : NULL,
	                      strcmp(argv[3], "-") ? argv[3] : NULL, &o, &p)) {
		fprintf(stderr, "aot_check: %s\n", einc_ctx_message(ctx));
		return 1;
	}
	int n = einc_program_num_inputs(p);
	size_t es = f64 ? 8 : 4, no = (size_t)einc_program_elems(p, -1);
	void *in[8], *abs_in[8];
	FILE *f = fopen(argv[5], "rb");
	int bad = !f || n > 8;
	for (int k = 0; k < n && !bad; k++) {
		size_t m = (size_t)einc_program_elems(p, k);
		in[k] = malloc(m * es);
		abs_in[k] = malloc(m * es);
		bad = fread(in[k], es, m, f) != m;
		for (size_t e = 0; e < m && !bad; e++) {
			if (f64)
				((double *)abs_in[k])[e] = fabs(get(in[k], 1, e));
			else
				((float *)abs_in[k])[e] = fabsf((float)get(in[k], 0, e));
		}
	}
	void *got = malloc(no * es), *want = malloc(no * es), *bound = malloc(no * es);
	if (bad || fread(got, es, no, f) != no || fgetc(f) != EOF) {
		fprintf(stderr, "aot_check: %s does not hold the operands of %s\n", argv[5], argv[1]);
		return 1;
	}
	fclose(f);
	if (einc_program_run_reference(ctx, p, want, (const void *const *)in) ||
	    einc_program_run_reference(ctx, p, bound, (const void *const *)abs_in)) {
		fprintf(stderr, "aot_check: %s\n", einc_ctx_message(ctx));
		return 1;
	}
	double rel = f64 ? 1e-10 : 1e-4, worst = 0;
	for (size_t e = 0; e < no; e++) {
		double err = fabs(get(got, f64, e) - get(want, f64, e));
		double tol = rel * get(bound, f64, e);
		if (!(err <= tol)) {
			fprintf(stderr, "aot_check: %s element %zu: %.17g, reference %.17g\n", argv[1], e,
			        get(got, f64, e), get(want, f64, e));
			return 1;
		}
		worst = tol > 0 && err / tol > worst ? err / tol : worst;
	}
	printf("aot_check: %s %s: %zu elements ok (worst %.2g of the tolerance)\n", argv[1],
	       argv[4], no, worst);
	for (int k = 0; k < n; k++) {
		free(in[k]);
		free(abs_in[k]);
	}
	free(got);
	free(want);
	free(bound);
	einc_program_free(p);
	einc_ctx_free(ctx);
	return 0;
}
