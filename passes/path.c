/*
 * path.c - the contraction-order driver: picks the search tier.
 *
 * Up to two tensors there is one path (the greedy's).
 * greedy: the greedy with o->trials restarts.
 * refine: the refined greedy (below).
 * exact: the DP, bounded by the plain greedy's score up to EXACT_QUICK_MAX
 *   tensors (refining the bound costs more than it saves there), by the
 *   refined plain greedy's above (a tight bound keeps the DP's cap low). It
 *   fails when o->dp_work (by default EXACT_DP_WORK) runs out, naming the
 *   operand count; when the DP cannot meet a limit without
 *   outer products (above PATH_DP_OUTER_MAX tensors) the greedy path stands.
 * auto: as exact, within a work budget (a larger one up to AUTO_SMALL
 *   tensors, where opt_einsum's own exact searches still finish, and one
 *   that shrinks as 1/n^2 above AUTO_WIDE tensors, where the DP seldom
 *   finishes and a failed one wasted it all), but above
 *   EXACT_QUICK_MAX tensors bounded by the refined greedy with restarts, and
 *   above AUTO_EXACT_MAX tensors that alone; when the DP runs out of work
 *   the refined greedy stands. The better of the DP's and the greedy's path
 *   wins (above PATH_DP_OUTER_MAX tensors the DP skips outer products).
 * The refined greedy splits the trials into up to HEURISTIC_STARTS groups
 * (fewer above HEURISTIC_WORK / 8 tensors) and refines the best path of
 * each (all together within HEURISTIC_REFINE_WORK window DP pair
 * evaluations unless o->refine_work sets one refinement's budget):
 * refinement from several starts finds much better trees than from one.
 * Every tier honours max_intermediate (it bounds every step result but
 * the output's, as opt_einsum's and numpy's searches) and is
 * deterministic: budgets count work, not time. Where a tier finds no path
 * within the limit, a fallback path stands if it fits: up to
 * PATH_DP_OUTER_MAX tensors the one with the least largest intermediate
 * (path_bottleneck.c), above the smallest-results-first greedy's; else
 * the error names its largest intermediate, a limit that works.
 * opt_einsum and numpy end such a path with one step over all remaining
 * operands; einc's tree, plan and lowering hold two operands per step.
 */
#include "path.h"

#define AUTO_EXACT_MAX PATH_DP_MAX
/* DP work: pair evaluations plus the list entries of stored subsets. */
#define AUTO_DP_WORK 2000000       /* about 0.1 to 0.3 s */
#define AUTO_DP_WORK_SMALL 8000000 /* up to AUTO_SMALL tensors */
#define AUTO_SMALL 24
#define AUTO_WIDE 48
#define EXACT_DP_WORK 50000000     /* a few seconds: then exact refuses */
#define EXACT_QUICK_MAX 16         /* up to here the plain greedy bounds the DP */
#define HEURISTIC_STARTS 8
#define HEURISTIC_WORK 2000
#define HEURISTIC_REFINE_WORK 4000000 /* window DP pair evaluations, all starts */

/* The number of greedy starting points that auto and refine refine: fewer
 * on large problems, where each refinement costs more. */
static int starts_for(const path_problem *prob, int trials)
{
	int k = HEURISTIC_WORK / (prob->n + 1);
	k = k < 1 ? 1 : k > HEURISTIC_STARTS ? HEURISTIC_STARTS : k;
	return k < trials ? k : trials;
}

/* The best refined greedy path into "*g": the trials are split into groups,
 * the best path of each group is refined. NULL with EINC_EBUDGET when the
 * greedy finds none within the limit. */
static einc_status heuristic(einc_ctx *ctx, arena *a, const path_problem *prob,
                             const path_options *o, int trials, path **g)
{
	int k = starts_for(prob, trials > 0 ? trials : 1);
	einc_status st = EINC_EBUDGET;
	path_options ro = *o;
	if (!ro.refine_work)
		ro.refine_work = HEURISTIC_REFINE_WORK / k;
	*g = NULL;
	for (int s = 0; s < k; s++) {
		int first = trials * s / k, count = trials * (s + 1) / k - first;
		path *p = NULL;
		einc_status r = path_greedy_trials(ctx, a, prob, o, first, count, &p);
		if (r == EINC_OK)
			r = path_search_refine(ctx, a, prob, &ro, &p);
		if (r && r != EINC_EBUDGET)
			return r;
		if (r == EINC_OK && (!*g || p->score < (*g)->score))
			*g = p;
		st = *g ? EINC_OK : r;
	}
	return *g ? ctx_ok(ctx) : st;
}

/* The auto DP's work budget on "n" tensors. */
static int64_t auto_dp_work(int n)
{
	if (n <= AUTO_SMALL)
		return AUTO_DP_WORK_SMALL;
	if (n <= AUTO_WIDE)
		return AUTO_DP_WORK;
	return (int64_t)AUTO_DP_WORK * AUTO_WIDE * AUTO_WIDE / ((int64_t)n * n);
}

/* The DP bounded by "g" (may be NULL) with "o" and, in auto and exact,
 * the default work budget; the better of its path and "g" into "*out". */
static einc_status exact_search(einc_ctx *ctx, arena *a, const path_problem *prob,
                                const path_options *o, path *g, path **out)
{
	path_options eo = *o;
	path *e = NULL;
	if (o->method == PATH_AUTO && !eo.dp_work)
		eo.dp_work = auto_dp_work(prob->n);
	if (o->method == PATH_EXACT && !eo.dp_work)
		eo.dp_work = EXACT_DP_WORK;
	einc_status st = path_search_dp(ctx, a, prob, &eo, g, &e);
	if (st)
		return st;
	*out = g && g->score < e->score ? g : e;
	return ctx_ok(ctx);
}

/* The path of the tier that "o->method" names. */
static einc_status search_tier(einc_ctx *ctx, arena *a, const path_problem *prob,
                               const path_options *o, path **out)
{
	path *g = NULL;
	path_options go = *o;
	go.trials = 1;
	if (o->method == PATH_GREEDY || prob->n <= 2)
		return path_search_greedy(ctx, a, prob, o, out);
	int exact = o->method == PATH_EXACT, auto_ = o->method == PATH_AUTO;
	einc_status st;
	if ((exact || auto_) && prob->n <= EXACT_QUICK_MAX) {
		st = path_search_greedy(ctx, a, prob, &go, &g);
		if (st && st != EINC_EBUDGET)
			return st;
		st = exact_search(ctx, a, prob, o, g, out);
		/* Up to PATH_DP_OUTER_MAX tensors the DP's answer is final; above,
		 * auto falls back on the refined greedy when it runs out of work,
		 * and both when the limit needs outer products. */
		if (prob->n <= PATH_DP_OUTER_MAX ||
		    !(st == EINC_EBUDGET || (auto_ && st == EINC_EUNSUPPORTED)))
			return st;
	}
	st = heuristic(ctx, a, prob, o, exact ? 1 : o->trials, &g);
	if (st && st != EINC_EBUDGET)
		return st;
	if (o->method == PATH_REFINE || (auto_ && prob->n > AUTO_EXACT_MAX) ||
	    prob->n <= EXACT_QUICK_MAX) {
		if (g)
			*out = g;
		return st;
	}
	st = exact_search(ctx, a, prob, o, g, out);
	/* The DP out of work (auto), or unable to meet the limit without the
	 * outer products the greedy may use: the heuristic path stands. */
	if (g && ((st == EINC_EUNSUPPORTED && auto_) || st == EINC_EBUDGET)) {
		*out = g;
		return ctx_ok(ctx);
	}
	return st;
}

/* The tier's path; when the limit blocks it, the bottleneck path (up to
 * PATH_DP_OUTER_MAX tensors, else the smallest-first greedy's) if that
 * fits, else EINC_EBUDGET naming its largest intermediate: under that
 * limit this fallback fits, so the limit named works. */
einc_status path_search(einc_ctx *ctx, arena *a, const path_problem *prob,
                        const path_options *o, path **out)
{
	einc_status st = search_tier(ctx, a, prob, o, out);
	if (st != EINC_EBUDGET)
		return st;
	path *s = NULL;
	int least = prob->n <= PATH_DP_OUTER_MAX;
	st = least ? path_bottleneck(ctx, a, prob, o, &s) : path_greedy_smallest(ctx, a, prob, o, &s);
	if (st)
		return st;
	if (s->inner <= o->max_intermediate) {
		*out = s;
		return ctx_ok(ctx);
	}
	char lim[48], need[48];
	return ctx_fail(ctx, EINC_EBUDGET, "path", "no pairwise contraction path keeps every "
	                "intermediate within max_intermediate %s elements (the output is not "
	                "bounded); einc contracts two operands per step and has no step over all "
	                "the remaining operands (numpy's and opt_einsum's fallback): a limit of "
	                "%s elements works%s", path_cost_str(o->max_intermediate, lim),
	                path_cost_str(s->inner, need),
	                least ? " (the least any pairwise path needs)" : "");
}
