/*
 * path_tree.c - the contraction-order pass in the pipeline: graph -> search
 * problem -> path -> the tree IR (ir_tree_build).
 *
 * The tree IR has no unary node over a leaf (outside a one-input spec), so
 * a path's unary steps are dropped: a leaf's private indices are then summed
 * in its first contraction (the tree's LEFT_SUM / RIGHT_SUM roles) instead
 * of before it.
 */
#include "path.h"

/* The pairwise steps of "p" into "pairs", unary steps dropped and ids
 * renumbered; returns how many (n - 1, or 0 for one leaf). "alias" has room
 * for n + nsteps ids. */
int path_pairs(const path *p, int (*pairs)[2], int *alias)
{
	int k = 0;
	for (int t = 0; t < p->n; t++)
		alias[t] = t;
	for (int s = 0; s < p->nsteps; s++) {
		if (p->step[s][1] < 0) {
			alias[p->n + s] = alias[p->step[s][0]];
			continue;
		}
		pairs[k][0] = alias[p->step[s][0]];
		pairs[k][1] = alias[p->step[s][1]];
		alias[p->n + s] = p->n + k++;
	}
	return k;
}

/* Searches the contraction order of "g" with "o" and builds its tree. */
einc_status pass_path(einc_ctx *ctx, arena *a, const ir_graph *g, const path_options *o,
                      ir_tree **out)
{
	path_problem *prob = NULL;
	path *p = NULL;
	einc_status st = path_problem_from_graph(ctx, a, g, &prob);
	if (!st)
		st = pass_path_search(ctx, a, prob, o, &p);
	if (st)
		return st;
	int (*pairs)[2] = arena_array(a, (size_t)p->n, sizeof(*pairs));
	int *alias = arena_array(a, (size_t)(p->n + p->nsteps), sizeof(int));
	if (!pairs || !alias)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	int k = path_pairs(p, pairs, alias);
	return ir_tree_build(ctx, a, g, k, (const int (*)[2])pairs, "path", out);
}

/* pass_path with the search the compilation options name. */
einc_status pass_path_options(einc_ctx *ctx, arena *a, const ir_graph *g,
                              const einc_options *eo, ir_tree **out)
{
	static const path_method method[] = {
		[EINC_PATH_AUTO] = PATH_AUTO, [EINC_PATH_EXACT] = PATH_EXACT,
		[EINC_PATH_GREEDY] = PATH_GREEDY, [EINC_PATH_REFINE] = PATH_REFINE,
	};
	path_options o;
	path_options_init(&o);
	o.method = method[eo->path];
	o.seed = eo->seed;
	o.max_intermediate = (path_cost)eo->max_intermediate;
	return pass_path(ctx, a, g, &o, out);
}

/* Reads the steps off the inner nodes of "t" (children in id order; a
 * one-input spec's reduction as a unary step), evaluates them on the problem of "g" and prints the report. */
einc_status path_tree_report(einc_ctx *ctx, const ir_graph *g, const ir_tree *t,
                             int linear, char **text)
{
	arena *a = arena_new();
	path_problem *prob = NULL;
	path *p = NULL;
	einc_status st = a ? path_problem_from_graph(ctx, a, g, &prob)
	                   : ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	if (!st && !(p = path_new(a, g->ninputs)))
		st = ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	if (p)
		p->nsteps = 0;
	for (int id = g->ninputs; !st && id < t->nnodes; id++) {
		const ir_tree_node *n = &t->nodes[id];
		if (n->right < 0) { /* the one step of a one-input spec */
			p->step[p->nsteps][0] = n->left;
			p->step[p->nsteps++][1] = -1;
			continue;
		}
		int lo = n->left < n->right ? n->left : n->right;
		p->step[p->nsteps][0] = lo;
		p->step[p->nsteps][1] = n->left + n->right - lo;
		p->nsteps++;
	}
	if (!st)
		st = path_evaluate(ctx, prob, 0, p);
	if (!st) {
		*text = linear ? path_linear_str(p) : path_print(g, prob, p);
		if (!*text)
			st = ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	}
	arena_free(a);
	return st;
}
