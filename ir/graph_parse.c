/* graph_parse.c - the graph text form (docs/ir.md) back into a graph. */
#include "graph.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "dtype.h"
#include "text.h"

/* The statements, in the order a graph lists them. */
enum { ST_DTYPE, ST_SPEC, ST_INDEX, ST_INPUT, ST_OUTPUT, ST_COUNT };
static const char *const statements[ST_COUNT] = {"dtype", "spec", "index", "input", "output"};

typedef struct {
	text_lexer lx;
	arena *a;
	ir_graph *g;
	size_t *index_off; /* where each index is declared */
	int index_cap, off_cap, input_cap;
} parser;

/* Records running out of memory. */
static einc_status oom(parser *p)
{
	return ctx_fail(p->lx.ctx, EINC_ENOMEM, "graph", "out of memory");
}

/* The id of the index named by the current token, or -1. */
static int lookup(const parser *p)
{
	return ir_graph_find_index(p->g, p->lx.text + p->lx.tok.off, p->lx.tok.len);
}

/* Whether the current identifier is a label (no '.') or an ellipsis dim
 * ('.' and digits). */
static int label_ok(const parser *p)
{
	const char *s = p->lx.text + p->lx.tok.off;
	size_t n = p->lx.tok.len;
	if (s[0] != IR_ELLIPSIS_PREFIX)
		return !memchr(s, '.', n);
	for (size_t i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 1;
}

/* dtype NAME (ir_dtype_names) */
static einc_status parse_dtype(parser *p)
{
	const text_token *t = &p->lx.tok;
	if (t->kind != TEXT_IDENT ||
	    ir_dtype_from_name(p->lx.text + t->off, t->len, &p->g->dtype))
	{
		char what[64];
		snprintf(what, sizeof what, "a dtype (%s)", ir_dtype_names());
		return text_expected(&p->lx, what);
	}
	return text_next(&p->lx);
}

/* spec "STRING" */
static einc_status parse_spec(parser *p)
{
	if (p->lx.tok.kind != TEXT_STRING)
		return text_expected(&p->lx, "a quoted string");
	if (!(p->g->spec = text_string(&p->lx, p->a)))
		return oom(p);
	return text_next(&p->lx);
}

/* index NAME SIZE */
static einc_status parse_index(parser *p)
{
	text_lexer *lx = &p->lx;
	ir_graph *g = p->g;
	if (lx->tok.kind != TEXT_IDENT)
		return text_expected(lx, "an index name");
	if (!label_ok(p))
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX,
		                 "bad index name '%.*s' (a label, or '.' and digits)",
		                 (int)lx->tok.len, lx->text + lx->tok.off);
	if (lookup(p) >= 0)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "index '%.*s' is declared twice",
		                 (int)lx->tok.len, lx->text + lx->tok.off);
	if (arena_grow(p->a, (void **)&g->indices, &p->index_cap, g->nindices, sizeof(ir_index)) < 0 ||
	    arena_grow(p->a, (void **)&p->index_off, &p->off_cap, g->nindices, sizeof(size_t)) < 0)
		return oom(p);
	ir_index *x = &g->indices[g->nindices];
	p->index_off[g->nindices] = lx->tok.off;
	if (!(x->name = text_token_str(lx, p->a)))
		return oom(p);
	einc_status st = text_next(lx);
	if (st)
		return st;
	if (lx->tok.kind != TEXT_INT)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "expected the size of index '%s'", x->name);
	if (lx->tok.num < 1)
		return text_fail(lx, lx->tok.off, EINC_ESHAPE,
		                 "index '%s' has size %lld; sizes must be >= 1",
		                 x->name, (long long)lx->tok.num);
	x->size = lx->tok.num;
	g->nindices++;
	return text_next(lx);
}

/* Checks the output axis "i" at byte "off": no repeat, named by an input. */
static einc_status check_output_axis(parser *p, const ir_tensor *t, int i, size_t off)
{
	const char *name = p->g->indices[i].name;
	for (int a = 0; a < t->rank; a++)
		if (t->index[a] == i)
			return text_fail(&p->lx, off, EINC_ESHAPE, "the output names index '%s' twice", name);
	if (!ir_graph_index_in_inputs(p->g, i))
		return text_fail(&p->lx, off, EINC_ESHAPE, "output index '%s' appears in no input", name);
	return EINC_OK;
}

/* [NAME NAME:1 ...] into "t", called "what" in messages; the output
 * ("is_output") has no broadcast axis and no repeat. */
static einc_status parse_tensor(parser *p, ir_tensor *t, int is_output, const char *what)
{
	text_lexer *lx = &p->lx;
	if (!text_is_punct(lx, "["))
		return text_expected(lx, "'['");
	einc_status st = text_next(lx);
	int cap = 0, cap2 = 0;
	int64_t elems = 1;
	while (!st && !text_is_punct(lx, "]")) {
		if (lx->tok.kind != TEXT_IDENT)
			return text_expected(lx, "an index name or ']'");
		size_t off = lx->tok.off;
		int i = lookup(p);
		if (i < 0)
			return text_fail(lx, off, EINC_ESYNTAX, "unknown index '%.*s'",
			                 (int)lx->tok.len, lx->text + off);
		if (is_output && (st = check_output_axis(p, t, i, off)))
			return st;
		int64_t d = p->g->indices[i].size;
		if ((st = text_next(lx)))
			return st;
		if (text_is_punct(lx, ":")) {
			if (is_output)
				return text_fail(lx, lx->tok.off, EINC_ESHAPE, "the output cannot broadcast");
			if ((st = text_next(lx)))
				return st;
			if (lx->tok.kind != TEXT_INT || lx->tok.num != 1)
				return text_fail(lx, lx->tok.off, EINC_ESYNTAX,
				                 "expected 1 after ':' (a broadcast axis has extent 1)");
			d = 1;
			if ((st = text_next(lx)))
				return st;
		}
		if (elems > INT64_MAX / d)
			return text_fail(lx, off, EINC_EOVERFLOW, "%s has more than 2^63 elements", what);
		elems *= d;
		if (arena_grow(p->a, (void **)&t->index, &cap, t->rank, sizeof(int)) < 0 ||
		    arena_grow(p->a, (void **)&t->dims, &cap2, t->rank, sizeof(int64_t)) < 0)
			return oom(p);
		t->index[t->rank] = i;
		t->dims[t->rank++] = d;
	}
	return st ? st : text_next(lx);
}

/* input %K [ ... ], K counting up from 0 */
static einc_status parse_input(parser *p)
{
	text_lexer *lx = &p->lx;
	ir_graph *g = p->g;
	char what[32];
	snprintf(what, sizeof what, "'%%%d'", g->ninputs);
	if (lx->tok.kind != TEXT_NAME)
		return text_expected(lx, what);
	if (lx->tok.num != g->ninputs)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX,
		                 "expected %s here (inputs are numbered in order)", what);
	einc_status st = text_next(lx);
	if (st)
		return st;
	if (arena_grow(p->a, (void **)&g->inputs, &p->input_cap, g->ninputs, sizeof(ir_tensor)) < 0)
		return oom(p);
	snprintf(what, sizeof what, "input %d", g->ninputs);
	st = parse_tensor(p, &g->inputs[g->ninputs], 0, what);
	g->ninputs += !st;
	return st;
}

/* The error of a graph text that does not start with its dtype line. */
static einc_status no_dtype_line(text_lexer *lx)
{
	return text_fail(lx, lx->tok.off, EINC_ESYNTAX,
	                 "a graph starts with 'dtype NAME', NAME one of %s", ir_dtype_names());
}

/* Checks that statement "s" may follow statement "last" (-1: none yet). */
static einc_status check_order(parser *p, int s, int last)
{
	text_lexer *lx = &p->lx;
	if (last < 0 && s != ST_DTYPE)
		return no_dtype_line(lx);
	if (s == last && s != ST_INDEX && s != ST_INPUT)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "a second '%s' line", statements[s]);
	if (s < last)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "'%s' must come before '%s'",
		                 statements[s], statements[last]);
	if (s == ST_OUTPUT && last < ST_INPUT)
		return text_fail(lx, lx->tok.off, EINC_ESHAPE, "a graph needs at least one input");
	return EINC_OK;
}

/* One statement line, its keyword the current token. */
static einc_status parse_statement(parser *p, int *last)
{
	text_lexer *lx = &p->lx;
	int s = 0;
	while (s < ST_COUNT && !text_is_word(lx, statements[s]))
		s++;
	if (s == ST_COUNT) {
		if (lx->tok.kind == TEXT_IDENT)
			return text_fail(lx, lx->tok.off, EINC_ESYNTAX,
			                 "unknown statement '%.*s' (expected dtype, spec, index, input or output)",
			                 (int)lx->tok.len, lx->text + lx->tok.off);
		return text_expected(lx, "a statement (dtype, spec, index, input or output)");
	}
	einc_status st = check_order(p, s, *last);
	if (!st)
		st = text_next(lx);
	if (st)
		return st;
	switch (s) {
	case ST_DTYPE: st = parse_dtype(p); break;
	case ST_SPEC: st = parse_spec(p); break;
	case ST_INDEX: st = parse_index(p); break;
	case ST_INPUT: st = parse_input(p); break;
	default: st = parse_tensor(p, &p->g->output, 1, "the output"); break;
	}
	if (st)
		return st;
	if (lx->tok.kind != TEXT_EOL && lx->tok.kind != TEXT_EOF)
		return text_expected(lx, "the end of the line");
	*last = s;
	return EINC_OK;
}

/* Reads every statement, then checks what only the whole graph shows. */
einc_status ir_graph_parse(einc_ctx *ctx, arena *a, const char *text,
                           const char *where, ir_graph **out)
{
	*out = NULL;
	parser p = {.a = a};
	einc_status st = text_init(&p.lx, ctx, text, where, "graph");
	if (st)
		return st;
	if (!(p.g = arena_alloc(a, sizeof(ir_graph))))
		return oom(&p);
	p.g->spec = "";
	int last = -1;
	while (!(st = text_skip_eols(&p.lx)) && p.lx.tok.kind != TEXT_EOF)
		if ((st = parse_statement(&p, &last)))
			return st;
	if (st)
		return st;
	if (last < 0)
		return no_dtype_line(&p.lx);
	if (last != ST_OUTPUT)
		return text_fail(&p.lx, p.lx.tok.off, EINC_ESYNTAX, "missing 'output' line");
	for (int i = 0; i < p.g->nindices; i++)
		if (!ir_graph_index_in_inputs(p.g, i))
			return text_fail(&p.lx, p.index_off[i], EINC_ESHAPE,
			                 "index '%s' is used by no input", p.g->indices[i].name);
	if ((st = ir_graph_check(ctx, p.g, "graph")))
		return st;
	*out = p.g;
	return ctx_ok(ctx);
}
