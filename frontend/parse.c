/* parse.c - einsum spec -> terms (parse.h), numpy's grammar and rules. */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "labels.h"
#include "lex.h"

/* Fails at byte "off" of the spec with a parse error. */
#define PARSE_FAIL(p, off, ...) \
	ctx_fail_at((p)->ctx, EINC_ESYNTAX, "parse", "spec", (p)->spec->text, (off), __VA_ARGS__)

typedef struct {
	einc_ctx *ctx;
	arena *a;
	fe_spec *spec;
	fe_token *tok; /* every token, FE_TOK_END last */
	size_t ntok;
	size_t next;   /* the next unread token */
} parser;

/* An out-of-memory failure. */
static einc_status parse_oom(parser *p)
{
	return ctx_fail(p->ctx, EINC_ENOMEM, "parse", "out of memory");
}

/* Lexes the whole spec into p->tok: one pass to count, one to store. */
static einc_status parse_lex_all(parser *p, const char *text)
{
	fe_lexer lx;
	fe_token t;
	size_t n = 0;
	fe_lex_init(&lx, p->ctx, text);
	do {
		einc_status st = fe_lex_next(&lx, &t);
		if (st)
			return st;
		n++;
	} while (t.kind != FE_TOK_END);
	p->tok = arena_array(p->a, n, sizeof(*p->tok));
	if (!p->tok)
		return parse_oom(p);
	p->ntok = n;
	fe_lex_init(&lx, p->ctx, text);
	for (size_t i = 0; i < n; i++)
		fe_lex_next(&lx, &p->tok[i]);
	return EINC_OK;
}

/* Reads one term (labels and at most one '...') at the current token into
 * "*t"; "k" names it in messages: operand k, or the output when k < 0. */
static einc_status parse_term(parser *p, fe_term *t, int k)
{
	size_t first = p->next, n = 0;
	while (p->tok[p->next].kind == FE_TOK_LABEL || p->tok[p->next].kind == FE_TOK_ELLIPSIS)
		n += p->tok[p->next++].kind == FE_TOK_LABEL;
	memset(t, 0, sizeof(*t));
	t->off = p->tok[first].off;
	t->ellipsis = -1;
	t->labels = arena_array(p->a, n ? n : 1, sizeof(*t->labels));
	if (!t->labels)
		return parse_oom(p);
	for (size_t i = first; i < p->next; i++) {
		const fe_token *tk = &p->tok[i];
		if (tk->kind == FE_TOK_LABEL) {
			t->labels[t->nlabels++] = (fe_label){tk->cp, tk->off, tk->len};
		} else if (t->ellipsis >= 0) {
			if (k < 0)
				return PARSE_FAIL(p, tk->off, "'...' appears twice in the output");
			return PARSE_FAIL(p, tk->off, "'...' appears twice in operand %d", k);
		} else {
			t->ellipsis = t->nlabels;
			t->ell_off = tk->off;
		}
	}
	return EINC_OK;
}

/* Reads the inputs: terms separated by ',', at most FE_MAX_OPERANDS. */
static einc_status parse_inputs(parser *p)
{
	fe_spec *s = p->spec;
	size_t nops = 1;
	for (size_t i = 0; i < p->ntok && p->tok[i].kind != FE_TOK_ARROW; i++) {
		if (p->tok[i].kind != FE_TOK_COMMA)
			continue;
		if (nops == FE_MAX_OPERANDS)
			return PARSE_FAIL(p, p->tok[i + 1].off,
			                  "too many operands: at most %d are supported",
			                  FE_MAX_OPERANDS);
		nops++;
	}
	s->ops = arena_array(p->a, nops, sizeof(*s->ops));
	if (!s->ops)
		return parse_oom(p);
	s->ellipsis_op = -1;
	for (;;) {
		fe_term *t = &s->ops[s->nops];
		einc_status st = parse_term(p, t, s->nops);
		if (st)
			return st;
		if (t->ellipsis >= 0 && s->ellipsis_op < 0)
			s->ellipsis_op = s->nops;
		s->ninput_labels += (size_t)t->nlabels;
		s->nops++;
		if (p->tok[p->next].kind != FE_TOK_COMMA)
			return EINC_OK;
		p->next++;
	}
}

/* Reads "-> term" and checks that the spec ends there. */
static einc_status parse_output(parser *p)
{
	fe_spec *s = p->spec;
	s->explicit_output = 1;
	s->arrow_off = p->tok[p->next++].off;
	einc_status st = parse_term(p, &s->out, -1);
	if (st)
		return st;
	const fe_token *tk = &p->tok[p->next];
	if (tk->kind == FE_TOK_COMMA)
		return PARSE_FAIL(p, tk->off, "expected the end of the spec, found ',' "
		                  "after the output (the output is one term)");
	if (tk->kind == FE_TOK_ARROW)
		return PARSE_FAIL(p, tk->off, "expected the end of the spec, found a second '->'");
	return EINC_OK;
}

/* Checks the explicit output against the input labels in "count": each
 * output label appears in some input, and only once in the output. */
static einc_status parse_check_output(parser *p, const fe_labelmap *count)
{
	fe_spec *s = p->spec;
	fe_labelmap seen;
	if (fe_labelmap_init(&seen, p->a, (size_t)s->out.nlabels))
		return parse_oom(p);
	for (int i = 0; i < s->out.nlabels; i++) {
		const fe_label *l = &s->out.labels[i];
		int *once = fe_labelmap_slot(&seen, l->cp, 0);
		if ((*once)++)
			return PARSE_FAIL(p, l->off, "output label '%.*s' appears twice "
			                  "(a label may appear once in the output)",
			                  (int)l->len, s->text + l->off);
		if (fe_labelmap_get(count, l->cp, 0) == 0)
			return PARSE_FAIL(p, l->off, "output label '%.*s' appears in no input",
			                  (int)l->len, s->text + l->off);
	}
	return EINC_OK;
}

/* Orders labels by code point, for qsort. */
static int label_cmp(const void *x, const void *y)
{
	uint32_t a = ((const fe_label *)x)->cp, b = ((const fe_label *)y)->cp;
	return (a > b) - (a < b);
}

/* Builds numpy's implicit output: '...' if any input has it, then the labels
 * that appear exactly once in the inputs, sorted by code point. */
static einc_status parse_implicit_output(parser *p, const fe_labelmap *count)
{
	fe_spec *s = p->spec;
	fe_term *o = &s->out;
	memset(o, 0, sizeof(*o));
	o->off = strlen(s->text);
	o->ellipsis = s->ellipsis_op >= 0 ? 0 : -1;
	if (s->ellipsis_op >= 0)
		o->ell_off = s->ops[s->ellipsis_op].ell_off;
	o->labels = arena_array(p->a, s->ninput_labels ? s->ninput_labels : 1,
	                        sizeof(*o->labels));
	if (!o->labels)
		return parse_oom(p);
	for (int k = 0; k < s->nops; k++)
		for (int i = 0; i < s->ops[k].nlabels; i++)
			if (fe_labelmap_get(count, s->ops[k].labels[i].cp, 0) == 1)
				o->labels[o->nlabels++] = s->ops[k].labels[i];
	qsort(o->labels, (size_t)o->nlabels, sizeof(*o->labels), label_cmp);
	return EINC_OK;
}

/* The spec as terms: lex, inputs, output, then the output rules. An empty
 * spec, or one with nothing before '->', is one scalar operand (numpy's
 * einsum('', x) and einsum('->', x) on a 0-d x). */
einc_status fe_parse_spec(einc_ctx *ctx, arena *a, const char *spec, fe_spec **out)
{
	*out = NULL;
	if (strlen(spec) > FE_MAX_TEXT)
		return ctx_fail(ctx, EINC_EINVAL, "parse", "the spec is longer than %d bytes",
		                FE_MAX_TEXT);
	parser p = {.ctx = ctx, .a = a};
	p.spec = arena_alloc(a, sizeof(*p.spec));
	if (!p.spec)
		return parse_oom(&p);
	p.spec->text = spec;
	einc_status st = parse_lex_all(&p, spec);
	if (st)
		return st;
	if ((st = parse_inputs(&p)))
		return st;
	fe_spec *s = p.spec;
	const fe_token *tk = &p.tok[p.next];
	if (tk->kind == FE_TOK_ARROW && (st = parse_output(&p)))
		return st;
	fe_labelmap count;
	if (fe_labelmap_init(&count, a, s->ninput_labels))
		return parse_oom(&p);
	for (int k = 0; k < s->nops; k++)
		for (int i = 0; i < s->ops[k].nlabels; i++)
			(*fe_labelmap_slot(&count, s->ops[k].labels[i].cp, 0))++;
	st = s->explicit_output ? parse_check_output(&p, &count)
	                        : parse_implicit_output(&p, &count);
	if (st)
		return st;
	*out = s;
	return EINC_OK;
}
