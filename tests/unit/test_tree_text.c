/* test_tree_text.c - the contraction tree's text form: print, parse back,
 * force an order with it, and the parser's errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hash.h"
#include "program.h"

/* Compiles "spec" with "dims", the order chosen by "path" or forced by the
 * tree text "tree" (NULL: none); returns the status, the program in "*p". */
static einc_status compile(einc_ctx *ctx, const char *spec, const char *dims,
                           einc_path path, const char *tree, einc_program **p)
{
	einc_options o;
	einc_options_init(&o);
	o.path = path;
	o.tree = tree;
	o.tree_name = "t.tree";
	return einc_compile_text(ctx, spec, dims, NULL, &o, p);
}

/* The tree dump of "p" (asserting success); free() it. */
static char *dump_tree(einc_ctx *ctx, const einc_program *p)
{
	char *text = NULL;
	assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_TREE, &text), EINC_OK);
	return text;
}

/* Compiles "spec" with "dims" in f64, its order forced by "tree",
 * JIT-runs it on "in" and asserts that its "n" results (at most 16) are
 * the reference evaluator's to 1e-12 (relative past 1). give. */
static einc_program *run_forced(einc_ctx *ctx, const char *spec, const char *dims,
                                const char *tree, const void *const *in, int n)
{
	einc_options o;
	einc_options_init(&o);
	o.dtype = EINC_F64;
	o.tree = tree;
	einc_program *p;
	assert_int_equal(einc_compile_text(ctx, spec, dims, NULL, &o, &p), EINC_OK);
	assert_int_equal(einc_program_elems(p, -1), n);
	assert_true(n <= 16);
	double got[16], want[16];
	einc_kernel *k;
	assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
	assert_int_equal(einc_kernel_run(k, got, in, NULL), EINC_OK);
	assert_int_equal(einc_program_run_reference(ctx, p, want, in), EINC_OK);
	for (int e = 0; e < n; e++)
		assert_true(fabs(got[e] - want[e]) <= 1e-12 * (1 + fabs(want[e])));
	einc_kernel_free(k);
	return p;
}

static const char *const specs[][2] = {
	{"ab,bc,cd,de->ae", "a=64,b=8,c=256,d=4,e=32"},
	{"bij,bjk->bik", "b=2,i=3,j=4,k=5"},
	{"ii->", "i=3"},
	{"ij->ji", "i=3,j=4"},
	{"i,j,k->ijk", "i=2,j=3,k=4"},
	{"abc,cd,de,ea,fb->f", "a=3,b=4,c=5,d=6,e=7,f=2"},
	{"ij,jk,kl,lm,mn,no,op->ip", "i=2,j=9,k=3,l=8,m=4,n=7,o=5,p=6"},
	{"ijk,jl,kl->il", "i=5,j=4,k=3,l=6"},
	{"ii,i,->i", "i=4"},
	{"αβ,βγ->αγ", "α=2,β=3,γ=4"},
	{"iipj,jk,kq,r,,ss->ik", "i=3,j=4,k=5,p=2,q=3,r=4,s=3"},
	{"ab,bc,c->a", "a=2,b=3,c=1"},
};

/* Every order method's tree, printed, parsed back and printed again, is
 * the same text, and the parsed tree has the same nodes. */
static void test_round_trip(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	const einc_path paths[] = {EINC_PATH_AUTO, EINC_PATH_LTR, EINC_PATH_GREEDY};
	for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++)
		for (size_t m = 0; m < 3; m++) {
			einc_program *p, *q;
			assert_int_equal(compile(ctx, specs[k][0], specs[k][1], paths[m], NULL, &p), EINC_OK);
			char *text = dump_tree(ctx, p);
			if (compile(ctx, specs[k][0], specs[k][1], EINC_PATH_LTR, text, &q)) {
				print_message("%s\n%s\n", text, einc_ctx_message(ctx));
				fail();
			}
			char *again = dump_tree(ctx, q);
			assert_string_equal(text, again);
			assert_int_equal(p->tree->nnodes, q->tree->nnodes);
			for (int n = 0; n < p->tree->nnodes; n++) {
				assert_int_equal(p->tree->nodes[n].left, q->tree->nodes[n].left);
				assert_int_equal(p->tree->nodes[n].right, q->tree->nodes[n].right);
			}
			free(text);
			free(again);
			einc_program_free(p);
			einc_program_free(q);
		}
	einc_ctx_free(ctx);
}

/* The printed flops and sizes are opt_einsum's, computed by hand:
 * ab,bc->ac over a=3,b=3,c=4 is 3*3*4 * 2 = 72 flops, 12 elements. */
static void test_print_costs(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p;
	assert_int_equal(compile(ctx, "ab,bc,cd->ad", "a=3,b=3,c=4,d=32", EINC_PATH_LTR, NULL, &p),
	                 EINC_OK);
	char *text = dump_tree(ctx, p);
	assert_string_equal(text,
	                    "; einc tree v1\n"
	                    "; flops 840, largest intermediate 96\n"
	                    "%0 = input [a b]\n"
	                    "%1 = input [b c]\n"
	                    "%2 = input [c d]\n"
	                    "%3 = contract %0 %1 -> [a c]  ; sum b, flops 72, size 12\n"
	                    "%4 = contract %3 %2 -> [a d]  ; sum c, flops 768, size 96\n");
	free(text);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* A forced order is the order compiled: the kernel follows it and still
 * computes the reference result. An intermediate's labels written in
 * another order than the derived one are its layout: kept and printed so. */
static void test_forced_order_runs(void **state)
{
	(void)state;
	static const struct {
		const char *step; /* the tree's line for %3 */
		int order[4];     /* %3's labels, as index ids */
		const char *dump; /* its line in the dump */
	} forced[] = {
		{"%3 = contract %0 %2   ; an outer product first\n", {0, 1, 2, 3},
		 "%3 = contract %0 %2 -> [i j k l]"},
		{"%3 = contract %0 %2 -> [l k j i]   ; its layout\n", {3, 2, 1, 0},
		 "%3 = contract %0 %2 -> [l k j i]"},
	};
	einc_ctx *ctx = einc_ctx_new();
	double a[12], b[20], c[10];
	for (int e = 0; e < 20; e++) {
		if (e < 12)
			a[e] = e - 5.5;
		b[e] = (e % 7) * 0.25;
		if (e < 10)
			c[e] = 1.0 / (e + 1);
	}
	const void *in[] = {a, b, c};
	for (size_t x = 0; x < sizeof forced / sizeof forced[0]; x++) {
		char tree[256];
		snprintf(tree, sizeof tree, "%%0 = input [i j]\n%%1 = input [j k]\n%%2 = input [k l]\n"
		         "%s%%4 = contract %%1 %%3 -> [i l]\n", forced[x].step);
		einc_program *p;
		assert_int_equal(compile(ctx, "ij,jk,kl->il", "i=3,j=4,k=5,l=2", EINC_PATH_AUTO, tree,
		                         &p), EINC_OK);
		assert_int_equal(p->tree->nodes[3].left, 0);
		assert_int_equal(p->tree->nodes[3].right, 2);
		assert_int_equal(p->tree->nodes[3].rank, 4);
		assert_memory_equal(p->tree->nodes[3].index, forced[x].order, sizeof(forced[x].order));
		char *text = dump_tree(ctx, p);
		assert_non_null(strstr(text, forced[x].dump));
		free(text);
		einc_program_free(p);
		p = run_forced(ctx, "ij,jk,kl->il", "i=3,j=4,k=5,l=2", tree, in, 6);
		assert_int_equal(einc_program_elems(p, 0), 12);
		assert_int_equal(einc_program_elems(p, 2), 10);
		assert_int_equal(einc_program_elems(p, 3), -1);
		assert_int_equal(einc_program_elems(p, -2), -1);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/* A forced tree with unary nodes: printed exactly (flops by hand: sum q
 * 5*6 x2 = 60; then i j k p with j, p summed 3*4*5*2 x2 = 240; then i k q'
 * with k summed 3*5 x2 = 30), parsed back to the same text, and run. */
static void test_forced_unary(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	const char *tree = "%0 = input [i j p]\n%1 = input [j k]\n%2 = input [k q]\n"
	                   "%3 = reduce %2\n%4 = contract %0 %1\n%5 = contract %4 %3 -> [i]\n";
	const char *want = "; einc tree v1\n"
	                   "; flops 330, largest intermediate 15\n"
	                   "%0 = input [i j p]\n"
	                   "%1 = input [j k]\n"
	                   "%2 = input [k q]\n"
	                   "%3 = reduce %2 -> [k]  ; sum q, flops 60, size 5\n"
	                   "%4 = contract %0 %1 -> [i k]  ; sum j, sum-left p, flops 240, size 15\n"
	                   "%5 = contract %4 %3 -> [i]  ; sum k, flops 30, size 3\n";
	einc_program *p, *q;
	assert_int_equal(compile(ctx, "ijp,jk,kq->i", "i=3,j=4,k=5,p=2,q=6", EINC_PATH_AUTO, tree,
	                         &p), EINC_OK);
	char *text = dump_tree(ctx, p);
	assert_string_equal(text, want);
	assert_int_equal(compile(ctx, "ijp,jk,kq->i", "i=3,j=4,k=5,p=2,q=6", EINC_PATH_AUTO, text,
	                         &q), EINC_OK);
	char *again = dump_tree(ctx, q);
	assert_string_equal(again, want);
	free(text);
	free(again);
	einc_program_free(p);
	einc_program_free(q);
	double a[24], b[20], c[30];
	for (int e = 0; e < 30; e++) {
		if (e < 24)
			a[e] = e * 0.5 - 6;
		if (e < 20)
			b[e] = (e % 3) - 1.0;
		c[e] = 1.0 / (e + 1);
	}
	const void *in[] = {a, b, c};
	einc_program_free(run_forced(ctx, "ijp,jk,kq->i", "i=3,j=4,k=5,p=2,q=6", tree, in, 3));
	einc_ctx_free(ctx);
}

/* Replaces the first "from" at or after "at" in "text" (room "cap") by
 * "to". */
static void replace_first(char *text, size_t cap, size_t at, const char *from, const char *to)
{
	char *x = strstr(text + at, from), rest[512];
	if (!x)
		return;
	snprintf(rest, sizeof rest, "%s", x + strlen(from));
	snprintf(x, cap - (size_t)(x - text), "%s%s", to, rest);
}

/* Edits of a tree with unary nodes (seeded: a digit of a node name
 * changed, "contract" and "reduce" swapped, a line dropped): each either
 * compiles, and its dump parses back to the same text, or fails with a
 * message that names the file; never a crash (ASan). */
static void test_edits(void **state)
{
	(void)state;
	const char *spec = "ijp,jk,kq,r->i", *dims = "i=3,j=4,k=5,p=2,q=6,r=2";
	const char *tree = "%0 = input [i j p]\n%1 = input [j k]\n%2 = input [k q]\n"
	                   "%3 = input [r]\n%4 = reduce %0\n%5 = reduce %2\n%6 = reduce %3\n"
	                   "%7 = contract %5 %6\n%8 = contract %4 %1\n%9 = contract %8 %7\n";
	einc_ctx *ctx = einc_ctx_new();
	uint64_t seed = 7;
	int ok = 0;
	for (int round = 0; round < 300; round++) {
		char text[512];
		strcpy(text, tree);
		lcg64(&seed);
		size_t len = strlen(text), at = (size_t)(seed >> 33) % len;
		switch ((seed >> 20) % 3) {
		case 0: /* a digit of a node name */
			while (at < len && !(text[at] >= '0' && text[at] <= '9'))
				at++;
			if (at < len)
				text[at] = (char)('0' + (seed >> 8) % 10);
			break;
		case 1: /* a step's kind */
			if ((seed >> 9) & 1)
				replace_first(text, sizeof text, at, "reduce", "contract");
			else
				replace_first(text, sizeof text, at, "contract", "reduce");
			break;
		default: { /* drop the line at "at" */
			char *b = text + at, *e = strchr(b, '\n');
			while (b > text && b[-1] != '\n')
				b--;
			if (e)
				memmove(b, e + 1, strlen(e + 1) + 1);
		}
		}
		einc_program *p = NULL, *q = NULL;
		if (compile(ctx, spec, dims, EINC_PATH_AUTO, text, &p)) {
			assert_null(p);
			assert_non_null(strstr(einc_ctx_message(ctx), "t.tree:"));
			continue;
		}
		ok++;
		char *dump = dump_tree(ctx, p);
		assert_int_equal(compile(ctx, spec, dims, EINC_PATH_AUTO, dump, &q), EINC_OK);
		char *again = dump_tree(ctx, q);
		assert_string_equal(dump, again);
		free(dump);
		free(again);
		einc_program_free(p);
		einc_program_free(q);
	}
	assert_true(ok > 0 && ok < 300);
	einc_ctx_free(ctx);
}

/* Bad trees: each message, caret line included, and its status. */
static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *tree;
		einc_status status;
		const char *message;
	} cases[] = {
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = contract %0 %0\n",
		 EINC_ESYNTAX,
		 "t.tree:4:18: error: tree: %0 is already contracted\n"
		 "  %3 = contract %0 %0\n"
		 "                   ^"},
		{"%0 = input [i j]\n%1 = input [j x]\n", EINC_ESYNTAX,
		 "t.tree:2:15: error: tree: 'x' is not a label of this spec\n"
		 "  %1 = input [j x]\n"
		 "                ^"},
		{"%0 = input [i j]\n%1 = input [k j]\n", EINC_ESHAPE,
		 "t.tree:2:12: error: tree: these are not the labels of input 1\n"
		 "  %1 = input [k j]\n"
		 "             ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = contract %0 %1\n",
		 EINC_ESYNTAX,
		 "t.tree:5:1: error: tree: the tree stops before %4: 3 inputs need 2 contractions, "
		 "it has 1\n"
		 "  \n"
		 "  ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%4 = contract %0 %1\n",
		 EINC_ESYNTAX,
		 "t.tree:4:1: error: tree: expected '%3', the next node\n"
		 "  %4 = contract %0 %1\n"
		 "  ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = contract %0 %5\n",
		 EINC_ESYNTAX,
		 "t.tree:4:18: error: tree: %5 is not defined before %3\n"
		 "  %3 = contract %0 %5\n"
		 "                   ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = contract %0 %1\n"
		 "%4 = contract %3 %2 -> [l i]\n",
		 EINC_ESHAPE,
		 "t.tree:5:24: error: tree: node %4 keeps [i l] (the output)\n"
		 "  %4 = contract %3 %2 -> [l i]\n"
		 "                         ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = contract %0 %1\n"
		 "%4 = contract %3 %2\n%5 = contract %4 %4\n",
		 EINC_ESYNTAX,
		 "t.tree:6:1: error: tree: the tree is complete after %4; nothing may follow\n"
		 "  %5 = contract %4 %4\n"
		 "  ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = sum %0\n",
		 EINC_ESYNTAX,
		 "t.tree:4:6: error: tree: expected 'contract' or 'reduce', found 'sum'\n"
		 "  %3 = sum %0\n"
		 "       ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = contract %0 %1\n"
		 "%4 = reduce %3\n",
		 EINC_ESYNTAX,
		 "t.tree:5:13: error: tree: %3 is not an input: 'reduce' goes over an input's node\n"
		 "  %4 = reduce %3\n"
		 "              ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = reduce %0\n"
		 "%4 = reduce %0\n",
		 EINC_ESYNTAX,
		 "t.tree:5:13: error: tree: %0 is already contracted\n"
		 "  %4 = reduce %0\n"
		 "              ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = contract %0 %1 -> [k k]\n"
		 "%4 = contract %3 %2\n",
		 EINC_ESHAPE,
		 "t.tree:4:24: error: tree: node %3 keeps [i k] (in any order)\n"
		 "  %3 = contract %0 %1 -> [k k]\n"
		 "                         ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = reduce %0 -> [j]\n"
		 "%4 = contract %3 %1\n%5 = contract %4 %2\n",
		 EINC_ESHAPE,
		 "t.tree:4:19: error: tree: node %3 keeps [i j] (in any order)\n"
		 "  %3 = reduce %0 -> [j]\n"
		 "                    ^"},
		{"%0 = input [i j]\n%1 = input [j k]\n%2 = input [k l]\n%3 = reduce %0 %1\n",
		 EINC_ESYNTAX,
		 "t.tree:4:16: error: tree: expected the end of the line, found '%1'\n"
		 "  %3 = reduce %0 %1\n"
		 "                 ^"},
		{"%0 = output [i j]\n", EINC_ESYNTAX,
		 "t.tree:1:6: error: tree: expected 'input' (the first nodes are the spec's inputs), "
		 "found 'output'\n"
		 "  %0 = output [i j]\n"
		 "       ^"},
		{"%0 = input [i j] x\n", EINC_ESYNTAX,
		 "t.tree:1:18: error: tree: expected the end of the line, found 'x'\n"
		 "  %0 = input [i j] x\n"
		 "                   ^"},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		einc_program *p = NULL;
		einc_status st = compile(ctx, "ij,jk,kl->il", "i=4,j=5,k=6,l=7", EINC_PATH_AUTO,
		                         cases[k].tree, &p);
		if (st != cases[k].status || strcmp(einc_ctx_message(ctx), cases[k].message)) {
			print_message("case %zu: status %d\n%s\n", k, (int)st, einc_ctx_message(ctx));
			fail();
		}
		assert_null(p);
	}
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_print_costs),
		cmocka_unit_test(test_forced_order_runs),
		cmocka_unit_test(test_forced_unary),
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
