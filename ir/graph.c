/* graph.c - facts about graphs: element counts, strides, invariants. */
#include "graph.h"

#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "dtype.h"

const int64_t *ir_graph_dims(const ir_graph *g, int k)
{
	if (g->empty_dims)
		return g->empty_dims[k < 0 ? g->ninputs : k];
	return k < 0 ? g->output.dims : g->inputs[k].dims;
}

int64_t ir_graph_elems(const ir_graph *g, int k)
{
	const ir_tensor *t = k < 0 ? &g->output : &g->inputs[k];
	const int64_t *dims = ir_graph_dims(g, k);
	int64_t n = 1;
	for (int a = 0; a < t->rank; a++)
		n *= dims[a];
	return n;
}

int64_t ir_tensor_elems(const ir_tensor *t)
{
	int64_t n = 1;
	for (int a = 0; a < t->rank; a++)
		n *= t->dims[a];
	return n;
}

/* A linear scan: graphs are read once per compilation. */
int ir_graph_find_index(const ir_graph *g, const char *name, size_t len)
{
	for (int i = 0; i < g->nindices; i++)
		if (strlen(g->indices[i].name) == len && !memcmp(g->indices[i].name, name, len))
			return i;
	return -1;
}

/* Row-major strides over t's axes, added up per index; broadcast axes
 * contribute nothing. */
void ir_tensor_strides(const ir_graph *g, const ir_tensor *t, int64_t *strides)
{
	for (int i = 0; i < g->nindices; i++)
		strides[i] = 0;
	int64_t s = 1;
	for (int a = t->rank - 1; a >= 0; a--) {
		if (t->dims[a] != 1)
			strides[t->index[a]] += s;
		s *= t->dims[a];
	}
}

void ir_graph_memory_strides(const ir_graph *g, int k, int64_t *strides)
{
	const ir_tensor *t = k < 0 ? &g->output : &g->inputs[k];
	const int64_t *given = g->strides ? g->strides[k < 0 ? g->ninputs : k] : NULL;
	if (!given) {
		ir_tensor_strides(g, t, strides);
		return;
	}
	for (int i = 0; i < g->nindices; i++)
		strides[i] = 0;
	for (int a = 0; a < t->rank; a++)
		if (t->dims[a] != 1)
			strides[t->index[a]] += given[a];
}

/* Checks one tensor: ids in range, extents the index size or 1, and the
 * element count within int64. */
static einc_status check_tensor(einc_ctx *ctx, const ir_graph *g,
                                const ir_tensor *t, const char *what,
                                const char *stage)
{
	if (t->rank < 0)
		return ctx_fail(ctx, EINC_EINTERNAL, stage, "%s has a negative rank", what);
	int64_t n = 1;
	for (int a = 0; a < t->rank; a++) {
		int i = t->index[a];
		if (i < 0 || i >= g->nindices)
			return ctx_fail(ctx, EINC_EINTERNAL, stage,
			                "%s axis %d names no index", what, a);
		int64_t d = t->dims[a];
		if (d != g->indices[i].size && d != 1)
			return ctx_fail(ctx, EINC_ESHAPE, stage,
			                "%s axis %d has extent %lld, but index '%s' has size %lld",
			                what, a, (long long)d, g->indices[i].name,
			                (long long)g->indices[i].size);
		if (n > INT64_MAX / d)
			return ctx_fail(ctx, EINC_EOVERFLOW, stage,
			                "%s has more than 2^63 elements", what);
		n *= d;
	}
	return EINC_OK;
}

int ir_graph_index_in_inputs(const ir_graph *g, int i)
{
	for (int k = 0; k < g->ninputs; k++)
		for (int a = 0; a < g->inputs[k].rank; a++)
			if (g->inputs[k].index[a] == i)
				return 1;
	return 0;
}

/* Checks every invariant the header lists. */
einc_status ir_graph_check(einc_ctx *ctx, const ir_graph *g, const char *stage)
{
	if (!ir_dtype(g->dtype))
		return ctx_fail(ctx, EINC_EUNSUPPORTED, stage, "unknown dtype %d", (int)g->dtype);
	if (g->ninputs < 1)
		return ctx_fail(ctx, EINC_ESHAPE, stage, "a graph needs at least one input");
	for (int i = 0; i < g->nindices; i++)
		if (g->indices[i].size < 1)
			return ctx_fail(ctx, EINC_ESHAPE, stage, "index '%s' has size %lld; sizes must be >= 1",
			                g->indices[i].name, (long long)g->indices[i].size);
	char what[32];
	for (int k = 0; k < g->ninputs; k++) {
		snprintf(what, sizeof what, "input %d", k);
		einc_status st = check_tensor(ctx, g, &g->inputs[k], what, stage);
		if (st)
			return st;
	}
	einc_status st = check_tensor(ctx, g, &g->output, "the output", stage);
	if (st)
		return st;
	for (int a = 0; a < g->output.rank; a++) {
		int i = g->output.index[a];
		if (g->output.dims[a] != g->indices[i].size)
			return ctx_fail(ctx, EINC_ESHAPE, stage, "the output broadcasts index '%s'",
			                g->indices[i].name);
		for (int b = 0; b < a; b++)
			if (g->output.index[b] == i)
				return ctx_fail(ctx, EINC_ESHAPE, stage,
				                "the output names index '%s' twice", g->indices[i].name);
		if (!ir_graph_index_in_inputs(g, i))
			return ctx_fail(ctx, EINC_ESHAPE, stage,
			                "output index '%s' appears in no input", g->indices[i].name);
	}
	return EINC_OK;
}
