/*
 * slice_program.c - the slicing stage of the pipeline (pipeline.c): the
 * options read as a slicing goal, pass_slice run on the searched path, the
 * tree of one slice built; and what the program tells of its slices.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "dtype.h"
#include "path.h"
#include "planner.h"
#include "program.h"
#include "slice.h"
#include "strbuf.h"

const ir_graph *program_work_graph(const einc_program *p)
{
	return p->slicing ? p->slicing->graph : p->graph;
}

/* Whether the options of "o" ask for slicing. */
static int wants_slicing(const einc_options *o)
{
	return (o->slice && o->slice[0]) || o->target_size || o->target_slices;
}

/* The slicing goal of options "o" for elements of "esize" bytes. */
static einc_status goal_of(einc_ctx *ctx, const einc_options *o, int esize, slice_goal *goal)
{
	if (o->target_size < 0 || o->target_slices < 0 || o->max_overhead < 0 ||
	    o->max_overhead != o->max_overhead)
		return ctx_fail(ctx, EINC_EINVAL, "options",
		                "target_size, target_slices and max_overhead must not be negative");
	if (o->tree || o->path == EINC_PATH_LTR)
		return ctx_fail(ctx, EINC_EINVAL, "slice",
		                "slicing searches the tree again: it does not take a "
		                "forced tree or --path=ltr");
	if (o->target_size && o->target_size < esize)
		return ctx_fail(ctx, EINC_EBUDGET, "slice",
		                "no slicing reaches a target size of %lld bytes: a slice's "
		                "intermediates hold at least one element (%d bytes)",
		                (long long)o->target_size, esize);
	memset(goal, 0, sizeof(*goal));
	goal->labels = o->slice && o->slice[0] && strcmp(o->slice, "auto") ? o->slice : NULL;
	goal->target_size = (path_cost)(o->target_size / esize);
	goal->target_slices = o->target_slices;
	goal->max_overhead = o->max_overhead;
	goal->method = SLICE_GREEDY;
	return EINC_OK;
}

/* Whether "o" asks the planner to weigh slicing against spilling: a
 * budget and --slice=auto without a target. */
static int weighs(const einc_options *o)
{
	return o->budget > 0 && o->slice && !strcmp(o->slice, "auto") && !o->target_size &&
	       !o->target_slices;
}

/* The bytes the plan of tree "t" over "g" under "budget" moves (spills and
 * reloads), times "n", into "*bytes", SLICE_SPILL_FLOPS_PER_BYTE times
 * that into "*cost"; -1 and INFINITY when no plan fits the budget. The
 * plan stores every intermediate (no fusion): fusion only drops some, so
 * the bytes are an upper bound for both sides of the weighing. */
static einc_status plan_cost(einc_ctx *ctx, const ir_graph *g, const ir_tree *t,
                             int64_t budget, int64_t n, int64_t *bytes, double *cost)
{
	arena *tmp = arena_new();
	ir_plan *plan;
	einc_status st = tmp ? pass_plan(ctx, tmp, g, t, NULL, NULL, budget, &plan)
	                     : ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	*bytes = -1;
	*cost = INFINITY;
	if (st == EINC_EBUDGET) {
		st = ctx_ok(ctx);
	} else if (!st) {
		*bytes = plan->traffic * n;
		*cost = SLICE_SPILL_FLOPS_PER_BYTE * (double)*bytes;
	}
	arena_free(tmp);
	return st;
}

/* How many elements tensor "t" holds. */
static double elements(const ir_tensor *t)
{
	double n = 1;
	for (int x = 0; x < t->rank; x++)
		n *= (double)t->dims[x];
	return n;
}

/* Slicing of "p" for its budget: "goal" with target sizes of the budget's
 * elements, halved until the slices' plan moves nothing (at most 8
 * tries); the cheapest into "c" (slice_cost, slice_bytes), "*s", "*t". */
static einc_status slice_for_budget(einc_ctx *ctx, einc_program *p, const path_options *po,
                                    slice_goal *goal, budget_choice *c, slicing **s, ir_tree **t)
{
	int64_t budget = p->options.budget;
	path_cost target = (path_cost)(budget / ir_dtype(p->graph->dtype)->bytes);
	for (int k = 0; k < 8 && target >= 1; k++, target /= 2) {
		slicing *sl;
		ir_tree *tr;
		int64_t moved;
		double cost;
		goal->target_size = target;
		einc_status st = pass_slice(ctx, p->arena, p->graph, p->path, po, goal, &sl);
		if (st == EINC_EBUDGET) /* no slicing reaches it, nor a smaller one */
			return ctx_ok(ctx);
		if (!st)
			st = ir_tree_build(ctx, p->arena, sl->graph, sl->path->nsteps,
			                   (const int (*)[2])sl->path->step, "slice", &tr);
		if (!st)
			st = plan_cost(ctx, sl->graph, tr, budget, sl->nslices, &moved, &cost);
		if (st)
			return st;
		if (isinf(cost) || sl->nslices == 1)
			continue;
		cost += path_cost_double(sl->flops) * (double)sl->nslices;
		if (sl->nsummed) /* each slice's part added into the output */
			cost += elements(&sl->graph->output) * (double)sl->nslices;
		if (cost < c->slice_cost) {
			c->slice_cost = cost;
			c->slice_bytes = moved;
			*s = sl;
			*t = tr;
		}
		if (!moved)
			break;
	}
	return EINC_OK;
}

/* Under a budget with --slice=auto: the unsliced plan (spilling where it
 * must) against slicing for the budget, the cheaper by the cost model of
 * budget_choice kept in "p" (p->slicing and p->tree when slicing). */
static einc_status weigh(einc_ctx *ctx, einc_program *p, const path_options *po,
                         slice_goal *goal)
{
	budget_choice *c = arena_alloc(p->arena, sizeof(*c));
	if (!c)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	memset(c, 0, sizeof(*c));
	c->slice_cost = INFINITY;
	c->slice_bytes = -1;
	p->budget_choice = c;
	einc_status st = plan_cost(ctx, p->graph, p->tree, p->options.budget, 1, &c->spill_bytes,
	                           &c->spill_cost);
	if (st || c->spill_bytes == 0) /* it fits as it is: nothing to weigh */
		return st;
	c->spill_cost += path_cost_double(p->path->flops);
	slicing *s = NULL;
	ir_tree *t = NULL;
	if ((st = slice_for_budget(ctx, p, po, goal, c, &s, &t)))
		return st;
	if (isinf(c->slice_cost) && isinf(c->spill_cost))
		return ctx_fail(ctx, EINC_EBUDGET, "slice",
		                "neither spilling nor slicing fits a budget of %lld bytes",
		                (long long)p->options.budget);
	if (c->slice_cost < c->spill_cost) {
		c->sliced = 1;
		p->slicing = s;
		p->tree = t;
	}
	return EINC_OK;
}

einc_status program_slice(einc_ctx *ctx, einc_program *p, const path_options *po)
{
	const einc_options *o = &p->options;
	if (!wants_slicing(o))
		return EINC_OK;
	slice_goal goal;
	einc_status st = goal_of(ctx, o, ir_dtype(p->graph->dtype)->bytes, &goal);
	if (!st && weighs(o))
		return weigh(ctx, p, po, &goal);
	if (!st)
		st = pass_slice(ctx, p->arena, p->graph, p->path, po, &goal, &p->slicing);
	if (st)
		return st;
	const path *q = p->slicing->path;
	return ir_tree_build(ctx, p->arena, p->slicing->graph, q->nsteps,
	                     (const int (*)[2])q->step, "slice", &p->tree);
}

einc_status program_slice_lead(einc_ctx *ctx, const einc_program *p, einc_stage stage,
                               char **lead)
{
	*lead = NULL;
	if ((!p->slicing && !p->budget_choice) ||
	    (stage != EINC_STAGE_TREE && stage != EINC_STAGE_PATH && stage != EINC_STAGE_PATH_JSON &&
	     stage != EINC_STAGE_PLAN))
		return EINC_OK;
	int json = stage == EINC_STAGE_PATH_JSON;
	const char *comment = stage == EINC_STAGE_TREE || stage == EINC_STAGE_PLAN ? "; " : "";
	char *sliced = !p->slicing ? strdup("")
	               : json ? slice_report_json(p->graph, p->slicing)
	                      : slice_report(p->graph, p->slicing, comment);
	char *weighed = p->budget_choice ? budget_choice_report(p->budget_choice, comment, json)
	                                 : strdup("");
	strbuf b = {0};
	if (sliced && weighed)
		strbuf_printf(&b, "%s%s", sliced, weighed);
	free(sliced);
	free(weighed);
	*lead = strbuf_take(&b);
	return *lead ? EINC_OK : ctx_fail(ctx, EINC_ENOMEM, "dump", "out of memory");
}

int64_t einc_program_num_slices(const einc_program *program)
{
	return program && program->slicing ? program->slicing->nslices : 1;
}
