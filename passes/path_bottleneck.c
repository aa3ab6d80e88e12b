/*
 * path_bottleneck.c - the pairwise path whose largest intermediate is the
 * least any pairwise path has (the bottleneck), by dynamic programming over
 * subsets: what path.c's fallback under a limit names as the limit that
 * works, for up to PATH_DP_OUTER_MAX tensors. A subset S's result keeps
 * the indices of S that the output or a tensor outside S holds, so its
 * size depends on S only; best(S) is the least, over the ways of splitting
 * S in two, of the larger of the halves' best and S's own size (none for
 * a leaf or the whole set: the output is not bounded). Ties go to the
 * smaller sum of intermediate sizes, then to the first split met. A
 * leaf's private indices count nowhere, so the path does not depend on
 * which unary steps canon took.
 */
#include <stdlib.h>

#include "path.h"

typedef struct {
	path_cost worst, total; /* the largest intermediate, the sizes' sum */
	unsigned split;         /* the half holding the lowest tensor */
} best_of;

/* Emits the steps of subset "s" after "*ns" steps into "steps"; returns
 * its id. */
static int emit(const best_of *b, int n, unsigned s, int (*steps)[2], int *ns)
{
	if (!(s & (s - 1)))
		return __builtin_ctz(s);
	int x = emit(b, n, b[s].split, steps, ns), y = emit(b, n, s & ~b[s].split, steps, ns);
	steps[*ns][0] = x < y ? x : y;
	steps[*ns][1] = x < y ? y : x;
	return n + (*ns)++;
}

einc_status path_bottleneck(einc_ctx *ctx, arena *a, const path_problem *prob,
                            const path_options *o, path **out)
{
	int n = prob->n;
	if (n > PATH_DP_OUTER_MAX)
		return ctx_fail(ctx, EINC_EINVAL, "path", "the bottleneck search takes at most %d "
		                "tensors, this problem has %d", PATH_DP_OUTER_MAX, n);
	unsigned full = (1u << n) - 1;
	unsigned *held = calloc((size_t)prob->nindices + 1, sizeof(unsigned));
	best_of *b = malloc(sizeof(best_of) * ((size_t)full + 1));
	path *p = path_new(a, n);
	if (!held || !b || !p) {
		free(held);
		free(b);
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	}
	for (int t = 0; t < n; t++)
		for (int k = prob->start[t]; k < prob->start[t + 1]; k++)
			held[prob->index[k]] |= 1u << t;
	/* Submasks are smaller numbers: ascending order meets the halves first. */
	for (unsigned s = 1; s <= full; s++) {
		b[s] = (best_of){0, 0, 0};
		if (!(s & (s - 1)))
			continue;
		path_cost own = 1;
		for (int i = 0; s != full && i < prob->nindices; i++)
			if ((held[i] & s) && (prob->out[i] || (held[i] & ~s)))
				own = path_cost_mul(own, (path_cost)prob->size[i]);
		if (s == full)
			own = 0;
		unsigned low = s & -s;
		int found = 0;
		for (unsigned h = (s - 1) & s; h; h = (h - 1) & s) {
			if (!(h & low))
				continue;
			const best_of *x = &b[h], *y = &b[s & ~h];
			path_cost w = x->worst > y->worst ? x->worst : y->worst;
			path_cost tot = path_cost_add(x->total, y->total);
			if (!found || w < b[s].worst || (w == b[s].worst && tot < b[s].total)) {
				b[s] = (best_of){w, tot, h};
				found = 1;
			}
		}
		if (own > b[s].worst)
			b[s].worst = own;
		b[s].total = path_cost_add(b[s].total, own);
	}
	int ns = 0;
	if (n > 1)
		emit(b, n, full, p->step, &ns);
	free(held);
	free(b);
	*out = p;
	return path_complete(ctx, prob, o, p);
}
