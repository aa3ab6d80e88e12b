/* program.c - what a compiled program tells: shapes, dumps, reference runs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "ctx.h"
#include "dtype.h"
#include "einc_rt.h"
#include "path.h"
#include "program.h"
#include "strbuf.h"
#include "tile.h"

int einc_program_num_inputs(const einc_program *program)
{
	return program ? program->graph->ninputs : 0;
}

/* The rank and dims of input "k", or of the output when k == -1; -1 when
 * "k" is out of range. */
int einc_program_shape(const einc_program *program, int k, const int64_t **dims)
{
	if (!program || k < -1 || k >= program->graph->ninputs)
		return -1;
	const ir_tensor *t = k < 0 ? &program->graph->output : &program->graph->inputs[k];
	if (dims)
		*dims = ir_graph_dims(program->graph, k);
	return t->rank;
}

int64_t einc_program_elems(const einc_program *program, int k)
{
	if (!program || k < -1 || k >= program->graph->ninputs)
		return -1;
	return ir_graph_elems(program->graph, k);
}

einc_dtype einc_program_dtype(const einc_program *program)
{
	return program ? program->graph->dtype : EINC_F32;
}

size_t einc_program_workspace_size(const einc_program *program)
{
	return program ? (size_t)program->loops->workspace_bytes : 0;
}

size_t einc_program_slow_size(const einc_program *program)
{
	return program ? (size_t)program->loops->slow_bytes : 0;
}

int64_t einc_program_moved_bytes(const einc_program *program)
{
	return program ? program->loops->moved_bytes : 0;
}

/* Puts the slicing report (program_slice_lead) at the head of "*text", a
 * dump of "stage" (NULL: out of memory): after the tree or plan dump's first line,
 * after the JSON document's brace, else first. */
static einc_status with_lead(einc_ctx *ctx, const einc_program *program, einc_stage stage,
                             char **text)
{
	char *lead = NULL;
	einc_status st = *text ? program_slice_lead(ctx, program, stage, &lead)
	                       : ctx_fail(ctx, EINC_ENOMEM, "dump", "out of memory");
	if (st || !lead)
		return st;
	const char *nl = strchr(*text, '\n');
	size_t head = stage == EINC_STAGE_PATH ? 0 : nl ? (size_t)(nl - *text) + 1 : 0;
	strbuf b = {0};
	strbuf_printf(&b, "%.*s%s%s", (int)head, *text, lead, *text + head);
	free(lead);
	free(*text);
	if (!(*text = strbuf_take(&b)))
		return ctx_fail(ctx, EINC_ENOMEM, "dump", "out of memory");
	return EINC_OK;
}

/* "plan" (take; NULL allowed) followed by the report of the tiled chain of
 * "p" (chain_tiling_report) when it has one; NULL when out of memory. */
static char *with_tiling(const einc_program *p, char *plan)
{
	if (!plan || !p->tiling)
		return plan;
	char *tail = chain_tiling_report(p->graph, p->tiling);
	strbuf b = {0};
	if (tail)
		strbuf_printf(&b, "%s%s", plan, tail);
	free(plan);
	free(tail);
	return tail ? strbuf_take(&b) : NULL;
}

/* Prints the IR of "stage". */
einc_status einc_program_dump(einc_ctx *ctx, const einc_program *program,
                              einc_stage stage, char **text)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!program || !text)
		return ctx_fail(ctx, EINC_EINVAL, "api", "program and text must not be NULL");
	*text = NULL;
	switch (stage) {
	case EINC_STAGE_GRAPH:
		*text = ir_graph_print(program->graph);
		break;
	case EINC_STAGE_PLAN:
		*text = with_tiling(program, ir_plan_print(program->plan));
		return with_lead(ctx, program, stage, text);
	case EINC_STAGE_LOOPS:
		*text = ir_loops_print(program_work_graph(program), program->loops);
		break;
	case EINC_STAGE_LLVM:
		return cg_dump_llvm(ctx, program, text);
	case EINC_STAGE_TREE:
		*text = ir_tree_print(program_work_graph(program), program->tree);
		return with_lead(ctx, program, stage, text);
	case EINC_STAGE_CANON:
		*text = canon_print(program->graph, program->problem, program->canon);
		break;
	case EINC_STAGE_PATH:
	case EINC_STAGE_PATH_LINEAR:
	case EINC_STAGE_PATH_JSON: {
		einc_status st = path_tree_report(ctx, program_work_graph(program), program->tree,
		                                  stage, text);
		return st ? st : with_lead(ctx, program, stage, text);
	}
	default:
		return ctx_fail(ctx, EINC_EINVAL, "api", "unknown stage %d", (int)stage);
	}
	if (!*text)
		return ctx_fail(ctx, EINC_ENOMEM, "dump", "out of memory");
	return EINC_OK;
}

/* The index points the reference evaluator visits for "g": the product of
 * every index's size, saturating at INT64_MAX. */
static int64_t reference_points(const ir_graph *g)
{
	int64_t points = 1;
	for (int i = 0; i < g->nindices; i++) {
		int64_t s = g->indices[i].size;
		if (s == 0)
			return 0;
		points = points > INT64_MAX / s ? INT64_MAX : points * s;
	}
	return points;
}

einc_status einc_program_run_reference(einc_ctx *ctx, const einc_program *program,
                                       void *out, const void *const in[])
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!program || !out || !in)
		return ctx_fail(ctx, EINC_EINVAL, "run", "program, out and in must not be NULL");
	for (int k = 0; k < program->graph->ninputs; k++)
		if (!in[k])
			return ctx_fail(ctx, EINC_EINVAL, "run", "input %d is NULL", k);
	return program_reference(ctx, program, program->graph->dtype, out, in);
}

/* Hands the graph to the runtime's reference evaluator as strides. */
einc_status program_reference(einc_ctx *ctx, const einc_program *program, einc_dtype dtype,
                              void *out, const void *const in[])
{
	const ir_graph *g = program->graph;
	const ir_dtype_info *d = ir_dtype(dtype);
	if (g->empty_dims) { /* a size 0: nothing to sum, an empty or zero result */
		memset(out, 0, (size_t)ir_graph_elems(g, -1) * (size_t)d->bytes);
		return EINC_OK;
	}
	int64_t points = reference_points(g);
	if (points > EINC_REFERENCE_POINTS_MAX)
		return ctx_fail(ctx, EINC_EUNSUPPORTED, "run",
		                "the reference evaluator would visit %lld index points (every "
		                "combination of the %d indices, one by one), above its limit of "
		                "%lld: use smaller sizes",
		                (long long)points, g->nindices, (long long)EINC_REFERENCE_POINTS_MAX);
	size_t n = (size_t)g->nindices ? (size_t)g->nindices : 1;
	int64_t *sizes = calloc(n * ((size_t)g->ninputs + 2), sizeof(int64_t));
	const int64_t **in_strides = calloc((size_t)g->ninputs, sizeof(*in_strides));
	einc_status st = EINC_OK;
	if (!sizes || !in_strides) {
		st = ctx_fail(ctx, EINC_ENOMEM, "run", "out of memory");
		goto done;
	}
	for (int i = 0; i < g->nindices; i++)
		sizes[i] = g->indices[i].size;
	int64_t *out_strides = sizes + n;
	ir_tensor_strides(g, &g->output, out_strides);
	for (int k = 0; k < g->ninputs; k++) {
		int64_t *s = sizes + n * ((size_t)k + 2);
		ir_tensor_strides(g, &g->inputs[k], s);
		in_strides[k] = s;
	}
	einc_rt_ref_problem p = {
		.nindices = g->nindices, .sizes = sizes,
		.ninputs = g->ninputs, .in_strides = in_strides,
		.out_strides = out_strides, .out_elems = ir_tensor_elems(&g->output),
		.kind = (int)d->kind, .part_bytes = d->part_bytes,
	};
	if (einc_rt_ref_eval(&p, out, in) < 0)
		st = ctx_fail(ctx, EINC_ENOMEM, "run", "out of memory");
done:
	free(sizes);
	free(in_strides);
	return st;
}
