/* test_tree.c - the contraction tree (ir_tree_build, path_ltr, roles), the
 * simple plan's workspace layout and the loop nests' accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctx.h"
#include "program.h"
#include "refcheck.h"

/* Compiles "spec" with "dims" into its left-to-right tree (asserting
 * success). */
static einc_program *compile(einc_ctx *ctx, const char *spec, const char *dims)
{
	einc_options o;
	einc_options_init(&o);
	o.path = EINC_PATH_LTR;
	return refcheck_compile_text(ctx, spec, dims, NULL, &o);
}

/* Asserts that node "n" of "p" has the result indices named by "names". */
static void assert_result(const einc_program *p, int n, const char *names)
{
	const ir_tree_node *node = &p->tree->nodes[n];
	char got[16] = {0};
	for (int a = 0; a < node->rank && a < 15; a++)
		got[a] = p->graph->indices[node->index[a]].name[0];
	assert_string_equal(got, names);
}

/* The role of index "name" in node "n". */
static ir_role role(const einc_program *p, int n, char name)
{
	ir_role roles[16];
	ir_tree_classify(p->graph, p->tree, n, roles);
	for (int i = 0; i < p->graph->nindices; i++)
		if (p->graph->indices[i].name[0] == name)
			return roles[i];
	return IR_ROLE_NONE;
}

/* A chain: each node keeps what later operands or the output need. */
static void test_chain(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, "ij,jk,kl->li", "i=2,j=3,k=4,l=5");
	assert_int_equal(p->tree->nnodes, 5);
	assert_int_equal(p->tree->root, 4);
	assert_int_equal(p->tree->nodes[3].left, 0);
	assert_int_equal(p->tree->nodes[3].right, 1);
	assert_int_equal(p->tree->nodes[4].left, 3);
	assert_result(p, 3, "ik");
	assert_result(p, 4, "li"); /* the root in the output's order */
	assert_int_equal(role(p, 3, 'j'), IR_ROLE_CONTRACTED);
	assert_int_equal(role(p, 3, 'i'), IR_ROLE_LEFT);
	assert_int_equal(role(p, 3, 'k'), IR_ROLE_RIGHT);
	assert_int_equal(role(p, 3, 'l'), IR_ROLE_NONE);
	assert_int_equal(role(p, 4, 'k'), IR_ROLE_CONTRACTED);
	assert_int_equal(role(p, 4, 'l'), IR_ROLE_RIGHT);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* Batch, one-sided sums, a unary step and repeated labels across operands. */
static void test_roles(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, "bxij,bjky->bik", "b=2,x=2,i=3,j=4,k=5,y=2");
	assert_int_equal(role(p, 2, 'b'), IR_ROLE_BATCH);
	assert_int_equal(role(p, 2, 'j'), IR_ROLE_CONTRACTED);
	assert_int_equal(role(p, 2, 'x'), IR_ROLE_LEFT_SUM);
	assert_int_equal(role(p, 2, 'y'), IR_ROLE_RIGHT_SUM);
	einc_program_free(p);
	p = compile(ctx, "iij->j", "i=3,j=4");
	assert_int_equal(p->tree->nnodes, 2);
	assert_int_equal(p->tree->nodes[1].right, -1);
	assert_result(p, 0, "ij"); /* the leaf: distinct indices */
	assert_int_equal(role(p, 1, 'i'), IR_ROLE_LEFT_SUM);
	assert_int_equal(role(p, 1, 'j'), IR_ROLE_LEFT);
	einc_program_free(p);
	p = compile(ctx, "i,i,i->", "i=6");
	assert_result(p, 3, "i"); /* the third operand still needs i */
	assert_int_equal(role(p, 3, 'i'), IR_ROLE_BATCH);
	assert_int_equal(role(p, 4, 'i'), IR_ROLE_CONTRACTED);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* ir_tree_build from other pairs, and its checks. */
static void test_build_pairs(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, "ij,jk,kl->il", "i=2,j=3,k=4,l=5");
	const int right_first[][2] = {{1, 2}, {0, 3}};
	ir_tree *t = NULL;
	assert_int_equal(ir_tree_build(ctx, p->arena, p->graph, 2, right_first, "test", &t), EINC_OK);
	p->tree = t;
	assert_result(p, 3, "jl");
	assert_int_equal(role(p, 3, 'k'), IR_ROLE_CONTRACTED);
	const int twice[][2] = {{0, 1}, {3, 1}}, early[][2] = {{0, 3}, {1, 2}};
	assert_int_equal(ir_tree_build(ctx, p->arena, p->graph, 2, twice, "test", &t), EINC_EINTERNAL);
	assert_int_equal(ir_tree_build(ctx, p->arena, p->graph, 2, early, "test", &t), EINC_EINTERNAL);
	assert_int_equal(ir_tree_build(ctx, p->arena, p->graph, 1, twice, "test", &t), EINC_EINTERNAL);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* Intermediates at aligned, disjoint offsets; the root writes the output. */
static void test_plan_and_loops(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, "ij,jk,kl,lm->im", "i=3,j=5,k=7,l=2,m=4");
	const ir_plan *plan = p->plan;
	assert_int_equal(plan->nsteps, 3);
	int64_t end = 0;
	for (int s = 0; s < 2; s++) {
		assert_true(plan->steps[s].offset >= end);
		assert_int_equal(plan->steps[s].offset % IR_PLAN_ALIGN, 0);
		end = plan->steps[s].offset + plan->steps[s].bytes;
	}
	assert_int_equal(plan->steps[2].offset, -1);
	assert_true(plan->workspace_bytes >= end && plan->workspace_bytes % IR_PLAN_ALIGN == 0);
	assert_int_equal(einc_program_workspace_size(p), (size_t)plan->workspace_bytes);
	const loop_step *st = &p->loops->steps[1];
	assert_int_equal(st->result.buffer, LOOP_WORKSPACE);
	assert_int_equal(st->args[0].buffer, LOOP_WORKSPACE);
	assert_int_equal(st->args[1].buffer, LOOP_INPUT);
	assert_int_equal(st->args[1].input, 2);
	einc_program_free(p);
	p = compile(ctx, "iij,j->i", "i=3,j=4");
	st = &p->loops->steps[0];
	assert_int_equal(st->ndims, 2);
	assert_int_equal(st->args[0].strides[0], 3 * 4 + 4); /* the diagonal */
	assert_int_equal(st->args[1].strides[0], 0);
	assert_int_equal(st->result.strides[1], 0);
	assert_int_equal(st->result_elems, 3);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_build_pairs),
		cmocka_unit_test(test_plan_and_loops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
