/*
 * slice.c - the slicing pass (pipeline.c, after the path search): which
 * indices to fix so that every slice's largest intermediate fits a target,
 * or so that there are enough slices, at the least extra flops.
 *
 * Greedy on the chosen tree, as cotengra's SliceFinder: each round tries
 * every index on the current path and takes the one that shrinks the
 * largest intermediate most per flop added (the slices' flops together
 * over the current ones, in logs); then the path search runs again on the
 * sliced network and its path replaces the current one when it costs
 * less. Rounds go on until the targets are met. The plain baseline
 * (SLICE_MOST_SHARED, for the benchmark) takes the index most tensors
 * hold and keeps the tree.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "slice.h"
#include "strbuf.h"
#include "text.h"

/* A candidate set's cost: one slice's path evaluated, and the slices'. */
typedef struct {
	path *path;
	path_cost flops, largest, sizes; /* one slice's; sizes: all results summed */
	int64_t nslices;
	double total;                    /* nslices * flops */
} slice_cost;

/* The element strides per axis of input "k" of "g" as its array lies into
 * "st": the caller's (einc_compile_strided), else row-major over its dims. */
static void whole_strides(const ir_graph *g, int k, int64_t *st)
{
	const ir_tensor *t = &g->inputs[k];
	int64_t s = 1;
	for (int x = t->rank - 1; x >= 0; x--) {
		st[x] = g->strides && g->strides[k] ? g->strides[k][x] : s;
		s *= t->dims[x];
	}
}

/* Whether "st" are the row-major strides of "t" along its axes of extent
 * more than 1: a window that is one dense block. */
static int dense_window(const ir_tensor *t, const int64_t *st)
{
	int64_t s = 1;
	for (int x = t->rank - 1; x >= 0; x--) {
		if (t->dims[x] != 1 && st[x] != s)
			return 0;
		s *= t->dims[x];
	}
	return 1;
}

/* The graph of one slice of "g": the indices flagged in "set" of size 1,
 * their axes of extent 1, each input read in place as a window of the
 * whole (its strides the whole array's where the window is not one dense
 * block), the output a dense part. NULL when out of memory. */
static ir_graph *sliced_graph(arena *a, const ir_graph *g, const unsigned char *set)
{
	ir_graph *s = arena_alloc(a, sizeof(*s));
	ir_index *idx = arena_array(a, (size_t)g->nindices + 1, sizeof(ir_index));
	ir_tensor *in = arena_array(a, (size_t)g->ninputs + 1, sizeof(ir_tensor));
	if (!s || !idx || !in)
		return NULL;
	*s = *g;
	s->indices = idx;
	s->inputs = in;
	s->strides = arena_array(a, (size_t)g->ninputs + 1, sizeof(int64_t *));
	if (!s->strides)
		return NULL;
	for (int i = 0; i < g->nindices; i++) {
		idx[i] = g->indices[i];
		if (set[i])
			idx[i].size = 1;
	}
	for (int k = -1; k < g->ninputs; k++) {
		const ir_tensor *t = k < 0 ? &g->output : &g->inputs[k];
		ir_tensor *u = k < 0 ? &s->output : &in[k];
		*u = *t;
		if (!(u->dims = arena_array(a, (size_t)t->rank + 1, sizeof(int64_t))))
			return NULL;
		for (int x = 0; x < t->rank; x++)
			u->dims[x] = set[t->index[x]] ? 1 : t->dims[x];
	}
	int any = 0;
	for (int k = 0; k < g->ninputs; k++) {
		int64_t *st = arena_array(a, (size_t)in[k].rank + 1, sizeof(int64_t));
		if (!st)
			return NULL;
		whole_strides(g, k, st);
		s->strides[k] = dense_window(&in[k], st) ? NULL : st;
		any |= s->strides[k] != NULL;
	}
	s->strides[g->ninputs] = NULL; /* each slice writes its part densely */
	if (!any)
		s->strides = NULL;
	return s;
}

/* Flags in "set" the labels "text" names (commas between them allowed);
 * a label "g" lacks, or one named twice, is an error with a caret. */
static einc_status parse_labels(einc_ctx *ctx, const ir_graph *g, const char *text,
                                unsigned char *set)
{
	size_t n = strlen(text);
	int any = 0;
	for (size_t at = 0; at < n;) {
		if (text[at] == ',') {
			at++;
			continue;
		}
		size_t len = text_utf8_len(text + at, n - at);
		int i = len ? ir_graph_find_index(g, text + at, len) : -1;
		if (i < 0)
			return ctx_fail_at(ctx, EINC_EINVAL, "slice", "slice", text, at,
			                   "no such label in the spec (expected labels of "
			                   "the spec, as 'ab' or 'a,b')");
		if (set[i])
			return ctx_fail_at(ctx, EINC_EINVAL, "slice", "slice", text, at,
			                   "label named twice");
		set[i] = 1;
		any = 1;
		at += len;
	}
	if (!any)
		return ctx_fail(ctx, EINC_EINVAL, "slice",
		                "no label given (expected 'auto' or labels of the spec)");
	return EINC_OK;
}

/* The number of slices of "set", or -1 above INT64_MAX. */
static int64_t count_slices(const ir_graph *g, const unsigned char *set)
{
	int64_t n = 1;
	for (int i = 0; i < g->nindices; i++)
		if (set[i] && __builtin_mul_overflow(n, g->indices[i].size, &n))
			return -1;
	return n;
}

/* The pairwise steps of "p" as a new path in "a" (unary steps dropped, to
 * be chosen again for other sizes), or NULL when out of memory. */
static path *pairwise(arena *a, const path *p)
{
	path *q = path_new(a, p->n);
	int *alias = arena_array(a, (size_t)(p->n + p->nsteps) + 1, sizeof(int));
	if (!q || !alias)
		return NULL;
	if (p->n > 1)
		q->nsteps = path_pairs(p, q->step, alias);
	else
		memcpy(q->step, p->step, sizeof(*p->step) * (size_t)(q->nsteps = p->nsteps));
	return q;
}

/* Fills "c" with path "p" (its pairwise steps; unary ones added back for
 * the sliced sizes) run on each slice of "set"; "sizes" has room for every
 * id of the path. */
static einc_status evaluate(einc_ctx *ctx, arena *a, const ir_graph *g, const unsigned char *set,
                            const path *p, const path_options *po, path_cost *sizes,
                            slice_cost *c)
{
	ir_graph *s = sliced_graph(a, g, set);
	path_problem *prob;
	path *q = s ? pairwise(a, p) : NULL;
	if (!q)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	einc_status st = path_problem_from_graph(ctx, a, s, &prob);
	if (!st)
		st = path_complete(ctx, prob, po, q);
	if (!st)
		st = path_sizes(ctx, prob, q, sizes);
	if (st)
		return st;
	c->path = q;
	c->flops = q->flops;
	c->largest = q->largest;
	c->sizes = 0;
	for (int id = q->n; id < q->n + q->nsteps; id++)
		c->sizes = path_cost_add(c->sizes, sizes[id]);
	c->nslices = count_slices(g, set);
	c->total = path_cost_double(q->flops) * (double)c->nslices;
	return EINC_OK;
}

/* The path the search finds for one slice of "set" into "c" (as evaluate). */
static einc_status search(einc_ctx *ctx, arena *a, const ir_graph *g, const unsigned char *set,
                          const path_options *po, path_cost *sizes, slice_cost *c)
{
	ir_graph *s = sliced_graph(a, g, set);
	if (!s)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	path_problem *prob;
	path_canon *canon;
	path *found;
	einc_status st = pass_canon(ctx, a, s, po, &prob, &canon);
	if (!st)
		st = path_canon_search(ctx, a, prob, canon, po, &found);
	return st ? st : evaluate(ctx, a, g, set, found, po, sizes, c);
}

/* The search again for one slice of "set" (as search), with "cap" its
 * largest intermediate capped at the goal's target size: EINC_EBUDGET when
 * no tree the search finds fits it. */
static einc_status research(einc_ctx *ctx, arena *a, const ir_graph *g, const unsigned char *set,
                            const slice_goal *goal, const path_options *po, int cap,
                            path_cost *sizes, slice_cost *c)
{
	path_options capped = *po;
	if (cap && goal->target_size &&
	    (!po->max_intermediate || goal->target_size < po->max_intermediate))
		capped.max_intermediate = goal->target_size;
	einc_status st = search(ctx, a, g, set, &capped, sizes, c);
	if (st == EINC_EBUDGET)
		ctx_ok(ctx);
	return st;
}

/* Whether "c" meets the goal: its slices' largest intermediate and count. */
static int meets(const slice_goal *goal, const slice_cost *c)
{
	return (!goal->target_size || c->largest <= goal->target_size) &&
	       c->nslices >= goal->target_slices;
}

/* How much adding an index that turns "from" into "to" pays, per flop
 * added (the slices' flops together, in logs): the shrink of the largest
 * intermediate into "*big", of the sum of all results into "*all" (for
 * when no index shrinks the largest: several share its size); only the
 * flops, negated, into both when the goal asks for slices alone. */
static void score(const slice_goal *goal, const slice_cost *from, const slice_cost *to,
                  double *big, double *all)
{
	double added = log(to->total / from->total);
	if (!goal->target_size || from->largest <= goal->target_size) {
		*big = *all = -added;
		return;
	}
	added = added > 1e-9 ? added : 1e-9;
	*big = log(path_cost_double(from->largest) / path_cost_double(to->largest)) / added;
	*all = log(path_cost_double(from->sizes) / path_cost_double(to->sizes)) / added;
}

/* How many input tensors of "g" hold index "i" with extent > 1. */
static int holders(const ir_graph *g, int i)
{
	int n = 0;
	for (int k = 0; k < g->ninputs; k++)
		for (int x = 0; x < g->inputs[k].rank; x++)
			if (g->inputs[k].index[x] == i && g->inputs[k].dims[x] > 1) {
				n++;
				break;
			}
	return n;
}

/* The next index to slice after "cur" (set "set") for the goal's method
 * into "*pick", or -1 when none helps; candidates are costed in an arena
 * of their own. */
static einc_status choose(einc_ctx *ctx, const ir_graph *g, unsigned char *set,
                          const slice_goal *goal, const slice_cost *cur,
                          const path_options *po, path_cost *sizes, int *pick)
{
	/* for size, only what shrinks; for slices alone, the least flops */
	double top = goal->target_size && cur->largest > goal->target_size ? 0 : -INFINITY;
	double top_all = 0;
	int most = 0, pick_all = -1;
	einc_status st = EINC_OK;
	*pick = -1;
	for (int i = 0; !st && i < g->nindices; i++) {
		if (set[i] || g->indices[i].size < 2)
			continue;
		set[i] = 1;
		arena *tmp = count_slices(g, set) < 0 ? NULL : arena_new();
		slice_cost c;
		st = !tmp ? EINC_OK : evaluate(ctx, tmp, g, set, cur->path, po, sizes, &c);
		set[i] = 0;
		arena_free(tmp);
		if (!tmp || st)
			continue;
		double big, all;
		score(goal, cur, &c, &big, &all);
		int h = holders(g, i);
		if (goal->method == SLICE_MOST_SHARED
		    ? h > most || (h == most && *pick >= 0 && g->indices[i].size > g->indices[*pick].size)
		    : big > top) {
			top = big;
			most = h;
			*pick = i;
		}
		if (all > top_all) {
			top_all = all;
			pick_all = i;
		}
	}
	if (*pick < 0 && goal->method == SLICE_GREEDY)
		*pick = pick_all;
	return st;
}

/* The labels of "set" as text, for messages: "a b c". give, free(). */
static char *set_labels(const ir_graph *g, const unsigned char *set)
{
	strbuf b = {0};
	int any = 0;
	for (int i = 0; i < g->nindices; i++)
		if (set[i])
			strbuf_printf(&b, "%s%s", any++ ? " " : "", g->indices[i].name);
	if (!any)
		strbuf_printf(&b, "none");
	return strbuf_take(&b);
}

/* Picks the indices for "goal" by its method into "set", the chosen
 * cost into "*cur" (starting from the unsliced one). */
static einc_status pick_labels(einc_ctx *ctx, arena *a, const ir_graph *g, unsigned char *set,
                               const slice_goal *goal, const path_options *po,
                               path_cost *sizes, slice_cost *cur)
{
	while (!meets(goal, cur)) {
		int pick;
		slice_cost again;
		einc_status st = choose(ctx, g, set, goal, cur, po, sizes, &pick);
		if (st)
			return st;
		if (pick < 0) {
			char *labels = set_labels(g, set);
			char num[48];
			st = ctx_fail(ctx, EINC_EBUDGET, "slice",
			              "no slicing reaches the targets: the best is %lld "
			              "slices (labels %s) with a largest intermediate of %s elements",
			              (long long)cur->nslices, labels ? labels : "?",
			              path_cost_str(cur->largest, num));
			free(labels);
			return st;
		}
		set[pick] = 1;
		if ((st = evaluate(ctx, a, g, set, cur->path, po, sizes, cur)))
			return st;
		if (goal->method == SLICE_MOST_SHARED)
			continue;
		for (int cap = 1; cap >= 0; cap--) {
			st = research(ctx, a, g, set, goal, po, cap, sizes, &again);
			if (st == EINC_EBUDGET)
				continue; /* no tree within the target yet */
			if (st)
				return st;
			if (meets(goal, &again) ? !meets(goal, cur) || again.total < cur->total
			                        : !meets(goal, cur) &&
			                          (again.largest < cur->largest ||
			                           (again.largest == cur->largest &&
			                            again.flops < cur->flops)))
				*cur = again;
		}
	}
	return EINC_OK;
}

/* The sliced indices of "set" in slice order into "s": output ones, then
 * summed ones, each by id. */
static einc_status order_indices(einc_ctx *ctx, arena *a, const ir_graph *g,
                                 const unsigned char *set, slicing *s)
{
	if (!(s->index = arena_array(a, (size_t)g->nindices + 1, sizeof(int))))
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	unsigned char *out = arena_alloc(a, (size_t)g->nindices + 1);
	if (!out)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	memset(out, 0, (size_t)g->nindices + 1);
	for (int x = 0; x < g->output.rank; x++)
		out[g->output.index[x]] = 1;
	for (int pass = 1; pass >= 0; pass--)
		for (int i = 0; i < g->nindices; i++)
			if (set[i] && out[i] == pass) {
				s->index[s->n++] = i;
				s->nsummed += !pass;
			}
	return EINC_OK;
}

einc_status pass_slice(einc_ctx *ctx, arena *a, const ir_graph *g, const path *full, const path_options *po, const slice_goal *goal,
                       slicing **out)
{
	if (g->empty_dims)
		return ctx_fail(ctx, EINC_EUNSUPPORTED, "slice",
		                "a label of size 0 leaves nothing to slice");
	if (!goal->labels && !goal->target_size && !goal->target_slices)
		return ctx_fail(ctx, EINC_EINVAL, "slice",
		                "'auto' needs a target (--target-size or --target-slices)");
	unsigned char *set = arena_alloc(a, (size_t)g->nindices + 1);
	path_cost *sizes = arena_array(a, 3 * (size_t)g->ninputs + 2, sizeof(path_cost));
	slicing *s = arena_alloc(a, sizeof(*s));
	if (!set || !sizes || !s)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	memset(set, 0, (size_t)g->nindices + 1);
	memset(s, 0, sizeof(*s));
	slice_cost cur;
	einc_status st = evaluate(ctx, a, g, set, full, po, sizes, &cur);
	if (st)
		return st;
	s->flops_full = cur.flops;
	s->largest_full = cur.largest;
	if (goal->labels) {
		if ((st = parse_labels(ctx, g, goal->labels, set)))
			return st;
		if (count_slices(g, set) < 0)
			return ctx_fail(ctx, EINC_EOVERFLOW, "slice", "more than 2^63 slices");
		st = search(ctx, a, g, set, po, sizes, &cur);
	} else {
		st = pick_labels(ctx, a, g, set, goal, po, sizes, &cur);
	}
	if (st)
		return st;
	s->nslices = cur.nslices;
	s->path = cur.path;
	s->flops = cur.flops;
	s->largest = cur.largest;
	if (goal->max_overhead > 0 && slice_overhead(s) > goal->max_overhead) {
		char *labels = set_labels(g, set);
		st = ctx_fail(ctx, EINC_EBUDGET, "slice",
		              "slicing %s costs %.4g times the unsliced flops, above "
		              "the limit of %.4g (--max-overhead)", labels ? labels : "?",
		              slice_overhead(s), goal->max_overhead);
		free(labels);
		return st;
	}
	if ((st = order_indices(ctx, a, g, set, s)))
		return st;
	if (!(s->graph = sliced_graph(a, g, set)))
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	*out = s;
	return EINC_OK;
}

double slice_overhead(const slicing *s)
{
	double full = path_cost_double(s->flops_full);
	return full > 0 ? path_cost_double(s->flops) * (double)s->nslices / full : 1;
}
