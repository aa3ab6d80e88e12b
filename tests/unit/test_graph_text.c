/*
 * test_graph_text.c - the graph text form: exact printer output, round trips
 * print(parse(print(g))) == print(g) on hand-built graphs and on every
 * golden *.graph file (the directory is argv[1]), and exact parse errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "graph.h"
#include "strbuf.h"
#include "text.h"

/* An input or output of "g" from its axes as text: names separated by
 * single spaces, ":1" after a broadcast axis ("b i:1 j"; "" is a scalar). */
static ir_tensor tensor(arena *a, const ir_graph *g, const char *axes)
{
	ir_tensor t = {0};
	t.index = arena_array(a, 16, sizeof(int));
	t.dims = arena_array(a, 16, sizeof(int64_t));
	for (const char *p = axes; *p;) {
		size_t n = strcspn(p, " :");
		int i = 0;
		while (strlen(g->indices[i].name) != n || strncmp(g->indices[i].name, p, n))
			i++;
		p += n;
		t.index[t.rank] = i;
		t.dims[t.rank++] = *p == ':' ? 1 : g->indices[i].size;
		p += *p == ':' ? 2 : 0;
		p += *p == ' ';
	}
	return t;
}

/* A graph with indices "names"/"sizes" (NULL-terminated names), inputs
 * "ins" (NULL-terminated) and output "out", all written as for tensor(). */
static ir_graph *graph(arena *a, einc_dtype dtype, const char *spec,
                       const char *const names[], const int64_t sizes[],
                       const char *const ins[], const char *out)
{
	ir_graph *g = arena_alloc(a, sizeof(*g));
	g->dtype = dtype;
	g->spec = spec;
	while (names[g->nindices])
		g->nindices++;
	g->indices = arena_array(a, (size_t)g->nindices, sizeof(ir_index));
	for (int i = 0; i < g->nindices; i++)
		g->indices[i] = (ir_index){names[i], sizes[i]};
	while (ins[g->ninputs])
		g->ninputs++;
	g->inputs = arena_array(a, (size_t)g->ninputs, sizeof(ir_tensor));
	for (int k = 0; k < g->ninputs; k++)
		g->inputs[k] = tensor(a, g, ins[k]);
	g->output = tensor(a, g, out);
	return g;
}

/* The batched matrix product "bij,bjk->bik". */
static ir_graph *graph_bmm(arena *a)
{
	static const char *const names[] = {"b", "i", "j", "k", NULL};
	static const int64_t sizes[] = {2, 3, 4, 5};
	static const char *const ins[] = {"b i j", "b j k", NULL};
	return graph(a, EINC_F32, "bij,bjk->bik", names, sizes, ins, "b i k");
}

/* Broadcast, ellipsis dims, a diagonal, a scalar input, f64, a Unicode
 * label and a spec that needs escapes. */
static ir_graph *graph_mixed(arena *a)
{
	static const char *const names[] = {".0", ".1", "α", "i", NULL};
	static const int64_t sizes[] = {7, 1, 3, 4};
	static const char *const ins[] = {".0:1 .1 α i i", ".0 i", "", NULL};
	return graph(a, EINC_F64, "say \"...\\\"\n\tok", names, sizes, ins, ".0 .1 α");
}

/* The scalar product of a 0-d tensor with itself: no index at all. */
static ir_graph *graph_scalar(arena *a)
{
	static const char *const names[] = {NULL};
	static const char *const ins[] = {"", "", NULL};
	return graph(a, EINC_F32, "", names, NULL, ins, "");
}

/* Parses "text", expecting success; returns the graph. */
static ir_graph *parse_ok(einc_ctx *ctx, arena *a, const char *text)
{
	ir_graph *g = NULL;
	einc_status st = ir_graph_parse(ctx, a, text, "g", &g);
	if (st)
		fail_msg("parse failed: %s", einc_ctx_message(ctx));
	assert_non_null(g);
	assert_int_equal(einc_ctx_status(ctx), EINC_OK);
	return g;
}

/* Whether "x" and "y" hold the same tensor. */
static void assert_tensor_equal(const ir_tensor *x, const ir_tensor *y)
{
	assert_int_equal(x->rank, y->rank);
	for (int a = 0; a < x->rank; a++) {
		assert_int_equal(x->index[a], y->index[a]);
		assert_int_equal(x->dims[a], y->dims[a]);
	}
}

/* Checks print(parse(print(g))) == print(g) and that the parsed graph
 * equals "g" field by field. */
static void assert_round_trip(const ir_graph *g)
{
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	char *text = ir_graph_print(g);
	assert_non_null(text);
	ir_graph *h = parse_ok(ctx, a, text);
	char *again = ir_graph_print(h);
	assert_string_equal(again, text);
	assert_int_equal(h->dtype, g->dtype);
	assert_string_equal(h->spec, g->spec);
	assert_int_equal(h->nindices, g->nindices);
	for (int i = 0; i < g->nindices; i++) {
		assert_string_equal(h->indices[i].name, g->indices[i].name);
		assert_int_equal(h->indices[i].size, g->indices[i].size);
	}
	assert_int_equal(h->ninputs, g->ninputs);
	for (int k = 0; k < g->ninputs; k++)
		assert_tensor_equal(&h->inputs[k], &g->inputs[k]);
	assert_tensor_equal(&h->output, &g->output);
	free(text);
	free(again);
	arena_free(a);
	einc_ctx_free(ctx);
}

/* The printer's exact text, derived facts included. */
static void test_print_bmm(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *text = ir_graph_print(graph_bmm(a));
	assert_string_equal(text,
	                    "; einc graph v1\n"
	                    "dtype f32\n"
	                    "spec \"bij,bjk->bik\"\n"
	                    "index b 2\n"
	                    "index i 3\n"
	                    "index j 4  ; summed\n"
	                    "index k 5\n"
	                    "input %0 [b i j]  ; 24 elements\n"
	                    "input %1 [b j k]  ; 40 elements\n"
	                    "output [b i k]  ; 30 elements\n");
	free(text);
	arena_free(a);
}

/* Broadcasts, ellipsis dims, diagonals, scalars, escapes, no spec. */
static void test_print_mixed(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *text = ir_graph_print(graph_mixed(a));
	assert_string_equal(text,
	                    "; einc graph v1\n"
	                    "dtype f64\n"
	                    "spec \"say \\\"...\\\\\\\"\\n\\tok\"\n"
	                    "index .0 7\n"
	                    "index .1 1\n"
	                    "index α 3\n"
	                    "index i 4  ; summed\n"
	                    "input %0 [.0:1 .1 α i i]  ; 48 elements\n"
	                    "input %1 [.0 i]  ; 28 elements\n"
	                    "input %2 []  ; 1 element\n"
	                    "output [.0 .1 α]  ; 21 elements\n");
	free(text);
	text = ir_graph_print(graph_scalar(a));
	assert_string_equal(text,
	                    "; einc graph v1\n"
	                    "dtype f32\n"
	                    "input %0 []  ; 1 element\n"
	                    "input %1 []  ; 1 element\n"
	                    "output []  ; 1 element\n");
	free(text);
	arena_free(a);
}

/* Every hand-built graph survives print, parse, print. */
static void test_round_trip_built(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_round_trip(graph_bmm(a));
	assert_round_trip(graph_mixed(a));
	assert_round_trip(graph_scalar(a));
	arena_free(a);
}

/* Comments anywhere, blank lines, tabs, CRLF, no spec, no final newline. */
static void test_parse_lenient_layout(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	ir_graph *g = parse_ok(ctx, a,
	                       "; hand written\r\n"
	                       "\n"
	                       "   dtype\tf64 ; double\r\n"
	                       "index i 3\n"
	                       "\t\tindex  j   4\n"
	                       ";\n"
	                       "input %0 [ i  j ]\n"
	                       "input %1 [j:1]; squeezed\n"
	                       "output [i]");
	char *text = ir_graph_print(g);
	assert_string_equal(text,
	                    "; einc graph v1\n"
	                    "dtype f64\n"
	                    "index i 3\n"
	                    "index j 4  ; summed\n"
	                    "input %0 [i j]  ; 12 elements\n"
	                    "input %1 [j:1]  ; 1 element\n"
	                    "output [i]  ; 3 elements\n");
	assert_string_equal(g->spec, "");
	free(text);
	arena_free(a);
	einc_ctx_free(ctx);
}

/* One bad input and the exact message it gets. */
typedef struct {
	const char *text, *message;
	einc_status status;
} bad_case;

#define HEAD "dtype f32\nindex i 3\n"

static const bad_case bad_cases[] = {
	{"", "g:1:1: error: graph: a graph starts with 'dtype NAME', NAME one of f32, f64, c64, c128, i32 or i64\n  \n  ^",
	 EINC_ESYNTAX},
	{"index i 3\n", "g:1:1: error: graph: a graph starts with 'dtype NAME', NAME one of f32, f64, c64, c128, i32 or i64\n"
	 "  index i 3\n  ^", EINC_ESYNTAX},
	{"dtype f16\n", "g:1:7: error: graph: expected a dtype (f32, f64, c64, c128, i32 or i64), found 'f16'\n"
	 "  dtype f16\n        ^", EINC_ESYNTAX},
	{HEAD "tensor %0 [i]\n", "g:3:1: error: graph: unknown statement 'tensor' "
	 "(expected dtype, spec, index, input or output)\n  tensor %0 [i]\n  ^", EINC_ESYNTAX},
	{HEAD "index i 4\n", "g:3:7: error: graph: index 'i' is declared twice\n"
	 "  index i 4\n        ^", EINC_ESYNTAX},
	{HEAD "index j\n", "g:3:8: error: graph: expected the size of index 'j'\n"
	 "  index j\n         ^", EINC_ESYNTAX},
	{HEAD "index j 0\n", "g:3:9: error: graph: index 'j' has size 0; sizes must be >= 1\n"
	 "  index j 0\n          ^", EINC_ESHAPE},
	{HEAD "index j 99999999999999999999\n",
	 "g:3:9: error: graph: number does not fit in 64 bits\n"
	 "  index j 99999999999999999999\n          ^", EINC_EOVERFLOW},
	{HEAD "index j 12x\n", "g:3:9: error: graph: malformed number\n"
	 "  index j 12x\n          ^", EINC_ESYNTAX},
	{HEAD "index .x 2\n", "g:3:7: error: graph: bad index name '.x' (a label, or '.' and digits)\n"
	 "  index .x 2\n        ^", EINC_ESYNTAX},
	{HEAD "input %0 [i k]\n", "g:3:13: error: graph: unknown index 'k'\n"
	 "  input %0 [i k]\n              ^", EINC_ESYNTAX},
	{HEAD "input %1 [i]\n", "g:3:7: error: graph: expected '%0' here (inputs are numbered in order)\n"
	 "  input %1 [i]\n        ^", EINC_ESYNTAX},
	{HEAD "input %0 [i]\ninput %2 [i]\n",
	 "g:4:7: error: graph: expected '%1' here (inputs are numbered in order)\n"
	 "  input %2 [i]\n        ^", EINC_ESYNTAX},
	{HEAD "input %0 [i]\n", "g:4:1: error: graph: missing 'output' line\n  \n  ^",
	 EINC_ESYNTAX},
	{HEAD "output [i]\n", "g:3:1: error: graph: a graph needs at least one input\n"
	 "  output [i]\n  ^", EINC_ESHAPE},
	{HEAD "input %0 [i]\nindex j 2\n", "g:4:1: error: graph: 'index' must come before 'input'\n"
	 "  index j 2\n  ^", EINC_ESYNTAX},
	{HEAD "input %0 [i]\noutput [i]\noutput [i]\n",
	 "g:5:1: error: graph: a second 'output' line\n  output [i]\n  ^", EINC_ESYNTAX},
	{"dtype f32\ndtype f64\n", "g:2:1: error: graph: a second 'dtype' line\n"
	 "  dtype f64\n  ^", EINC_ESYNTAX},
	{HEAD "input %0 [i:2]\n", "g:3:13: error: graph: expected 1 after ':' "
	 "(a broadcast axis has extent 1)\n  input %0 [i:2]\n              ^", EINC_ESYNTAX},
	{HEAD "input %0 [i]\noutput [i:1]\n", "g:4:10: error: graph: the output cannot broadcast\n"
	 "  output [i:1]\n           ^", EINC_ESHAPE},
	{HEAD "input %0 [i i]\noutput [i i]\n", "g:4:11: error: graph: the output names index 'i' twice\n"
	 "  output [i i]\n            ^", EINC_ESHAPE},
	{HEAD "index j 2\ninput %0 [i]\noutput [i j]\n",
	 "g:5:11: error: graph: output index 'j' appears in no input\n"
	 "  output [i j]\n            ^", EINC_ESHAPE},
	{HEAD "index j 2\ninput %0 [i]\noutput [i]\n",
	 "g:3:7: error: graph: index 'j' is used by no input\n  index j 2\n        ^", EINC_ESHAPE},
	{"dtype f32\nindex i 4294967296\nindex j 4294967296\ninput %0 [i j]\noutput []\n",
	 "g:4:13: error: graph: input 0 has more than 2^63 elements\n"
	 "  input %0 [i j]\n              ^", EINC_EOVERFLOW},
	{HEAD "input %0 [i] x\n", "g:3:14: error: graph: expected the end of the line, found 'x'\n"
	 "  input %0 [i] x\n               ^", EINC_ESYNTAX},
	{HEAD "input %0 [i\noutput [i]\n", "g:3:12: error: graph: expected an index name or ']', "
	 "found the end of the line\n  input %0 [i\n             ^", EINC_ESYNTAX},
	{HEAD "input %0 i\n", "g:3:10: error: graph: expected '[', found 'i'\n"
	 "  input %0 i\n           ^", EINC_ESYNTAX},
	{"dtype f32\nspec \"ij\n", "g:2:9: error: graph: unterminated string\n"
	 "  spec \"ij\n          ^", EINC_ESYNTAX},
	{"dtype f32\nspec \"a\\qb\"\n", "g:2:8: error: graph: unknown escape "
	 "(expected \\\" \\\\ \\n \\t or \\xHH)\n  spec \"a\\qb\"\n         ^", EINC_ESYNTAX},
	{"dtype f32\nspec \"\\x00\"\n", "g:2:7: error: graph: a string cannot hold a NUL byte\n"
	 "  spec \"\\x00\"\n        ^", EINC_ESYNTAX},
	{"dtype f32\nindex α\xff 2\n", "g:2:8: error: graph: invalid UTF-8\n"
	 "  index α\xff 2\n         ^", EINC_ESYNTAX},
	{HEAD "input %0 [i] # note\n", "g:3:14: error: graph: unexpected character '#'\n"
	 "  input %0 [i] # note\n               ^", EINC_ESYNTAX},
	{HEAD "input % [i]\n", "g:3:7: error: graph: expected a number after '%'\n"
	 "  input % [i]\n        ^", EINC_ESYNTAX},
	{"dtype f32\nspec ij\n", "g:2:6: error: graph: expected a quoted string, found 'ij'\n"
	 "  spec ij\n       ^", EINC_ESYNTAX},
};

/* Every bad case fails with its exact message, status and no graph. */
static void test_parse_errors(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	for (size_t c = 0; c < sizeof bad_cases / sizeof bad_cases[0]; c++) {
		arena *a = arena_new();
		ir_graph *g = (ir_graph *)1;
		einc_status st = ir_graph_parse(ctx, a, bad_cases[c].text, "g", &g);
		if (strcmp(einc_ctx_message(ctx), bad_cases[c].message))
			fail_msg("case %zu:\n%s\nexpected:\n%s", c, einc_ctx_message(ctx),
			         bad_cases[c].message);
		assert_int_equal(st, bad_cases[c].status);
		assert_string_equal(einc_ctx_stage(ctx), "graph");
		assert_null(g);
		arena_free(a);
	}
	einc_ctx_free(ctx);
}

/* Quoted strings: every byte but NUL survives print then read. */
static void test_strings(void **state)
{
	(void)state;
	char all[256];
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	const char *cases[] = {"", "plain", "αβγ→ok", "\"\\", all, "\xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80"};
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		strbuf b = {0};
		text_print_string(&b, cases[c]);
		char *quoted = strbuf_take(&b);
		text_lexer lx;
		assert_int_equal(text_init(&lx, ctx, quoted, "s", "text"), EINC_OK);
		assert_int_equal(lx.tok.kind, TEXT_STRING);
		assert_int_equal(lx.tok.len, strlen(quoted));
		assert_string_equal(text_string(&lx, a), cases[c]);
		free(quoted);
	}
	arena_free(a);
	einc_ctx_free(ctx);
}

/* UTF-8 lengths, with overlongs, surrogates and truncation rejected. */
static void test_utf8(void **state)
{
	(void)state;
	assert_int_equal(text_utf8_len("a", 1), 1);
	assert_int_equal(text_utf8_len("α", 2), 2);
	assert_int_equal(text_utf8_len("→", 3), 3);
	assert_int_equal(text_utf8_len("\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(text_utf8_len("\xc0\xaf", 2), 0);
	assert_int_equal(text_utf8_len("\xe0\x80\xaf", 3), 0);
	assert_int_equal(text_utf8_len("\xed\xa0\x80", 3), 0);
	assert_int_equal(text_utf8_len("\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(text_utf8_len("\xe2\x86", 4), 0);
	assert_int_equal(text_utf8_len("\x80", 1), 0);
}

/* The tokens a tree or plan form will need, with their offsets. */
static void test_tokens(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	text_lexer lx;
	const char *text = "%3 = contract %0[b .0], 42 -> x ; c\n";
	const struct { text_kind kind; size_t off, len; int64_t num; } want[] = {
		{TEXT_NAME, 0, 2, 3}, {TEXT_PUNCT, 3, 1, 0}, {TEXT_IDENT, 5, 8, 0},
		{TEXT_NAME, 14, 2, 0}, {TEXT_PUNCT, 16, 1, 0}, {TEXT_IDENT, 17, 1, 0},
		{TEXT_IDENT, 19, 2, 0}, {TEXT_PUNCT, 21, 1, 0}, {TEXT_PUNCT, 22, 1, 0},
		{TEXT_INT, 24, 2, 42}, {TEXT_PUNCT, 27, 2, 0}, {TEXT_IDENT, 30, 1, 0},
		{TEXT_EOL, 35, 1, 0}, {TEXT_EOF, 36, 0, 0},
	};
	assert_int_equal(text_init(&lx, ctx, text, "t", "text"), EINC_OK);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_int_equal(lx.tok.kind, want[i].kind);
		assert_int_equal(lx.tok.off, want[i].off);
		assert_int_equal(lx.tok.len, want[i].len);
		assert_int_equal(lx.tok.num, want[i].num);
		if (i + 1 < sizeof want / sizeof want[0])
			assert_int_equal(text_next(&lx), EINC_OK);
	}
	assert_true(text_init(&lx, ctx, "9223372036854775807", "t", "text") == EINC_OK &&
	            lx.tok.num == INT64_MAX);
	assert_int_equal(text_init(&lx, ctx, "9223372036854775808", "t", "text"), EINC_EOVERFLOW);
	einc_ctx_free(ctx);
}

/* Reads the whole file "path" (give, free()). */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	strbuf b = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_append(&b, buf, n);
	fclose(f);
	return strbuf_take(&b);
}

/* One golden file: it reads back as a graph that prints as the file. */
static void test_golden_file(void **state)
{
	const char *path = *state;
	char *text = read_file(path);
	if (!text)
		fail_msg("cannot read %s", path);
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	ir_graph *g = NULL;
	if (ir_graph_parse(ctx, a, text, path, &g))
		fail_msg("%s", einc_ctx_message(ctx));
	char *again = ir_graph_print(g);
	assert_string_equal(again, text);
	free(again);
	free(text);
	arena_free(a);
	einc_ctx_free(ctx);
}

/* Whether "name" ends in ".graph". */
static int is_graph_file(const char *name)
{
	size_t n = strlen(name);
	return n > 6 && !strcmp(name + n - 6, ".graph");
}

/* qsort order for path strings. */
static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Runs test_golden_file on every *.graph file of "dir", in name order. */
static int run_golden(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot open %s\n", dir);
		return 1;
	}
	char **paths = NULL;
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (!is_graph_file(e->d_name))
			continue;
		paths = realloc(paths, (n + 1) * sizeof(*paths));
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		paths[n] = malloc(len);
		snprintf(paths[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n == 0)
		return 0;
	qsort(paths, n, sizeof(*paths), by_name);
	struct CMUnitTest *tests = calloc(n + 1, sizeof(*tests));
	for (size_t i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){strrchr(paths[i], '/') + 1, test_golden_file,
		                               NULL, NULL, paths[i]};
	int failed = _cmocka_run_group_tests("golden round trip", tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(tests);
	return failed;
}

/* The unit tests, then the golden files of argv[1] if given. */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print_bmm),
		cmocka_unit_test(test_print_mixed),
		cmocka_unit_test(test_round_trip_built),
		cmocka_unit_test(test_parse_lenient_layout),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_tokens),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (argc > 1)
		failed += run_golden(argv[1]);
	return failed;
}
