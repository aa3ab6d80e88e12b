/*
 * run_network.c - one einsum through the C API and the JIT, on given data:
 *
 *   run_network SPEC DIMS DTYPE IN OUT
 *
 * compiles SPEC with DIMS (einc_compile_text), prints its linear path
 * (einc_program_dump) on stdout, JIT-compiles it, runs it on the inputs
 * read from the file IN (every input's elements, row-major, one after the
 * other, in the dtype) and writes the output's elements to the file OUT.
 * Exit status 0, or 1 with the message on stderr. check_networks.py
 * checks OUT against numpy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "einc.h"

/* Reads "n" elements of "size" bytes from "f" into a new buffer; NULL on
 * a short read or out of memory. */
static void *read_elems(FILE *f, int64_t n, size_t size)
{
	void *p = malloc(n > 0 ? (size_t)n * size : 1);
	if (p && fread(p, size, (size_t)n, f) != (size_t)n) {
		free(p);
		return NULL;
	}
	return p;
}

/* Runs the compiled "p" on the inputs in "in_file", writing "out_file". */
static int run(einc_ctx *ctx, einc_program *p, size_t esize, const char *in_file,
               const char *out_file)
{
	int n = einc_program_num_inputs(p), rc = 1;
	void **in = calloc((size_t)n + 1, sizeof(*in));
	int64_t out_n = einc_program_elems(p, -1);
	void *out = malloc(out_n > 0 ? (size_t)out_n * esize : 1);
	einc_kernel *k = NULL;
	FILE *f = fopen(in_file, "rb");
	if (!in || !out || !f) {
		fprintf(stderr, "run_network: cannot read %s or out of memory\n", in_file);
		goto done;
	}
	for (int x = 0; x < n; x++)
		if (!(in[x] = read_elems(f, einc_program_elems(p, x), esize))) {
			fprintf(stderr, "run_network: %s is short of input %d\n", in_file, x);
			goto done;
		}
	if (einc_program_jit(ctx, p, &k) != EINC_OK ||
	    einc_kernel_run(k, out, (const void *const *)in, NULL) != EINC_OK) {
		fprintf(stderr, "run_network: %s\n", einc_ctx_message(ctx));
		goto done;
	}
	FILE *o = fopen(out_file, "wb");
	rc = !o || fwrite(out, esize, (size_t)out_n, o) != (size_t)out_n;
	if (o && fclose(o))
		rc = 1;
	if (rc)
		fprintf(stderr, "run_network: cannot write %s\n", out_file);
done:
	if (f)
		fclose(f);
	for (int x = 0; in && x < n; x++)
		free(in[x]);
	free(in);
	free(out);
	einc_kernel_free(k);
	return rc;
}

int main(int argc, char **argv)
{
	einc_options o;
	einc_options_init(&o);
	if (argc != 6 || einc_dtype_parse(argv[3], &o.dtype)) {
		fprintf(stderr, "usage: run_network SPEC DIMS %s IN OUT\n", einc_dtype_names());
		return 2;
	}
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = NULL;
	char *path = NULL;
	int rc = 1;
	if (!ctx)
		return 1;
	if (einc_compile_text(ctx, argv[1], argv[2], NULL, &o, &p) != EINC_OK ||
	    einc_program_dump(ctx, p, EINC_STAGE_PATH_LINEAR, &path) != EINC_OK) {
		fprintf(stderr, "run_network: %s\n", einc_ctx_message(ctx));
	} else {
		printf("%s\n", path);
		fflush(stdout);
		rc = run(ctx, p, einc_dtype_size(o.dtype), argv[4], argv[5]);
	}
	einc_free(path);
	einc_program_free(p);
	einc_ctx_free(ctx);
	return rc;
}
