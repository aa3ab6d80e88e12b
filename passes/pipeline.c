/*
 * pipeline.c - einc_compile: every stage in order, from spec to program,
 * each result kept in the program (program.h) for its dump:
 *
 *   options_check     the options, the target CPU among them    (codegen/target.c)
 *   fe_spec_to_graph  spec + sizes -> graph             --dump=graph  (frontend/)
 *   pass_canon        graph -> problem + canon form     --dump=canon  (canon.c)
 *   pass_path         canon -> path -> tree             --dump=tree, --print-path
 *                     (or ir_tree_parse: --tree; pass_path_ltr: --path=ltr)
 *   program_slice     graph + path -> slicing, the tree  --slice, --target-size
 *                     of one slice (slice_program.c, slice.c); the stages
 *                     below then run on that slice's graph
 *   pass_relayout     strided inputs of GEMM-like steps  (relayout.c)
 *                     copied dense first
 *   pass_fuse         products packed by the GEMM-like   (fuse.c)
 *                     step that reads them, never stored
 *   pass_tile         a chain of steps run tile by tile  (tile.c)
 *                     so its intermediates stay in cache
 *   pass_layout       a chain's per-tile intermediates   (layout.c)
 *                     ordered so that the next step reads
 *                     them in place
 *   pass_plan         tree -> order, offsets, spills    --dump=plan   (plan.c)
 *   pass_lower        plan -> loop nests, GEMM forms,   --dump=loops  (lower.c)
 *                     parallel splits
 *
 * and then, on request, codegen/: the LLVM module (--dump=llvm), an object
 * file (einc_program_emit) or a JIT kernel (einc_program_jit).
 */
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "codegen.h"
#include "dtype.h"
#include "frontend.h"
#include "planner.h"
#include "path.h"
#include "program.h"
#include "tile.h"

void einc_options_init(einc_options *options)
{
	memset(options, 0, sizeof(*options));
	options->size = sizeof(*options);
	options->dtype = EINC_F32;
	options->opt_level = 3;
	options->cpu = "native";
	options->path = EINC_PATH_AUTO;
}

/* Checks "options" (NULL means the defaults) into "p->options", the
 * target CPU included (its vector width into "p->vector_bits", its caches
 * into "p->caches"). */
static einc_status options_check(einc_ctx *ctx, const einc_options *options, einc_program *p)
{
	einc_options *out = &p->options;
	einc_options_init(out);
	if (!options)
		return cg_target_check(ctx, out, &p->vector_bits, &p->caches);
	if (options->size != sizeof(*options))
		return ctx_fail(ctx, EINC_EINVAL, "options",
		                "options.size is %u, expected %zu: call einc_options_init first",
		                options->size, sizeof(*options));
	*out = *options;
	if (!ir_dtype(out->dtype))
		return ctx_fail(ctx, EINC_EUNSUPPORTED, "options",
		                "dtype %d is not supported (expected %s)", (int)out->dtype,
		                ir_dtype_names());
	if (out->opt_level < 0 || out->opt_level > 3)
		return ctx_fail(ctx, EINC_EINVAL, "options",
		                "opt_level %d is out of range (expected 0..3)", out->opt_level);
	if (!out->cpu)
		out->cpu = "native";
	if (out->path < EINC_PATH_LTR || out->path > EINC_PATH_REFINE)
		return ctx_fail(ctx, EINC_EINVAL, "options", "path %d is out of range",
		                (int)out->path);
	if (out->threads < 0)
		return ctx_fail(ctx, EINC_EINVAL, "options", "threads %d is negative", out->threads);
	if (out->max_intermediate < 0)
		return ctx_fail(ctx, EINC_EINVAL, "options", "max_intermediate %lld is negative",
		                (long long)out->max_intermediate);
	if (out->tile_cache < -1)
		return ctx_fail(ctx, EINC_EINVAL, "options",
		                "tile_cache %lld is out of range (expected -1, 0 or a byte count)",
		                (long long)out->tile_cache);
	if (out->budget < 0)
		return ctx_fail(ctx, EINC_EINVAL, "options", "budget %lld is negative",
		                (long long)out->budget);
	return cg_target_check(ctx, out, &p->vector_bits, &p->caches);
}

/* Runs the passes after the front end, in order, on "p->graph". */
static einc_status pipeline_from_graph(einc_ctx *ctx, einc_program *p)
{
	const einc_options *o = &p->options;
	path_options po;
	path_options_from(o, &po);
	if (p->graph->empty_dims) /* an index of size 0: no step runs, no intermediate is made */
		po.max_intermediate = 0;
	einc_status st = pass_canon(ctx, p->arena, p->graph, &po, &p->problem, &p->canon);
	if (st)
		return st;
	if (o->tree)
		st = ir_tree_parse(ctx, p->arena, p->graph, o->tree,
		                   o->tree_name ? o->tree_name : "tree", &p->tree);
	else if (o->path == EINC_PATH_LTR)
		st = pass_path_ltr(ctx, p->arena, p->graph, (int64_t)po.max_intermediate, &p->tree);
	else
		st = pass_path(ctx, p->arena, p->graph, p->problem, p->canon, &po, &p->path,
		               &p->tree);
	if (!st)
		st = program_slice(ctx, p, &po);
	const ir_graph *g = program_work_graph(p);
	if (!st)
		st = pass_relayout(ctx, p->arena, g, p->vector_bits, &p->caches, &p->tree);
	if (!st)
		st = pass_fuse(ctx, p->arena, g, p->tree, p->vector_bits, &p->caches, &p->fused);
	if (!st && !p->slicing && !o->budget) /* tiles with spills or slices: not yet */
		st = pass_tile(ctx, p->arena, g, p->tree, p->fused, &p->caches, o->tile_cache,
		               o->threads, &p->tiling);
	if (!st)
		st = pass_layout(ctx, p->arena, g, p->tiling, p->vector_bits, &p->caches, p->tree);
	if (!st) /* a size 0: no step runs, so no budget binds */
		st = pass_plan(ctx, p->arena, g, p->tree, p->fused, p->tiling,
		               p->graph->empty_dims ? 0 : o->budget, &p->plan);
	if (!st)
		st = pass_lower(ctx, p->arena, g, p->tree, p->plan, p->fused, p->tiling,
		                p->vector_bits, &p->caches, o->threads, &p->loops);
	return st;
}

/* Runs the stages on "spec" with "sizes" into a new program; the arrays
 * lie at "strides" and "out_strides" ("out_rank" of them; fe_bind_strides;
 * NULL: dense). */
static einc_status compile(einc_ctx *ctx, const char *spec, const fe_sizes *sizes,
                           const int64_t *const strides[], int out_rank,
                           const int64_t *out_strides, const einc_options *options,
                           einc_program **program)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!program)
		return ctx_fail(ctx, EINC_EINVAL, "api", "program is NULL");
	*program = NULL;
	if (!spec)
		return ctx_fail(ctx, EINC_EINVAL, "api", "spec is NULL");
	einc_program *p = calloc(1, sizeof(*p));
	if (!p || !(p->arena = arena_new())) {
		free(p);
		return ctx_fail(ctx, EINC_ENOMEM, "api", "out of memory");
	}
	einc_status st = options_check(ctx, options, p);
	if (!st)
		st = fe_spec_to_graph(ctx, p->arena, spec, sizes, p->options.dtype, &p->graph);
	if (!st && (strides || out_strides))
		st = fe_bind_strides(ctx, p->arena, p->graph, strides, out_rank, out_strides);
	if (!st)
		st = pipeline_from_graph(ctx, p);
	if (st) {
		einc_program_free(p);
		return st;
	}
	*program = p;
	return EINC_OK;
}

einc_status einc_compile(einc_ctx *ctx, const char *spec, int nops,
                         const int *ranks, const int64_t *const shapes[],
                         const einc_options *options, einc_program **program)
{
	return einc_compile_strided(ctx, spec, nops, ranks, shapes, NULL, 0, NULL, options, program);
}

einc_status einc_compile_strided(einc_ctx *ctx, const char *spec, int nops, const int *ranks,
                                 const int64_t *const shapes[], const int64_t *const strides[],
                                 int out_rank, const int64_t *out_strides,
                                 const einc_options *options, einc_program **program)
{
	if (!ctx)
		return EINC_EINVAL;
	fe_sizes sizes;
	einc_status st = fe_sizes_numeric(ctx, nops, ranks, shapes, &sizes);
	if (st) {
		if (program)
			*program = NULL;
		return st;
	}
	return compile(ctx, spec, &sizes, strides, out_rank, out_strides, options, program);
}

einc_status einc_compile_text(einc_ctx *ctx, const char *spec, const char *dims,
                              const char *shapes, const einc_options *options,
                              einc_program **program)
{
	fe_sizes sizes = {.dims = dims, .shape_text = shapes};
	return compile(ctx, spec, &sizes, NULL, 0, NULL, options, program);
}

void einc_program_free(einc_program *program)
{
	if (!program)
		return;
	ir_loops_free(program->loops);
	arena_free(program->arena);
	free(program);
}

void einc_free(void *p)
{
	free(p);
}
