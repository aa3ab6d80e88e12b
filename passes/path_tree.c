/*
 * path_tree.c - the contraction-order pass in the pipeline: graph ->
 * canonical search problem (canon.c) -> path -> the tree IR
 * (ir_tree_build), every step of the path a node of the tree; and the
 * path a tree performs, as opt_einsum reports it.
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

/* Canonicalises "g", searches the order with "o" and builds its tree. */
einc_status pass_path(einc_ctx *ctx, arena *a, const ir_graph *g, const path_problem *prob,
                      const path_canon *c, const path_options *o, path **found,
                      ir_tree **out)
{
	einc_status st = path_canon_search(ctx, a, prob, c, o, found);
	if (st)
		return st;
	return ir_tree_build(ctx, a, g, (*found)->nsteps, (const int (*)[2])(*found)->step, "path",
	                     out);
}

void path_options_from(const einc_options *eo, path_options *o)
{
	static const path_method method[] = {
		[EINC_PATH_LTR] = PATH_AUTO, [EINC_PATH_AUTO] = PATH_AUTO,
		[EINC_PATH_EXACT] = PATH_EXACT, [EINC_PATH_GREEDY] = PATH_GREEDY,
		[EINC_PATH_REFINE] = PATH_REFINE,
	};
	path_options_init(o);
	o->method = method[eo->path];
	o->seed = eo->seed;
	o->max_intermediate = (path_cost)eo->max_intermediate;
}

/* The linear form of "p"'s pairwise steps (path_pairs), in "a"; NULL when
 * out of memory. */
static char *linear_str(arena *a, const path *p)
{
	path *q = path_new(a, p->n);
	int *alias = arena_array(a, (size_t)(p->n + p->nsteps), sizeof(int));
	if (!q || !alias)
		return NULL;
	q->nsteps = path_pairs(p, q->step, alias);
	return path_linear_str(q);
}

/* Reads the steps off the inner nodes of "t" (children in id order, a
 * unary node as a unary step), evaluates them on the problem of "g" and
 * prints the report or the linear path. */
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
		int lo = n->right < 0 || n->left < n->right ? n->left : n->right;
		p->step[p->nsteps][0] = lo;
		p->step[p->nsteps++][1] = n->right < 0 ? -1 : n->left + n->right - lo;
	}
	if (!st)
		st = path_evaluate(ctx, prob, 0, p);
	if (!st) {
		*text = linear ? linear_str(a, p) : path_print(g, prob, p);
		if (!*text)
			st = ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	}
	arena_free(a);
	return st;
}
