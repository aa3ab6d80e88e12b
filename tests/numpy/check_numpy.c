/*
 * check_numpy.c CASES - checks einc against numpy on the cases gen_cases.py
 * wrote (the file format is described there).
 *
 * Each case is compiled twice through the public API: with numeric shapes
 * (einc_compile) and, when no operand is a scalar, with the CLI's shape text
 * ("2x3,3x4", einc_compile_text). Where numpy raised, or where einc departs
 * from numpy on purpose ("diverges"), both must fail with a non-OK status
 * (so a departure that goes away is noticed too). Otherwise both must succeed with numpy's output shape, and
 * einc_program_run_reference (and, for numpy's edge shapes: an axis of
 * extent 0 or a 0-d operand, also the JIT-compiled kernel,
 * einc_program_jit) must match numpy's float64 result "ref" within
 *     |einc - ref| <= tol * mag
 * where "mag" is the einsum of the absolute values (the sum of |products|,
 * which bounds the rounding error of any summation order) and tol is 1e-5
 * for f32 (one rounding of the double sum to float: 6e-8) and 1e-12 for f64
 * (two double summations in different orders: a few 1e-16 per term).
 * Every failure is reported with its case id, spec, shapes and dtype; the
 * exit status is 0 when all cases pass, 1 otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "einc.h"

#define MAX_OPS 8
#define MAX_RANK 16

typedef struct {
	long id;
	einc_dtype dtype;
	char spec[256];
	int nops;
	int ranks[MAX_OPS];
	int64_t dims[MAX_OPS][MAX_RANK];
	char shape_text[512]; /* "2x3,3x4", or "" when an operand is a scalar */
	int raises;           /* numpy raised, or einc diverges: einc must refuse */
	int diverges;
	int out_rank;
	int64_t out_dims[MAX_RANK];
	void *in[MAX_OPS];    /* the inputs in dtype */
	double *ref, *mag;    /* numpy's result and the sum of |products| */
} numpy_case;

/* Reads the next whitespace-separated token of "f" into "buf" (size "n"),
 * skipping "#" comments; a token starting with '"' runs to the next '"'
 * (quotes dropped), so specs may hold spaces. Returns 0 at the end. */
static int next_token(FILE *f, char *buf, size_t n)
{
	int c;
	for (;;) {
		c = getc(f);
		if (c == '#')
			while (c != '\n' && c != EOF)
				c = getc(f);
		if (c == EOF)
			return 0;
		if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
			break;
	}
	size_t len = 0;
	int quoted = c == '"';
	if (quoted)
		c = getc(f);
	while (c != EOF && (quoted ? c != '"' : (c != ' ' && c != '\n' && c != '\t'))) {
		if (len + 1 < n)
			buf[len++] = (char)c;
		c = getc(f);
	}
	buf[len] = '\0';
	return 1;
}

/* The next token of "f" as an integer, or -1 when it is none. */
static long next_long(FILE *f)
{
	char buf[64], *end;
	if (!next_token(f, buf, sizeof buf))
		return -1;
	long v = strtol(buf, &end, 10);
	return *end || end == buf ? -1 : v;
}

/* Reads "n" numbers of "f" into "out" (double, or float when "as_f32").
 * Returns 0, or -1 on a malformed file. */
static int read_values(FILE *f, int64_t n, void *out, int as_f32)
{
	char buf[64], *end;
	for (int64_t e = 0; e < n; e++) {
		if (!next_token(f, buf, sizeof buf))
			return -1;
		double v = strtod(buf, &end);
		if (*end || end == buf)
			return -1;
		if (as_f32)
			((float *)out)[e] = (float)v;
		else
			((double *)out)[e] = v;
	}
	return 0;
}

/* The number of elements of a tensor of "rank" and "dims". */
static int64_t elems(int rank, const int64_t *dims)
{
	int64_t n = 1;
	for (int a = 0; a < rank; a++)
		n *= dims[a];
	return n;
}

/* Frees the data of "c" and zeroes it. */
static void free_case(numpy_case *c)
{
	for (int k = 0; k < c->nops; k++)
		free(c->in[k]);
	free(c->ref);
	free(c->mag);
	memset(c, 0, sizeof *c);
}

/* Reads one case from "f" into "c". Returns 1, 0 at the end of the file,
 * or -1 when the file is malformed. */
static int read_case(FILE *f, numpy_case *c)
{
	char tok[256], dtype[8];
	memset(c, 0, sizeof *c);
	if (!next_token(f, tok, sizeof tok))
		return 0;
	if (strcmp(tok, "case") != 0)
		return -1;
	c->id = next_long(f);
	if (!next_token(f, dtype, sizeof dtype) || !next_token(f, c->spec, sizeof c->spec))
		return -1;
	c->dtype = strcmp(dtype, "f64") == 0 ? EINC_F64 : EINC_F32;
	c->nops = (int)next_long(f);
	if (c->nops < 1 || c->nops > MAX_OPS)
		return -1;
	size_t len = 0; /* of shape_text; a scalar operand clears it at the end */
	int scalar = 0;
	for (int k = 0; k < c->nops; k++) {
		c->ranks[k] = (int)next_long(f);
		if (c->ranks[k] < 0 || c->ranks[k] > MAX_RANK)
			return -1;
		scalar |= c->ranks[k] == 0;
		for (int a = 0; a < c->ranks[k]; a++) {
			c->dims[k][a] = next_long(f);
			if (c->dims[k][a] < 0)
				return -1;
			if (len < sizeof c->shape_text)
				len += (size_t)snprintf(c->shape_text + len, sizeof c->shape_text - len,
				                        "%s%lld", a ? "x" : k ? "," : "",
				                        (long long)c->dims[k][a]);
		}
	}
	if (scalar || len >= sizeof c->shape_text)
		c->shape_text[0] = '\0';
	if (!next_token(f, tok, sizeof tok))
		return -1;
	c->diverges = strcmp(tok, "diverges") == 0;
	if (strcmp(tok, "raises") == 0 || c->diverges) {
		c->raises = 1;
		return 1;
	}
	c->out_rank = (int)next_long(f);
	if (strcmp(tok, "ok") != 0 || c->out_rank < 0 || c->out_rank > MAX_RANK)
		return -1;
	for (int a = 0; a < c->out_rank; a++)
		if ((c->out_dims[a] = next_long(f)) < 0)
			return -1;
	int is_f32 = c->dtype == EINC_F32;
	for (int k = 0; k < c->nops; k++) {
		int64_t n = elems(c->ranks[k], c->dims[k]);
		c->in[k] = malloc((size_t)(n ? n : 1) * (is_f32 ? sizeof(float) : sizeof(double)));
		if (!c->in[k] || read_values(f, n, c->in[k], is_f32) < 0)
			return -1;
	}
	int64_t n = elems(c->out_rank, c->out_dims);
	c->ref = malloc((size_t)n * sizeof(double));
	c->mag = malloc((size_t)n * sizeof(double));
	if (!c->ref || !c->mag || read_values(f, n, c->ref, 0) < 0 ||
	    read_values(f, n, c->mag, 0) < 0)
		return -1;
	return 1;
}

/* Prints the start of a failure report for case "c", compiled via "how". */
static void report(const numpy_case *c, const char *how)
{
	fprintf(stderr, "FAIL case %ld (%s) \"%s\" shapes ", c->id, how, c->spec);
	for (int k = 0; k < c->nops; k++) {
		fprintf(stderr, "%s(", k ? "," : "");
		for (int a = 0; a < c->ranks[k]; a++)
			fprintf(stderr, "%s%lld", a ? "," : "", (long long)c->dims[k][a]);
		fprintf(stderr, ")");
	}
	fprintf(stderr, " %s: ", c->dtype == EINC_F64 ? "f64" : "f32");
}

/* Whether case "c" holds one of numpy's edge shapes: an axis of extent 0
 * or a 0-d operand. */
static int edge_case(const numpy_case *c)
{
	int edge = 0;
	for (int k = 0; k < c->nops; k++) {
		edge |= c->ranks[k] == 0;
		for (int a = 0; a < c->ranks[k]; a++)
			edge |= c->dims[k][a] == 0;
	}
	return edge;
}

/* Runs program "p" on the inputs of "c" into "out": by the reference
 * evaluator, or when "jit" by its JIT-compiled kernel. */
static einc_status run_program(einc_ctx *ctx, const numpy_case *c, const einc_program *p,
                               int jit, void *out)
{
	if (!jit)
		return einc_program_run_reference(ctx, p, out, (const void *const *)c->in);
	einc_kernel *k = NULL;
	einc_status st = einc_program_jit(ctx, p, &k);
	if (st == EINC_OK)
		st = einc_kernel_run(k, out, (const void *const *)c->in, NULL);
	einc_kernel_free(k);
	return st;
}

/* Compares the program "p" of case "c" (compiled via "how"; run by its
 * JIT-compiled kernel when "jit", else by the reference evaluator) with
 * numpy: output shape, then every element within the tolerance. Returns 0
 * on a match, -1 after reporting the first difference. */
static int check_result(einc_ctx *ctx, const numpy_case *c, const einc_program *p,
                        const char *how, int jit)
{
	const int64_t *dims;
	int rank = einc_program_shape(p, -1, &dims);
	int same = rank == c->out_rank;
	for (int a = 0; same && a < rank; a++)
		same = dims[a] == c->out_dims[a];
	if (!same) {
		report(c, how);
		fprintf(stderr, "output shape (");
		for (int a = 0; a < rank; a++)
			fprintf(stderr, "%s%lld", a ? "," : "", (long long)dims[a]);
		fprintf(stderr, "), numpy (");
		for (int a = 0; a < c->out_rank; a++)
			fprintf(stderr, "%s%lld", a ? "," : "", (long long)c->out_dims[a]);
		fprintf(stderr, ")\n");
		return -1;
	}
	int64_t n = elems(c->out_rank, c->out_dims);
	int is_f32 = c->dtype == EINC_F32;
	double tol = is_f32 ? 1e-5 : 1e-12;
	void *out = malloc((size_t)(n ? n : 1) * (is_f32 ? sizeof(float) : sizeof(double)));
	einc_status st = out ? run_program(ctx, c, p, jit, out) : EINC_ENOMEM;
	if (st) {
		report(c, how);
		fprintf(stderr, "run failed: %s\n", !out ? "out of memory" :
		        jit && st != EINC_ENOMEM ? einc_status_name(st) : einc_ctx_message(ctx));
		free(out);
		return -1;
	}
	int rc = 0;
	for (int64_t e = 0; e < n && rc == 0; e++) {
		double got = is_f32 ? ((float *)out)[e] : ((double *)out)[e];
		if (!(fabs(got - c->ref[e]) <= tol * c->mag[e])) {
			report(c, how);
			fprintf(stderr, "element %lld: einc %.17g, numpy %.17g (|products| %.3g)\n",
			        (long long)e, got, c->ref[e], c->mag[e]);
			rc = -1;
		}
	}
	free(out);
	return rc;
}

/* Compiles case "c" with numeric shapes, or with shape text when "text",
 * and checks the outcome against numpy's; counts a run of the JIT in
 * "*njit". Returns 0 or -1 (reported). */
static int check_one(einc_ctx *ctx, const numpy_case *c, int text, int *njit)
{
	const char *how = text ? "shape text" : "numeric shapes";
	einc_options opt;
	einc_options_init(&opt);
	opt.dtype = c->dtype;
	const int64_t *shapes[MAX_OPS];
	for (int k = 0; k < c->nops; k++)
		shapes[k] = c->dims[k];
	einc_program *p = NULL;
	einc_status st = text
		? einc_compile_text(ctx, c->spec, NULL, c->shape_text, &opt, &p)
		: einc_compile(ctx, c->spec, c->nops, c->ranks, shapes, &opt, &p);
	int rc = 0;
	if (c->raises && st == EINC_OK) {
		report(c, how);
		fprintf(stderr, "%s, einc accepted it\n", c->diverges
		        ? "einc refused it on purpose (gen_cases.py DIVERGES)" : "numpy raised");
		rc = -1;
	} else if (!c->raises && st != EINC_OK) {
		report(c, how);
		fprintf(stderr, "numpy accepted it, einc says:\n%s\n", einc_ctx_message(ctx));
		rc = -1;
	} else if (!c->raises) {
		rc = check_result(ctx, c, p, how, 0);
		/* numpy's edge shapes run by the JIT too (empty axes: no step may
		 * run over zero elements; 0-d operands) */
		if (rc == 0 && !text && edge_case(c)) {
			rc = check_result(ctx, c, p, "numeric shapes, JIT", 1);
			++*njit;
		}
	}
	einc_program_free(p);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: check_numpy CASES\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	char magic[64];
	if (!f || !next_token(f, magic, sizeof magic) || strcmp(magic, "einc-numpy-cases") != 0 ||
	    next_long(f) != 1) {
		fprintf(stderr, "check_numpy: %s is not an einc-numpy-cases 1 file\n", argv[1]);
		return 2;
	}
	einc_ctx *ctx = einc_ctx_new();
	numpy_case c;
	int r, ncases = 0, nraises = 0, ndiverge = 0, nfail = 0, njit = 0;
	while ((r = read_case(f, &c)) == 1) {
		ncases++;
		nraises += c.raises && !c.diverges;
		ndiverge += c.diverges;
		int bad = check_one(ctx, &c, 0, &njit) < 0;
		if (c.shape_text[0])
			bad |= check_one(ctx, &c, 1, &njit) < 0;
		nfail += bad;
		free_case(&c);
	}
	free_case(&c);
	fclose(f);
	einc_ctx_free(ctx);
	if (r < 0) {
		fprintf(stderr, "check_numpy: %s: malformed case after %d cases\n", argv[1], ncases);
		return 2;
	}
	printf("numpy cross-check: %d cases (%d that numpy rejects, %d where einc "
	       "departs from numpy on purpose; %d of numpy's edge shapes run by the JIT too), "
	       "%d failed\n", ncases, nraises, ndiverge, njit, nfail);
	return nfail ? 1 : 0;
}
