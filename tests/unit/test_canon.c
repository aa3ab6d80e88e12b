/*
 * test_canon.c - canonicalisation (passes/canon.c) and the unary nodes it
 * puts in the tree: diagonals, traces, single-operand sums, size-1 dims,
 * scalars, ellipsis broadcasts and mixtures, each compiled with the default
 * search, JIT-run and checked against the reference evaluator in f32 and
 * f64; the unary steps and scalars canon makes (counted by hand); the
 * steps the kernel runs are the tree's nodes and cost what the search
 * planned; the scalar fold's place; the max_intermediate limit; the dump.
 *
 * Tolerance as einc_program_check states it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "path.h"
#include "program.h"
#include "refcheck.h"

/* Compiles "spec" with label sizes "dims" or operand shapes "shapes" (one
 * of them NULL), dtype "t" and intermediate limit "limit" (0: none). */
static einc_program *compile(einc_ctx *ctx, const char *spec, const char *dims,
                             const char *shapes, einc_dtype t, int64_t limit)
{
	einc_options o;
	einc_options_init(&o);
	o.dtype = t;
	o.max_intermediate = limit;
	return refcheck_compile_text(ctx, spec, dims, shapes, &o);
}

/* JIT-runs "p" on random inputs (fixed seed) and asserts that every
 * element is within the tolerance of the reference's. */
static void check_run(einc_ctx *ctx, const einc_program *p)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	void **in = refcheck_inputs(ctx, p, &s);
	assert_non_null(in);
	size_t no = (size_t)einc_program_elems(p, -1);
	void *got = malloc(no * 8 + 8);
	memset(got, 0x7f, no * 8);
	einc_kernel *k = NULL;
	assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
	assert_int_equal(einc_kernel_run(k, got, (const void *const *)in, NULL), EINC_OK);
	einc_check_result r;
	assert_int_equal(einc_program_check(ctx, p, (const void *const *)in, got, &r), EINC_OK);
	if (!r.ok)
		fail_msg("element %lld: %g, reference %g", (long long)r.at, r.got, r.want);
	einc_kernel_free(k);
	refcheck_inputs_free(in);
	free(got);
}

/* The unary nodes of "t" that are not the root of a one-input tree. */
static int unary_nodes(const ir_tree *t)
{
	int u = 0;
	for (int id = 0; id < t->nnodes; id++)
		u += t->nodes[id].input < 0 && t->nodes[id].right < 0 && id != t->root;
	return u;
}

/*
 * What runs is what was planned: one plan step and one loop nest per inner
 * node of the tree, each node once; the path read off the tree costs what
 * canon + search planned for the graph.
 */
static void check_planned(einc_ctx *ctx, const einc_program *p)
{
	const ir_tree *t = p->tree;
	int inner = t->nnodes - p->graph->ninputs;
	assert_int_equal(p->plan->nsteps, inner);
	assert_int_equal(p->loops->nsteps, inner);
	for (int id = p->graph->ninputs; id < t->nnodes; id++)
		assert_non_null(ir_plan_step_of(p->plan, id));
	arena *a = arena_new();
	path_problem *prob = NULL;
	path_canon *c = NULL;
	path *planned = NULL, *run = path_new(a, p->graph->ninputs);
	path_options o;
	path_options_init(&o);
	o.max_intermediate = (path_cost)p->options.max_intermediate;
	assert_int_equal(pass_canon(ctx, a, p->graph, &o, &prob, &c), EINC_OK);
	assert_int_equal(path_canon_search(ctx, a, prob, c, &o, &planned), EINC_OK);
	run->nsteps = 0;
	for (int id = p->graph->ninputs; id < t->nnodes; id++) {
		run->step[run->nsteps][0] = t->nodes[id].left;
		run->step[run->nsteps++][1] = t->nodes[id].right;
	}
	assert_int_equal(path_evaluate(ctx, prob, 0, run), EINC_OK);
	assert_true(run->flops == planned->flops);
	assert_true(run->largest == planned->largest);
	arena_free(a);
}

/* A spec, its sizes ("-d" or "-s" text), and the unary steps and scalars
 * canon makes, counted by hand. */
static const struct {
	const char *spec, *dims, *shapes;
	int unary, scalars;
} cases[] = {
	/* a diagonal alone is read in place */
	{"iij,j->i", "i=3,j=4", NULL, 0, 0},
	{"ii,i->i", "i=5", NULL, 0, 0},
	/* a diagonal and a private index: one step takes both */
	{"iipj,jk->ik", "i=3,j=4,k=5,p=2", NULL, 1, 0},
	/* traces: scalars after their step */
	{"ii,jj->", "i=3,j=4", NULL, 2, 2},
	{"ii,jk->jk", "i=4,j=3,k=2", NULL, 1, 1},
	{"ijj,k->ik", "i=3,j=4,k=2", NULL, 1, 0},
	/* single-operand sums */
	{"ijp,jk,kq->i", "i=3,j=4,k=5,p=2,q=6", NULL, 2, 0},
	{"ab,bc->a", "a=7,b=3,c=5", NULL, 1, 0},
	{"abc,cd,de->a", "a=2,b=3,c=4,d=5,e=6", NULL, 2, 0},
	/* size-1 dims: dropped without a step */
	{"ij,jk->ik", NULL, "3x1,1x5", 0, 0},
	{"ab,bc,c->a", "a=2,b=3,c=1", NULL, 0, 1},
	{"ij,ij->ij", NULL, "3x1,3x4", 0, 0},
	/* scalars */
	{"i,,j->ij", "i=4,j=3", NULL, 0, 1},
	{",->", NULL, ",", 0, 2},
	{"i,->", NULL, "6,", 1, 2},
	/* ellipsis broadcasts with size-1 dims */
	{"...ij,...jk->...ik", NULL, "2x1x3x4,5x4x6", 0, 0},
	{"...ij,j->...i", NULL, "1x3x4,4", 0, 0},
	{"...i,...->...", NULL, "2x1x5,1x3", 1, 0},
	/* mixtures */
	{"iipj,jk,kq,r,,ss->ik", "i=3,j=4,k=5,p=2,q=3,r=4,s=3", NULL, 4, 3},
	{"aab,bc,cdd,e->ae", "a=3,b=4,c=2,d=3,e=1", NULL, 1, 1},
	/* one input: its one step is the root */
	{"ii->i", "i=4", NULL, 0, 0},
	{"ijk->", "i=2,j=3,k=4", NULL, 0, 0},
};

/* Every case in f32 and f64: the counts, the run, the plan. */
static void test_cases_run(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		for (int f64 = 0; f64 < 2; f64++) {
			einc_program *p = compile(ctx, cases[k].spec, cases[k].dims, cases[k].shapes,
			                          f64 ? EINC_F64 : EINC_F32, 0);
			arena *a = arena_new();
			path_problem *prob = NULL;
			path_canon *c = NULL;
			path_options o;
			path_options_init(&o);
			assert_int_equal(pass_canon(ctx, a, p->graph, &o, &prob, &c), EINC_OK);
			if (c->nunary != cases[k].unary || c->nscalar != cases[k].scalars ||
			    unary_nodes(p->tree) != cases[k].unary) {
				print_message("%s: %d unary steps (%d in the tree), %d scalars\n",
				              cases[k].spec, c->nunary, unary_nodes(p->tree), c->nscalar);
				fail();
			}
			arena_free(a);
			check_run(ctx, p);
			check_planned(ctx, p);
			einc_program_free(p);
		}
	einc_ctx_free(ctx);
}

/* The scalars' product goes after the smallest node, the latest on ties:
 * with i = k = 10, j = 2 the leaf jk (20 elements, as small as ij and
 * later); with j = 10 the result (100, like both leaves). */
static void test_fold_place(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, "ij,jk,p->ik", "i=10,j=2,k=10,p=3", NULL, EINC_F32, 0);
	const ir_tree *t = p->tree;
	assert_int_equal(t->nnodes, 6);
	assert_int_equal(t->nodes[3].left, 2); /* sum p */
	assert_int_equal(t->nodes[3].right, -1);
	assert_int_equal(t->nodes[4].left, 1); /* jk x scalar */
	assert_int_equal(t->nodes[4].right, 3);
	assert_int_equal(t->nodes[5].left, 0);
	assert_int_equal(t->nodes[5].right, 4);
	check_run(ctx, p);
	einc_program_free(p);
	p = compile(ctx, "ij,jk,p->ik", "i=10,j=10,k=10,p=3", NULL, EINC_F64, 0);
	t = p->tree;
	assert_int_equal(t->nodes[4].left, 0);
	assert_int_equal(t->nodes[4].right, 1);
	assert_int_equal(t->nodes[5].left, 3);
	assert_int_equal(t->nodes[5].right, 4);
	check_run(ctx, p);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* A unary step whose result breaks max_intermediate is not taken:
 * ijp,jk->ik with i = 5, j = 6 would keep 30 elements; under a limit of 10
 * the private p is summed in the contraction. */
static void test_limit(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, "ijp,jk->ik", "i=5,j=6,k=2,p=2", NULL, EINC_F64, 0);
	assert_int_equal(unary_nodes(p->tree), 1);
	einc_program_free(p);
	p = compile(ctx, "ijp,jk->ik", "i=5,j=6,k=2,p=2", NULL, EINC_F64, 10);
	assert_int_equal(unary_nodes(p->tree), 0);
	check_run(ctx, p);
	check_planned(ctx, p);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* The canon dump of a mixture, exact: flops by hand (sum p: 3*4*2 x2 = 48;
 * sum q: 5*3 x2 = 30; sum r: 4 x2 = 8; sum s: 3 x2 = 6). */
static void test_dump(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, "iipj,jk,kq,r,,ss,al->ik", NULL,
	                          "3x3x2x4,4x5,5x3,4,,3x3,1x1", EINC_F32, 0);
	char *text = NULL;
	assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_CANON, &text), EINC_OK);
	assert_string_equal(text,
		"; einc canon v1\n"
		"; 4 unary steps, flops 92; 4 scalars folded\n"
		"%0 [i i p j] -> [i j]  ; diagonal i, sum p, unary step, flops 48\n"
		"%1 [j k] -> [j k]  ; as is\n"
		"%2 [k q] -> [k]  ; sum q, unary step, flops 30\n"
		"%3 [r] -> []  ; sum r, unary step, flops 8, scalar, folded\n"
		"%4 [] -> []  ; scalar, folded\n"
		"%5 [s s] -> []  ; diagonal s, sum s, unary step, flops 6, scalar, folded\n"
		"%6 [a l] -> []  ; drop a, drop l, scalar, folded\n");
	free(text);
	check_run(ctx, p);
	check_planned(ctx, p);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_run),
		cmocka_unit_test(test_fold_place),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
