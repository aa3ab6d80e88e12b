/*
 * test_slices.c - slicing through the public API (einc_options' slicing
 * fields, einc_kernel_run_slices): every slice run on one process equals
 * the unsliced result (the reference evaluator where it can run, else the
 * unsliced kernel) for the corpus's network families, summed and output
 * labels, in every dtype (complex parts and wrapping integers added up);
 * ranges that split unevenly add up to the whole; the errors. Usage: test_slices CORPUS (the public corpus file; its
 * problems are skipped with a message when it is absent).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "einc.h"
#include "refcheck.h"

static const char *corpus_path;

/* A compiled spec with its inputs, kernel and output. */
typedef struct {
	einc_program *p;
	einc_kernel *k;
	void **in;
	einc_dtype dtype;
	size_t nout, esize;
} run;

/* Compiles "spec" ("dims") in "dtype" with "o" (NULL: defaults, dtype set
 * here), JITs it and draws inputs from "seed"; fails the test on an error. */
static void open_run(einc_ctx *ctx, const char *spec, const char *dims, einc_dtype dtype,
                     einc_options *o, uint64_t seed, run *r)
{
	einc_options d;
	if (!o) {
		einc_options_init(&d);
		o = &d;
	}
	o->dtype = dtype;
	if (einc_compile_text(ctx, spec, dims, NULL, o, &r->p) != EINC_OK)
		fail_msg("%s: %s", spec, einc_ctx_message(ctx));
	if (einc_program_jit(ctx, r->p, &r->k) != EINC_OK)
		fail_msg("%s: %s", spec, einc_ctx_message(ctx));
	uint64_t s = seed;
	assert_non_null(r->in = refcheck_inputs(ctx, r->p, &s));
	r->dtype = dtype;
	r->esize = einc_dtype_size(dtype);
	r->nout = (size_t)einc_program_elems(r->p, -1);
}

static void close_run(run *r)
{
	refcheck_inputs_free(r->in);
	einc_kernel_free(r->k);
	einc_program_free(r->p);
}

/* The parts (a complex's real and imaginary, else the elements) of "n"
 * elements of "dtype" and each part's bytes into "*bytes". */
static size_t parts_of(einc_dtype dtype, size_t n, size_t *bytes)
{
	size_t per = einc_dtype_kind(dtype) == EINC_KIND_COMPLEX ? 2 : 1;
	*bytes = einc_dtype_size(dtype) / per;
	return n * per;
}

/* Part "e" of the float or complex buffer "buf" ("bytes" a part) as double. */
static double at(const void *buf, size_t bytes, size_t e)
{
	return bytes == 8 ? ((const double *)buf)[e] : ((const float *)buf)[e];
}

/* "to" += "from", "n" elements of "dtype": part by part, integers
 * wrapping as numpy's do. */
static void add_into(void *to, const void *from, einc_dtype dtype, size_t n)
{
	size_t bytes, parts = parts_of(dtype, n, &bytes);
	int integer = einc_dtype_kind(dtype) == EINC_KIND_INT;
	for (size_t e = 0; e < parts; e++)
		if (integer && bytes == 8)
			((uint64_t *)to)[e] += ((const uint64_t *)from)[e];
		else if (integer)
			((uint32_t *)to)[e] += ((const uint32_t *)from)[e];
		else if (bytes == 8)
			((double *)to)[e] += ((const double *)from)[e];
		else
			((float *)to)[e] += ((const float *)from)[e];
}

/* Asserts that "got" is what "r" computes: with "plain" NULL, the
 * reference evaluator's check; else equal to the unsliced output "plain"
 * (the networks, whose reference would take minutes): integers exactly,
 * floats' and complex parts within rounding (1e-4 for 4-byte parts, 1e-10
 * for 8-byte ones, of the largest part). */
static void assert_result(einc_ctx *ctx, const run *r, const void *got, const void *plain,
                          const char *what)
{
	if (!plain) {
		einc_check_result c;
		assert_int_equal(einc_program_check(ctx, r->p, (const void *const *)r->in, got, &c),
		                 EINC_OK);
		if (!c.ok)
			fail_msg("%s: element %lld is %.9g, reference %.9g", what, (long long)c.at,
			         c.got, c.want);
		return;
	}
	if (einc_dtype_kind(r->dtype) == EINC_KIND_INT) {
		assert_memory_equal(got, plain, r->nout * r->esize);
		return;
	}
	double big = 0, err = 0;
	size_t bytes, parts = parts_of(r->dtype, r->nout, &bytes);
	for (size_t e = 0; e < parts; e++) {
		big = fmax(big, fabs(at(plain, bytes, e)));
		err = fmax(err, fabs(at(got, bytes, e) - at(plain, bytes, e)));
	}
	if (!(err <= (bytes == 8 ? 1e-10 : 1e-4) * fmax(big, 1e-30)))
		fail_msg("%s: off by %.3g of a largest element %.3g", what, err, big);
}

/* The spec and sizes of corpus problem "id" ("pub-017") into "spec" and
 * "dims" (malloc'd); 0, or -1 when the corpus or the problem is absent. */
static int corpus_problem(const char *id, char **spec, char **dims)
{
	FILE *f = corpus_path ? fopen(corpus_path, "r") : NULL;
	char line[8192];
	int found = 0, ok = -1;
	while (f && fgets(line, sizeof line, f)) {
		if (found) {
			line[strcspn(line, "\n")] = '\0';
			char *semi = strstr(line, " ; ");
			if (semi) {
				*semi = '\0';
				*spec = strdup(line);
				*dims = strdup(semi + 3);
				ok = 0;
			}
			break;
		}
		found = strncmp(line, "# ", 2) == 0 && strncmp(line + 2, id, strlen(id)) == 0;
	}
	if (f)
		fclose(f);
	return ok;
}

/* Runs "spec" sliced with "o" (dtype set here) and unsliced and checks
 * every slice together, and two uneven halves added up, against the
 * reference ("reference" set) or the unsliced result; packed parts put
 * in place equal the whole range run at once. */
static void check_sliced(einc_ctx *ctx, const char *spec, const char *dims, einc_dtype dtype,
                         einc_options *o, int reference, const char *what)
{
	run s, u;
	open_run(ctx, spec, dims, dtype, o, 7, &s);
	open_run(ctx, spec, dims, dtype, NULL, 7, &u);
	int64_t n = einc_kernel_num_slices(s.k);
	assert_true(n > 1);
	assert_int_equal(einc_program_num_slices(s.p), n);
	void *plain = calloc(u.nout + 1, u.esize), *got = calloc(s.nout + 1, s.esize);
	void *half = calloc(s.nout + 1, s.esize);
	assert_int_equal(einc_kernel_run(u.k, plain, (const void *const *)u.in, NULL), EINC_OK);
	assert_int_equal(einc_kernel_run_slices(s.k, got, (const void *const *)s.in, NULL, 0, n),
	                 EINC_OK);
	assert_result(ctx, &s, got, reference ? NULL : plain, what);
	/* uneven halves: the first third, then the rest, each from zeros */
	int64_t cut = n / 3;
	memset(got, 0, s.nout * s.esize);
	assert_int_equal(einc_kernel_run_slices(s.k, got, (const void *const *)s.in, NULL, 0, cut),
	                 EINC_OK);
	assert_int_equal(einc_kernel_run_slices(s.k, half, (const void *const *)s.in, NULL, cut,
	                                        n - cut), EINC_OK);
	add_into(got, half, dtype, s.nout);
	assert_result(ctx, &s, got, reference ? NULL : plain, what);
	/* packed parts of the two halves, put in place: the same bits as the
	 * whole range run at once */
	int64_t part = einc_kernel_slice_part_elems(s.k);
	void *parts = malloc((size_t)(n * part) * s.esize + 1), *whole = calloc(s.nout + 1, s.esize);
	memset(half, 0, s.nout * s.esize);
	assert_int_equal(einc_kernel_run_slices_packed(s.k, parts, (const void *const *)s.in, NULL,
	                                               0, cut), EINC_OK);
	assert_int_equal(einc_kernel_run_slices_packed(s.k, (char *)parts + cut * part * s.esize,
	                                               (const void *const *)s.in, NULL, cut, n - cut),
	                 EINC_OK);
	assert_int_equal(einc_kernel_place_slices(s.k, half, parts, 0, n), EINC_OK);
	assert_int_equal(einc_kernel_run_slices(s.k, whole, (const void *const *)s.in, NULL, 0, n),
	                 EINC_OK);
	assert_memory_equal(half, whole, s.nout * s.esize);
	free(parts);
	free(whole);
	free(plain);
	free(got);
	free(half);
	close_run(&s);
	close_run(&u);
}

/* Small contractions by hand-picked labels: summed, output, both, a
 * diagonal, a broadcast axis, slice counts that split unevenly; in every
 * dtype. */
static void test_labels(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *dims, *slice;
	} cases[] = {
		{"ij,jk->ik", "i=5,j=7,k=3", "j"},
		{"ij,jk->ik", "i=5,j=7,k=3", "i"},
		{"ij,jk->ik", "i=5,j=7,k=3", "i,j"},
		{"ij,jk,kl->il", "i=9,j=11,k=6,l=5", "kl"},
		{"ii,ij->j", "i=7,j=5", "i"},
		{"bij,bjk->bik", "b=3,i=17,j=19,k=13", "bj"},
		{"ij,kj->ikj", "i=4,j=6,k=5", "j"},
	};
	static const einc_dtype dtypes[] = {EINC_F32, EINC_F64, EINC_C64,
	                                    EINC_C128, EINC_I32, EINC_I64};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (size_t t = 0; t < sizeof dtypes / sizeof dtypes[0]; t++) {
			einc_options o;
			einc_options_init(&o);
			o.slice = cases[c].slice;
			check_sliced(ctx, cases[c].spec, cases[c].dims, dtypes[t], &o, 1, cases[c].spec);
		}
	einc_ctx_free(ctx);
}

/* Slices "spec" for a largest intermediate of "bytes" twice: the same
 * report, the same sliced labels and tree. */
static void same_slicing(einc_ctx *ctx, const char *spec, const char *dims, int64_t bytes,
                         einc_dtype t)
{
	einc_options o;
	einc_options_init(&o);
	o.dtype = t;
	o.target_size = bytes;
	char *json[2];
	for (int k = 0; k < 2; k++) {
		einc_program *p;
		if (einc_compile_text(ctx, spec, dims, NULL, &o, &p) != EINC_OK)
			fail_msg("%s: %s", spec, einc_ctx_message(ctx));
		assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_PATH_JSON, &json[k]), EINC_OK);
		einc_program_free(p);
	}
	assert_string_equal(json[0], json[1]);
	einc_free(json[0]);
	einc_free(json[1]);
}

/* The corpus's network families (mps, peps, randreg, qcirc; closed and
 * with open indices), sliced automatically for a largest intermediate of
 * 1/8 of the unsliced one in one real dtype, for at least 5 slices in the
 * other and (randreg, qcirc) in a complex and an integer one. */
static void test_corpus(void **state)
{
	(void)state;
	static const char *const ids[] = {"pub-017", "pub-022", "pub-024", "pub-026",
	                                  "pub-028", "pub-029", "pub-036", "pub-037"};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof ids / sizeof ids[0]; x++) {
		char *spec, *dims;
		if (corpus_problem(ids[x], &spec, &dims)) {
			printf("# skipped %s: no corpus at %s\n", ids[x], corpus_path ? corpus_path : "?");
			continue;
		}
		einc_dtype t = x % 2 ? EINC_F64 : EINC_F32;
		einc_program *p;
		einc_options o;
		einc_options_init(&o);
		o.dtype = t;
		if (einc_compile_text(ctx, spec, dims, NULL, &o, &p) != EINC_OK)
			fail_msg("%s: %s", ids[x], einc_ctx_message(ctx));
		char *json;
		assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_PATH_JSON, &json), EINC_OK);
		long long largest = atoll(strstr(json, "\"largest_intermediate\": ") + 24);
		einc_free(json);
		einc_program_free(p);
		o.target_size = (int64_t)(largest / 8 > 0 ? largest / 8 : 1) *
		                (int64_t)einc_dtype_size(t);
		check_sliced(ctx, spec, dims, t, &o, 0, ids[x]);
		if (largest >= 64 * 8) /* the search's restarts are seeded: the same
		                          labels and tree on every compile */
			same_slicing(ctx, spec, dims, largest / 64 * (int64_t)einc_dtype_size(t), t);
		einc_options_init(&o);
		o.target_slices = 5;
		check_sliced(ctx, spec, dims, x % 2 ? EINC_F32 : EINC_F64, &o, 0, ids[x]);
		if (x >= 4) { /* randreg and qcirc: the others add time, not cases */
			check_sliced(ctx, spec, dims, x % 2 ? EINC_C64 : EINC_C128, &o, 0, ids[x]);
			check_sliced(ctx, spec, dims, x % 2 ? EINC_I32 : EINC_I64, &o, 0, ids[x]);
		}
		free(spec);
		free(dims);
	}
	einc_ctx_free(ctx);
}

/* The report: sliced labels, slices, per-slice largest, overhead; the
 * same options give the same bytes. */
static void test_report(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_options o;
	einc_options_init(&o);
	o.target_size = 64 * 4;
	einc_program *p, *q;
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", "i=64,j=32,k=48,l=16", NULL, &o,
	                                   &p), EINC_OK);
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", "i=64,j=32,k=48,l=16", NULL, &o,
	                                   &q), EINC_OK);
	char *a, *b, *tree, *json;
	assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_PATH, &a), EINC_OK);
	assert_int_equal(einc_program_dump(ctx, q, EINC_STAGE_PATH, &b), EINC_OK);
	assert_string_equal(a, b);
	/* the output (1024 elements) must be cut to 64: i or l sliced, 16 slices */
	assert_non_null(strstr(a, "sliced: "));
	assert_non_null(strstr(a, "largest intermediate per slice: 64 (unsliced: 1024)"));
	assert_int_equal(einc_program_num_slices(p), 16);
	assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_TREE, &tree), EINC_OK);
	assert_non_null(strstr(tree, "; einc tree v1\n; sliced: "));
	assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_PATH_JSON, &json), EINC_OK);
	assert_non_null(strstr(json, "{\n  \"sliced\": [\""));
	assert_non_null(strstr(json, "\"num_slices\": 16,"));
	assert_non_null(strstr(json, "\"largest_per_slice\": 64,"));
	einc_free(a);
	einc_free(b);
	einc_free(tree);
	einc_free(json);
	einc_program_free(p);
	einc_program_free(q);
	einc_ctx_free(ctx);
}

/* Compiles "spec" with "o" and asserts it fails with "status" and a
 * message holding "text". */
static void expect_error(einc_ctx *ctx, const char *spec, const char *dims,
                         const einc_options *o, einc_status status, const char *text)
{
	einc_program *p = NULL;
	assert_int_equal(einc_compile_text(ctx, spec, dims, NULL, o, &p), status);
	assert_null(p);
	if (!strstr(einc_ctx_message(ctx), text))
		fail_msg("message '%s' lacks '%s'", einc_ctx_message(ctx), text);
}

/* Bad slicing options and ranges: clear errors, nothing run. */
static void test_errors(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_options o;
	einc_options_init(&o);
	o.slice = "jx";
	expect_error(ctx, "ij,jk->ik", "i=2,j=3,k=4", &o, EINC_EINVAL,
	             "slice:1:2: error: slice: no such label in the spec (expected labels of the "
	             "spec, as 'ab' or 'a,b')\n  jx\n   ^");
	o.slice = "jj";
	expect_error(ctx, "ij,jk->ik", "i=2,j=3,k=4", &o, EINC_EINVAL, "label named twice");
	o.slice = "auto";
	expect_error(ctx, "ij,jk->ik", "i=2,j=3,k=4", &o, EINC_EINVAL, "'auto' needs a target");
	einc_options_init(&o);
	o.target_size = 3;
	expect_error(ctx, "ij,jk->ik", "i=2,j=3,k=4", &o, EINC_EBUDGET,
	             "no slicing reaches a target size of 3 bytes");
	o.target_size = 4;
	o.max_overhead = 1.01;
	expect_error(ctx, "ij,jk,kl->il", "i=8,j=8,k=8,l=8", &o, EINC_EBUDGET,
	             "above the limit of 1.01 (--max-overhead)");
	einc_options_init(&o);
	o.target_slices = 1000;
	expect_error(ctx, "ij,jk->ik", "i=2,j=3,k=4", &o, EINC_EBUDGET,
	             "no slicing reaches the targets: the best is 24 slices");
	einc_options_init(&o);
	o.slice = "j";
	o.path = EINC_PATH_LTR;
	expect_error(ctx, "ij,jk->ik", "i=2,j=3,k=4", &o, EINC_EINVAL,
	             "it does not take a forced tree or --path=ltr");
	/* ranges out of bounds, NULL pointers */
	einc_options_init(&o);
	o.slice = "j";
	run r;
	open_run(ctx, "ij,jk->ik", "i=2,j=3,k=4", EINC_F32, &o, 1, &r);
	float out[8];
	const void *const *in = (const void *const *)r.in;
	assert_int_equal(einc_kernel_run_slices(r.k, out, in, NULL, 2, 2), EINC_EINVAL);
	assert_int_equal(einc_kernel_run_slices(r.k, out, in, NULL, -1, 1), EINC_EINVAL);
	assert_int_equal(einc_kernel_run_slices(r.k, out, in, NULL, 0, -1), EINC_EINVAL);
	assert_int_equal(einc_kernel_run_slices(r.k, NULL, in, NULL, 0, 1), EINC_EINVAL);
	assert_int_equal(einc_kernel_run_slices(NULL, out, in, NULL, 0, 1), EINC_EINVAL);
	assert_int_equal(einc_kernel_run_slices(r.k, out, in, NULL, 3, 0), EINC_OK);
	assert_int_equal(einc_kernel_run_slices_packed(r.k, out, in, NULL, 1, 3), EINC_EINVAL);
	assert_int_equal(einc_kernel_place_slices(r.k, out, out, 2, 2), EINC_EINVAL);
	assert_int_equal(einc_kernel_place_slices(r.k, NULL, out, 0, 1), EINC_EINVAL);
	assert_int_equal(einc_kernel_slice_part_elems(r.k), 8);
	assert_int_equal(einc_kernel_slices_summed(r.k), 1);
	close_run(&r);
	einc_ctx_free(ctx);
}

/* An unsliced kernel is one slice: its range equals its run, an empty
 * output (a label of size 0) included. */
static void test_unsliced(void **state)
{
	(void)state;
	static const char *const dims[] = {"i=6,j=5,k=4", "i=6,j=0,k=4", "i=0,j=5,k=4"};
	einc_ctx *ctx = einc_ctx_new();
	for (int c = 0; c < 3; c++) {
		run r;
		open_run(ctx, "ij,jk->ik", dims[c], EINC_F64, NULL, 3, &r);
		assert_int_equal(einc_kernel_num_slices(r.k), 1);
		assert_int_equal(einc_kernel_slice_part_elems(r.k), (int64_t)r.nout);
		double want[24], got[25];
		memset(got, 0x55, sizeof got);
		const void *const *in = (const void *const *)r.in;
		assert_int_equal(einc_kernel_run(r.k, want, in, NULL), EINC_OK);
		assert_int_equal(einc_kernel_run_slices(r.k, got, in, NULL, 0, 1), EINC_OK);
		assert_memory_equal(got, want, r.nout * sizeof(double));
		assert_int_equal(((unsigned char *)got)[r.nout * sizeof(double)], 0x55);
		close_run(&r);
	}
	einc_ctx_free(ctx);
}

/* Strided operands (einc_compile_strided) sliced: A a transposed view,
 * the output column-major; every slice, summed (j) and output (i) labels,
 * against the product computed here; an unsliced strided kernel's range
 * writes its strided output itself. */
static void test_strided(void **state)
{
	(void)state;
	enum { I = 6, J = 5, K = 4 };
	static const int ranks[] = {2, 2};
	static const int64_t sa[] = {I, J}, sb[] = {J, K}, ta[] = {1, I}, outs[] = {1, I};
	const int64_t *const shapes[] = {sa, sb}, *const strides[] = {ta, NULL};
	double a[I * J], b[J * K], want[I * K], got[I * K];
	for (int x = 0; x < I * J; x++)
		a[x] = (double)((x * 7) % 11) - 5; /* a[j * I + i] is A[i][j] */
	for (int x = 0; x < J * K; x++)
		b[x] = (double)((x * 5) % 13) - 6;
	for (int i = 0; i < I; i++)
		for (int k = 0; k < K; k++) {
			double acc = 0;
			for (int j = 0; j < J; j++)
				acc += a[j * I + i] * b[j * K + k];
			want[i + I * k] = acc;
		}
	const void *in[] = {a, b};
	einc_ctx *ctx = einc_ctx_new();
	for (int sliced = 0; sliced < 2; sliced++) {
		einc_options o;
		einc_options_init(&o);
		o.dtype = EINC_F64;
		o.slice = sliced ? "i,j" : NULL;
		einc_program *p;
		einc_kernel *k;
		if (einc_compile_strided(ctx, "ij,jk->ik", 2, ranks, shapes, strides, 2, outs, &o,
		                         &p) != EINC_OK)
			fail_msg("%s", einc_ctx_message(ctx));
		assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
		int64_t n = einc_kernel_num_slices(k);
		assert_int_equal(n, sliced ? I * J : 1);
		memset(got, 0, sizeof got);
		assert_int_equal(einc_kernel_run_slices(k, got, in, NULL, 0, n), EINC_OK);
		for (int x = 0; x < I * K; x++)
			assert_true(fabs(got[x] - want[x]) <= 1e-12 * (1 + fabs(want[x])));
		einc_kernel_free(k);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

int main(int argc, char **argv)
{
	corpus_path = argc > 1 ? argv[1] : NULL;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_unsliced),
		cmocka_unit_test(test_strided),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
