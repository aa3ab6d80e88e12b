/*
 * strides.c - the caller's strides (einc_compile_strided) bound to the
 * graph: checked (offsets within int64; an output that no two elements
 * share), kept in g->strides where they are not the dense row-major ones.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ctx.h"
#include "frontend.h"

/* Whether "strides" are the row-major ones of "dims" ("rank" axes):
 * axes of extent 1 may have any stride, as numpy's views do. */
static int dense(int rank, const int64_t *dims, const int64_t *strides)
{
	int64_t s = 1;
	for (int a = rank - 1; a >= 0; a--) {
		if (dims[a] != 1 && strides[a] != s)
			return 0;
		s *= dims[a];
	}
	return 1;
}

/* The largest |offset| of an element of "dims" at "strides" ("rank"
 * axes; an empty tensor reads none) into "*span"; -1 when it exceeds
 * int64. */
static int span_of(int rank, const int64_t *dims, const int64_t *strides, int64_t *span)
{
	*span = 0;
	for (int a = 0; a < rank; a++) {
		if (dims[a] == 0) {
			*span = 0;
			return 0;
		}
		uint64_t s = strides[a] < 0 ? -(uint64_t)strides[a] : (uint64_t)strides[a];
		int64_t step;
		if (s > INT64_MAX || __builtin_mul_overflow((int64_t)s, dims[a] - 1, &step) ||
		    __builtin_add_overflow(*span, step, span))
			return -1;
	}
	return 0;
}

/* Whether two elements of "dims" at "strides" ("rank" axes) share an
 * offset, as far as this sufficient test tells: with the axes longer than
 * 1 sorted by |stride|, each stride must exceed the span of those before
 * it (numpy's views always pass). "*axis" gets the first that fails. */
static int overlaps(int rank, const int64_t *dims, const int64_t *strides, int *axis)
{
	int order[rank + 1], n = 0;
	for (int a = 0; a < rank; a++)
		if (dims[a] > 1)
			order[n++] = a;
	for (int x = 1; x < n; x++)
		for (int y = x; y > 0 && llabs(strides[order[y]]) < llabs(strides[order[y - 1]]); y--) {
			int t = order[y];
			order[y] = order[y - 1];
			order[y - 1] = t;
		}
	int64_t span = 0;
	for (int x = 0; x < n; x++) {
		int64_t s = llabs(strides[order[x]]);
		if (s <= span) {
			*axis = order[x];
			return 1;
		}
		span += s * (dims[order[x]] - 1);
	}
	return 0;
}

/* Checks the strides "given" of tensor "k" of "g" (-1: the output) and
 * stores a copy in "*kept" unless they are dense. */
static einc_status bind_one(einc_ctx *ctx, arena *ar, const ir_graph *g, int k,
                            const int64_t *given, int64_t **kept)
{
	const ir_tensor *t = k < 0 ? &g->output : &g->inputs[k];
	const int64_t *dims = ir_graph_dims(g, k);
	char what[32];
	if (k < 0)
		snprintf(what, sizeof what, "the output");
	else
		snprintf(what, sizeof what, "operand %d", k);
	*kept = NULL;
	if (!given || dense(t->rank, dims, given))
		return EINC_OK;
	int64_t span;
	if (span_of(t->rank, dims, given, &span) < 0)
		return ctx_fail(ctx, EINC_EOVERFLOW, "strides",
		                "%s: its strides reach elements beyond int64 offsets", what);
	int axis;
	if (k < 0 && ir_graph_elems(g, -1) > 0 && overlaps(t->rank, dims, given, &axis))
		return ctx_fail(ctx, EINC_EINVAL, "strides",
		                "the output's axis %d (stride %lld) may write an element another "
		                "axis writes: the output's elements must not overlap",
		                axis, (long long)given[axis]);
	if (!(*kept = arena_array(ar, (size_t)t->rank + 1, sizeof(int64_t))))
		return ctx_fail(ctx, EINC_ENOMEM, "strides", "out of memory");
	for (int a = 0; a < t->rank; a++)
		(*kept)[a] = given[a];
	return EINC_OK;
}

einc_status fe_bind_strides(einc_ctx *ctx, arena *ar, ir_graph *g,
                            const int64_t *const strides[], int out_rank,
                            const int64_t *out_strides)
{
	if (out_strides && out_rank != g->output.rank)
		return ctx_fail(ctx, EINC_EINVAL, "strides",
		                "out_strides has %d axes, the output %d", out_rank, g->output.rank);
	int64_t **kept = arena_array(ar, (size_t)g->ninputs + 1, sizeof(*kept));
	if (!kept)
		return ctx_fail(ctx, EINC_ENOMEM, "strides", "out of memory");
	int any = 0;
	for (int k = -1; k < g->ninputs; k++) {
		int64_t **slot = &kept[k < 0 ? g->ninputs : k];
		einc_status st = bind_one(ctx, ar, g, k, k < 0 ? out_strides : strides ? strides[k] : NULL,
		                          slot);
		if (st)
			return st;
		any |= *slot != NULL;
	}
	g->strides = any ? kept : NULL;
	return EINC_OK;
}
