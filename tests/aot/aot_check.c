/*
 * aot_check.c - the checker of the ahead-of-time test: compiles SPEC with
 * DIMS or SHAPES ("-" for none) and DTYPE, reads the inputs and the output
 * the host program wrote to FILE, and compares the output with the
 * reference evaluator (einc_program_check, which states the tolerance).
 *   aot_check SPEC DIMS SHAPES DTYPE FILE
 * Exits 0 when the output passes, 1 when it does not or FILE is not what
 * the host writes, 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "einc.h"

/* Reads the "n" inputs of "p" (into "in", arrays it allocates) then its
 * output (into "*out") from "f", elements of "esize" bytes; 0 when "f"
 * holds exactly those, else -1. */
static int read_operands(FILE *f, const einc_program *p, size_t esize, void **in, void **out)
{
	int n = einc_program_num_inputs(p);
	for (int k = 0; k <= n; k++) {
		void **buf = k < n ? &in[k] : out;
		size_t m = (size_t)einc_program_elems(p, k < n ? k : -1);
		if (!(*buf = malloc(m * esize + 1)) || fread(*buf, esize, m, f) != m)
			return -1;
	}
	return fgetc(f) == EOF ? 0 : -1;
}

int main(int argc, char **argv)
{
	einc_options o;
	einc_options_init(&o);
	if (argc != 6 || einc_dtype_parse(argv[4], &o.dtype)) {
		fprintf(stderr, "usage: aot_check SPEC DIMS SHAPES DTYPE FILE (DTYPE: %s)\n",
		        einc_dtype_names());
		return 2;
	}
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = NULL;
	if (!ctx || einc_compile_text(ctx, argv[1], strcmp(argv[2], "-") ? argv[2] : NULL,
	                              strcmp(argv[3], "-") ? argv[3] : NULL, &o, &p)) {
		fprintf(stderr, "aot_check: %s\n", ctx ? einc_ctx_message(ctx) : "out of memory");
		return 1;
	}
	int n = einc_program_num_inputs(p), status = 1;
	void **in = calloc((size_t)n + 1, sizeof(void *)), *got = NULL;
	FILE *f = fopen(argv[5], "rb");
	einc_check_result r;
	if (!in || !f || read_operands(f, p, einc_dtype_size(o.dtype), in, &got))
		fprintf(stderr, "aot_check: %s does not hold the operands of %s\n", argv[5], argv[1]);
	else if (einc_program_check(ctx, p, (const void *const *)in, got, &r))
		fprintf(stderr, "aot_check: %s\n", einc_ctx_message(ctx));
	else if (!r.ok)
		fprintf(stderr, "aot_check: %s element %lld: %.17g%+.17gi, reference %.17g%+.17gi "
		        "(error %.3g of its sum of |products|, tolerance %g)\n", argv[1],
		        (long long)r.at, r.got, r.got_imag, r.want, r.want_imag, r.error, r.tolerance);
	else {
		printf("aot_check: %s %s: %lld elements ok (worst error %.2g, tolerance %g)\n",
		       argv[1], argv[4], (long long)einc_program_elems(p, -1), r.error, r.tolerance);
		status = 0;
	}
	if (f)
		fclose(f);
	for (int k = 0; in && k < n; k++)
		free(in[k]);
	free(in);
	free(got);
	einc_program_free(p);
	einc_ctx_free(ctx);
	return status;
}
