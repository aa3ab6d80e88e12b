/*
 * test_bind.c - sizes and the graph (frontend/sizes.c, bind.c, frontend.c):
 * shapes and dims texts, numeric shapes, numpy's broadcasting of size-1 axes
 * and of '...', and the exact message of every size error. A graph is
 * printed compactly: the indices with their sizes, then each tensor as its
 * index names and its dims, e.g. "i=2 j=3 k=4 | ij[2x3],jk[3x4]->ik[2x4]".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctx.h"
#include "frontend.h"
#include "parse.h"
#include "program.h"

/* Appends tensor "t" of "g" to "buf": index names, then "[d0xd1...]". */
static void print_tensor(char *buf, size_t n, const ir_graph *g, const ir_tensor *t)
{
	for (int a = 0; a < t->rank; a++)
		snprintf(buf + strlen(buf), n - strlen(buf), "%s", g->indices[t->index[a]].name);
	strcat(buf, "[");
	for (int a = 0; a < t->rank; a++)
		snprintf(buf + strlen(buf), n - strlen(buf), "%s%lld", a ? "x" : "",
		         (long long)t->dims[a]);
	strcat(buf, "]");
}

/* The compact form of "g" into "buf". */
static char *graph_str(char *buf, size_t n, const ir_graph *g)
{
	buf[0] = '\0';
	for (int i = 0; i < g->nindices; i++)
		snprintf(buf + strlen(buf), n - strlen(buf), "%s%s=%lld", i ? " " : "",
		         g->indices[i].name, (long long)g->indices[i].size);
	strcat(buf, " | ");
	for (int k = 0; k < g->ninputs; k++) {
		if (k)
			strcat(buf, ",");
		print_tensor(buf, n, g, &g->inputs[k]);
	}
	strcat(buf, "->");
	print_tensor(buf, n, g, &g->output);
	if (!g->empty_dims)
		return buf;
	strcat(buf, " | as given: ");
	for (int k = 0; k <= g->ninputs; k++) {
		const ir_tensor *t = k < g->ninputs ? &g->inputs[k] : &g->output;
		strcat(buf, k == g->ninputs ? "->[" : k ? ",[" : "[");
		for (int a = 0; a < t->rank; a++)
			snprintf(buf + strlen(buf), n - strlen(buf), "%s%lld", a ? "x" : "",
			         (long long)g->empty_dims[k][a]);
		strcat(buf, "]");
	}
	return buf;
}

/* Binds "spec" with "sizes": the compact graph, or the full error message;
 * the status into "*status". */
static char *bind_str(const char *spec, const fe_sizes *sizes, einc_status *status)
{
	static char buf[1 << 16];
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	ir_graph *g;
	*status = fe_spec_to_graph(ctx, a, spec, sizes, EINC_F64, &g);
	if (*status) {
		assert_null(g);
		snprintf(buf, sizeof buf, "%s", einc_ctx_message(ctx));
	} else {
		assert_string_equal(g->spec, spec);
		assert_int_equal(g->dtype, EINC_F64);
		graph_str(buf, sizeof buf, g);
	}
	arena_free(a);
	einc_ctx_free(ctx);
	return buf;
}

typedef struct {
	const char *spec, *dims, *shapes; /* dims / shapes NULL when not given */
	einc_status status;
	const char *want; /* the compact graph, or the whole error message */
} bind_case;

/* Runs "n" text cases, naming the first that fails. */
static void run_cases(const bind_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fe_sizes sizes = {.dims = c[i].dims, .shape_text = c[i].shapes};
		einc_status st;
		const char *got = bind_str(c[i].spec, &sizes, &st);
		if (strcmp(got, c[i].want) != 0 || st != c[i].status)
			print_error("spec \"%s\" dims \"%s\" shapes \"%s\":\n got (%d): %s\n"
			            "want (%d): %s\n", c[i].spec, c[i].dims ? c[i].dims : "(none)",
			            c[i].shapes ? c[i].shapes : "(none)", st, got, c[i].status,
			            c[i].want);
		assert_string_equal(got, c[i].want);
		assert_int_equal(st, c[i].status);
	}
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* Valid bindings. Shapes in comments are numpy 1.24's for the same call with
 * np.ones of the given shapes; the graph's output dims match them. */
static void test_valid(void **state)
{
	(void)state;
	static const bind_case cases[] = {
		{"ij,jk->ik", NULL, "2x3,3x4", 0, "i=2 j=3 k=4 | ij[2x3],jk[3x4]->ik[2x4]"},
		{"ij,jk->ik", "i=2,j=3,k=4", NULL, 0, "i=2 j=3 k=4 | ij[2x3],jk[3x4]->ik[2x4]"},
		{"ij,jk->ik", "k=4,j=3", "2x3,3x4", 0, "i=2 j=3 k=4 | ij[2x3],jk[3x4]->ik[2x4]"},
		{"ij,jk->ki", " i = 2 , j=3,\tk=4 ", NULL, 0,
		 "i=2 j=3 k=4 | ij[2x3],jk[3x4]->ki[4x2]"},
		{"bij,bjk->bik", "b=8,i=512,j=64,k=32", NULL, 0,
		 "b=8 i=512 j=64 k=32 | bij[8x512x64],bjk[8x64x32]->bik[8x512x32]"},
		{"ba", "a=2,b=3", NULL, 0, "b=3 a=2 | ba[3x2]->ab[2x3]"},
		{"ii->i", NULL, "3x3", 0, "i=3 | ii[3x3]->i[3]"},
		{"ii", "i=3", NULL, 0, "i=3 | ii[3x3]->[]"},
		/* np.einsum('ij,ij->ij', ones((3,1)), ones((3,4))).shape == (3, 4) */
		{"ij,ij->ij", NULL, "3x1,3x4", 0, "i=3 j=4 | ij[3x1],ij[3x4]->ij[3x4]"},
		/* np.einsum('i,i', ones(1), ones(3)) == 3.0 */
		{"i,i", NULL, "1,3", 0, "i=3 | i[1],i[3]->[]"},
		/* np.einsum('ii,i', ones((1,1)), ones(3)) == 3.0 */
		{"ii,i", NULL, "1x1,3", 0, "i=3 | ii[1x1],i[3]->[]"},
		/* np.einsum('ij,jk', ones((2,1)), ones((3,5))).shape == (2, 5) */
		{"ij,jk", NULL, "2x1,3x5", 0, "i=2 j=3 k=5 | ij[2x1],jk[3x5]->ik[2x5]"},
		{"i,i->i", NULL, "1,1", 0, "i=1 | i[1],i[1]->i[1]"},
		/* np.einsum('...ij,...jk', ones((2,3,4)), ones((4,5))).shape == (2, 3, 5) */
		{"...ij,...jk", NULL, "2x3x4,4x5", 0,
		 ".0=2 i=3 j=4 k=5 | .0ij[2x3x4],jk[4x5]->.0ik[2x3x5]"},
		/* np.einsum('...,...', ones((2,3)), ones((4,1,3))).shape == (4, 2, 3) */
		{"...,...", NULL, "2x3,4x1x3", 0,
		 ".0=4 .1=2 .2=3 | .1.2[2x3],.0.1.2[4x1x3]->.0.1.2[4x2x3]"},
		/* np.einsum('i...,...', ones((2,3)), ones(3)).shape == (3, 2) */
		{"i...,...", NULL, "2x3,3", 0, "i=2 .0=3 | i.0[2x3],.0[3]->.0i[3x2]"},
		/* np.einsum('i...j,j...k', ones((2,5,1,3)), ones((3,5,4,6))).shape == (5,4,2,6) */
		{"i...j,j...k", NULL, "2x5x1x3,3x5x4x6", 0,
		 "i=2 .0=5 .1=4 j=3 k=6 | i.0.1j[2x5x1x3],j.0.1k[3x5x4x6]->.0.1ik[5x4x2x6]"},
		/* np.einsum('...i,...i->...', ones((2,3)), ones((4,1,3))).shape == (4, 2) */
		{"...i,...i->...", NULL, "2x3,4x1x3", 0,
		 ".0=4 .1=2 i=3 | .1i[2x3],.0.1i[4x1x3]->.0.1[4x2]"},
		{"i,...->...i", NULL, "2,3", 0, "i=2 .0=3 | i[2],.0[3]->.0i[3x2]"},
		/* '...' covering nothing: np.einsum('...ij->ij', ones((3,4))).shape == (3, 4) */
		{"...ij->ij", NULL, "3x4", 0, "i=3 j=4 | ij[3x4]->ij[3x4]"},
		{"ij...->...", NULL, "2x3", 0, "i=2 j=3 | ij[2x3]->[]"},
		{"i->...", "i=2", NULL, 0, "i=2 | i[2]->[]"},       /* np.einsum('i->...', ones(2)) */
		{",ij->ij", NULL, ",2x3", 0, "i=2 j=3 | [],ij[2x3]->ij[2x3]"},
		{"ij,->", NULL, " 2 x 3 , ", 0, "i=2 j=3 | ij[2x3],[]->[]"},
		{",", NULL, ",", 0, " | [],[]->[]"},
		{",", NULL, NULL, 0, " | [],[]->[]"},
		{"ij,,k", "i=1,j=2,k=3", NULL, 0, "i=1 j=2 k=3 | ij[1x2],[],k[3]->ijk[1x2x3]"},
		{"αβ,βγ", "α=2,β=3,γ=4", NULL, 0, "α=2 β=3 γ=4 | αβ[2x3],βγ[3x4]->αγ[2x4]"},
		/* dims checked against broadcast shapes: the size is the largest extent */
		{"ij,ij->ij", "j=4", "3x1,3x4", 0, "i=3 j=4 | ij[3x1],ij[3x4]->ij[3x4]"},
		{"ij,jk", NULL, "\t2\tx 3 ,3x4 ", 0, "i=2 j=3 k=4 | ij[2x3],jk[3x4]->ik[2x4]"},
		{"ij", NULL, "3037000499x3037000499", 0,   /* just below 2^63 */
		 "i=3037000499 j=3037000499 | ij[3037000499x3037000499]->ij[3037000499x3037000499]"},
		{"i", "i=9223372036854775807", NULL, 0,
		 "i=9223372036854775807 | i[9223372036854775807]->i[9223372036854775807]"},
		/* size 0 (numpy's empty axes): the graph reads 1, the dims as given
		 * follow "as given:"; 1 broadcasts against 0 */
		{"ij", "i=0,j=3", NULL, EINC_OK, "i=1 j=3 | ij[1x3]->ij[1x3] | as given: [0x3]->[0x3]"},
		{"ij,jk", NULL, "2x0,0x4", EINC_OK,
		 "i=2 j=1 k=4 | ij[2x1],jk[1x4]->ik[2x4] | as given: [2x0],[0x4]->[2x4]"},
		{"i,i->i", NULL, "1,0", EINC_OK, "i=1 | i[1],i[1]->i[1] | as given: [1],[0]->[0]"},
		{"...i->...", NULL, "0x2x3", EINC_OK,
		 ".0=1 .1=2 i=3 | .0.1i[1x2x3]->.0.1[1x2] | as given: [0x2x3]->[0x2]"},
		/* the sizes of all labels may multiply past 2^63: only tensors must fit */
		{"i,j,k->", "i=2097152,j=2097152,k=2097152", NULL, EINC_OK,
		 "i=2097152 j=2097152 k=2097152 | i[2097152],j[2097152],k[2097152]->[]"},
	};
	RUN(cases);
}

/* Size errors: stage "bind", the status, the message and the caret. */
static void test_errors(void **state)
{
	(void)state;
	static const bind_case cases[] = {
		{"ij,jk,kl", NULL, "2x3,3x32,64x5", EINC_ESHAPE,
		 "spec:1:7: error: bind: label 'k' is 64 in operand 2 but 32 in operand 1\n"
		 "  ij,jk,kl\n        ^"},
		{"ij,jk", NULL, "2x3,4x5", EINC_ESHAPE,
		 "spec:1:4: error: bind: label 'j' is 4 in operand 1 but 3 in operand 0\n"
		 "  ij,jk\n     ^"},
		/* np.einsum('ij,ij->ij', ones((3,2)), ones((3,4))) raises */
		{"ij,ij->ij", NULL, "3x2,3x4", EINC_ESHAPE,
		 "spec:1:5: error: bind: label 'j' is 4 in operand 1 but 2 in operand 0\n"
		 "  ij,ij->ij\n      ^"},
		/* np.einsum('ii->i', ones((3,1))) raises: no broadcasting within an operand */
		{"ii->i", NULL, "3x1", EINC_ESHAPE,
		 "spec:1:2: error: bind: label 'i' appears in operand 0 with sizes 3 and 1; a "
		 "repeated label takes one size\n  ii->i\n   ^"},
		{"αβ,ββ", NULL, "2x3,3x4", EINC_ESHAPE,
		 "spec:1:5: error: bind: label 'β' appears in operand 1 with sizes 3 and 4; a "
		 "repeated label takes one size\n  αβ,ββ\n      ^"},
		/* np.einsum('...,...->...', ones((2,3)), ones((3,2))) raises */
		{"...,...", NULL, "2x3,3x2", EINC_ESHAPE,
		 "spec:1:5: error: bind: '...' dimension .0 is 3 in operand 1 but 2 in operand 0\n"
		 "  ...,...\n      ^"},
		/* np.einsum('...ij->ij', ones((2,3,4))) raises: numpy never sums '...' away */
		{"...ij->ij", NULL, "2x3x4", EINC_ESHAPE,
		 "spec:1:1: error: bind: '...' covers 1 dimension of operand 0 but the output has "
		 "no '...' (numpy does not sum over '...': add it to the output)\n"
		 "  ...ij->ij\n  ^"},
		/* np.einsum('...i,...i->i', ones((1,3)), ones(3)) raises too */
		{"i,...i->i", NULL, "3,1x1x3", EINC_ESHAPE,
		 "spec:1:3: error: bind: '...' covers 2 dimensions of operand 1 but the output has "
		 "no '...' (numpy does not sum over '...': add it to the output)\n"
		 "  i,...i->i\n    ^"},
		{"ij,...jk", "i=2,j=3,k=4", NULL, EINC_ESHAPE,
		 "spec:1:4: error: bind: '...' needs the shapes of the operands; dims alone "
		 "cannot size it\n  ij,...jk\n     ^"},
		{"ij,jk", "i=2,j=3", NULL, EINC_ESHAPE,
		 "spec:1:5: error: bind: no size for label 'k' (give it in the dims, as k=N, or "
		 "give the shapes)\n  ij,jk\n      ^"},
		{"ij", NULL, NULL, EINC_ESHAPE,
		 "spec:1:1: error: bind: no size for label 'i' (give it in the dims, as i=N, or "
		 "give the shapes)\n  ij\n  ^"},
		{"ij", "i=2,j=3,z=4", NULL, EINC_ESHAPE,
		 "dims:1:9: error: bind: label 'z' appears in no operand of the spec\n"
		 "  i=2,j=3,z=4\n          ^"},
		{"ij", "j=4", "2x3", EINC_ESHAPE,
		 "dims:1:3: error: bind: label 'j' is 4 in the dims but 3 in the shapes (operand 0)\n"
		 "  j=4\n    ^"},
		{"ij,jk", NULL, "2x3", EINC_ESHAPE,
		 "shapes:1:4: error: bind: the spec has 2 operands but 1 shape is given\n"
		 "  2x3\n     ^"},
		{"ij", NULL, "2x3, 3x4", EINC_ESHAPE,
		 "shapes:1:6: error: bind: the spec has 1 operand but 2 shapes are given\n"
		 "  2x3, 3x4\n       ^"},
		{"ij,ij->ij", "j=4", "3x1,3x1", EINC_ESHAPE,
		 "dims:1:3: error: bind: label 'j' is 4 in the dims but 1 in the shapes (operand 0)\n"
		 "  j=4\n    ^"},
		{"αβ", "α=2,β=3,γ=4", NULL, EINC_ESHAPE,
		 "dims:1:9: error: bind: label 'γ' appears in no operand of the spec\n"
		 "  α=2,β=3,γ=4\n          ^"},
		{"i", NULL, "", EINC_ESHAPE,
		 "spec:1:1: error: bind: operand 0 has 1 label but its shape has 0 dimensions\n"
		 "  i\n  ^"},
		{"ij,jk", NULL, "2x3,3x4x5", EINC_ESHAPE,
		 "spec:1:4: error: bind: operand 1 has 2 labels but its shape has 3 dimensions\n"
		 "  ij,jk\n     ^"},
		{"i,,j", NULL, "2,3,4", EINC_ESHAPE,
		 "spec:1:3: error: bind: operand 1 has 0 labels but its shape has 1 dimension\n"
		 "  i,,j\n    ^"},
		{"...ij", NULL, "3", EINC_ESHAPE,
		 "spec:1:1: error: bind: operand 0 has 2 labels besides '...' but its shape has "
		 "only 1 dimension\n  ...ij\n  ^"},
		/* numpy: np.ones((2, 0)) + np.ones((3, 0)) fails, 0 against 3 too */
		{"ij,ij", NULL, "2x0,3x0", EINC_ESHAPE,
		 "spec:1:4: error: bind: label 'i' is 3 in operand 1 but 2 in operand 0\n"
		 "  ij,ij\n     ^"},
		{"i,i", NULL, "0,3", EINC_ESHAPE,
		 "spec:1:3: error: bind: label 'i' is 3 in operand 1 but 0 in operand 0\n"
		 "  i,i\n    ^"},
		{"ij", "i=99999999999999999999", NULL, EINC_EOVERFLOW,
		 "dims:1:3: error: bind: size 99999999999999999999 does not fit in int64\n"
		 "  i=99999999999999999999\n    ^"},
		{"ij", "i=9223372036854775808", NULL, EINC_EOVERFLOW,
		 "dims:1:3: error: bind: size 9223372036854775808 does not fit in int64\n"
		 "  i=9223372036854775808\n    ^"},
		{"ij", "i=2,,j=3", NULL, EINC_ESYNTAX,
		 "dims:1:5: error: bind: expected a label (a letter), found ','\n  i=2,,j=3\n      ^"},
		{"ij", "i=2,", NULL, EINC_ESYNTAX,
		 "dims:1:5: error: bind: expected a label (a letter), found the end of the dims\n"
		 "  i=2,\n      ^"},
		{"ij", "ij=2", NULL, EINC_ESYNTAX,
		 "dims:1:2: error: bind: expected '=' after 'i' (a label is one letter)\n"
		 "  ij=2\n   ^"},
		{"ij", "i=2,i=3", NULL, EINC_ESYNTAX,
		 "dims:1:5: error: bind: label 'i' is given twice\n  i=2,i=3\n      ^"},
		{"ij", "i=2;j=3", NULL, EINC_ESYNTAX,
		 "dims:1:4: error: bind: expected ',' or the end of the dims, found ';'\n"
		 "  i=2;j=3\n     ^"},
		{"ij", "i=-2", NULL, EINC_ESYNTAX,
		 "dims:1:3: error: bind: expected a size (a positive integer), found '-'\n"
		 "  i=-2\n    ^"},
		{"ij", "i:2", NULL, EINC_ESYNTAX,
		 "dims:1:2: error: bind: expected '=', found ':'\n  i:2\n   ^"},
		{"ij", NULL, "2x", EINC_ESYNTAX,
		 "shapes:1:3: error: bind: expected a size (a positive integer), found the end of "
		 "the shapes\n  2x\n    ^"},
		{"ij", NULL, "2*3", EINC_ESYNTAX,
		 "shapes:1:2: error: bind: expected 'x', ',' or the end of the shapes, found '*'\n"
		 "  2*3\n   ^"},
		{"ij", NULL, "2 3", EINC_ESYNTAX,
		 "shapes:1:3: error: bind: expected 'x', ',' or the end of the shapes, found '3'\n"
		 "  2 3\n    ^"},
		{"ij", NULL, "2×3", EINC_ESYNTAX,
		 "shapes:1:2: error: bind: expected 'x', ',' or the end of the shapes, found '×'\n"
		 "  2×3\n   ^"},
		/* overflow: 2^32 * 2^32 elements in one operand, caret where it overflows */
		{"ij", NULL, "4294967296x4294967296", EINC_EOVERFLOW,
		 "spec:1:2: error: bind: operand 0 has more than 2^63-1 elements: the product of "
		 "its sizes overflows int64\n  ij\n   ^"},
		{"ij,jk->ik", "i=4294967296,j=2,k=4294967296", NULL, EINC_EOVERFLOW,
		 "spec:1:9: error: bind: the output has more than 2^63-1 elements: the product of "
		 "its sizes overflows int64\n  ij,jk->ik\n          ^"},
		{"...,i", NULL, "4294967296x4294967296,2", EINC_EOVERFLOW,
		 "spec:1:1: error: bind: operand 0 has more than 2^63-1 elements: the product of "
		 "its sizes overflows int64\n  ...,i\n  ^"},
		/* spec errors come before size errors */
		{"ij,j!", "i=0", NULL, EINC_ESYNTAX,
		 "spec:1:5: error: parse: '!' is not a label: labels are a-z, A-Z or a character "
		 "beyond ASCII\n  ij,j!\n      ^"},
	};
	RUN(cases);
}

/* Numeric shapes, as einc_compile passes them. */
static void test_numeric(void **state)
{
	(void)state;
	static const int64_t a23[] = {2, 3}, a34[] = {3, 4}, a2m3[] = {2, -3}, a20[] = {2, 0};
	const int64_t *const ok[] = {a23, a34}, *const neg[] = {a2m3}, *const zero[] = {a20};
	static const int r22[] = {2, 2}, r0[] = {0, 0}, rneg[] = {-1};
	einc_status st;
	fe_sizes s = {.nops = 2, .ranks = r22, .shapes = ok};
	assert_string_equal(bind_str("ij,jk", &s, &st), "i=2 j=3 k=4 | ij[2x3],jk[3x4]->ik[2x4]");
	s.dims = "j=3";
	assert_string_equal(bind_str("ij,jk", &s, &st), "i=2 j=3 k=4 | ij[2x3],jk[3x4]->ik[2x4]");
	s = (fe_sizes){.nops = 1, .ranks = r22, .shapes = ok};
	assert_string_equal(bind_str("ij,jk", &s, &st),
	                    "error: bind: the spec has 2 operands but 1 shape is given");
	assert_int_equal(st, EINC_ESHAPE);
	s = (fe_sizes){.nops = 1, .ranks = r22, .shapes = neg};
	assert_string_equal(bind_str("ij", &s, &st),
	                    "spec:1:2: error: bind: label 'j' has size -3 in operand 0; sizes "
	                    "must be >= 0\n  ij\n   ^");
	assert_int_equal(st, EINC_ESHAPE);
	s.shapes = zero;
	assert_string_equal(bind_str("ij", &s, &st),
	                    "i=2 j=1 | ij[2x1]->ij[2x1] | as given: [2x0]->[2x0]");
	assert_int_equal(st, EINC_OK);
	s = (fe_sizes){.nops = 1, .ranks = rneg, .shapes = ok};
	assert_string_equal(bind_str("ij", &s, &st),
	                    "error: bind: shape 0 has rank -1; ranks must be >= 0");
	assert_int_equal(st, EINC_EINVAL);
	s = (fe_sizes){.nops = 2, .ranks = r0, .shapes = ok, .shape_text = ","};
	assert_string_equal(bind_str(",", &s, &st),
	                    "error: bind: give numeric shapes or a shapes text, not both");
	assert_int_equal(st, EINC_EINVAL);
	s = (fe_sizes){.nops = 2, .ranks = r0, .shapes = ok};
	assert_string_equal(bind_str(",->", &s, &st), " | [],[]->[]");
	assert_string_equal(bind_str(",", NULL, &st), " | [],[]->[]");
}

/* The operand limit and many distinct labels, through the text forms. */
static void test_large(void **state)
{
	(void)state;
	enum { N = 4096, L = 2000 };
	char *spec = malloc(2 * N), *shapes = malloc(2 * N);
	for (int k = 0; k < N; k++) {
		spec[2 * k] = 'i', spec[2 * k + 1] = ',';
		shapes[2 * k] = k % 2 ? '1' : '5', shapes[2 * k + 1] = ',';
	}
	spec[2 * N - 1] = shapes[2 * N - 1] = '\0';
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	ir_graph *g;
	fe_sizes sz = {.shape_text = shapes};
	assert_int_equal(fe_spec_to_graph(ctx, a, spec, &sz, EINC_F32, &g), EINC_OK);
	assert_int_equal(g->ninputs, N);
	assert_int_equal(g->nindices, 1);
	assert_int_equal(g->indices[0].size, 5);
	assert_int_equal(g->inputs[N - 1].dims[0], 1);
	assert_int_equal(g->output.rank, 0);
	free(spec);
	free(shapes);

	/* L distinct labels (U+4E00 ..) in one operand, all of size 2: too many
	 * elements; all of size 1: fine */
	spec = malloc(3 * L + 1);
	shapes = malloc(2 * L + 1);
	for (int i = 0; i < L; i++) {
		unsigned cp = 0x4E00 + (unsigned)i;
		spec[3 * i] = (char)(0xE0 | cp >> 12);
		spec[3 * i + 1] = (char)(0x80 | (cp >> 6 & 0x3F));
		spec[3 * i + 2] = (char)(0x80 | (cp & 0x3F));
		shapes[2 * i] = '2', shapes[2 * i + 1] = 'x';
	}
	spec[3 * L] = '\0';
	shapes[2 * L - 1] = '\0';
	sz.shape_text = shapes;
	assert_int_equal(fe_spec_to_graph(ctx, a, spec, &sz, EINC_F32, &g), EINC_EOVERFLOW);
	for (int i = 0; i < L; i++)
		shapes[2 * i] = '1';
	assert_int_equal(fe_spec_to_graph(ctx, a, spec, &sz, EINC_F32, &g), EINC_OK);
	assert_int_equal(g->nindices, L);
	assert_int_equal(g->output.rank, L);
	for (int i = 0; i < L; i++) {
		assert_int_equal(g->inputs[0].index[i], i);
		assert_int_equal(g->output.index[i], i);
		assert_memory_equal(g->indices[i].name, spec + 3 * i, 3);
		assert_int_equal(g->indices[i].name[3], '\0');
	}
	arena_free(a);
	einc_ctx_free(ctx);
	free(spec);
	free(shapes);
}

/* Random specs and shapes against numpy: whether np.einsum(spec, *[np.ones(s)
 * for s in shapes]) succeeds under numpy 1.24, and its result's shape ("-" for
 * a 0-d result, NULL where numpy raises ValueError). Generated once by a
 * script that called numpy; each row is that call. */
static void test_numpy_table(void **state)
{
	(void)state;
	static const struct { const char *spec, *shapes, *numpy_shape; } cases[] = {
		{"A,ba->bAa", "3,2x3", "2x3x3"},
		{"cdA->cA", "1x1x3", "1x3"},
		{",a...aB", ",1x1x1x2", "1x2"},
		{"B,...->B...", "3,", "3"},
		{"ca...A,cA,b...Bb->...bAB", "1x3x1x1x1,1x1,3x3x3x1x3", "3x3x3x1x1"},
		{"dA->...", "3x3", "-"},
		{"db...a,cBB->...", "1x1x1x1,3x2x3", NULL},
		{",dAa->ad...", ",2x1x2", "2x2"},
		{"abB...", "3x3x1x3x1", "3x1x1x3x3"},
		{"bB,b...b", "2x2,2x1x2x2", "1x2x2"},
		{"BcB", "2x2x2", "2"},
		{",b...ac,a...B", ",2x3x3x1x3,3x3x3", "3x3x3x2x3"},
		{"d", "3", "3"},
		{"...,a,acA", "2,2,2x2x1", "2x1x2"},
		{"...->", "1", NULL},
		{"d...AB", "3x3x1x3x3", "3x1x3x3x3"},
		{"bA,,", "2x3,,", "3x2"},
		{"a,cbd", "3,1x3x2", "3x3x1x2"},
		{"...->...", "", "-"},
		{"...A,b,bb", "3x3x3,2,1x1", "3x3x3"},
		{"b,ca", "1,2x2", "2x1x2"},
		{"b...bb->b", "2x3x2", NULL},
		{"...A,d...cB", "2,3x1x2x2", "1x2x2x2x3"},
		{"cc,bcA,->", "3x3,2x3x1,", "-"},
		{"bB,BbB...,dd->bd", "1x2,1x1x2,2x2", NULL},
		{"...,d,dc...A", "2,3,3x2x2x3x1", NULL},
		{"d,Bd...->d", "3,1x3", "3"},
		{"A->", "2", "-"},
		{"dAc,c", "2x2x1,1", "2x2"},
		{"...B,...B->...", "3,2x3", "2"},
		{"d...d", "3x3", "-"},
		{"bcb,d->...", "1x2x1,2", "-"},
		{",cb...,Bd", ",1x2,2x1", "2x2x1x1"},
		{"...,Bd->", ",1x3", "-"},
		{"...A,...aAA,->aA", "2,1x1x2x2,", NULL},
		{"Bb,", "2x2,", "2x2"},
		{"Ba,...B", "1x1,2x3", "2x1"},
		{"b,ac...a->ba", "2,1x2x3x1x1", NULL},
		{"cBA,d->A", "3x2x2,2", "2"},
		{"b...cb,A", "1x2x1,3", "3x2"},
		{"Adb,B...Ba", "1x2x3,1x1x1", "1x1x3x2"},
		{"cd,...,...dd->c", "1x2,2x3,3x1x2x2", NULL},
		{",...dA,d...A", ",2x1x1,1x1", "2"},
		{"B...d,c,AA", "2x1x2,2,1x3", NULL},
		{"...,ca,b->...ca", "2x3,1x2,3", "2x3x1x2"},
		{"A,bBb...->AbB...", "2,2x1x2", "2x2x1"},
		{"aB", "2x3", "3x2"},
		{"cdd,AA,Bd...A", "2x2x2,3x3,1x2x3", "1x2"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		einc_ctx *ctx = einc_ctx_new();
		arena *a = arena_new();
		ir_graph *g;
		fe_sizes sz = {.shape_text = cases[i].shapes};
		einc_status st = fe_spec_to_graph(ctx, a, cases[i].spec, &sz, EINC_F32, &g);
		char got[64] = "";
		if (!st) {
			for (int x = 0; x < g->output.rank; x++)
				snprintf(got + strlen(got), sizeof got - strlen(got), "%s%lld", x ? "x" : "",
				         (long long)g->output.dims[x]);
			if (!g->output.rank)
				strcpy(got, "-");
		}
		const char *want = cases[i].numpy_shape;
		if (want ? st || strcmp(got, want) != 0 : !st)
			print_error("'%s' shapes '%s': numpy %s, einc %s (%s)\n", cases[i].spec,
			            cases[i].shapes, want ? want : "raises", st ? "fails" : got,
			            einc_ctx_message(ctx));
		if (want)
			assert_string_equal(got, want);
		else
			assert_int_equal(st, EINC_ESHAPE);
		arena_free(a);
		einc_ctx_free(ctx);
	}
}

/* The public entry points reach the front end and report its errors. */
static void test_api(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p;
	assert_int_equal(einc_compile_text(ctx, "bij,bjk->bik", "b=2,i=3,j=4,k=5", NULL, NULL,
	                                   &p), EINC_OK);
	assert_int_equal(p->graph->nindices, 4);
	assert_int_equal(p->graph->output.dims[2], 5);
	einc_program_free(p);
	static const int64_t s0[] = {7, 2, 3}, s1[] = {3, 4};
	const int64_t *const shapes[] = {s0, s1};
	static const int ranks[] = {3, 2};
	assert_int_equal(einc_compile(ctx, "...ij,jk->...ik", 2, ranks, shapes, NULL, &p),
	                 EINC_OK);
	char buf[256];
	assert_string_equal(graph_str(buf, sizeof buf, p->graph),
	                    ".0=7 i=2 j=3 k=4 | .0ij[7x2x3],jk[3x4]->.0ik[7x2x4]");
	einc_program_free(p);
	assert_int_equal(einc_compile_text(ctx, "ij,jk", NULL, "2x3,4x5", NULL, &p),
	                 EINC_ESHAPE);
	assert_null(p);
	assert_string_equal(einc_ctx_stage(ctx), "bind");
	assert_int_equal(einc_compile_text(ctx, "ij,,", "i=1", NULL, NULL, &p), EINC_ESHAPE);
	assert_int_equal(einc_compile_text(ctx, "i->", "i=1", NULL, NULL, &p), EINC_OK);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* Size texts beyond FE_MAX_TEXT bytes are refused before they are read,
 * naming which text; one at the limit is read. */
static void test_text_limits(void **state)
{
	(void)state;
	static const struct {
		const char *start, *message;
		int shapes; /* the text is the shapes, else the dims */
	} texts[] = {
		{"i=3", "error: bind: the dims are longer than 1048576 bytes", 0},
		{"3", "error: bind: the shapes are longer than 1048576 bytes", 1},
	};
	einc_ctx *ctx = einc_ctx_new();
	char *text = malloc(FE_MAX_TEXT + 2);
	assert_non_null(text);
	for (size_t x = 0; x < sizeof texts / sizeof texts[0]; x++) {
		memset(text, ' ', FE_MAX_TEXT + 1);
		memcpy(text, texts[x].start, strlen(texts[x].start));
		text[FE_MAX_TEXT + 1] = '\0';
		const char *dims = texts[x].shapes ? NULL : text, *shapes = texts[x].shapes ? text : NULL;
		einc_program *p;
		assert_int_equal(einc_compile_text(ctx, "i", dims, shapes, NULL, &p), EINC_EINVAL);
		assert_string_equal(einc_ctx_message(ctx), texts[x].message);
		text[FE_MAX_TEXT] = '\0';
		assert_int_equal(einc_compile_text(ctx, "i", dims, shapes, NULL, &p), EINC_OK);
		einc_program_free(p);
	}
	free(text);
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_numeric),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_numpy_table),
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_text_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
