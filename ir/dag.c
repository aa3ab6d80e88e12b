/* dag.c - op DAGs: linking uses to ops, and the .dag text form. */
#include "dag.h"

#include <limits.h>
#include <string.h>

#include "ctx.h"
#include "text.h"

/* "in", "mid", "out", "fused" or "tiled". */
const char *ir_dag_kind_name(ir_dag_kind k)
{
	static const char *const names[] = {"in", "mid", "out", "fused", "tiled"};
	return names[k];
}

/* Counts, then lists, the readers of every tensor; checks each op's ids,
 * that it reads only tensors made before it, and that each mid/out tensor
 * has exactly one producer. */
einc_status ir_dag_link(einc_ctx *ctx, arena *a, ir_dag *d, const char *stage)
{
	if (d->nops < 1)
		return ctx_fail(ctx, EINC_EINVAL, stage, "the DAG has no op");
	for (int e = 0; e < d->ntensors; e++) {
		d->tensors[e].producer = -1;
		d->tensors[e].nuses = 0;
	}
	for (int v = 0; v < d->nops; v++) {
		const ir_dag_op *op = &d->ops[v];
		if (op->out < 0 || op->out >= d->ntensors || op->nin < 1)
			return ctx_fail(ctx, EINC_EINVAL, stage, "op %d has a bad result or no operand", v);
		ir_dag_tensor *r = &d->tensors[op->out];
		if (r->kind == IR_DAG_IN || r->producer >= 0)
			return ctx_fail(ctx, EINC_EINVAL, stage, "op '%s' writes '%s', %s", op->name, r->name,
			                r->kind == IR_DAG_IN ? "an input" : "which an earlier op writes");
		for (int k = 0; k < op->nin; k++) {
			int e = op->in[k];
			if (e < 0 || e >= d->ntensors)
				return ctx_fail(ctx, EINC_EINVAL, stage, "op '%s' reads tensor %d", op->name, e);
			if (e == op->out || (d->tensors[e].kind != IR_DAG_IN && d->tensors[e].producer < 0))
				return ctx_fail(ctx, EINC_EINVAL, stage, "op '%s' reads '%s' before an op writes it",
				                op->name, d->tensors[e].name);
			for (int j = 0; j < k; j++)
				if (op->in[j] == e)
					return ctx_fail(ctx, EINC_EINVAL, stage, "op '%s' reads '%s' twice",
					                op->name, d->tensors[e].name);
			d->tensors[e].nuses++;
		}
		r->producer = v;
	}
	for (int e = 0; e < d->ntensors; e++) {
		ir_dag_tensor *t = &d->tensors[e];
		if (t->kind != IR_DAG_IN && t->producer < 0)
			return ctx_fail(ctx, EINC_EINVAL, stage, "no op writes '%s'", t->name);
		if (!(t->uses = arena_array(a, (size_t)t->nuses + 1, sizeof(int))))
			return ctx_fail(ctx, EINC_ENOMEM, stage, "out of memory");
		t->nuses = 0;
	}
	for (int v = 0; v < d->nops; v++)
		for (int k = 0; k < d->ops[v].nin; k++) {
			ir_dag_tensor *t = &d->tensors[d->ops[v].in[k]];
			t->uses[t->nuses++] = v;
		}
	return EINC_OK;
}

/* BYTES KIND of tensor "t" (its name set, for messages), then the next
 * token. Sizes above IR_DAG_MAX_BYTES are refused, as for an einsum's
 * tensors (plan.c's plan_node_bytes). */
static einc_status parse_size_kind(text_lexer *lx, ir_dag_tensor *t)
{
	if (lx->tok.kind != TEXT_INT || lx->tok.num < 1)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX,
		                 "expected the size of tensor '%s' in bytes (>= 1)", t->name);
	if (lx->tok.num > IR_DAG_MAX_BYTES)
		return text_fail(lx, lx->tok.off, EINC_EOVERFLOW, "tensor '%s' has more than 2^61 bytes",
		                 t->name);
	t->bytes = lx->tok.num;
	einc_status st = text_next(lx);
	if (st)
		return st;
	ir_dag_kind k = IR_DAG_IN;
	while (k <= IR_DAG_TILED && !text_is_word(lx, ir_dag_kind_name(k)))
		k++;
	if (k > IR_DAG_TILED)
		return text_expected(lx, "'in', 'mid', 'out', 'fused' or 'tiled'");
	t->kind = k;
	return text_next(lx);
}

/* Grows the tensors, then reads the new one's size and kind. */
einc_status ir_dag_parse_tensor(text_lexer *lx, arena *a, ir_dag *d, int *cap, const char *name)
{
	if (arena_grow(a, (void **)&d->tensors, cap, d->ntensors, sizeof(ir_dag_tensor)) < 0)
		return ctx_fail(lx->ctx, EINC_ENOMEM, lx->stage, "out of memory");
	ir_dag_tensor *t = &d->tensors[d->ntensors];
	t->name = name;
	t->producer = -1;
	einc_status st = parse_size_kind(lx, t);
	d->ntensors += !st;
	return st;
}

typedef struct {
	text_lexer lx;
	arena *a;
	ir_dag *d;
	int tcap, ocap;
} parser;

/* Records running out of memory. */
static einc_status oom(parser *p)
{
	return ctx_fail(p->lx.ctx, EINC_ENOMEM, "dag", "out of memory");
}

/* The tensor named by the current token, or -1. */
static int lookup(const parser *p)
{
	const text_token *t = &p->lx.tok;
	for (int e = 0; e < p->d->ntensors; e++) {
		const char *name = p->d->tensors[e].name;
		if (strlen(name) == t->len && !memcmp(name, p->lx.text + t->off, t->len))
			return e;
	}
	return -1;
}

/* t NAME BYTES in|mid|out */
static einc_status parse_tensor(parser *p)
{
	text_lexer *lx = &p->lx;
	if (lx->tok.kind != TEXT_IDENT)
		return text_expected(lx, "a tensor name");
	if (lookup(p) >= 0)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "tensor '%.*s' is declared twice",
		                 (int)lx->tok.len, lx->text + lx->tok.off);
	const char *name = text_token_str(lx, p->a);
	if (!name)
		return oom(p);
	einc_status st = text_next(lx);
	return st ? st : ir_dag_parse_tensor(lx, p->a, p->d, &p->tcap, name);
}

/* The tensor named by the current token for op "op", as its result
 * ("result") or an operand; checks what the order of lines can tell. */
static einc_status op_tensor(parser *p, const ir_dag_op *op, int result, int *e)
{
	text_lexer *lx = &p->lx;
	if (lx->tok.kind != TEXT_IDENT)
		return text_expected(lx, result ? "the op's result" : "an operand or the end of the line");
	const char *s = lx->text + lx->tok.off;
	int n = (int)lx->tok.len;
	if ((*e = lookup(p)) < 0)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "unknown tensor '%.*s'", n, s);
	const ir_dag_tensor *t = &p->d->tensors[*e];
	if (result && t->kind == IR_DAG_IN)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "'%.*s' is an input; an op cannot write it",
		                 n, s);
	if (result && t->producer >= 0)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "'%.*s' is already written by op '%s'",
		                 n, s, p->d->ops[t->producer].name);
	if (!result && t->kind != IR_DAG_IN && t->producer < 0)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX,
		                 "'%.*s' is read before an op writes it", n, s);
	for (int k = 0; !result && k < op->nin; k++)
		if (op->in[k] == *e)
			return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "op '%s' reads '%.*s' twice",
			                 op->name, n, s);
	if (!result && *e == op->out)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "op '%s' reads its own result", op->name);
	return text_next(lx);
}

/* o NAME RESULT OPERAND... */
static einc_status parse_op(parser *p)
{
	text_lexer *lx = &p->lx;
	ir_dag *d = p->d;
	if (lx->tok.kind != TEXT_IDENT)
		return text_expected(lx, "an op name");
	if (arena_grow(p->a, (void **)&d->ops, &p->ocap, d->nops, sizeof(ir_dag_op)) < 0)
		return oom(p);
	ir_dag_op *op = &d->ops[d->nops];
	op->node = d->nops;
	op->out = -1;
	if (!(op->name = text_token_str(lx, p->a)))
		return oom(p);
	einc_status st = text_next(lx);
	if (!st)
		st = op_tensor(p, op, 1, &op->out);
	int cap = 0;
	while (!st && lx->tok.kind != TEXT_EOL && lx->tok.kind != TEXT_EOF) {
		int e = -1;
		if ((st = op_tensor(p, op, 0, &e)))
			break;
		if (arena_grow(p->a, (void **)&op->in, &cap, op->nin, sizeof(int)) < 0)
			return oom(p);
		op->in[op->nin++] = e;
	}
	if (st)
		return st;
	if (op->nin == 0)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "op '%s' reads no tensor", op->name);
	d->tensors[op->out].producer = d->nops++;
	return EINC_OK;
}

/* One line, its keyword the current token; the name runs to the end of
 * its line. */
static einc_status parse_line(parser *p)
{
	text_lexer *lx = &p->lx;
	einc_status st;
	if (text_is_word(lx, "name")) {
		if (p->d->name)
			return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "a second 'name' line");
		if ((st = text_next(lx)))
			return st;
		if (lx->tok.kind == TEXT_EOL || lx->tok.kind == TEXT_EOF)
			return text_expected(lx, "the DAG's name");
		size_t end = lx->tok.off;
		while (lx->text[end] && lx->text[end] != '\n')
			end++;
		while (lx->text[end - 1] == ' ' || lx->text[end - 1] == '\t' || lx->text[end - 1] == '\r')
			end--;
		if (!(p->d->name = arena_strndup(p->a, lx->text + lx->tok.off, end - lx->tok.off)))
			return oom(p);
		lx->pos = end;
		st = text_next(lx);
	} else if (text_is_word(lx, "t")) {
		if (p->d->nops)
			return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "tensors must come before the ops");
		st = text_next(lx);
		if (!st)
			st = parse_tensor(p);
	} else if (text_is_word(lx, "o")) {
		st = text_next(lx);
		if (!st)
			st = parse_op(p);
	} else {
		return text_expected(lx, "'name', 't' or 'o'");
	}
	if (!st && lx->tok.kind != TEXT_EOL && lx->tok.kind != TEXT_EOF)
		return text_expected(lx, "the end of the line");
	return st;
}

/* Blanks out '#' comments (keeping every byte offset), then reads lines. */
einc_status ir_dag_parse(einc_ctx *ctx, arena *a, const char *text, const char *where,
                         ir_dag **out)
{
	*out = NULL;
	size_t n = strlen(text);
	char *copy = arena_strndup(a, text, n);
	parser p = {.a = a};
	if (!copy || !(p.d = arena_alloc(a, sizeof(ir_dag))))
		return ctx_fail(ctx, EINC_ENOMEM, "dag", "out of memory");
	for (size_t i = 0; i < n; i++)
		if (copy[i] == '#')
			while (i < n && copy[i] != '\n')
				copy[i++] = ' ';
	einc_status st = text_init(&p.lx, ctx, copy, where, "dag");
	while (!st && !(st = text_skip_eols(&p.lx)) && p.lx.tok.kind != TEXT_EOF)
		st = parse_line(&p);
	if (st)
		return st;
	if (p.d->nops == 0)
		return text_fail(&p.lx, p.lx.tok.off, EINC_ESYNTAX, "the DAG has no op ('o' line)");
	for (int e = 0; e < p.d->ntensors; e++)
		if (p.d->tensors[e].kind != IR_DAG_IN && p.d->tensors[e].producer < 0)
			return text_fail(&p.lx, p.lx.tok.off, EINC_ESYNTAX, "no op writes '%s'",
			                 p.d->tensors[e].name);
	if (!p.d->name)
		p.d->name = "dag";
	if ((st = ir_dag_link(ctx, a, p.d, "dag")))
		return st;
	*out = p.d;
	return ctx_ok(ctx);
}
