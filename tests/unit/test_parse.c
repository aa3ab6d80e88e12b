/*
 * test_parse.c - the spec parser (frontend/lex.c, parse.c): the numpy
 * grammar, implicit outputs, and the exact message and caret of each
 * syntax error. A parsed spec is printed back in a normal form, the
 * implicit output written out: "ij,jk" -> "ij,jk->ik".
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
#include "lex.h"
#include "parse.h"

/* Appends term "t" of "s" to "buf" (labels as written, '...' in place). */
static void print_term(char *buf, size_t n, const fe_spec *s, const fe_term *t)
{
	for (int p = 0; p <= t->nlabels; p++) {
		if (p == t->ellipsis)
			snprintf(buf + strlen(buf), n - strlen(buf), "...");
		if (p < t->nlabels)
			snprintf(buf + strlen(buf), n - strlen(buf), "%.*s",
			         (int)t->labels[p].len, s->text + t->labels[p].off);
	}
}

/* Parses "spec": its normal form, or the full error message. */
static char *parse_str(const char *spec)
{
	static char buf[1 << 16];
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	fe_spec *s;
	buf[0] = '\0';
	if (fe_parse_spec(ctx, a, spec, &s)) {
		assert_null(s);
		assert_string_equal(einc_ctx_stage(ctx), "parse");
		snprintf(buf, sizeof buf, "%s", einc_ctx_message(ctx));
	} else {
		for (int k = 0; k < s->nops; k++) {
			if (k)
				strcat(buf, ",");
			print_term(buf, sizeof buf, s, &s->ops[k]);
		}
		strcat(buf, "->");
		print_term(buf, sizeof buf, s, &s->out);
	}
	arena_free(a);
	einc_ctx_free(ctx);
	return buf;
}

typedef struct {
	const char *spec;
	const char *want; /* normal form, or the whole error message */
} parse_case;

/* Runs "n" cases, naming the spec of the first that fails. */
static void run_cases(const parse_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = parse_str(c[i].spec);
		if (strcmp(got, c[i].want) != 0)
			print_error("spec \"%s\":\n got: %s\nwant: %s\n", c[i].spec, got, c[i].want);
		assert_string_equal(got, c[i].want);
	}
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* Valid specs. The implicit outputs are numpy's (numpy 1.24): the labels
 * appearing once, sorted by code point ('B' < 'a'), after '...' if any
 * input has it; e.g. np.einsum('Ba', ones((2,3))).shape == (2, 3) and
 * np.einsum('i...,...', ones((2,3)), ones(3)).shape == (3, 2). */
static void test_valid(void **state)
{
	(void)state;
	static const parse_case cases[] = {
		{"ij,jk->ik", "ij,jk->ik"},
		{"ij,jk", "ij,jk->ik"},
		{"ba", "ba->ab"},
		{"Ba", "Ba->Ba"},
		{"zyx,a", "zyx,a->axyz"},
		{"ii", "ii->"},                    /* trace */
		{"ii->i", "ii->i"},                /* diagonal */
		{"ii,i", "ii,i->"},                /* repeated across operands */
		{"ij,jk->", "ij,jk->"},
		{" i j , j k -> i k ", "ij,jk->ik"},
		{"ab\tc", "abc->abc"},
		{",ij->ij", ",ij->ij"},            /* scalar operands */
		{"ij,->", "ij,->"},
		{",", ",->"},
		{"ij,,jk", "ij,,jk->ik"},
		{"...ij,...jk", "...ij,...jk->...ik"},
		{"i...,...", "i...,...->...i"},
		{"...ij->ij", "...ij->ij"},        /* fine when '...' covers nothing */
		{"ij...->...", "ij...->..."},
		{"i->...", "i->..."},              /* numpy accepts '...' only in the output */
		{"i...i", "i...i->..."},
		{"αβ,βγ", "αβ,βγ->αγ"},
		{"ÿa", "ÿa->aÿ"},                  /* sorted by code point */
		{"Ωω,ω", "Ωω,ω->Ω"},
		{"日本,本", "日本,本->日"},
		{"𝑥𝑦", "𝑥𝑦->𝑥𝑦"},               /* 4-byte UTF-8 */
		/* any character beyond ASCII but spaces: opt_einsum's get_symbol range */
		{"α×β", "α×β->×αβ"},
		{"a÷,÷b", "a÷,÷b->ab"},
		{"ij→ji", "ij→ji->→"},
		{"e\xcc\x81", "e\xcc\x81->e\xcc\x81"},   /* a combining mark is a label */
		{"", "->"},                        /* one scalar operand, as numpy */
		{"   ", "->"},
		{"->", "->"},
		{" -> ", "->"},
		{"->...", "->..."},
		{" ->ij", "spec:1:4: error: parse: output label 'i' appears in no input\n"
		          "   ->ij\n     ^"},
	};
	RUN(cases);
}

/* Syntax errors: the message, the spec echoed and the caret. */
static void test_syntax_errors(void **state)
{
	(void)state;
	static const parse_case cases[] = {
		{"i..j", "spec:1:2: error: parse: expected '...' (three dots), found '..'\n"
		         "  i..j\n   ^"},
		{"i.j", "spec:1:2: error: parse: expected '...' (three dots), found a lone '.'\n"
		        "  i.j\n   ^"},
		{"i.-j", "spec:1:2: error: parse: expected '...' (three dots), found a lone '.'\n"
		         "  i.-j\n   ^"},
		{"....i", "spec:1:4: error: parse: too many dots: an ellipsis is exactly '...'\n"
		          "  ....i\n     ^"},
		{"......", "spec:1:4: error: parse: '...' appears twice in operand 0\n"
		           "  ......\n     ^"},
		{"ij,j...k...", "spec:1:9: error: parse: '...' appears twice in operand 1\n"
		                "  ij,j...k...\n          ^"},
		{"i->......", "spec:1:7: error: parse: '...' appears twice in the output\n"
		              "  i->......\n        ^"},
		{"ij-jk", "spec:1:3: error: parse: expected '->', found a '-' without '>'\n"
		          "  ij-jk\n    ^"},
		{"ij,jk-", "spec:1:6: error: parse: expected '->', found a '-' without '>'\n"
		           "  ij,jk-\n       ^"},
		{"ij>k", "spec:1:3: error: parse: expected '->', found a '>' without '-'\n"
		         "  ij>k\n    ^"},
		{"i->j->k", "spec:1:5: error: parse: expected the end of the spec, found a second '->'\n"
		            "  i->j->k\n      ^"},
		{"i->i,i", "spec:1:5: error: parse: expected the end of the spec, found ',' after "
		           "the output (the output is one term)\n"
		           "  i->i,i\n      ^"},
		{"i2", "spec:1:2: error: parse: '2' is not a label: labels are a-z, A-Z or a "
		       "character beyond ASCII\n  i2\n   ^"},
		{"ij,j!", "spec:1:5: error: parse: '!' is not a label: labels are a-z, A-Z or a "
		          "character beyond ASCII\n  ij,j!\n      ^"},
		{"i_j", "spec:1:2: error: parse: '_' is not a label: labels are a-z, A-Z or a "
		        "character beyond ASCII\n  i_j\n   ^"},
		{"i\xc2\xa0j", "spec:1:2: error: parse: '\xc2\xa0' (U+00A0) is a space, not a "
		               "label\n  i\xc2\xa0j\n   ^"},
		{"ij\xe3\x80\x80k", "spec:1:3: error: parse: '\xe3\x80\x80' (U+3000) is a space, "
		                    "not a label\n  ij\xe3\x80\x80k\n    ^"},
		{"i\xc2\x85", "spec:1:2: error: parse: character U+0085 is a control character, "
		              "not a label\n  i\xc2\x85\n   ^"},
		{"i\nj", "spec:1:2: error: parse: character U+000A is a control character, not a "
		         "label\n  i\n   ^"},
		{"i\xffj", "spec:1:2: error: parse: invalid UTF-8 (byte 0xFF): labels are letters "
		           "written in UTF-8\n  i\xffj\n   ^"},
		{"ab\xc3", "spec:1:3: error: parse: invalid UTF-8 (byte 0xC3): labels are letters "
		           "written in UTF-8\n  ab\xc3\n    ^"},
		{"\xc0\xaf", "spec:1:1: error: parse: invalid UTF-8 (byte 0xC0): labels are letters "
		             "written in UTF-8\n  \xc0\xaf\n  ^"},            /* overlong '/' */
		{"\xed\xa0\x80", "spec:1:1: error: parse: invalid UTF-8 (byte 0xED): labels are "
		                 "letters written in UTF-8\n  \xed\xa0\x80\n  ^"}, /* surrogate */
		{"ij->ii", "spec:1:6: error: parse: output label 'i' appears twice (a label may "
		           "appear once in the output)\n  ij->ii\n       ^"},
		{"ij->k", "spec:1:5: error: parse: output label 'k' appears in no input\n"
		          "  ij->k\n      ^"},
		{"αβ->βγ", "spec:1:6: error: parse: output label 'γ' appears in no input\n"
		           "  αβ->βγ\n       ^"},
	};
	RUN(cases);
}

/* The operand limit: FE_MAX_OPERANDS parse, one more is an error whose caret
 * points at the first operand too many. */
static void test_operand_limit(void **state)
{
	(void)state;
	size_t n = 2 * FE_MAX_OPERANDS + 2;
	char *spec = malloc(n), *want = malloc(3 * n + 200);
	for (size_t i = 0; i < n - 1; i++)
		spec[i] = i % 2 ? ',' : 'i';
	spec[2 * FE_MAX_OPERANDS - 1] = '\0'; /* FE_MAX_OPERANDS operands */
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	fe_spec *s;
	assert_int_equal(fe_parse_spec(ctx, a, spec, &s), EINC_OK);
	assert_int_equal(s->nops, FE_MAX_OPERANDS);
	assert_int_equal(s->out.nlabels, 0); /* 'i' appears many times: summed */
	spec[2 * FE_MAX_OPERANDS - 1] = ',';
	spec[2 * FE_MAX_OPERANDS] = 'i';
	spec[2 * FE_MAX_OPERANDS + 1] = '\0';
	assert_int_equal(fe_parse_spec(ctx, a, spec, &s), EINC_ESYNTAX);
	int col = 2 * FE_MAX_OPERANDS + 1;
	int len = sprintf(want, "spec:1:%d: error: parse: too many operands: at most %d are "
	                  "supported\n  %s\n  ", col, FE_MAX_OPERANDS, spec);
	memset(want + len, ' ', (size_t)col - 1);
	strcpy(want + len + col - 1, "^");
	assert_string_equal(einc_ctx_message(ctx), want);
	free(spec);
	spec = malloc(FE_MAX_TEXT + 2);     /* a spec beyond FE_MAX_TEXT bytes */
	memset(spec, 'i', FE_MAX_TEXT + 1);
	spec[FE_MAX_TEXT + 1] = '\0';
	assert_int_equal(fe_parse_spec(ctx, a, spec, &s), EINC_EINVAL);
	assert_string_equal(einc_ctx_message(ctx),
	                    "error: parse: the spec is longer than 1048576 bytes");
	arena_free(a);
	einc_ctx_free(ctx);
	free(spec);
	free(want);
}

/* Thousands of distinct labels: ids stay distinct, the implicit output is
 * sorted by code point. */
static void test_many_labels(void **state)
{
	(void)state;
	enum { N = 3000 };
	char *spec = malloc(4 * N + 1), *p = spec;
	for (int i = N - 1; i >= 0; i--) { /* CJK U+4E00 .. , descending */
		unsigned cp = 0x4E00 + (unsigned)i;
		*p++ = (char)(0xE0 | cp >> 12);
		*p++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*p++ = (char)(0x80 | (cp & 0x3F));
	}
	*p = '\0';
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	fe_spec *s;
	assert_int_equal(fe_parse_spec(ctx, a, spec, &s), EINC_OK);
	assert_int_equal(s->ops[0].nlabels, N);
	assert_int_equal(s->out.nlabels, N);
	for (int i = 0; i < N; i++)
		assert_int_equal(s->out.labels[i].cp, 0x4E00 + (unsigned)i);
	arena_free(a);
	einc_ctx_free(ctx);
	free(spec);
}

/* The lexer alone: kinds, offsets and lengths; UTF-8 and the label set. */
static void test_lexer(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	fe_lexer lx;
	fe_token t;
	static const struct { fe_tok_kind kind; size_t off, len; uint32_t cp; } want[] = {
		{FE_TOK_LABEL, 1, 2, 0x3B1}, {FE_TOK_ELLIPSIS, 3, 3, 0}, {FE_TOK_COMMA, 7, 1, 0},
		{FE_TOK_LABEL, 8, 1, 'Z'}, {FE_TOK_ARROW, 10, 2, 0}, {FE_TOK_END, 12, 0, 0},
	};
	fe_lex_init(&lx, ctx, " α... ,Z\t->");
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_int_equal(fe_lex_next(&lx, &t), EINC_OK);
		assert_int_equal(t.kind, want[i].kind);
		assert_int_equal(t.off, want[i].off);
		assert_int_equal(t.len, want[i].len);
		assert_int_equal(t.cp, want[i].cp);
	}
	uint32_t cp;
	assert_int_equal(fe_utf8_decode("\xf0\x9f\x98\x80", &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(fe_utf8_decode("\xf4\x90\x80\x80", &cp), 0); /* > U+10FFFF */
	assert_int_equal(fe_utf8_decode("\x80", &cp), 0);
	assert_int_equal(fe_utf8_decode("\xe4\xb8", &cp), 0);         /* truncated */
	/* opt_einsum's get_symbol range: letters, then U+00C0 up ('×' and '÷' too) */
	assert_true(fe_is_label('q') && fe_is_label(0xC0) && fe_is_label(0x3B1));
	assert_true(fe_is_label(0xD7) && fe_is_label(0xF7) && fe_is_label(0x301));
	assert_true(fe_is_label(0x2192) && fe_is_label(0x4E2D) && fe_is_label(0xFFFF));
	assert_true(fe_is_label(0xFEFF) && fe_is_label(0x10FFFF) && fe_is_label(0xA1));
	assert_false(fe_is_label('0') || fe_is_label('.') || fe_is_label(0x9F));
	assert_false(fe_is_label(0xA0) || fe_is_label(0x2009) || fe_is_label(0x3000));
	assert_false(fe_is_label(0xD800) || fe_is_label(0x110000) || fe_is_label(0x7F));
	/* fe_label_at walks the labels in code-point order, and only them */
	uint32_t prev = 0;
	for (uint32_t k = 0; k < FE_LABEL_COUNT; k += k < 70000 ? 1 : 97) {
		uint32_t c = fe_label_at(k);
		assert_true(fe_is_label(c) && c > prev);
		prev = c;
	}
	assert_int_equal(fe_label_at(0), 'A');
	assert_int_equal(fe_label_at(51), 'z');
	assert_int_equal(fe_label_at(52), 0xA1);
	assert_int_equal(fe_label_at(FE_LABEL_COUNT - 1), 0x10FFFF);
	char u[4];
	assert_int_equal(fe_utf8_encode(0x10FFFF, u), 4);
	assert_int_equal(fe_utf8_decode(u, &cp) == 4 && cp == 0x10FFFF, 1);
	assert_int_equal(fe_utf8_encode(0xD7, u), 2);
	assert_int_equal(fe_utf8_decode(u, &cp) == 2 && cp == 0xD7, 1);
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_operand_limit),
		cmocka_unit_test(test_many_labels),
		cmocka_unit_test(test_lexer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
