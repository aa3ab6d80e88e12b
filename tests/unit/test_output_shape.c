/*
 * test_output_shape.c - einc_output_shape through einc.h: output shapes
 * worked out by hand for explicit and implicit outputs, broadcasting,
 * '...', scalars and empty axes; the front end's errors with their stage
 * and caret; the API's own errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "einc.h"

enum { MAXOPS = 3, MAXRANK = 6 };

/* One spec, its operands' shapes and the output shape expected. */
typedef struct {
	const char *spec;
	int nops;
	int ranks[MAXOPS];
	int64_t dims[MAXOPS][MAXRANK];
	int out_rank;
	int64_t out[MAXRANK];
} shape_case;

/* Calls einc_output_shape on case "c" with room for "max_rank" dims. */
static einc_status output_shape(einc_ctx *ctx, const shape_case *c, int max_rank,
                                int *rank, int64_t *dims)
{
	const int64_t *shapes[MAXOPS];
	for (int k = 0; k < c->nops; k++)
		shapes[k] = c->dims[k];
	return einc_output_shape(ctx, c->spec, c->nops, c->ranks, shapes, max_rank, rank, dims);
}

/* Shapes worked out by hand (numpy.einsum gives the same). */
static void test_shapes(void **state)
{
	(void)state;
	static const shape_case cases[] = {
		{"ij,jk->ik", 2, {2, 2}, {{2, 3}, {3, 4}}, 2, {2, 4}},
		/* implicit: the labels seen once, sorted: a (2), c (4) */
		{"ba,cb", 2, {2, 2}, {{3, 2}, {4, 3}}, 2, {2, 4}},
		{"ij,jk->ki", 2, {2, 2}, {{2, 3}, {3, 4}}, 2, {4, 2}},
		/* an axis of extent 1 broadcasts across operands */
		{"ij,ij->ij", 2, {2, 2}, {{1, 3}, {2, 3}}, 2, {2, 3}},
		{"i,i->i", 2, {1, 1}, {{1}, {5}}, 1, {5}},
		{"ik,kj->ij", 2, {2, 2}, {{2, 1}, {7, 3}}, 2, {2, 3}},
		/* '...' right-aligned: (2, 1) and (5) broadcast to (2, 5) */
		{"...ij,...jk->...ik", 2, {4, 3}, {{2, 1, 3, 4}, {5, 4, 6}}, 4, {2, 5, 3, 6}},
		{"...ij,...jk", 2, {4, 3}, {{2, 1, 3, 4}, {5, 4, 6}}, 4, {2, 5, 3, 6}},
		{"i...->...", 1, {3}, {{4, 5, 6}}, 2, {5, 6}},
		{"...,...->...", 2, {1, 2}, {{3}, {1, 1}}, 2, {1, 3}},
		/* a trace, a full sum, a scalar operand */
		{"ii->i", 1, {2}, {{3, 3}}, 1, {3}},
		{"ij->", 1, {2}, {{3, 4}}, 0, {0}},
		{",i", 2, {0, 1}, {{0}, {3}}, 1, {3}},
		/* an empty axis stays 0 */
		{"ij,jk->ik", 2, {2, 2}, {{0, 3}, {3, 4}}, 2, {0, 4}},
		{"ij->j", 1, {2}, {{2, 0}}, 1, {0}},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const shape_case *c = &cases[i];
		int rank = -1;
		int64_t dims[MAXRANK] = {0};
		einc_status st = output_shape(ctx, c, MAXRANK, &rank, dims);
		if (st)
			fail_msg("%s: %s", c->spec, einc_ctx_message(ctx));
		assert_int_equal(rank, c->out_rank);
		for (int a = 0; a < rank; a++)
			if (dims[a] != c->out[a])
				fail_msg("%s: axis %d is %lld, expected %lld", c->spec, a,
				         (long long)dims[a], (long long)c->out[a]);
		assert_string_equal(einc_ctx_message(ctx), "");
	}
	einc_ctx_free(ctx);
}

/* Specs and shapes that do not fit: the status, stage and whole message
 * with its caret, as einc_compile gives them. */
static void test_front_end_errors(void **state)
{
	(void)state;
	static const struct {
		shape_case c;
		einc_status status;
		const char *stage, *message;
	} cases[] = {
		{{"ij,jk->ik", 2, {2, 2}, {{2, 3}, {4, 5}}, 0, {0}}, EINC_ESHAPE, "bind",
		 "spec:1:4: error: bind: label 'j' is 4 in operand 1 but 3 in operand 0\n"
		 "  ij,jk->ik\n     ^"},
		{{"ij,jk", 1, {2}, {{2, 3}}, 0, {0}}, EINC_ESHAPE, "bind",
		 "error: bind: the spec has 2 operands but 1 shape is given"},
		{{"ij,j%->ik", 2, {2, 2}, {{2, 3}, {3, 4}}, 0, {0}}, EINC_ESYNTAX, "parse",
		 "spec:1:5: error: parse: '%' is not a label: labels are a-z, A-Z or a character "
		 "beyond ASCII\n  ij,j%->ik\n      ^"},
		{{"...i,...i", 2, {2, 2}, {{2, 3}, {4, 3}}, 0, {0}}, EINC_ESHAPE, "bind",
		 "spec:1:6: error: bind: '...' dimension .0 is 4 in operand 1 but 2 in operand 0\n"
		 "  ...i,...i\n       ^"},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rank = -1;
		int64_t dims[MAXRANK];
		assert_int_equal(output_shape(ctx, &cases[i].c, MAXRANK, &rank, dims),
		                 cases[i].status);
		assert_string_equal(einc_ctx_stage(ctx), cases[i].stage);
		assert_string_equal(einc_ctx_message(ctx), cases[i].message);
		/* einc_compile says the same */
		const int64_t *shapes[MAXOPS];
		for (int k = 0; k < cases[i].c.nops; k++)
			shapes[k] = cases[i].c.dims[k];
		einc_program *p;
		assert_int_equal(einc_compile(ctx, cases[i].c.spec, cases[i].c.nops,
		                              cases[i].c.ranks, shapes, NULL, &p), cases[i].status);
		assert_string_equal(einc_ctx_message(ctx), cases[i].message);
	}
	einc_ctx_free(ctx);
}

/* The API's own errors: no context, NULL arguments, too little room (the
 * rank is still stored, so that a caller can ask again). */
static void test_api_errors(void **state)
{
	(void)state;
	static const shape_case mm = {"ij,jk->ik", 2, {2, 2}, {{2, 3}, {3, 4}}, 2, {2, 4}};
	einc_ctx *ctx = einc_ctx_new();
	int rank = -1;
	int64_t dims[MAXRANK];
	assert_int_equal(output_shape(NULL, &mm, MAXRANK, &rank, dims), EINC_EINVAL);
	assert_int_equal(output_shape(ctx, &mm, 1, &rank, dims), EINC_EINVAL);
	assert_int_equal(rank, 2);
	assert_string_equal(einc_ctx_message(ctx),
	                    "error: api: the output has rank 2 but out_dims has room for 1");
	rank = -1;
	assert_int_equal(output_shape(ctx, &mm, 0, &rank, NULL), EINC_EINVAL);
	assert_int_equal(rank, 2);
	assert_int_equal(output_shape(ctx, &mm, MAXRANK, NULL, dims), EINC_EINVAL);
	assert_string_equal(einc_ctx_stage(ctx), "api");
	assert_int_equal(output_shape(ctx, &mm, 2, &rank, NULL), EINC_EINVAL);
	assert_int_equal(einc_output_shape(ctx, NULL, 0, NULL, NULL, 0, &rank, NULL),
	                 EINC_EINVAL);
	assert_int_equal(einc_output_shape(ctx, "i", -1, NULL, NULL, 1, &rank, dims), EINC_EINVAL);
	assert_string_equal(einc_ctx_message(ctx),
	                    "error: api: shapes need nops >= 0 and non-NULL ranks and shapes");
	assert_int_equal(einc_output_shape(ctx, "i", 1, NULL, NULL, 1, &rank, dims), EINC_EINVAL);
	/* a scalar output needs no room */
	assert_int_equal(einc_output_shape(ctx, "->", 1, (const int[]){0},
	                                   (const int64_t *const[]){NULL}, 0, &rank, NULL),
	                 EINC_OK);
	assert_int_equal(rank, 0);
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_front_end_errors),
		cmocka_unit_test(test_api_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
