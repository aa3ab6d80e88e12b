/* test_ctx.c - einc_ctx messages: stage, line:column, echo and caret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ctx.h"

static void test_fail_at_caret(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	assert_int_equal(ctx_fail_at(ctx, EINC_ESYNTAX, "parse", "spec", "ij,jk..->ik", 5,
	                             "expected '...'"), EINC_ESYNTAX);
	assert_string_equal(einc_ctx_message(ctx),
	                    "spec:1:6: error: parse: expected '...'\n"
	                    "  ij,jk..->ik\n"
	                    "       ^");
	assert_string_equal(einc_ctx_stage(ctx), "parse");
	assert_int_equal(einc_ctx_status(ctx), EINC_ESYNTAX);
	ctx_ok(ctx);
	assert_string_equal(einc_ctx_message(ctx), "");
	assert_int_equal(einc_ctx_status(ctx), EINC_OK);
	einc_ctx_free(ctx);
}

/* Columns count characters: the caret sits under the culprit after UTF-8. */
static void test_fail_at_utf8_and_lines(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	ctx_fail_at(ctx, EINC_ESYNTAX, "parse", "spec", "αβ,β!", 6, "bad");
	assert_string_equal(einc_ctx_message(ctx),
	                    "spec:1:5: error: parse: bad\n  αβ,β!\n      ^");
	ctx_fail_at(ctx, EINC_ESYNTAX, "graph", "g.txt", "one\ntwo x\nthree", 8, "what");
	assert_string_equal(einc_ctx_message(ctx),
	                    "g.txt:2:5: error: graph: what\n  two x\n      ^");
	einc_ctx_free(ctx);
}

static void test_fail_and_names(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	ctx_fail(ctx, EINC_EINVAL, "api", "x is %d", 3);
	assert_string_equal(einc_ctx_message(ctx), "error: api: x is 3");
	assert_string_equal(einc_status_name(EINC_OK), "ok");
	assert_string_equal(einc_status_name(EINC_ESYNTAX), "syntax error");
	assert_string_equal(einc_status_name((einc_status)999), "unknown status");
	assert_int_equal(einc_version_number(), EINC_VERSION_NUMBER);
	const char *v = einc_version_string(), *first = "einc " EINC_VERSION_STRING "\n";
	assert_memory_equal(v, first, strlen(first));
	assert_non_null(strstr(v, "\nLLVM version "));
	assert_ptr_equal(einc_version_string(), v);
	einc_ctx_free(ctx);
	einc_ctx_free(NULL);
}

/* The dtype calls of einc.h: names, sizes, parsing, and what is not a dtype. */
static void test_dtypes(void **state)
{
	(void)state;
	static const struct {
		einc_dtype t;
		const char *name;
		size_t size;
	} known[] = {{EINC_F32, "f32", sizeof(float)}, {EINC_F64, "f64", sizeof(double)}};
	for (int x = 0; x < 2; x++) {
		einc_dtype t = (einc_dtype)-1;
		assert_string_equal(einc_dtype_name(known[x].t), known[x].name);
		assert_int_equal(einc_dtype_size(known[x].t), known[x].size);
		assert_int_equal(einc_dtype_parse(known[x].name, &t), 0);
		assert_int_equal(t, known[x].t);
		assert_non_null(strstr(einc_dtype_names(), known[x].name));
	}
	einc_dtype t = EINC_F64;
	assert_int_equal(einc_dtype_parse("f16", &t), -1);
	assert_int_equal(einc_dtype_parse("f3", &t), -1);
	assert_int_equal(einc_dtype_parse("f320", &t), -1);
	assert_int_equal(einc_dtype_parse(NULL, &t), -1);
	assert_int_equal(t, EINC_F64);
	assert_null(einc_dtype_name((einc_dtype)99));
	assert_null(einc_dtype_name((einc_dtype)-1));
	assert_int_equal(einc_dtype_size((einc_dtype)99), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_at_caret),
		cmocka_unit_test(test_fail_at_utf8_and_lines),
		cmocka_unit_test(test_fail_and_names),
		cmocka_unit_test(test_dtypes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
