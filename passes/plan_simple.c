/*
 * plan_simple.c - the simple plan: inner nodes in tree order, each
 * intermediate bumped to the next aligned offset of the workspace, nothing
 * reused. The memory planner replaces it.
 */
#include "ctx.h"
#include "program.h"

/* The bytes of node "n"'s dense result in "g"'s dtype, or -1 on overflow. */
static int64_t node_bytes(const ir_graph *g, const ir_tree_node *n)
{
	int64_t bytes = g->dtype == EINC_F64 ? 8 : 4;
	for (int a = 0; a < n->rank; a++) {
		int64_t size = g->indices[n->index[a]].size;
		if (bytes > INT64_MAX / size)
			return -1;
		bytes *= size;
	}
	return bytes;
}

/* Plans "t" over "g" in "a" into "*out". */
einc_status pass_plan_simple(einc_ctx *ctx, arena *a, const ir_graph *g,
                             const ir_tree *t, ir_plan **out)
{
	ir_plan *p = arena_alloc(a, sizeof(*p));
	if (p)
		p->steps = arena_array(a, (size_t)t->nnodes, sizeof(ir_plan_step));
	if (!p || !p->steps)
		return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
	int64_t top = 0;
	for (int n = 0; n < t->nnodes; n++) {
		if (t->nodes[n].input >= 0)
			continue;
		int64_t bytes = node_bytes(g, &t->nodes[n]);
		int64_t padded = bytes + (IR_PLAN_ALIGN - 1);
		if (bytes < 0 || padded < bytes)
			return ctx_fail(ctx, EINC_EOVERFLOW, "plan",
			                "an intermediate of step %d has more than 2^63 bytes",
			                p->nsteps);
		ir_plan_step *s = &p->steps[p->nsteps++];
		s->node = n;
		s->bytes = bytes;
		s->offset = -1;
		if (n == t->root)
			continue;
		padded -= padded % IR_PLAN_ALIGN;
		if (top > INT64_MAX - padded)
			return ctx_fail(ctx, EINC_EOVERFLOW, "plan",
			                "the workspace needs more than 2^63 bytes");
		s->offset = top;
		top += padded;
	}
	p->workspace_bytes = top;
	*out = p;
	return EINC_OK;
}
