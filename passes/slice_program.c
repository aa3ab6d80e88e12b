/*
 * slice_program.c - the slicing stage of the pipeline (pipeline.c): the
 * options read as a slicing goal, pass_slice run on the searched path, the
 * tree of one slice built; and what the program tells of its slices.
 */
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "dtype.h"
#include "path.h"
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

einc_status program_slice(einc_ctx *ctx, einc_program *p, const path_options *po)
{
	const einc_options *o = &p->options;
	if (!wants_slicing(o))
		return EINC_OK;
	slice_goal goal;
	einc_status st = goal_of(ctx, o, ir_dtype(p->graph->dtype)->bytes, &goal);
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
	if (!p->slicing || (stage != EINC_STAGE_TREE && stage != EINC_STAGE_PATH &&
	                    stage != EINC_STAGE_PATH_JSON))
		return EINC_OK;
	*lead = stage == EINC_STAGE_PATH_JSON ? slice_report_json(p->graph, p->slicing)
	        : slice_report(p->graph, p->slicing, stage == EINC_STAGE_TREE ? "; " : "");
	return *lead ? EINC_OK : ctx_fail(ctx, EINC_ENOMEM, "dump", "out of memory");
}

int64_t einc_program_num_slices(const einc_program *program)
{
	return program && program->slicing ? program->slicing->nslices : 1;
}
