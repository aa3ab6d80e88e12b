/*
 * test_jit.c - the compiled path against the reference evaluator: random
 * einsums (fixed seed) JIT-compiled and run, plus the API's error paths,
 * many kernels at once, threads, workspaces, and byte-identical output files.
 *
 * Tolerance as einc_program_check states it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <cmocka.h>

#include "einc.h"
#include "refcheck.h"

enum { NCASES = 320, MAXOPS = 6, MAXAXES = 8 };

/* A number in 0 .. n-1. */
static int below(uint64_t *s, int n)
{
	return (int)(refcheck_rand(s) % (uint64_t)n);
}

/* One random einsum: its spec, per-operand shapes, dtype and opt level. */
typedef struct {
	char spec[160];
	int nops;
	int ranks[MAXOPS];
	int64_t dims[MAXOPS][MAXAXES];
	const int64_t *shapes[MAXOPS];
	einc_options options;
} rcase;

/* Appends the axes of one operand to "spec" and its shape to "c": labels
 * from the pool (repeats make diagonals, extent 1 sometimes broadcasts) and,
 * when "ell" > 0, a "..." of up to "ell" dims (right-aligned, some 1). */
static void gen_operand(uint64_t *s, rcase *c, int k, const int64_t *size, int npool,
                        int ell, const int64_t *ell_size, char *used)
{
	int rank = below(s, c->nops >= 5 ? 3 : 4);
	if (c->nops == 1 && rank == 0)
		rank = 1; /* the front end rejects a lone "->" */
	int ell_at = ell && below(s, 3) ? below(s, rank + 1) : -1;
	char labels[MAXAXES];
	for (int a = 0; a < rank; a++) {
		labels[a] = (char)('a' + below(s, npool));
		used[labels[a] - 'a'] = 1;
	}
	int nd = 0;
	char *spec = c->spec + strlen(c->spec);
	for (int a = 0; a <= rank; a++) {
		if (a == ell_at) {
			strcpy(spec, "...");
			spec += 3;
			int er = ell - below(s, ell + 1);
			for (int e = ell - er; e < ell; e++)
				c->dims[k][nd++] = below(s, 4) ? ell_size[e] : 1;
		}
		if (a == rank)
			break;
		*spec++ = labels[a];
		*spec = '\0';
		int once = memchr(labels, labels[a], (size_t)rank) == &labels[a] &&
		           !memchr(labels + a + 1, labels[a], (size_t)(rank - a - 1));
		c->dims[k][nd++] = once && below(s, 8) == 0 ? 1 : size[labels[a] - 'a'];
	}
	c->ranks[k] = nd;
	c->shapes[k] = c->dims[k];
}

/* Generates case "c" from the stream "s". */
static void gen_case(uint64_t *s, rcase *c)
{
	static const int op_counts[] = {1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6};
	memset(c, 0, sizeof(*c));
	einc_options_init(&c->options);
	c->options.dtype = below(s, 2) ? EINC_F64 : EINC_F32;
	c->options.opt_level = below(s, 4);
	c->nops = op_counts[below(s, (int)(sizeof op_counts / sizeof op_counts[0]))];
	int npool = 2 + below(s, 5);
	int64_t size[8], ell_size[2] = {1 + below(s, 3), 1 + below(s, 3)};
	for (int l = 0; l < npool; l++)
		size[l] = 1 + below(s, 4);
	int ell = below(s, 4) == 0 ? 1 + below(s, 2) : 0;
	char used[8] = {0};
	for (int k = 0; k < c->nops; k++) {
		if (k)
			strcat(c->spec, ",");
		gen_operand(s, c, k, size, npool, ell, ell_size, used);
	}
	if (below(s, 4) == 0)
		return; /* implicit output */
	char *out = c->spec + strlen(c->spec);
	strcpy(out, "->");
	out += 2;
	int has_ell = strstr(c->spec, "...") != NULL; /* numpy never sums "..." */
	char labels[9] = {0};
	int n = 0;
	for (int l = 0; l < npool; l++)
		if (used[l] && below(s, 2))
			labels[n++] = (char)('a' + l);
	for (int x = n - 1; x > 0; x--) {
		int y = below(s, x + 1);
		char t = labels[x];
		labels[x] = labels[y];
		labels[y] = t;
	}
	int ell_at = has_ell ? below(s, n + 1) : -1;
	for (int x = 0; x <= n; x++) {
		if (x == ell_at) {
			strcpy(out, "...");
			out += 3;
		}
		if (x < n)
			*out++ = labels[x];
	}
	*out = '\0';
}

/*
 * Runs "p" through the JIT (with the kernel's own workspace or a given one)
 * on inputs drawn from "s"; returns the worst error as a multiple of the
 * allowed tolerance (<= 1 passes; an exact dtype: 0 or INFINITY), or -1 when
 * a call fails.
 */
static double check_program(einc_ctx *ctx, const einc_program *p, uint64_t *s, int own_ws)
{
	void **in = refcheck_inputs(ctx, p, s);
	if (!in)
		return -1;
	size_t no = (size_t)einc_program_elems(p, -1);
	size_t esize = einc_dtype_size(einc_program_dtype(p));
	void *got = malloc(no * esize + 8);
	memset(got, 0x7f, no * esize); /* the kernel must overwrite, not accumulate */
	double worst = -1;
	einc_kernel *k = NULL;
	einc_check_result r;
	if (!einc_program_jit(ctx, p, &k)) {
		void *ws = NULL;
		if (!own_ws && einc_kernel_workspace_size(k))
			ws = aligned_alloc(64, einc_kernel_workspace_size(k));
		if (!einc_kernel_run(k, got, (const void *const *)in, ws) &&
		    !einc_program_check(ctx, p, (const void *const *)in, got, &r))
			worst = r.tolerance > 0 ? r.error / r.tolerance : r.ok ? 0 : INFINITY;
		free(ws);
	}
	einc_kernel_free(k);
	refcheck_inputs_free(in);
	free(got);
	return worst;
}

/* Whether some operand of "spec" repeats a label. */
static int has_diagonal(const char *spec)
{
	for (const char *p = spec; *p && *p != '-'; p++) {
		if (*p < 'a' || *p > 'z')
			continue;
		for (const char *q = p + 1; *q && *q != ',' && *q != '-'; q++)
			if (*q == *p)
				return 1;
	}
	return 0;
}

/* Whether some operand of "spec" has no axes at all. */
static int has_scalar_operand(const char *spec)
{
	size_t n = strcspn(spec, "-");
	for (size_t i = 0; i < n; i++)
		if (spec[i] == ',' && (i == 0 || spec[i - 1] == ',' || i + 1 == n || spec[i + 1] == ','))
			return 1;
	return n > 0 && spec[n - 1] == ',';
}

/* NCASES random einsums: every one compiles, JITs and matches. */
static void test_random_einsums(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	uint64_t s = 0x5eed5eed12345ull;
	int ok = 0, with_ell = 0, with_ws = 0, f64 = 0, implicit = 0, diagonal = 0, scalar = 0,
	    many = 0;
	for (int t = 0; t < NCASES; t++) {
		rcase c;
		gen_case(&s, &c);
		einc_program *p = NULL;
		if (einc_compile(ctx, c.spec, c.nops, c.ranks, c.shapes, &c.options, &p)) {
			print_message("case %d '%s': %s\n", t, c.spec, einc_ctx_message(ctx));
			fail();
		}
		with_ell += strstr(c.spec, "...") != NULL;
		with_ws += einc_program_workspace_size(p) > 0;
		f64 += c.options.dtype == EINC_F64;
		implicit += strstr(c.spec, "->") == NULL;
		diagonal += has_diagonal(c.spec);
		scalar += has_scalar_operand(c.spec);
		many += c.nops >= 4;
		double worst = check_program(ctx, p, &s, t % 2);
		if (worst < 0 || worst > 1) {
			print_message("case %d '%s' %s -O%d: error %g x tolerance (%s)\n", t, c.spec,
			              einc_dtype_name(c.options.dtype),
			              c.options.opt_level, worst, einc_ctx_message(ctx));
			fail();
		}
		ok++;
		einc_program_free(p);
	}
	assert_int_equal(ok, NCASES);
	print_message("%d cases: f64 %d, '...' %d, implicit output %d, diagonal %d, "
	              "scalar operand %d, 4+ operands %d, with a workspace %d\n", ok, f64,
	              with_ell, implicit, diagonal, scalar, many, with_ws);
	assert_true(with_ell > NCASES / 10 && with_ws > NCASES / 10 && diagonal > NCASES / 10);
	einc_ctx_free(ctx);
}

/* The NCASES random einsums of test_random_einsums again, each in c64,
 * c128, i32 and i64: every one compiles, JITs and matches (integers
 * exactly). */
static void test_random_einsums_dtypes(void **state)
{
	(void)state;
	static const einc_dtype dtypes[] = {EINC_C64, EINC_C128, EINC_I32, EINC_I64};
	einc_ctx *ctx = einc_ctx_new();
	uint64_t s = 0x5eed5eed12345ull, data = 99;
	for (int t = 0; t < NCASES; t++) {
		rcase c;
		gen_case(&s, &c);
		for (int d = 0; d < 4; d++) {
			c.options.dtype = dtypes[d];
			einc_program *p = NULL;
			if (einc_compile(ctx, c.spec, c.nops, c.ranks, c.shapes, &c.options, &p)) {
				print_message("case %d '%s': %s\n", t, c.spec, einc_ctx_message(ctx));
				fail();
			}
			double worst = check_program(ctx, p, &data, t % 2);
			if (worst < 0 || worst > 1) {
				print_message("case %d '%s' %s -O%d: error %g x tolerance (%s)\n", t, c.spec,
				              einc_dtype_name(dtypes[d]), c.options.opt_level, worst,
				              einc_ctx_message(ctx));
				fail();
			}
			einc_program_free(p);
		}
	}
	einc_ctx_free(ctx);
}

/* Hand-picked shapes of the grammar, f32 and f64. */
static void test_named_einsums(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"ii->", "i=7"}, {"ii->i", "i=5"}, {"iij->ji", "i=3,j=4"},
		{"i,j->ij", "i=3,j=4"}, {",->", ""}, {"i,i->", "i=9"},
		{"ij->ji", "i=3,j=5"}, {"bij,bjk->bik", "b=2,i=3,j=4,k=5"},
		{"ij,jk,kl->il", "i=3,j=4,k=5,l=2"}, {"ijk->", "i=2,j=3,k=4"},
		{"ab,bc,cd,de,ef,fa->", "a=2,b=3,c=2,d=3,e=2,f=3"},
		{"ij,ij->ij", "i=4,j=4"}, {"i,i,i->i", "i=6"}, {"iii->i", "i=3"},
	};
	einc_ctx *ctx = einc_ctx_new();
	uint64_t s = 7;
	for (size_t x = 0; x < sizeof cases / sizeof cases[0]; x++)
		for (int t = 0; t < 2; t++) {
			einc_program *p = refcheck_compile(ctx, cases[x][0],
			                                   *cases[x][1] ? cases[x][1] : NULL,
			                                   t ? EINC_F64 : EINC_F32);
			double worst = check_program(ctx, p, &s, x % 2);
			if (worst < 0 || worst > 1) {
				print_message("%s: error %g x tolerance\n", cases[x][0], worst);
				fail();
			}
			einc_program_free(p);
		}
	einc_ctx_free(ctx);
}

/* Ten kernels alive at once, run interleaved, freed out of order. */
static void test_many_kernels(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p[10];
	einc_kernel *k[10];
	for (int x = 0; x < 10; x++) {
		char dims[64];
		snprintf(dims, sizeof dims, "i=%d,j=%d,k=%d", x + 1, 2 * x + 1, 3);
		p[x] = refcheck_compile(ctx, "ij,jk->ik", dims, EINC_F64);
		assert_int_equal(einc_program_jit(ctx, p[x], &k[x]), EINC_OK);
	}
	for (int x = 9; x >= 0; x--) {
		/* all-ones inputs: every output element is j = 2x + 1 */
		double a[10 * 19], b[19 * 3], c[10 * 3];
		for (int e = 0; e < 10 * 19; e++)
			a[e] = 1;
		for (int e = 0; e < 19 * 3; e++)
			b[e] = 1;
		const void *const in[] = {a, b};
		assert_int_equal(einc_kernel_run(k[x], c, in, NULL), EINC_OK);
		for (int e = 0; e < (x + 1) * 3; e++)
			assert_true(c[e] == 2 * x + 1);
	}
	for (int x = 0; x < 10; x += 2)
		einc_kernel_free(k[x]);
	for (int x = 1; x < 10; x += 2)
		einc_kernel_free(k[x]);
	for (int x = 0; x < 10; x++)
		einc_program_free(p[x]);
	einc_ctx_free(ctx);
}

/* One thread's work for test_threads: compile, JIT and check a product of
 * all-ones matrices whose inner size is "*(int *)arg". */
static int thread_work(void *arg)
{
	int j = *(int *)arg, bad = 0;
	einc_ctx *ctx = einc_ctx_new();
	for (int r = 0; r < 4 && !bad; r++) {
		char dims[64];
		snprintf(dims, sizeof dims, "i=3,j=%d,k=%d,l=2", j, r + 1);
		einc_program *p = NULL;
		einc_kernel *k = NULL;
		double a[3 * 16], b[16 * 4], c[4 * 2], out[3 * 2];
		for (int e = 0; e < 3 * 16; e++)
			a[e] = 1;
		for (int e = 0; e < 16 * 4; e++)
			b[e] = 1;
		for (int e = 0; e < 4 * 2; e++)
			c[e] = 1;
		const void *const in[] = {a, b, c};
		einc_options o;
		einc_options_init(&o);
		o.dtype = EINC_F64;
		bad = einc_compile_text(ctx, "ij,jk,kl->il", dims, NULL, &o, &p) ||
		      einc_program_jit(ctx, p, &k) || einc_kernel_run(k, out, in, NULL);
		for (int e = 0; e < 6 && !bad; e++)
			bad = out[e] != (double)j * (r + 1);
		einc_kernel_free(k);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
	return bad;
}

/* Four threads compile and run kernels at the same time. */
static void test_threads(void **state)
{
	(void)state;
	thrd_t t[4];
	int j[4] = {1, 5, 9, 16};
	for (int x = 0; x < 4; x++)
		assert_int_equal(thrd_create(&t[x], thread_work, &j[x]), thrd_success);
	for (int x = 0; x < 4; x++) {
		int bad = 1;
		assert_int_equal(thrd_join(t[x], &bad), thrd_success);
		assert_int_equal(bad, 0);
	}
}

/* NULL pointers and bad arguments: clear statuses, no crash. */
static void test_bad_input(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = NULL;
	assert_int_not_equal(einc_compile_text(ctx, "ij,jk->ix", "i=2,j=3,k=4", NULL, NULL, &p),
	                     EINC_OK);
	assert_null(p);
	assert_true(strlen(einc_ctx_message(ctx)) > 0);
	/* numeric shapes: "nops" is the operand count, zero included (numpy
	 * refuses einsum('') without operands; '' has one scalar operand) */
	assert_int_equal(einc_compile(ctx, "", 0, NULL, NULL, NULL, &p), EINC_ESHAPE);
	assert_string_equal(einc_ctx_message(ctx),
	                    "error: bind: the spec has 1 operand but 0 shapes are given");
	int rank0 = 0;
	const int64_t *none[] = {NULL};
	assert_int_equal(einc_compile(ctx, "", 1, &rank0, none, NULL, &p), EINC_OK);
	assert_int_equal(einc_program_num_inputs(p), 1);
	einc_program_free(p);
	p = refcheck_compile(ctx, "ij,jk,kl->il", "i=2,j=3,k=4,l=5", EINC_F32);
	einc_kernel *k = (einc_kernel *)1;
	assert_int_equal(einc_program_jit(NULL, p, &k), EINC_EINVAL);
	assert_int_equal(einc_program_jit(ctx, NULL, &k), EINC_EINVAL);
	assert_string_equal(einc_ctx_stage(ctx), "api");
	assert_int_equal(einc_program_jit(ctx, p, NULL), EINC_EINVAL);
	assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
	assert_int_equal(einc_kernel_num_inputs(k), 3);
	assert_true(einc_kernel_workspace_size(k) >= 2 * 4 * 4);
	float a[6] = {0}, b[12] = {0}, c[20] = {0}, out[10];
	const void *const in[] = {a, b, c}, *const holes[] = {a, NULL, c};
	assert_int_equal(einc_kernel_run(NULL, out, in, NULL), EINC_EINVAL);
	assert_int_equal(einc_kernel_run(k, NULL, in, NULL), EINC_EINVAL);
	assert_int_equal(einc_kernel_run(k, out, NULL, NULL), EINC_EINVAL);
	assert_int_equal(einc_kernel_run(k, out, holes, NULL), EINC_EINVAL);
	assert_int_equal(einc_kernel_run(k, out, in, NULL), EINC_OK);
	assert_int_equal(einc_kernel_workspace_size(NULL), 0);
	assert_int_equal(einc_program_emit(ctx, p, EINC_EMIT_OBJECT, "x.o", "1bad"), EINC_EINVAL);
	/* Names that would break the program the object links into: the
	 * runtime's functions, the C library's, keywords, reserved names. */
	static const struct {
		const char *name, *why;
	} bad[] = {
		{"einc_rt_gett", "clashes with the runtime"}, {"malloc", "is a C library function"},
		{"free", "is a C library function"}, {"memcpy", "is a C library function"},
		{"int", "is a C keyword"}, {"return", "is a C keyword"}, {"bool", "is a C keyword"},
		{"_Bool", "is reserved"}, {"__x", "is reserved"}, {"class", "is a C++ keyword"},
		{"uint8_t", "is reserved"}, {"INT64_MAX", "is reserved"},
		{"main", "entry point"}, {"a-b", "is not a C identifier"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(einc_program_emit(ctx, p, EINC_EMIT_OBJECT, "x.o", bad[i].name),
		                 EINC_EINVAL);
		assert_non_null(strstr(einc_ctx_message(ctx), bad[i].why));
		assert_int_equal(einc_program_emit_header(ctx, p, "x.h", bad[i].name), EINC_EINVAL);
		assert_non_null(strstr(einc_ctx_message(ctx), bad[i].why));
	}
	assert_int_equal(einc_program_emit(ctx, p, EINC_EMIT_OBJECT, NULL, "ok"), EINC_EINVAL);
	assert_int_equal(einc_program_emit(ctx, p, (einc_emit_kind)9, "x.o", "ok"), EINC_EINVAL);
	assert_int_equal(einc_program_emit(ctx, p, EINC_EMIT_OBJECT, "/nonexistent/dir/x.o", "ok"),
	                 EINC_EINVAL);
	assert_int_equal(einc_program_emit_header(ctx, p, "/nonexistent/dir/x.h", "ok"),
	                 EINC_EINVAL);
	assert_int_equal(einc_program_emit_header(ctx, NULL, "x.h", "ok"), EINC_EINVAL);
	/* a full disk is the caller's error, with errno's reason, for every
	 * kind (LLVM's own file writer exits the process on it) */
	static const einc_emit_kind kinds[] = {EINC_EMIT_OBJECT, EINC_EMIT_ASSEMBLY, EINC_EMIT_LLVM};
	for (int x = 0; x < 3; x++) {
		assert_int_equal(einc_program_emit(ctx, p, kinds[x], "/dev/full", "ok"), EINC_EINVAL);
		assert_string_equal(einc_ctx_message(ctx),
		                    "error: emit: cannot write /dev/full: No space left on device");
	}
	assert_int_equal(einc_program_emit_header(ctx, p, "/dev/full", "ok"), EINC_EINVAL);
	assert_string_equal(einc_ctx_message(ctx),
	                    "error: emit: cannot write /dev/full: No space left on device");
	einc_kernel_free(k);
	einc_kernel_free(NULL);
	einc_program_free(p);
	/* 4096 * 4096 * 4097 index points, just above 2^36: the reference
	 * evaluator refuses before reading its arguments. */
	p = refcheck_compile(ctx, "ij,jk->ik", "i=4096,j=4096,k=4097", EINC_F32);
	assert_int_equal(einc_program_run_reference(ctx, p, out, in), EINC_EUNSUPPORTED);
	assert_string_equal(einc_ctx_stage(ctx), "run");
	assert_non_null(strstr(einc_ctx_message(ctx), " 68736253952 index points"));
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* Reads the file "path" into a new string. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	rewind(f);
	char *s = malloc(*n + 1);
	assert_int_equal(fread(s, 1, *n, f), *n);
	fclose(f);
	return s;
}

/* Two compilations write the same bytes, for every kind of file. */
static void test_deterministic_files(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	static const einc_emit_kind kinds[] = {EINC_EMIT_OBJECT, EINC_EMIT_ASSEMBLY, EINC_EMIT_LLVM};
	for (int x = 0; x < 3; x++) {
		char *text[2];
		size_t n[2];
		for (int r = 0; r < 2; r++) {
			einc_program *p = refcheck_compile(ctx, "bij,bjk,bk->bi", "b=2,i=3,j=4,k=5",
			                                   EINC_F32);
			assert_int_equal(einc_program_emit(ctx, p, kinds[x], "test_jit.out", "bmm2"), EINC_OK);
			text[r] = slurp("test_jit.out", &n[r]);
			einc_program_free(p);
		}
		assert_true(n[0] == n[1] && n[0] > 0 && memcmp(text[0], text[1], n[0]) == 0);
		free(text[0]);
		free(text[1]);
	}
	einc_program *p = refcheck_compile(ctx, "ij,jk->ik", "i=2,j=3,k=4", EINC_F64);
	assert_int_equal(einc_program_emit_header(ctx, p, "test_jit.out", "mm"), EINC_OK);
	size_t n;
	char *h = slurp("test_jit.out", &n);
	h[n] = '\0';
	assert_non_null(strstr(h, "#define MM_WORKSPACE_BYTES 0\n"));
	assert_non_null(strstr(h, "int mm(double *out, const double *in0, const double *in1, void *workspace);"));
	free(h);
	char *text = NULL;
	assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_LOOPS, &text), EINC_OK);
	assert_non_null(strstr(text, "S0(i, j, k)"));
	einc_free(text);
	assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_LLVM, &text), EINC_OK);
	assert_non_null(strstr(text, "define i32 @einc_kernel("));
	einc_free(text);
	einc_program_free(p);
	remove("test_jit.out");
	einc_ctx_free(ctx);
}

/* How often "what" occurs in "text". */
static int count_of(const char *text, const char *what)
{
	int n = 0;
	for (const char *at = strstr(text, what); at; at = strstr(at + 1, what))
		n++;
	return n;
}

/* The largest |got - want| of the product of the "n" f64 matrices "in"
 * (d[0] x d[1], d[1] x d[2], ...) against "got" (d[0] x d[n]), as a
 * multiple of the largest entry of the product of their absolute values;
 * every d[k] is at most 32. */
static double chain_error(void *const *in, const int *d, int n, const double *got)
{
	double *p = calloc((size_t)d[0] * 32, sizeof(double)), *q = calloc((size_t)d[0] * 32, sizeof(double));
	double *ap = calloc((size_t)d[0] * 32, sizeof(double)), *aq = calloc((size_t)d[0] * 32, sizeof(double));
	assert_true(p && q && ap && aq);
	const double *m0 = in[0];
	for (int x = 0; x < d[0] * d[1]; x++) {
		p[x] = m0[x];
		ap[x] = fabs(m0[x]);
	}
	for (int k = 1; k < n; k++) {
		const double *m = in[k];
		for (int i = 0; i < d[0]; i++)
			for (int j = 0; j < d[k + 1]; j++) {
				double v = 0, av = 0;
				for (int l = 0; l < d[k]; l++) {
					v += p[i * d[k] + l] * m[l * d[k + 1] + j];
					av += ap[i * d[k] + l] * fabs(m[l * d[k + 1] + j]);
				}
				q[i * d[k + 1] + j] = v;
				aq[i * d[k + 1] + j] = av;
			}
		memcpy(p, q, (size_t)d[0] * 32 * sizeof(double));
		memcpy(ap, aq, (size_t)d[0] * 32 * sizeof(double));
	}
	double err = 0, scale = 0;
	for (int x = 0; x < d[0] * d[n]; x++) {
		err = fmax(err, fabs(got[x] - p[x]));
		scale = fmax(scale, ap[x]);
	}
	free(p);
	free(q);
	free(ap);
	free(aq);
	return err / scale;
}

/* Steps of one shape share one function, called on each step's buffers,
 * and GETT steps of different shapes share their micro-kernel: a chain of
 * four 8x8 matrices is one step function called three times; a chain of
 * two GEMM steps is two step functions and one micro-kernel. A chain of 20
 * matrices of sizes 24 and 3 to 22 has 19 small step shapes, more than a
 * kernel optimises fully: those of at most 1024 points are not optimised
 * (optnone), the others are optimised for size (neither in the first two
 * kernels). With the last size 32 instead of 22, a step's innermost loop
 * runs over 8 vectors of f64 and the loops around it are not unrolled
 * there; alone (ab,bc->ac) that nest keeps LLVM's unrolling. The vectors
 * are AVX2's (compiled for haswell: with AVX-512, 32 f64 are 4 vectors).
 * All run right: the others against the reference evaluator, the chains
 * (too large for it) against their product computed here. */
static void test_shared_steps(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *dims;
		int functions, calls, ukernels, lean, no_unroll;
	} want[] = {
		{"ab,bc,cd,de->ae", "a=8,b=8,c=8,d=8,e=8", 1, 3, 0, 0, 0},
		{"ab,bc,cd->ad", "a=64,b=64,c=48,d=64", 2, 2, 1, 0, 0},
		{"ab,bc->ac", "a=4,b=5,c=32", 1, 1, 0, 0, 0},
		{"ab,bc,cd,de,ef,fg,gh,hi,ij,jk,kl,lm,mn,no,op,pq,qr,rs,st,tu->au",
		 "a=24,b=3,c=4,d=5,e=6,f=7,g=8,h=9,i=10,j=11,k=12,l=13,m=14,n=15,o=16,p=17,q=18,"
		 "r=19,s=20,t=21,u=22", 19, 19, 0, 1, 0},
		{"ab,bc,cd,de,ef,fg,gh,hi,ij,jk,kl,lm,mn,no,op,pq,qr,rs,st,tu->au",
		 "a=24,b=3,c=4,d=5,e=6,f=7,g=8,h=9,i=10,j=11,k=12,l=13,m=14,n=15,o=16,p=17,q=18,"
		 "r=19,s=20,t=21,u=32", 19, 19, 1, 1, 1},
	};
	einc_ctx *ctx = einc_ctx_new();
	uint64_t s = 11;
	for (size_t x = 0; x < sizeof want / sizeof want[0]; x++) {
		int chain = want[x].lean;
		einc_program *p = refcheck_compile_cpu(ctx, want[x].spec, want[x].dims,
		                                       chain || x == 2 ? EINC_F64 : EINC_F32,
		                                       "haswell");
		char *ir = NULL;
		assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_LLVM, &ir), EINC_OK);
		assert_int_equal(count_of(ir, "define internal void @einc_kernel.step"), want[x].functions);
		assert_int_equal(count_of(ir, "call void @einc_kernel.step"), want[x].calls);
		assert_int_equal(count_of(ir, "define internal void @einc_kernel.ukernel"),
		                 want[x].ukernels);
		assert_int_equal(count_of(ir, " optnone ") > 0, want[x].lean);
		assert_int_equal(count_of(ir, " optsize ") > 0, want[x].lean);
		assert_int_equal(count_of(ir, "llvm.loop.unroll.disable") > 0, want[x].no_unroll);
		einc_free(ir);
		if (!chain) {
			double worst = check_program(ctx, p, &s, 1);
			assert_true(worst >= 0 && worst <= 1);
			einc_program_free(p);
			continue;
		}
		int d[21];
		for (int k = 0; k < 21; k++)
			d[k] = k == 0 ? 24 : k == 20 && want[x].no_unroll ? 32 : k + 2;
		void **in = refcheck_inputs(ctx, p, &s);
		double got[24 * 32];
		einc_kernel *k = NULL;
		assert_non_null(in);
		assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
		assert_int_equal(einc_kernel_run(k, got, (const void *const *)in, NULL), EINC_OK);
		assert_true(chain_error(in, d, 20, got) < 1e-12);
		einc_kernel_free(k);
		refcheck_inputs_free(in);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/* A named CPU's micro-kernel uses its instruction set's vectors: 16
 * floats with AVX-512 (znver4), 8 with AVX2 (x86-64-v3), whatever tuning
 * the target's features carry. */
static void test_named_cpu_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *cpu, *vector;
	} want[] = {{"znver4", "<16 x float>"}, {"x86-64-v3", "<8 x float>"}};
	einc_ctx *ctx = einc_ctx_new();
	for (int x = 0; x < 2; x++) {
		einc_options o;
		einc_options_init(&o);
		o.cpu = want[x].cpu;
		einc_program *p = NULL;
		assert_int_equal(einc_compile_text(ctx, "ik,kj->ij", "i=64,k=64,j=64", NULL, &o, &p),
		                 EINC_OK);
		char *ir = NULL;
		assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_LLVM, &ir), EINC_OK);
		const char *kernel = strstr(ir, ".ukernel");
		assert_non_null(kernel);
		assert_non_null(strstr(kernel, want[x].vector));
		einc_free(ir);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_einsums),
		cmocka_unit_test(test_random_einsums_dtypes),
		cmocka_unit_test(test_named_einsums),
		cmocka_unit_test(test_many_kernels),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_deterministic_files),
		cmocka_unit_test(test_named_cpu_vectors),
		cmocka_unit_test(test_shared_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
