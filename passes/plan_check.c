/*
 * plan_check.c - the plan validator: a plan is valid when its steps run
 * every op once after its operands; every operand and result of a step is
 * resident then, its result in a range that starts there; ranges of one
 * tensor do not overlap in time, ranges that share a step do not overlap in
 * the arena; offsets are aligned and within the height, the height within
 * the budget; the bounds, the load/spill flags and the traffic equal
 * what a simulation of the ranges recomputes; and a lower bound on the
 * objective is not above it.
 */
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "planner.h"

/* Records what is wrong with the plan. */
#define BAD(...) ctx_fail(ctx, EINC_EINTERNAL, "plan check", __VA_ARGS__)

/* Checks the steps: a topological permutation of the ops. */
static einc_status check_steps(einc_ctx *ctx, const ir_plan *p, int *order, char *done)
{
	const ir_dag *d = p->dag;
	if (p->nsteps != d->nops)
		return BAD("%d steps for %d ops", p->nsteps, d->nops);
	for (int t = 0; t < p->nsteps; t++) {
		int v = p->steps[t].op;
		if (v < 0 || v >= d->nops || done[v])
			return BAD("step %d runs op %d, out of range or run twice", t, v);
		for (int k = 0; k < d->ops[v].nin; k++) {
			int u = d->tensors[d->ops[v].in[k]].producer;
			if (u >= 0 && !done[u])
				return BAD("step %d runs '%s' before its operand '%s' is made", t,
				           d->ops[v].name, d->tensors[d->ops[v].in[k]].name);
		}
		done[v] = 1;
		order[t] = v;
	}
	return EINC_OK;
}

/* Checks each range alone and against the ranges before it. */
static einc_status check_ranges(einc_ctx *ctx, const ir_plan *p, const plan_problem *pb)
{
	const ir_dag *d = p->dag;
	int64_t height = 0;
	for (int r = 0; r < p->nranges; r++) {
		const ir_plan_range *x = &p->ranges[r];
		if (x->tensor < 0 || x->tensor >= d->ntensors || !pb->size[x->tensor])
			return BAD("range %d holds tensor %d, which is not in the arena", r, x->tensor);
		const char *name = d->tensors[x->tensor].name;
		int64_t size = pb->size[x->tensor];
		if (x->first < 0 || x->first > x->last || x->last >= p->nsteps)
			return BAD("range %d of '%s' spans steps %d..%d", r, name, x->first, x->last);
		if (x->offset < 0 || x->offset % IR_PLAN_ALIGN)
			return BAD("'%s' is at offset %lld, not a multiple of %d", name,
			           (long long)x->offset, IR_PLAN_ALIGN);
		height = x->offset + size > height ? x->offset + size : height;
		for (int q = 0; q < r; q++) {
			const ir_plan_range *y = &p->ranges[q];
			if (y->first > x->last || x->first > y->last)
				continue;
			if (y->tensor == x->tensor)
				return BAD("'%s' has two ranges at step %d", name, x->first);
			if (y->offset < x->offset + size && x->offset < y->offset + pb->size[y->tensor])
				return BAD("'%s' and '%s' overlap in the arena at step %d", name,
				           d->tensors[y->tensor].name, x->first > y->first ? x->first : y->first);
		}
		const ir_plan_range *prev = r ? &p->ranges[r - 1] : NULL;
		if (prev && (prev->first > x->first ||
		             (prev->first == x->first && prev->tensor >= x->tensor)))
			return BAD("range %d is out of order (ranges go by first step, then tensor)", r);
	}
	if (height != p->workspace_bytes)
		return BAD("the arena's height is %lld, the plan says %lld", (long long)height,
		           (long long)p->workspace_bytes);
	if (p->budget > 0 && height > p->budget)
		return BAD("the arena's height %lld exceeds the budget %lld", (long long)height,
		           (long long)p->budget);
	return EINC_OK;
}

/* Checks that each step finds its operands and its result resident, the
 * result freshly made, and the step's own fields. */
static einc_status check_residency(einc_ctx *ctx, const ir_plan *p, const plan_problem *pb)
{
	const ir_dag *d = p->dag;
	for (int t = 0; t < p->nsteps; t++) {
		const ir_dag_op *op = &d->ops[p->steps[t].op];
		for (int k = 0; k <= op->nin; k++) {
			int e = k < op->nin ? op->in[k] : op->out;
			if (!pb->size[e])
				continue;
			const ir_plan_range *x = ir_plan_range_at(p, e, t);
			if (!x)
				return BAD("step %d ('%s') needs '%s', which is not resident", t, op->name,
				           d->tensors[e].name);
			if (e == op->out && x->first != t)
				return BAD("step %d ('%s') makes '%s', which is already resident", t,
				           op->name, d->tensors[e].name);
		}
		const ir_plan_range *x = pb->size[op->out] ? ir_plan_range_at(p, op->out, t) : NULL;
		const ir_plan_step *s = &p->steps[t];
		if (s->offset != (x ? x->offset : -1) || s->bytes != d->tensors[op->out].bytes)
			return BAD("step %d says its result is %lld bytes at %lld", t,
			           (long long)s->bytes, (long long)s->offset);
	}
	return EINC_OK;
}

/* Recomputes the flags, traffic and bounds from a copy of the ranges. */
static einc_status check_figures(einc_ctx *ctx, const ir_plan *p, const plan_problem *pb,
                                 const int *order, arena *a)
{
	ir_plan_range *copy = arena_array(a, (size_t)p->nranges + 1, sizeof(ir_plan_range));
	if (!copy)
		return ctx_fail(ctx, EINC_ENOMEM, "plan check", "out of memory");
	if (p->nranges)
		memcpy(copy, p->ranges, (size_t)p->nranges * sizeof(ir_plan_range));
	int64_t traffic = plan_ranges_finish(pb, order, copy, p->nranges);
	for (int r = 0; r < p->nranges; r++)
		if (copy[r].load != p->ranges[r].load || copy[r].spill != p->ranges[r].spill)
			return BAD("range %d of '%s' should%s load and should%s spill", r,
			           p->dag->tensors[copy[r].tensor].name, copy[r].load ? "" : " not",
			           copy[r].spill ? "" : " not");
	if (traffic != p->traffic)
		return BAD("the ranges move %lld bytes beyond the compulsory ones, the plan says %lld",
		           (long long)traffic, (long long)p->traffic);
	if (p->bound > ir_plan_objective_value(p))
		return BAD("the bound on the %s, %lld, is above the plan's %lld",
		           ir_plan_objective_name(p->objective), (long long)p->bound,
		           (long long)ir_plan_objective_value(p));
	int64_t step_lb = plan_step_lb(pb), live_lb = plan_live_peak(pb, order);
	if (step_lb != p->step_lb || live_lb != p->live_lb)
		return BAD("the bounds are step %lld and live %lld, the plan says %lld and %lld",
		           (long long)step_lb, (long long)live_lb, (long long)p->step_lb,
		           (long long)p->live_lb);
	return EINC_OK;
}

/* Runs the checks above on a scratch arena. */
einc_status plan_check(einc_ctx *ctx, const ir_plan *p)
{
	if (!p->dag)
		return BAD("the plan has no DAG");
	arena *a = arena_new();
	plan_problem pb;
	int *order = a ? arena_array(a, (size_t)p->dag->nops + 1, sizeof(int)) : NULL;
	char *done = a ? arena_alloc(a, (size_t)p->dag->nops + 1) : NULL;
	einc_status st;
	if (!order || !done || plan_problem_init(&pb, a, p->dag, p->mode) < 0)
		st = ctx_fail(ctx, EINC_ENOMEM, "plan check", "out of memory");
	else if (!(st = check_steps(ctx, p, order, done)) && !(st = check_ranges(ctx, p, &pb)) &&
	         !(st = check_residency(ctx, p, &pb)))
		st = check_figures(ctx, p, &pb, order, a);
	arena_free(a);
	return st;
}
