/*
 * path.c - the contraction-order driver: picks the search tier.
 *
 * auto: the greedy with restarts gives a first path; problems of at most
 * AUTO_EXACT_MAX tensors then get the exact DP bounded by it, within a work
 * budget; when the DP does not finish (or the problem is larger) the greedy
 * path is refined. Every tier honours max_intermediate and is deterministic:
 * budgets count work, not time.
 */
#include "path.h"

#define AUTO_EXACT_MAX 64
#define AUTO_DP_WORK 30000000

/* The path of the tier that "o->method" names. */
einc_status pass_path_search(einc_ctx *ctx, arena *a, const path_problem *prob,
                             const path_options *o, path **out)
{
	path_options go = *o;
	path *g = NULL;
	einc_status st;
	if (o->method == PATH_GREEDY)
		return pass_path_greedy(ctx, a, prob, o, out);
	if (o->method == PATH_EXACT) {
		go.trials = 1;
		if (pass_path_greedy(ctx, a, prob, &go, &g) == EINC_ENOMEM)
			return EINC_ENOMEM;
		return pass_path_dp(ctx, a, prob, o, g, out);
	}
	st = pass_path_greedy(ctx, a, prob, o, &g);
	if (st && st != EINC_EBUDGET)
		return st;
	if (o->method == PATH_AUTO && prob->n <= AUTO_EXACT_MAX) {
		path_options eo = *o;
		if (!eo.dp_work)
			eo.dp_work = AUTO_DP_WORK;
		st = pass_path_dp(ctx, a, prob, &eo, g, out);
		if (st != EINC_EBUDGET || !g)
			return st;
	}
	if (!g)
		return st;
	st = pass_path_refine(ctx, a, prob, o, &g);
	if (st == EINC_OK)
		*out = g;
	return st;
}
