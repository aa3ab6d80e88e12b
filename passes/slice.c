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
 * less (or, in a second pass, the current tree's subtrees re-solved on
 * the sliced network: cotengra's slice and reconfigure). Rounds go on
 * until the targets are met. The plain baseline
 * (SLICE_MOST_SHARED, for the benchmark) takes the index most tensors
 * hold and keeps the tree.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "hash.h"
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

/* The key of a search for one slice of "set" of "g" with "o" into "key"
 * (room for RESEARCH_KEY + nindices / 64 words); its words. The first
 * word (all ones) tells it from a DP's (path_memo.c). */
enum { RESEARCH_KEY = 11 };
static size_t research_key(const ir_graph *g, const unsigned char *set, const path_options *o,
                           uint64_t *key)
{
	size_t w = 0;
	key[w++] = ~0ull;
	key[w++] = (uint64_t)o->method;
	key[w++] = o->seed;
	key[w++] = (uint64_t)o->trials;
	memcpy(&key[w++], &o->combo, sizeof(uint64_t));
	key[w++] = (uint64_t)o->max_intermediate;
	key[w++] = (uint64_t)(o->max_intermediate >> 64);
	key[w++] = (uint64_t)o->dp_work;
	key[w++] = (uint64_t)o->refine_work;
	key[w++] = (uint64_t)g->nindices;
	for (int i = 0; i < g->nindices; i++) {
		if (!(i & 63))
			key[w++] = 0;
		key[w - 1] |= (uint64_t)(set[i] != 0) << (i & 63);
	}
	return w;
}

/* The words of a search's outcome "st" and, when EINC_OK, "c" (its
 * path's costs and steps; the rest follows from the labels) into "v"
 * (room for 9 + 2 * its steps); their number. */
static size_t research_words(einc_status st, const slice_cost *c, uint64_t *v)
{
	size_t w = 0;
	v[w++] = (uint64_t)st;
	if (st)
		return w;
	const path *p = c->path;
	path_cost cost[3] = {c->sizes, p->largest, p->score};
	v[w++] = (uint64_t)p->n;
	for (int k = 0; k < 3; k++) {
		v[w++] = (uint64_t)cost[k];
		v[w++] = (uint64_t)(cost[k] >> 64);
	}
	v[w++] = (uint64_t)p->flops;
	v[w++] = (uint64_t)(p->flops >> 64);
	for (int s = 0; s < p->nsteps; s++) {
		v[w++] = (uint64_t)(int64_t)p->step[s][0];
		v[w++] = (uint64_t)(int64_t)p->step[s][1];
	}
	return w;
}

/* The outcome kept as research_words' "nv" words "v" for "set": its
 * status, and "*c" with its path in "a" when EINC_OK. */
static einc_status research_kept(einc_ctx *ctx, arena *a, const ir_graph *g,
                                 const unsigned char *set, const uint64_t *v, size_t nv,
                                 slice_cost *c)
{
	if (v[0])
		return (einc_status)v[0];
	path *p = path_new(a, (int)v[1]);
	if (!p)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	path_cost cost[4];
	for (int k = 0; k < 4; k++)
		cost[k] = (path_cost)v[2 + 2 * k] | (path_cost)v[3 + 2 * k] << 64;
	p->nsteps = (int)((nv - 10) / 2);
	for (int s = 0; s < p->nsteps; s++) {
		p->step[s][0] = (int)(int64_t)v[10 + 2 * s];
		p->step[s][1] = (int)(int64_t)v[11 + 2 * s];
	}
	p->largest = cost[1];
	p->score = cost[2];
	p->flops = cost[3];
	c->path = p;
	c->flops = p->flops;
	c->largest = p->largest;
	c->sizes = cost[0];
	c->nslices = count_slices(g, set);
	c->total = path_cost_double(p->flops) * (double)c->nslices;
	return EINC_OK;
}

/* The search again for one slice of "set" (as search), with "cap" its
 * largest intermediate capped at the goal's target size: EINC_EBUDGET when
 * no tree the search finds fits it (the exact search out of work under
 * the cap included). Its outcome is kept in po->memo and given again for
 * the same labels and options (the search is a function of them). */
static einc_status research(einc_ctx *ctx, arena *a, const ir_graph *g, const unsigned char *set,
                            const slice_goal *goal, const path_options *po, int cap,
                            path_cost *sizes, slice_cost *c)
{
	path_options capped = *po;
	if (cap && goal->target_size &&
	    (!po->max_intermediate || goal->target_size < po->max_intermediate))
		capped.max_intermediate = goal->target_size;
	uint64_t *key = arena_array(a, RESEARCH_KEY + (size_t)g->nindices / 64, sizeof(uint64_t));
	if (!key)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	size_t nkey = research_key(g, set, &capped, key), nv;
	const uint64_t *kept = path_memo_find(po->memo, key, nkey, &nv);
	if (kept)
		return research_kept(ctx, a, g, set, kept, nv, c);
	einc_status st = search(ctx, a, g, set, &capped, sizes, c);
	if (st == EINC_EUNSUPPORTED && capped.max_intermediate != po->max_intermediate)
		st = EINC_EBUDGET;
	if (st == EINC_EBUDGET)
		ctx_ok(ctx);
	uint64_t *v = po->memo && (!st || st == EINC_EBUDGET)
	              ? arena_array(a, 10 + 2 * (st ? 0 : (size_t)c->path->nsteps), sizeof(uint64_t))
	              : NULL;
	if (v)
		path_memo_keep(po->memo, key, nkey, v, research_words(st, c, v));
	return st;
}

/* The reconfiguration's work per tree, window DP pair evaluations: a
 * bound for the largest networks (on the corpus's circuits at --scale 4
 * it finds what an unbounded one does) */
#define SLICE_RECONFIGURE_WORK 1000000

/* "*c" (the labels "set" on a tree, as evaluate) with that tree's
 * subtrees re-solved under the goal's target size (path_search_refine:
 * cotengra's subtree reconfiguration, on the sliced network), where that
 * costs fewer flops and keeps the largest intermediate within the target
 * or "*c"'s. */
static einc_status reconfigure(einc_ctx *ctx, arena *a, const ir_graph *g,
                               const unsigned char *set, const slice_goal *goal,
                               const path_options *po, path_cost *sizes, slice_cost *c)
{
	path_options capped = *po;
	if (goal->target_size &&
	    (!po->max_intermediate || goal->target_size < po->max_intermediate))
		capped.max_intermediate = goal->target_size;
	capped.refine_work = SLICE_RECONFIGURE_WORK;
	ir_graph *s = sliced_graph(a, g, set);
	path_problem *prob;
	path *p = c->path;
	slice_cost r;
	if (!s)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	einc_status st = path_problem_from_graph(ctx, a, s, &prob);
	if (!st)
		st = path_search_refine(ctx, a, prob, &capped, &p);
	if (st || p == c->path || (st = evaluate(ctx, a, g, set, p, po, sizes, &r)))
		return st;
	if (r.total < c->total &&
	    (r.largest <= c->largest || (goal->target_size && r.largest <= goal->target_size)))
		*c = r;
	return EINC_OK;
}

/* Whether "c" meets the goal: its slices' largest intermediate and count. */
static int meets(const slice_goal *goal, const slice_cost *c)
{
	return (!goal->target_size || c->largest <= goal->target_size) &&
	       c->nslices >= goal->target_slices;
}

/* Whether "to" is a better cost for the same labels than "from": one that
 * meets the goal at fewer flops, or, while neither meets it, a smaller
 * largest intermediate (or as large at fewer flops). */
static int improves(const slice_goal *goal, const slice_cost *to, const slice_cost *from)
{
	if (meets(goal, to))
		return !meets(goal, from) || to->total < from->total;
	return !meets(goal, from) &&
	       (to->largest < from->largest ||
	        (to->largest == from->largest && to->flops < from->flops));
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

/* The rank of the step from "from" to "to" (higher is better): one that
 * meets the goal by its flops, above one that shrinks the largest
 * intermediate by its score, above one that shrinks the sum of results. */
static double step_rank(const slice_goal *goal, const slice_cost *from, const slice_cost *to)
{
	if (meets(goal, to))
		return 1e300 / to->total;
	double big, all;
	score(goal, from, to, &big, &all);
	if (big > 0 || !goal->target_size || from->largest <= goal->target_size)
		return big;
	return all > 0 ? -1 / all : -INFINITY;
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

/* The error for a goal no slicing reached; "set" and "c" the best tried. */
static einc_status unreached(einc_ctx *ctx, const ir_graph *g, const unsigned char *set,
                             const slice_cost *c)
{
	char *labels = set_labels(g, set);
	char num[48];
	einc_status st = ctx_fail(ctx, EINC_EBUDGET, "slice",
	                          "no slicing reaches the targets: the best is %lld "
	                          "slices (labels %s) with a largest intermediate of %s elements",
	                          (long long)c->nslices, labels ? labels : "?",
	                          path_cost_str(c->largest, num));
	free(labels);
	return st;
}

/* The plain baseline (SLICE_MOST_SHARED): the index most input tensors
 * hold next (the larger on ties), the tree kept, until the goal is met. */
static einc_status most_shared(einc_ctx *ctx, arena *a, const ir_graph *g, unsigned char *set,
                               const slice_goal *goal, const path_options *po,
                               path_cost *sizes, slice_cost *cur)
{
	while (!meets(goal, cur)) {
		int pick = -1, most = 0;
		for (int i = 0; i < g->nindices; i++) {
			if (set[i] || g->indices[i].size < 2)
				continue;
			set[i] = 1;
			int fits = count_slices(g, set) >= 0;
			set[i] = 0;
			int h = holders(g, i);
			if (fits && (h > most || (h == most && pick >= 0 &&
			                          g->indices[i].size > g->indices[pick].size))) {
				most = h;
				pick = i;
			}
		}
		if (pick < 0)
			return unreached(ctx, g, set, cur);
		set[pick] = 1;
		einc_status st = evaluate(ctx, a, g, set, cur->path, po, sizes, cur);
		if (st)
			return st;
	}
	return EINC_OK;
}

/*
 * The planner's search (SLICE_GREEDY), as cotengra's SliceFinder with its
 * reconfiguration: greedy runs from several start trees (the unsliced
 * path, and paths searched with a cap on the largest intermediate between
 * the unsliced one and the target), SLICE_RUNS per start: the first two
 * plain, the others with Gumbel noise of temperature SLICE_TEMPERATURE on
 * the candidates' scores. Each round scores every index on the current
 * tree, re-searches the tree for the SLICE_RESEARCHED best (capped at the
 * target, else uncapped) and takes the one whose searched tree pays most;
 * a run that meets the goal then drops each label whose removal still
 * meets it at fewer flops, while that pays. The searches of candidates
 * are the path search's greedy of SLICE_TRIALS trials; the first run from
 * the unsliced tree also searches each pick with the planner's search
 * ("po"), and the best labels get that search last. The runs and the
 * exchange of labels from their best go in SLICE_PASSES passes: in the
 * second each candidate's tree (the current one on the new labels) is
 * also reconfigured (reconfigure: cotengra's slice and reconfigure,
 * which keeps the tree's good structure where a search from scratch
 * loses it); the cheaper pass's labels are kept, so the second pass only
 * adds.
 */
enum { SLICE_RUNS = 4, SLICE_RESEARCHED = 3, SLICE_CAPPED_STARTS = 2, SLICE_TRIALS = 8,
       SLICE_PASSES = 2 };
/* The exact search's reach in the planner: tensors, and splits evaluated
 * (about 1 s of CPU on 16 tensors) */
enum { SLICE_EXACT_TENSORS = 16 };
#define SLICE_EXACT_WORK 1000000000
#define SLICE_TEMPERATURE 0.3
/* The exchange of labels: on networks of at most this many tensors each
 * set's tree is the planner's search (its exact DP, a few ms a set),
 * beyond them the candidates' greedy; trees searched at most, and at most
 * this many tensors times trees (a greedy search costs about its tensors) */
enum { SLICE_EXCHANGE_TENSORS = 24, SLICE_EXCHANGE_TRIES = 1000,
       SLICE_EXCHANGE_TENSOR_TREES = 40000 };

typedef struct {
	einc_ctx *ctx;
	const ir_graph *g;
	const slice_goal *goal;
	path_options fast;   /* the candidates' searches */
	const path_options *full; /* the plain run's search of each pick; NULL */
	int reconf;          /* candidates' trees also reconfigured (reconfigure) */
	path_cost *sizes;
	double *key;         /* per index: its score this round */
	uint64_t rng;
} finder;

/* The next draw in (0, 1) of the generator of state "*s" (lcg64; its
 * high bits only). */
static double draw(uint64_t *s)
{
	return ((double)(lcg64(s) >> 11) + 0.5) * 0x1.0p-53;
}

/* The cost of the labels "set" into "*c": "from"'s tree evaluated on them
 * (and reconfigured where f->reconf), or the tree search "po" finds
 * (capped at the target, else not) where that improves on it. */
static einc_status cost_of(finder *f, arena *a, unsigned char *set, const slice_cost *from,
                          const path_options *po, slice_cost *c)
{
	einc_status st = evaluate(f->ctx, a, f->g, set, from->path, po, f->sizes, c);
	if (!st && f->reconf)
		st = reconfigure(f->ctx, a, f->g, set, f->goal, po, f->sizes, c);
	for (int cap = 1; !st && cap >= 0; cap--) {
		slice_cost again;
		st = research(f->ctx, a, f->g, set, f->goal, po, cap, f->sizes, &again);
		if (st == EINC_EBUDGET) {
			st = EINC_OK;
			continue;
		}
		if (!st && improves(f->goal, &again, c))
			*c = again;
		if (meets(f->goal, c))
			break;
	}
	return st;
}

/* Scores each index that could be sliced next on "cur"'s tree into
 * f->key (-INFINITY: not a candidate), with noise of temperature "temp". */
static einc_status rank_indices(finder *f, unsigned char *set, const slice_cost *cur,
                                double temp)
{
	const ir_graph *g = f->g;
	double top = 0;
	for (int i = 0; i < g->nindices; i++) {
		f->key[i] = -INFINITY;
		if (set[i] || g->indices[i].size < 2)
			continue;
		set[i] = 1;
		arena *tmp = count_slices(g, set) < 0 ? NULL : arena_new();
		slice_cost c;
		einc_status st = !tmp ? EINC_OK
		                 : evaluate(f->ctx, tmp, g, set, cur->path, &f->fast, f->sizes, &c);
		set[i] = 0;
		arena_free(tmp);
		if (st)
			return st;
		if (tmp)
			f->key[i] = step_rank(f->goal, cur, &c);
		if (isfinite(f->key[i]) && fabs(f->key[i]) > top)
			top = fabs(f->key[i]);
	}
	for (int i = 0; temp > 0 && i < g->nindices; i++)
		if (isfinite(f->key[i]))
			f->key[i] -= temp * top * log(-log(draw(&f->rng)));
	return EINC_OK;
}

/* One greedy run (see above) from "*cur" (no labels sliced) in arena "a"
 * with noise "temp", its labels into "set": "*met" says whether it met
 * the goal (below "bound" total flops: a run that passes it stops). */
static einc_status greedy_run(finder *f, arena *a, unsigned char *set, slice_cost *cur,
                              double temp, double bound, int *met)
{
	const ir_graph *g = f->g;
	*met = 0;
	while (!meets(f->goal, cur)) {
		einc_status st = rank_indices(f, set, cur, temp);
		if (st)
			return st;
		int pick = -1;
		slice_cost best;
		double best_rank = -INFINITY;
		for (int k = 0; k < SLICE_RESEARCHED; k++) {
			int top = -1;
			for (int i = 0; i < g->nindices; i++)
				if (isfinite(f->key[i]) && (top < 0 || f->key[i] > f->key[top]))
					top = i;
			if (top < 0)
				break;
			f->key[top] = -INFINITY;
			slice_cost c;
			set[top] = 1;
			st = cost_of(f, a, set, cur, &f->fast, &c);
			set[top] = 0;
			if (st)
				return st;
			double r = step_rank(f->goal, cur, &c);
			if (pick < 0 || r > best_rank) {
				pick = top;
				best = c;
				best_rank = r;
			}
		}
		if (pick < 0 || best_rank == -INFINITY || best.total >= bound)
			return EINC_OK;
		set[pick] = 1;
		*cur = best;
		if (f->full && (st = cost_of(f, a, set, cur, f->full, &best)))
			return st;
		*cur = best;
	}
	for (int dropped = 1; dropped;) {
		dropped = 0;
		for (int i = 0; i < g->nindices; i++) {
			if (!set[i])
				continue;
			slice_cost c;
			set[i] = 0;
			einc_status st = research(f->ctx, a, g, set, f->goal, &f->fast, 1, f->sizes, &c);
			if (st && st != EINC_EBUDGET)
				return st;
			if (!st && meets(f->goal, &c) && c.total < cur->total) {
				*cur = c;
				dropped = 1;
			} else {
				set[i] = 1;
			}
		}
	}
	*met = cur->total < bound;
	return EINC_OK;
}

/* "p" copied into arena "a", or NULL when out of memory. */
static path *path_copy(arena *a, const path *p)
{
	path *q = path_new(a, p->n);
	if (q) {
		memcpy(q->step, p->step, sizeof(*p->step) * (size_t)p->nsteps);
		q->nsteps = p->nsteps;
		q->flops = p->flops;
		q->largest = p->largest;
		q->score = p->score;
	}
	return q;
}

/* The start trees' costs (no label sliced) into "starts" (room for
 * 1 + SLICE_CAPPED_STARTS), the unsliced "*full" first; their count. */
static int start_trees(finder *f, arena *a, unsigned char *set, const slice_cost *full,
                       slice_cost *starts)
{
	int n = 0;
	starts[n++] = *full;
	if (!f->goal->target_size || full->largest <= f->goal->target_size)
		return n;
	double l = path_cost_double(full->largest), t = path_cost_double(f->goal->target_size);
	for (int j = 1; j <= SLICE_CAPPED_STARTS; j++) {
		path_options capped = f->fast;
		capped.max_intermediate = (path_cost)(l * pow(t / l, (double)j /
		                                              (SLICE_CAPPED_STARTS + 1)));
		if (capped.max_intermediate < 1 || capped.max_intermediate >= full->largest)
			continue;
		einc_status st = search(f->ctx, a, f->g, set, &capped, f->sizes, &starts[n]);
		if (st == EINC_EBUDGET)
			ctx_ok(f->ctx);
		else if (!st)
			n++;
	}
	return n;
}

/* "*c" for the labels "set", replaced by the planner's search "po" for
 * them, capped at the target, then not, where that improves on it. */
static einc_status research_best(einc_ctx *ctx, arena *a, const ir_graph *g, unsigned char *set,
                                 const slice_goal *goal, const path_options *po,
                                 path_cost *sizes, slice_cost *c)
{
	for (int cap = 1; cap >= 0; cap--) {
		slice_cost again;
		einc_status st = research(ctx, a, g, set, goal, po, cap, sizes, &again);
		if (st == EINC_EBUDGET)
			continue;
		if (st)
			return st;
		if (improves(goal, &again, c))
			*c = again;
	}
	return EINC_OK;
}

/* Networks of at most SLICE_EXACT_TENSORS tensors: the labels of the
 * least flops any slicing that meets "goal" can have, a step that sums
 * only sliced labels counted as summing (slice_exact, within
 * SLICE_EXACT_WORK splits; where those do not settle it, the cheapest
 * set it found), into "set" and their cost, the tree searched
 * as the greedy runs' best (capped, then not), into "*best" where that
 * meets the goal at fewer flops than "*best". A set is only found below
 * "*best"'s flops, which its measure is at most. */
static einc_status exact_labels(einc_ctx *ctx, arena *a, const ir_graph *g, unsigned char *set,
                                const slice_goal *goal, const path_options *po,
                                path_cost *sizes, slice_cost *best)
{
	path_problem *prob;
	uint64_t bits;
	if (g->ninputs > SLICE_EXACT_TENSORS || g->nindices > 64)
		return EINC_OK;
	einc_status st = path_problem_from_graph(ctx, a, g, &prob);
	if (st)
		return st;
	double target = goal->target_size ? path_cost_double(goal->target_size) : INFINITY;
	int settled;
	slice_exact(prob, target, (double)goal->target_slices, best->total, SLICE_EXACT_WORK, 1,
	            &bits, &settled);
	unsigned char *exact = arena_alloc(a, (size_t)g->nindices + 1);
	if (!exact)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	for (int i = 0; i <= g->nindices; i++)
		exact[i] = i < g->nindices && bits >> i & 1;
	slice_cost c = {.total = INFINITY, .largest = PATH_COST_MAX};
	if (bits && (st = research_best(ctx, a, g, exact, goal, po, sizes, &c)))
		return st;
	if (meets(goal, &c) && c.total < best->total) {
		*best = c;
		memcpy(set, exact, (size_t)g->nindices + 1);
	}
	return EINC_OK;
}

/* From "set" and its cost "*best" (meeting "goal"), the exchange of
 * labels: each round tries every label dropped, every label not sliced
 * added, and every pair of the two (one out, one in), each with the
 * tree search "po" capped at the target, and moves to the cheapest that
 * meets the goal below "*best"; rounds go on while one pays, for at most
 * SLICE_EXCHANGE_TRIES trees in all (fewer on networks of more than
 * SLICE_EXCHANGE_TENSOR_TREES / SLICE_EXCHANGE_TRIES tensors, a round
 * cut short moving to the cheapest it tried). A local search
 * with the tree chosen anew per set: it leaves the greedy runs' path
 * when their pick order, not the labels, held them back. A set whose
 * slices together cost less than "unsliced" (the unsliced path's flops)
 * is not taken: that is opt_einsum's measure counting a step whose
 * summed labels are all sliced as half (the slices' parts are then added
 * up outside it), not a saving. */
static einc_status exchange_labels(einc_ctx *ctx, arena *a, const ir_graph *g, unsigned char *set,
                                   const slice_goal *goal, const path_options *po,
                                   double unsliced, path_cost *sizes, slice_cost *best)
{
	int ni = g->nindices, tries = 0, most = SLICE_EXCHANGE_TENSOR_TREES / g->ninputs;
	if (most > SLICE_EXCHANGE_TRIES)
		most = SLICE_EXCHANGE_TRIES;
	unsigned char *move = arena_alloc(a, (size_t)ni + 1);
	if (!move)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	for (int moved = 1; moved && tries < most;) {
		moved = 0;
		int out_best = -1, in_best = -1;
		slice_cost round = *best;
		/* "out" is dropped (-1: none), "in" added (-1: none) */
		for (int out = -1; out < ni && tries < most; out++)
			for (int in = -1; in < ni && tries < most; in++) {
				if ((out < 0 && in < 0) || (out >= 0 && !set[out]) ||
				    (in >= 0 && (set[in] || g->indices[in].size < 2)))
					continue;
				memcpy(move, set, (size_t)ni + 1);
				if (out >= 0)
					move[out] = 0;
				if (in >= 0)
					move[in] = 1;
				if (count_slices(g, move) < 0)
					continue;
				arena *tmp = arena_new();
				if (!tmp)
					return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
				slice_cost c;
				einc_status st = research(ctx, tmp, g, move, goal, po, 1, sizes, &c);
				tries++;
				if (!st && meets(goal, &c) && c.total < round.total && c.total >= unsliced) {
					if (!(c.path = path_copy(a, c.path))) {
						arena_free(tmp);
						return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
					}
					round = c;
					out_best = out;
					in_best = in;
				}
				arena_free(tmp);
				if (st && st != EINC_EBUDGET)
					return st;
			}
		if (round.total < best->total) {
			if (out_best >= 0)
				set[out_best] = 0;
			if (in_best >= 0)
				set[in_best] = 1;
			*best = round;
			moved = 1;
		}
	}
	return EINC_OK;
}

/* The greedy runs (see above) from the "nstarts" trees "starts",
 * SLICE_RUNS from each, their candidates' trees reconfigured where
 * f->reconf: the cheapest labels that meet the goal below "bound" total
 * flops into "set" and their cost (its path in "a") into "*best" (total
 * "bound": none did; then, without f->reconf, the first run's labels and
 * cost into "set" and "*last"). "run" has room for a set. */
static einc_status greedy_runs(finder *f, arena *a, const path_options *po,
                               const slice_cost *starts, int nstarts, double bound,
                               unsigned char *set, unsigned char *run, slice_cost *best,
                               slice_cost *last)
{
	size_t n = (size_t)f->g->nindices + 1;
	einc_status st = EINC_OK;
	best->total = bound;
	for (int s = 0; !st && s < nstarts; s++)
		for (int r = 0; !st && r < SLICE_RUNS; r++) {
			arena *tmp = arena_new();
			if (!tmp)
				return ctx_fail(f->ctx, EINC_ENOMEM, "slice", "out of memory");
			slice_cost c = starts[s];
			int met, k = (f->reconf * (1 + SLICE_CAPPED_STARTS) + s) * SLICE_RUNS + r;
			f->rng = po->seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(k + 1));
			memset(run, 0, n);
			f->full = s == 0 && r == 0 ? po : NULL;
			st = greedy_run(f, tmp, run, &c, r > 1 ? SLICE_TEMPERATURE : 0, best->total, &met);
			if (!st && met && !(best->path = path_copy(a, c.path)))
				st = ctx_fail(f->ctx, EINC_ENOMEM, "slice", "out of memory");
			if (!st && met) {
				c.path = best->path;
				*best = c;
				memcpy(set, run, n);
			} else if (!st && k == 0) {
				*last = c;
				memcpy(set, run, n);
			}
			arena_free(tmp);
		}
	return st;
}

/* Picks the labels for "goal" (SLICE_GREEDY, see above) into "set", the
 * chosen cost into "*cur" (the unsliced one on entry): SLICE_PASSES
 * passes of the greedy runs then the exchange of labels from their best
 * (each set's tree the planner's search "po" on networks of at most
 * SLICE_EXCHANGE_TENSORS tensors, the candidates' greedy beyond), the
 * second pass with the candidates' trees reconfigured (cotengra's
 * slice and reconfigure), its runs stopped past the first pass's flops
 * and its exchange only from a run below them; the cheaper pass's
 * labels, then on networks of at most SLICE_EXACT_TENSORS the exact set
 * where it is cheaper. */
static einc_status pick_labels(einc_ctx *ctx, arena *a, const ir_graph *g, unsigned char *set,
                               const slice_goal *goal, const path_options *po,
                               path_cost *sizes, slice_cost *cur)
{
	finder f = {.ctx = ctx, .g = g, .goal = goal, .fast = *po, .sizes = sizes,
	            .key = arena_array(a, (size_t)g->nindices + 1, sizeof(double))};
	size_t n = (size_t)g->nindices + 1;
	unsigned char *run = arena_alloc(a, n), *pass_set = arena_alloc(a, n);
	slice_cost starts[1 + SLICE_CAPPED_STARTS], best = {.total = INFINITY}, last = *cur;
	if (!f.key || !run || !pass_set)
		return ctx_fail(ctx, EINC_ENOMEM, "slice", "out of memory");
	f.fast.method = PATH_GREEDY;
	f.fast.trials = SLICE_TRIALS;
	int nstarts = start_trees(&f, a, set, cur, starts);
	einc_status st = EINC_OK;
	for (int pass = 0; !st && pass < SLICE_PASSES; pass++) {
		slice_cost c;
		f.reconf = pass;
		st = greedy_runs(&f, a, po, starts, nstarts, best.total, pass ? pass_set : set, run,
		                 &c, &last);
		if (!st && c.total < best.total)
			st = exchange_labels(ctx, a, g, pass ? pass_set : set, goal,
			                     g->ninputs <= SLICE_EXCHANGE_TENSORS ? po : &f.fast,
			                     cur->total, sizes, &c);
		if (!st && c.total < best.total) {
			best = c;
			if (pass)
				memcpy(set, pass_set, n);
		}
	}
	if (!st)
		st = exact_labels(ctx, a, g, set, goal, po, sizes, &best);
	if (st)
		return st;
	if (!isfinite(best.total))
		return unreached(ctx, g, set, &last);
	/* the best labels with the full search */
	if ((st = research_best(ctx, a, g, set, goal, po, sizes, &best)))
		return st;
	*cur = best;
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
		                "'auto' needs a target (--target-size, --target-slices or --budget)");
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
	} else if (goal->method == SLICE_MOST_SHARED) {
		st = most_shared(ctx, a, g, set, goal, po, sizes, &cur);
	} else {
		/* its searches refine the trees of sets a label apart: the window
		 * DPs recur, kept in a memo (without memory, none) */
		path_options kept = *po;
		kept.memo = path_memo_new();
		st = pick_labels(ctx, a, g, set, goal, &kept, sizes, &cur);
		path_memo_free(kept.memo);
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
