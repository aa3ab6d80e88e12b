/*
 * path_tree.c - the contraction-order pass in the pipeline: graph ->
 * canonical search problem (canon.c) -> path -> the tree IR
 * (ir_tree_build), every step of the path a node of the tree; and the
 * path a tree performs, as opt_einsum reports it.
 */
#include <stdlib.h>

#include "path.h"
#include "strbuf.h"

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

/* The pairwise steps of "p" (path_pairs) as a path in "a", or "p" itself
 * for one input (its one unary step is opt_einsum's too); NULL when out of
 * memory. */
static path *pairs_of(arena *a, path *p)
{
	if (p->n == 1)
		return p;
	path *q = path_new(a, p->n);
	int *alias = arena_array(a, (size_t)(p->n + p->nsteps), sizeof(int));
	if (!q || !alias)
		return NULL;
	q->nsteps = path_pairs(p, q->step, alias);
	return q;
}

/* The report of "p" (path_tree_report) over "prob" of "g"; NULL when out
 * of memory. */
static char *report_str(arena *a, const ir_graph *g, const path_problem *prob, path *p)
{
	path *q = pairs_of(a, p);
	if (!q)
		return NULL;
	if (q->nsteps == p->nsteps)
		return path_print(g, prob, p);
	char *head = path_print(g, prob, q);
	char *own = path_print_steps(g, prob, p, "einc runs these steps instead (an operand's "
	                             "own indices summed alone first)");
	strbuf sb = {0};
	if (head && own)
		strbuf_printf(&sb, "%s%s", head, own);
	free(head);
	free(own);
	return head && own ? strbuf_take(&sb) : NULL;
}

/* Reads the steps off the inner nodes of "t" (children in id order, a
 * unary node as a unary step), evaluates them on the problem of "g" and
 * prints the report, the linear path or the JSON document. */
einc_status path_tree_report(einc_ctx *ctx, const ir_graph *g, const ir_tree *t,
                             einc_stage form, char **text)
{
	arena *a = arena_new();
	path_problem *prob = NULL;
	path *p = NULL, *q = NULL;
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
		q = pairs_of(a, p);
		*text = form == EINC_STAGE_PATH ? report_str(a, g, prob, p)
		        : !q ? NULL
		        : form == EINC_STAGE_PATH_JSON ? path_print_json(g, prob, q, p)
		        : path_linear_str(q);
		if (!*text)
			st = ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	}
	arena_free(a);
	return st;
}
