/*
 * path.c - the contraction-order driver: picks the search tier.
 *
 * greedy: the greedy with o->trials restarts. refine: that, then local
 * refinement. exact: the DP, bounded by the refined plain greedy's score
 * (a tight bound keeps the DP's cap low); when the DP cannot finish (its
 * work budget, or a limit it cannot meet without outer products) the
 * refined greedy path stands in. auto: the refined greedy with
 * restarts; problems of at most AUTO_EXACT_MAX tensors then get the DP
 * bounded by it within a work budget (the better of the two wins; above
 * 10 tensors the DP skips outer products, which the greedy may use). Every
 * tier honours max_intermediate and is deterministic: budgets count work,
 * not time.
 */
#include "path.h"

#define AUTO_EXACT_MAX 64
#define AUTO_DP_WORK 5000000

/* The refined greedy path with "trials" restarts into "*g"; NULL with
 * EINC_EBUDGET when the greedy finds none within the limit. */
static einc_status heuristic(einc_ctx *ctx, arena *a, const path_problem *prob,
                             const path_options *o, int trials, path **g)
{
	path_options go = *o;
	go.trials = trials;
	*g = NULL;
	einc_status st = pass_path_greedy(ctx, a, prob, &go, g);
	if (st)
		return st;
	return pass_path_refine(ctx, a, prob, o, g);
}

/* The path of the tier that "o->method" names. */
einc_status pass_path_search(einc_ctx *ctx, arena *a, const path_problem *prob,
                             const path_options *o, path **out)
{
	path *g = NULL, *e = NULL;
	if (o->method == PATH_GREEDY)
		return pass_path_greedy(ctx, a, prob, o, out);
	int exact = o->method == PATH_EXACT;
	einc_status st = heuristic(ctx, a, prob, o, exact ? 1 : o->trials, &g);
	if (st && st != EINC_EBUDGET)
		return st;
	if (o->method == PATH_REFINE || (!exact && prob->n > AUTO_EXACT_MAX)) {
		if (g)
			*out = g;
		return st;
	}
	path_options eo = *o;
	if (!exact && !eo.dp_work)
		eo.dp_work = AUTO_DP_WORK;
	st = pass_path_dp(ctx, a, prob, &eo, g, &e);
	if (st == EINC_EBUDGET && g) {
		*out = g;
		return ctx_ok(ctx);
	}
	if (st)
		return st;
	*out = g && g->score < e->score ? g : e;
	return ctx_ok(ctx);
}
