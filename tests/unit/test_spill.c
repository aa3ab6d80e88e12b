/*
 * test_spill.c - kernels compiled under a workspace budget: chains of 4 to
 * 16 operands and balanced trees (whose held results force spills), f32
 * and f64, at budgets of 1.0, 0.9, 0.7 and 0.5 x the arena the unbounded
 * plan needs (raised to the largest step's working set). Each is JIT-run
 * with the caller's workspace and slow buffer and compared with the
 * reference evaluator; the bytes the run reports moving must equal the
 * plan's traffic, the copies in the loops must be the plan's spills and
 * reloads, and a run with the kernel's own buffers must give the same
 * bits. Also the API on a kernel that does not spill.
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
#include <cmocka.h>

#include "einc.h"
#include "program.h"
#include "refcheck.h"

/* One case: a spec, its sizes, whether to contract in a balanced tree
 * (pairs of neighbours, then pairs of pairs...) instead of the searched
 * path, and the fewest spills it must make at its lowest budget. */
typedef struct {
	const char *spec, *dims;
	int balanced;
	int min_spills;
} scase;

static const scase cases[] = {
	/* chains in the searched order */
	{"ab,bc,cd,de->ae", "a=5,b=7,c=3,d=9,e=4", 0, 0},
	{"ab,bc,cd,de,ef,fg->ag", "a=6,b=11,c=5,d=13,e=3,f=10,g=7", 0, 0},
	{"bij,bjk,bkl,blm->bim", "b=2,i=12,j=20,k=16,l=14,m=10", 0, 0},
	/* private indices: canon's reduce steps, then a searched tree that spills */
	{"abx,bc,cd,de,efy,fg,gh,hi->ai", "a=4,b=6,c=4,d=6,e=4,f=6,g=4,h=6,i=4,x=3,y=5", 0, 1},
	/* balanced trees: a held half forces spills */
	{"ab,bc,cd,de->ae", "a=9,b=3,c=9,d=3,e=9", 1, 0},
	{"ab,bc,cd,de,ef,fg,gh,hi->ai", "a=6,b=2,c=6,d=2,e=6,f=2,g=6,h=2,i=6", 1, 1},
	{"ab,bc,cd,de,ef,fg,gh,hi->ai", "a=3,b=9,c=5,d=9,e=3,f=17,g=2,h=9,i=4", 1, 0},
	{"ab,bc,cd,de,ef,fg,gh,hi->ai", "a=13,b=2,c=13,d=2,e=13,f=2,g=13,h=2,i=13", 1, 1},
	{"ab,bc,cd,de,ef,fg,gh,hi,ij,jk,kl,lm,mn,no,op,pq->aq",
	 "a=3,b=2,c=3,d=2,e=3,f=2,g=3,h=2,i=3,j=2,k=3,l=2,m=3,n=2,o=3,p=2,q=3", 1, 3},
};

/* The balanced contraction tree of "spec" (at most 16 single-letter
 * operands, a power of two of them) in the tree text form, into "buf". */
static void balanced_tree(const char *spec, char *buf, size_t cap)
{
	size_t len = 0;
	int n = 0, level[16];
	const char *p = spec;
	while (*p && *p != '-') {
		len += (size_t)snprintf(buf + len, cap - len, "%%%d = input [", n);
		for (int first = 1; *p && *p != ',' && *p != '-'; p++, first = 0)
			len += (size_t)snprintf(buf + len, cap - len, "%s%c", first ? "" : " ", *p);
		len += (size_t)snprintf(buf + len, cap - len, "]\n");
		level[n] = n;
		n++;
		if (*p == ',')
			p++;
	}
	int next = n;
	for (int width = n; width > 1; width /= 2)
		for (int k = 0; k < width / 2; k++) {
			len += (size_t)snprintf(buf + len, cap - len, "%%%d = contract %%%d %%%d\n", next,
			                        level[2 * k], level[2 * k + 1]);
			level[k] = next++;
		}
	assert_true(len < cap);
}

/* Compiles case "c" in "dtype" under "budget" (asserting success). */
static einc_program *compile(einc_ctx *ctx, const scase *c, einc_dtype dtype, int64_t budget)
{
	char tree[2048];
	einc_options o;
	einc_options_init(&o);
	o.dtype = dtype;
	o.budget = budget;
	if (c->balanced) {
		balanced_tree(c->spec, tree, sizeof tree);
		o.tree = tree;
	}
	einc_program *p = NULL;
	if (einc_compile_text(ctx, c->spec, c->dims, NULL, &o, &p))
		fail_msg("%s %s budget %lld: %s", c->spec, c->dims, (long long)budget,
		         einc_ctx_message(ctx));
	return p;
}

/* The spill copies in the loops of "p"; checks that they and the reloads
 * are the plan's flags, and that their bytes are the plan's traffic. */
static int count_spills(const einc_program *p)
{
	int spills = 0, plan_spills = 0, plan_loads = 0, reloads = 0;
	int64_t bytes = 0;
	for (int s = 0; s < p->loops->nsteps; s++)
		for (int x = 0; x < p->loops->steps[s].ncopies; x++) {
			const loop_copy *c = &p->loops->steps[s].copies[x];
			reloads += c->reload;
			spills += !c->reload;
			bytes += c->bytes;
			assert_true(c->offset + c->bytes <= p->plan->workspace_bytes);
			assert_true(c->slow + c->bytes <= p->loops->slow_bytes);
		}
	for (int r = 0; r < p->plan->nranges; r++) {
		plan_spills += p->plan->ranges[r].spill;
		plan_loads += p->plan->ranges[r].load;
	}
	assert_int_equal(spills, plan_spills);
	assert_int_equal(reloads, plan_loads);
	assert_int_equal(bytes, p->plan->traffic);
	return spills;
}

/* A buffer of "bytes" aligned to 64 (NULL for 0), filled with garbage. */
static void *buffer(size_t bytes)
{
	if (!bytes)
		return NULL;
	void *b = aligned_alloc(64, (bytes + 63) / 64 * 64);
	memset(b, 0x7f, bytes);
	return b;
}

/* Runs "p" on the inputs "in" with the caller's buffers, checks the bytes
 * moved and the result against "ref" (the reference on "in"), and that a
 * run with the kernel's own buffers gives the same bits. */
static void run_and_check(einc_ctx *ctx, const scase *c, const einc_program *p, void **in,
                          const einc_reference *ref, int64_t budget)
{
	int f64 = einc_program_dtype(p) == EINC_F64;
	size_t no = (size_t)einc_program_elems(p, -1), esize = f64 ? 8 : 4;
	einc_kernel *k = NULL;
	assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
	assert_int_equal(einc_kernel_slow_size(k), einc_program_slow_size(p));
	void *ws = buffer(einc_kernel_workspace_size(k)), *slow = buffer(einc_kernel_slow_size(k));
	void *got = buffer(no * esize), *again = buffer(no * esize);
	int64_t moved = -1;
	assert_int_equal(einc_kernel_run_slow(k, got, (const void *const *)in, ws, slow, &moved),
	                 EINC_OK);
	if (moved != p->plan->traffic || moved != einc_program_moved_bytes(p))
		fail_msg("%s %s budget %lld: moved %lld bytes, the plan's traffic is %lld", c->spec,
		         c->dims, (long long)budget, (long long)moved, (long long)p->plan->traffic);
	einc_check_result r;
	assert_int_equal(einc_reference_check(ref, got, &r), EINC_OK);
	if (!r.ok)
		fail_msg("%s %s %s budget %lld: element %lld is %g, expected %g", c->spec, c->dims,
		         f64 ? "f64" : "f32", (long long)budget, (long long)r.at, r.got, r.want);
	assert_int_equal(einc_kernel_run(k, again, (const void *const *)in, NULL), EINC_OK);
	assert_memory_equal(got, again, no * esize);
	einc_kernel_free(k);
	free(ws);
	free(slow);
	free(got);
	free(again);
}

/* Case "c" in "dtype" at every budget fraction. */
static void check_case(einc_ctx *ctx, const scase *c, einc_dtype dtype, uint64_t *s)
{
	static const double frac[] = {1.0, 0.9, 0.7, 0.5};
	einc_program *free_run = compile(ctx, c, dtype, 0);
	assert_int_equal(free_run->plan->traffic, 0);
	void **in = refcheck_inputs(ctx, free_run, s);
	assert_non_null(in);
	einc_reference *ref = NULL; /* once for the four budgets: slow under ASan */
	assert_int_equal(einc_reference_new(ctx, free_run, (const void *const *)in, &ref), EINC_OK);
	int64_t height = free_run->plan->workspace_bytes, step_lb = free_run->plan->step_lb;
	assert_true(height > 0);
	int spills = 0;
	for (size_t b = 0; b < sizeof frac / sizeof frac[0]; b++) {
		int64_t budget = (int64_t)(frac[b] * (double)height) / 64 * 64;
		budget = budget < step_lb ? step_lb : budget;
		einc_program *p = compile(ctx, c, dtype, budget);
		assert_true(p->plan->workspace_bytes <= budget);
		spills = count_spills(p);
		run_and_check(ctx, c, p, in, ref, budget);
		einc_program_free(p);
	}
	if (spills < c->min_spills)
		fail_msg("%s %s: %d spills at the lowest budget, expected at least %d", c->spec,
		         c->dims, spills, c->min_spills);
	einc_reference_free(ref);
	refcheck_inputs_free(in);
	einc_program_free(free_run);
}

/* Every case in one dtype. */
static void check_all(einc_dtype dtype)
{
	einc_ctx *ctx = einc_ctx_new();
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	for (size_t x = 0; x < sizeof cases / sizeof cases[0]; x++)
		check_case(ctx, &cases[x], dtype, &s);
	einc_ctx_free(ctx);
}

static void test_spill_f32(void **state)
{
	(void)state;
	check_all(EINC_F32);
}

static void test_spill_f64(void **state)
{
	(void)state;
	check_all(EINC_F64);
}

/* A kernel that does not spill: no slow buffer, 0 bytes moved, and NULL
 * arguments rejected. */
static void test_no_spill(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, &cases[0], EINC_F32, 0);
	einc_kernel *k = NULL;
	assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
	assert_int_equal(einc_kernel_slow_size(k), 0);
	assert_int_equal(einc_program_slow_size(p), 0);
	assert_int_equal(einc_program_moved_bytes(p), 0);
	float in0[35], in1[21], in2[27], in3[36], out[20];
	for (size_t i = 0; i < 36; i++) {
		if (i < 35)
			in0[i] = 1;
		if (i < 21)
			in1[i] = 1;
		if (i < 27)
			in2[i] = 1;
		in3[i] = 1;
	}
	const void *in[4] = {in0, in1, in2, in3};
	int64_t moved = -1;
	assert_int_equal(einc_kernel_run_slow(k, out, in, NULL, NULL, &moved), EINC_OK);
	assert_int_equal(moved, 0);
	assert_true(out[0] == 7 * 3 * 9); /* all ones: the product of the summed sizes */
	assert_int_equal(einc_kernel_run_slow(NULL, out, in, NULL, NULL, &moved), EINC_EINVAL);
	assert_int_equal(einc_kernel_run_slow(k, NULL, in, NULL, NULL, &moved), EINC_EINVAL);
	assert_int_equal(einc_kernel_slow_size(NULL), 0);
	einc_kernel_free(k);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spill_f32),
		cmocka_unit_test(test_spill_f64),
		cmocka_unit_test(test_no_spill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
