/* plan_parse.c - the plan text form (docs/ir.md) back into a plan and its
 * DAG. Syntax and names are checked here, validity by plan_check. */
#include "plan.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "text.h"

/* The header lines, in order, then the sections. */
enum { H_PLAN, H_MODE, H_BUDGET, H_PEAK, H_STEP_LB, H_LIVE_LB, H_TRAFFIC, H_STATUS, H_COUNT };
static const char *const header[H_COUNT] = {"plan", "mode", "budget", "peak", "step_lb",
                                             "live_lb", "traffic", "status"};
enum { S_TENSOR, S_OP, S_STEP, S_RANGE, S_COUNT };
static const char *const sections[S_COUNT] = {"tensor", "op", "step", "range"};

typedef struct {
	text_lexer lx;
	arena *a;
	ir_plan *p;
	ir_dag *d;
	int tcap, ocap, scap, rcap;
} parser;

/* Records running out of memory. */
static einc_status oom(parser *p)
{
	return ctx_fail(p->lx.ctx, EINC_ENOMEM, "plan", "out of memory");
}

/* Reads a non-negative integer (at most "max") into "*v". */
static einc_status read_int(parser *p, int64_t max, const char *what, int64_t *v)
{
	text_lexer *lx = &p->lx;
	if (lx->tok.kind != TEXT_INT || lx->tok.num > max)
		return text_expected(lx, what);
	*v = lx->tok.num;
	return text_next(lx);
}

/* Reads "%N" with N below "limit" (the count of its kind so far) into "*v". */
static einc_status read_name(parser *p, int limit, const char *what, int *v)
{
	text_lexer *lx = &p->lx;
	if (lx->tok.kind != TEXT_NAME)
		return text_expected(lx, what);
	if (lx->tok.num >= limit)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "%s %%%lld is not declared", what,
		                 (long long)lx->tok.num);
	*v = (int)lx->tok.num;
	return text_next(lx);
}

/* STATUS [bound peak|traffic BYTES] [time_limit] */
static einc_status parse_status(parser *p)
{
	text_lexer *lx = &p->lx;
	ir_plan *pl = p->p;
	int s = IR_PLAN_OPTIMAL;
	while (s <= IR_PLAN_HEURISTIC && !text_is_word(lx, ir_plan_status_name((ir_plan_status)s)))
		s++;
	if (s > IR_PLAN_HEURISTIC)
		return text_expected(lx, "'optimal', 'feasible' or 'heuristic'");
	pl->status = (ir_plan_status)s;
	pl->bound = -1;
	einc_status st = text_next(lx);
	if (!st && text_is_word(lx, "bound")) {
		if ((st = text_next(lx)))
			return st;
		if (text_is_word(lx, "peak"))
			pl->objective = IR_PLAN_PEAK;
		else if (text_is_word(lx, "traffic"))
			pl->objective = IR_PLAN_TRAFFIC;
		else
			return text_expected(lx, "'peak' or 'traffic'");
		if ((st = text_next(lx)) || (st = read_int(p, INT64_MAX, "a byte count", &pl->bound)))
			return st;
	}
	if (!st && text_is_word(lx, "time_limit")) {
		pl->time_limited = 1;
		st = text_next(lx);
	}
	return st;
}

/* Reads the value of header line "h". */
static einc_status parse_header(parser *p, int h)
{
	text_lexer *lx = &p->lx;
	ir_plan *pl = p->p;
	int64_t v = 0;
	einc_status st;
	switch (h) {
	case H_PLAN:
		if (lx->tok.kind != TEXT_STRING)
			return text_expected(lx, "the plan's name (a quoted string)");
		if (!(p->d->name = text_string(lx, p->a)))
			return oom(p);
		return text_next(lx);
	case H_MODE:
		if (text_is_word(lx, "workspace"))
			pl->mode = IR_PLAN_WORKSPACE;
		else if (text_is_word(lx, "staging"))
			pl->mode = IR_PLAN_STAGING;
		else
			return text_expected(lx, "'workspace' or 'staging'");
		return text_next(lx);
	case H_STATUS:
		return parse_status(p);
	default:
		if ((st = read_int(p, INT64_MAX, "a byte count", &v)))
			return st;
		int64_t *field[] = {&pl->budget, &pl->workspace_bytes, &pl->step_lb, &pl->live_lb,
		                    &pl->traffic};
		*field[h - H_BUDGET] = v;
		return EINC_OK;
	}
}

/* Reads the '%K "NAME"' that opens a tensor or an op line ("what": the
 * kind; "k": how many of that kind came before) and puts NAME in "*name". */
static einc_status read_numbered(parser *p, int k, const char *what, const char **name)
{
	text_lexer *lx = &p->lx;
	if (lx->tok.kind != TEXT_NAME || lx->tok.num != k)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX,
		                 "expected '%%%d' (%ss are numbered in order)", k, what);
	einc_status st = text_next(lx);
	if (st)
		return st;
	if (lx->tok.kind != TEXT_STRING) {
		char expected[64];
		snprintf(expected, sizeof expected, "the %s's name (a quoted string)", what);
		return text_expected(lx, expected);
	}
	if (!(*name = text_string(lx, p->a)))
		return oom(p);
	return text_next(lx);
}

/* tensor %E "NAME" BYTES in|mid|out */
static einc_status parse_tensor(parser *p)
{
	const char *name;
	einc_status st = read_numbered(p, p->d->ntensors, "tensor", &name);
	if (st)
		return st;
	return ir_dag_parse_tensor(&p->lx, p->a, p->d, &p->tcap, name);
}

/* op %V "NAME" NODE %OUT = %IN ... */
static einc_status parse_op(parser *p)
{
	text_lexer *lx = &p->lx;
	ir_dag *d = p->d;
	const char *name;
	einc_status st = read_numbered(p, d->nops, "op", &name);
	if (st)
		return st;
	if (arena_grow(p->a, (void **)&d->ops, &p->ocap, d->nops, sizeof(ir_dag_op)) < 0)
		return oom(p);
	ir_dag_op *op = &d->ops[d->nops];
	op->name = name;
	int64_t node = 0;
	if ((st = read_int(p, INT_MAX, "the op's tree node", &node)) ||
	    (st = read_name(p, d->ntensors, "tensor", &op->out)))
		return st;
	op->node = (int)node;
	if (!text_is_punct(lx, "="))
		return text_expected(lx, "'='");
	int cap = 0;
	for (st = text_next(lx); !st && lx->tok.kind == TEXT_NAME;) {
		if (arena_grow(p->a, (void **)&op->in, &cap, op->nin, sizeof(int)) < 0)
			return oom(p);
		st = read_name(p, d->ntensors, "tensor", &op->in[op->nin++]);
	}
	if (!st && !op->nin)
		return text_expected(lx, "an operand ('%N')");
	d->nops += !st;
	return st;
}

/* step T %V */
static einc_status parse_step(parser *p)
{
	text_lexer *lx = &p->lx;
	ir_plan *pl = p->p;
	if (lx->tok.kind != TEXT_INT || lx->tok.num != pl->nsteps)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "expected %d (steps are numbered in order)",
		                 pl->nsteps);
	if (arena_grow(p->a, (void **)&pl->steps, &p->scap, pl->nsteps, sizeof(ir_plan_step)) < 0)
		return oom(p);
	einc_status st = text_next(lx);
	if (!st)
		st = read_name(p, p->d->nops, "op", &pl->steps[pl->nsteps].op);
	pl->nsteps += !st;
	return st;
}

/* range %E FIRST LAST @ OFFSET [load] [spill] */
static einc_status parse_range(parser *p)
{
	text_lexer *lx = &p->lx;
	ir_plan *pl = p->p;
	if (arena_grow(p->a, (void **)&pl->ranges, &p->rcap, pl->nranges, sizeof(ir_plan_range)) < 0)
		return oom(p);
	ir_plan_range *r = &pl->ranges[pl->nranges];
	int64_t first = 0, last = 0;
	einc_status st;
	if ((st = read_name(p, p->d->ntensors, "tensor", &r->tensor)) ||
	    (st = read_int(p, INT_MAX, "the first step", &first)) ||
	    (st = read_int(p, INT_MAX, "the last step", &last)))
		return st;
	r->first = (int)first;
	r->last = (int)last;
	if (!text_is_punct(lx, "@"))
		return text_expected(lx, "'@'");
	if ((st = text_next(lx)) || (st = read_int(p, INT64_MAX / 2, "an offset", &r->offset)))
		return st;
	if (text_is_word(lx, "load")) {
		r->load = 1;
		if ((st = text_next(lx)))
			return st;
	}
	if (text_is_word(lx, "spill")) {
		r->spill = 1;
		if ((st = text_next(lx)))
			return st;
	}
	pl->nranges++;
	return EINC_OK;
}

/* Reads the header lines, then the sections in order. */
static einc_status parse_lines(parser *p)
{
	text_lexer *lx = &p->lx;
	einc_status st;
	for (int h = 0; h < H_COUNT; h++) {
		if ((st = text_skip_eols(lx)))
			return st;
		if (!text_is_word(lx, header[h])) {
			char what[32];
			snprintf(what, sizeof what, "'%s'", header[h]);
			return text_expected(lx, what);
		}
		if ((st = text_next(lx)) || (st = parse_header(p, h)))
			return st;
		if (lx->tok.kind != TEXT_EOL)
			return text_expected(lx, "the end of the line");
	}
	int last = 0;
	while (!(st = text_skip_eols(lx)) && lx->tok.kind != TEXT_EOF) {
		int s = 0;
		while (s < S_COUNT && !text_is_word(lx, sections[s]))
			s++;
		if (s == S_COUNT || s < last)
			return text_expected(lx, s == S_COUNT ? "'tensor', 'op', 'step' or 'range'"
			                                      : "lines in the order tensor, op, step, range");
		if (s >= S_STEP && last < S_STEP && (st = ir_dag_link(lx->ctx, p->a, p->d, "plan")))
			return st;
		last = s;
		if ((st = text_next(lx)))
			return st;
		st = s == S_TENSOR ? parse_tensor(p) : s == S_OP ? parse_op(p)
		   : s == S_STEP ? parse_step(p) : parse_range(p);
		if (st)
			return st;
		if (lx->tok.kind != TEXT_EOL && lx->tok.kind != TEXT_EOF)
			return text_expected(lx, "the end of the line");
	}
	if (!st && last < S_STEP)
		st = ir_dag_link(lx->ctx, p->a, p->d, "plan");
	return st;
}

/* Parses, then derives each step's node, result size and offset. */
einc_status ir_plan_parse(einc_ctx *ctx, arena *a, const char *text, const char *where,
                          ir_plan **out)
{
	*out = NULL;
	parser p = {.a = a};
	p.p = arena_alloc(a, sizeof(ir_plan));
	p.d = arena_alloc(a, sizeof(ir_dag));
	if (!p.p || !p.d)
		return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
	p.p->dag = p.d;
	einc_status st = text_init(&p.lx, ctx, text, where, "plan");
	if (!st)
		st = parse_lines(&p);
	if (st)
		return st;
	for (int t = 0; t < p.p->nsteps; t++) {
		ir_plan_step *s = &p.p->steps[t];
		const ir_dag_op *op = &p.d->ops[s->op];
		s->node = op->node;
		s->bytes = p.d->tensors[op->out].bytes;
		s->offset = -1;
		for (int r = 0; r < p.p->nranges; r++)
			if (p.p->ranges[r].tensor == op->out && p.p->ranges[r].first == t)
				s->offset = p.p->ranges[r].offset;
	}
	*out = p.p;
	return ctx_ok(ctx);
}
