/*
 * path_refine.c - local refinement of a contraction tree (cotengra's
 * subtree reconfiguration): for each inner node v, most expensive first,
 * cut v's subtree at up to REFINE_LEAVES frontier nodes (expanding the most
 * expensive inner node each time), re-solve the top part exactly with the DP
 * (the frontier's index sets as tensors, v's indices as the output) and
 * splice in the result when it is cheaper. Windows grow at their costliest
 * node, or (the second rule, tried when the first finds nothing more) at
 * their largest one. Sweeps repeat until neither rule finds anything better
 * (at most REFINE_SWEEPS). A window none of whose nodes changed since it was
 * last tried is skipped, and so is one whose cost saturates (nothing to
 * compare). With o->refine_work, refinement stops once its window DPs have
 * made that many pair evaluations. A window DP solved before (o->memo,
 * path_memo.c) is answered from the memo, its work counted again.
 */
#include <stdlib.h>
#include <string.h>

#include "path.h"

#define REFINE_LEAVES 10
#define REFINE_SWEEPS 32

/* An inner node and its step score, for the sweep order. */
struct ranked {
	path_cost score;
	int v;
};

typedef struct {
	const path_problem *prob;
	const path_options *o;
	int n, nids;
	int *left, *right;   /* per node id: children, -1 for leaves */
	int root;
	int *ofs, *len;      /* per node: its index list in pool */
	int *pool;
	size_t cap, used, compact; /* pool size, use, use after the last annotate */
	path_cost *score;    /* per inner node: its step's objective */
	path_cost *size;     /* per node: its result's element count */
	int rule;            /* windows grow at the costliest (0) or largest (1) node */
	int64_t work;        /* pair evaluations of the window DPs so far */
	int64_t *mod, *tried, clock; /* per node: when its children last changed,
	                              * when it was last tried (-1 never) */
	struct ranked *order;
	int *stack, *count, *gmap;
	int (*steps)[2];
	/* the sub-problem */
	path_problem sub;
	int sub_start[REFINE_LEAVES + 1], *sub_index, sub_steps[REFINE_LEAVES][2];
	int64_t *sub_size;
	int *sub_count;     /* per local index: frontier lists holding it */
	unsigned char *sub_out;
} refine;

/* Writes the tree's steps in post-order into r->steps and each node's SSA
 * id into "ssa". */
static void post_order(refine *r, int *ssa)
{
	int top = 0, ns = 0;
	r->stack[top++] = r->root;
	/* Each node is pushed once; a negative entry marks "children done". */
	while (top) {
		int v = r->stack[--top];
		if (v < 0) {
			v = -v - 1;
			int a = ssa[r->left[v]], b = ssa[r->right[v]];
			r->steps[ns][0] = a < b ? a : b;
			r->steps[ns][1] = a < b ? b : a;
			ssa[v] = r->n + ns++;
			continue;
		}
		if (r->left[v] < 0) {
			ssa[v] = v;
			continue;
		}
		r->stack[top++] = -v - 1;
		r->stack[top++] = r->right[v];
		r->stack[top++] = r->left[v];
	}
}

/* Recomputes every node's index list and step score by replaying the tree
 * in post-order; -1 when out of memory. */
static int annotate(refine *r)
{
	const path_problem *p = r->prob;
	int *ssa = r->gmap + p->nindices, *node_of = ssa + r->nids;
	post_order(r, ssa);
	for (int v = 0; v < r->nids; v++)
		node_of[ssa[v]] = v;
	memset(r->count, 0, sizeof(int) * (size_t)p->nindices);
	size_t used = (size_t)p->start[r->n];
	for (int t = 0; t < r->n; t++) {
		r->ofs[t] = p->start[t];
		r->len[t] = p->start[t + 1] - p->start[t];
		for (int q = p->start[t]; q < p->start[t + 1]; q++)
			r->count[p->index[q]]++;
	}
	for (int s = 0; s < r->n - 1; s++) {
		int v = node_of[r->n + s], x = r->left[v], y = r->right[v];
		if (used + (size_t)r->len[x] + (size_t)r->len[y] > r->cap) {
			r->cap = 2 * (used + (size_t)r->len[x] + (size_t)r->len[y]);
			int *g = realloc(r->pool, sizeof(int) * r->cap);
			if (!g)
				return -1;
			r->pool = g;
		}
		path_cost f, sz;
		int m = path_step(p, r->count, r->pool + r->ofs[x], r->len[x], r->pool + r->ofs[y],
		                  r->len[y], r->pool + used, &f, &sz);
		for (int k = 0; k < r->len[x]; k++)
			r->count[r->pool[r->ofs[x] + k]]--;
		for (int k = 0; k < r->len[y]; k++)
			r->count[r->pool[r->ofs[y] + k]]--;
		for (int k = 0; k < m; k++)
			r->count[r->pool[used + k]]++;
		r->ofs[v] = (int)used;
		r->len[v] = m;
		used += (size_t)m;
		r->score[v] = path_step_score(f, sz, r->o->combo);
		r->size[v] = sz;
	}
	r->used = r->compact = used;
	return 0;
}

/* Orders ints ascending (qsort). */
static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Replaces the window at "v" (frontier "front", "nf" nodes; inner nodes
 * "inner") by the sub-path in r->sub_steps: step k reuses inner[k + 1], the
 * last one "v". The new nodes' index lists and scores come from replaying
 * the sub-path in the sub-problem (r->stack maps local ids to global ones,
 * in order); the rest of the tree is unchanged. -1 when out of memory. */
static int splice(refine *r, int v, const int *front, int nf, const int *inner)
{
	int slot[2 * REFINE_LEAVES], sofs[2 * REFINE_LEAVES], slen[2 * REFINE_LEAVES];
	int used = r->sub_start[nf];
	for (int k = 0; k < nf; k++) {
		slot[k] = front[k];
		sofs[k] = r->sub_start[k];
		slen[k] = r->sub_start[k + 1] - r->sub_start[k];
	}
	r->clock++;
	for (int k = 0; k < nf - 1; k++) {
		int u = k == nf - 2 ? v : inner[k + 1], x = r->sub_steps[k][0], y = r->sub_steps[k][1];
		path_cost f, sz;
		int *res = r->sub_index + used;
		int len = path_step(&r->sub, r->sub_count, r->sub_index + sofs[x], slen[x],
		                    r->sub_index + sofs[y], slen[y], res, &f, &sz);
		for (int q = 0; q < slen[x]; q++)
			r->sub_count[r->sub_index[sofs[x] + q]]--;
		for (int q = 0; q < slen[y]; q++)
			r->sub_count[r->sub_index[sofs[y] + q]]--;
		for (int q = 0; q < len; q++)
			r->sub_count[res[q]]++;
		sofs[nf + k] = used;
		slen[nf + k] = len;
		used += len;
		if (r->used + (size_t)len > r->cap) {
			r->cap = 2 * (r->used + (size_t)len);
			int *g = realloc(r->pool, sizeof(int) * r->cap);
			if (!g)
				return -1;
			r->pool = g;
		}
		r->ofs[u] = (int)r->used;
		r->len[u] = len;
		for (int q = 0; q < len; q++)
			r->pool[r->used + (size_t)q] = r->stack[res[q]];
		r->used += (size_t)len;
		r->score[u] = path_step_score(f, sz, r->o->combo);
		r->size[u] = sz;
		r->mod[u] = r->clock;
		slot[nf + k] = u;
		r->left[u] = slot[x];
		r->right[u] = slot[y];
	}
	/* Superseded lists pile up in the pool: compact it now and then. */
	return r->used > 2 * r->compact + 4096 ? annotate(r) : 0;
}

/* Tries to improve the subtree at inner node "v"; 1 improved, 0 not, -1
 * out of memory. */
static int improve_at(refine *r, einc_ctx *ctx, int v)
{
	int front[REFINE_LEAVES], inner[REFINE_LEAVES];
	int nf = 2, ni = 1;
	front[0] = r->left[v];
	front[1] = r->right[v];
	inner[0] = v;
	path_cost old = r->score[v];
	while (nf < REFINE_LEAVES) {
		int best = -1;
		for (int k = 0; k < nf; k++)
			if (r->left[front[k]] >= 0 && (best < 0 || (r->rule ?
			    r->size[front[k]] > r->size[front[best]] :
			    r->score[front[k]] > r->score[front[best]])))
				best = k;
		if (best < 0)
			break;
		int u = front[best];
		inner[ni++] = u;
		old = path_cost_add(old, r->score[u]);
		front[best] = r->left[u];
		front[nf++] = r->right[u];
	}
	if (nf < 3 || old == PATH_COST_MAX || (r->o->refine_work && r->work >= r->o->refine_work))
		return 0;
	/* Nothing in this window changed since "v" was last tried: skip. */
	int64_t *tried = r->tried + (size_t)r->rule * (size_t)r->nids;
	int fresh = tried[v] < 0;
	for (int k = 0; k < ni && !fresh; k++)
		fresh = r->mod[inner[k]] > tried[v];
	tried[v] = r->clock;
	if (!fresh)
		return 0;
	/* The sub-problem, with local index ids in global order so that every
	 * list stays sorted. */
	const path_problem *p = r->prob;
	int nl = 0, m = 0;
	for (int k = 0; k < nf; k++)
		for (int q = 0; q < r->len[front[k]]; q++) {
			int i = r->pool[r->ofs[front[k]] + q];
			if (r->gmap[i] < 0) {
				r->gmap[i] = 0;
				r->stack[nl++] = i;
			}
		}
	qsort(r->stack, (size_t)nl, sizeof(int), cmp_int);
	for (int k = 0; k < nl; k++) {
		r->gmap[r->stack[k]] = k;
		r->sub_size[k] = p->size[r->stack[k]];
		r->sub_out[k] = 0;
		r->sub_count[k] = 0;
	}
	for (int k = 0; k < nf; k++) {
		r->sub_start[k] = m;
		for (int q = 0; q < r->len[front[k]]; q++) {
			r->sub_index[m] = r->gmap[r->pool[r->ofs[front[k]] + q]];
			r->sub_count[r->sub_index[m++]]++;
		}
	}
	r->sub_start[nf] = m;
	for (int q = 0; q < r->len[v]; q++)
		r->sub_out[r->gmap[r->pool[r->ofs[v] + q]]] = 1;
	for (int k = 0; k < nl; k++)
		r->gmap[r->stack[k]] = -1;
	r->sub.n = nf;
	r->sub.nindices = nl;
	path_options so = *r->o;
	so.dp_work = 0;
	int st = path_dp_solve_memo(so.memo, &r->sub, &so, old, PATH_DP_CONNECTED, r->sub_steps,
	                           &r->work);
	if (st < 0)
		return -1;
	if (st)
		return 0;
	path sp = {.n = nf, .nsteps = nf - 1, .step = r->sub_steps};
	if (path_evaluate(ctx, &r->sub, r->o->combo, &sp))
		return -1;
	if (sp.score >= old)
		return 0;
	return splice(r, v, front, nf, inner) ? -1 : 1;
}

/* Orders inner nodes by step score, highest first, then by id. */
static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->v > b->v) - (a->v < b->v);
}

/* Allocates the workspace of "r"; -1 when out of memory. */
static int refine_init(refine *r, const path_problem *p, const path_options *o, const path *t)
{
	memset(r, 0, sizeof(*r));
	r->prob = p;
	r->o = o;
	r->n = p->n;
	r->nids = 2 * p->n - 1;
	size_t nids = (size_t)r->nids, ni = (size_t)p->nindices + 1;
	r->cap = 2 * (size_t)p->start[p->n] + 16;
	r->left = malloc(sizeof(int) * nids);
	r->right = malloc(sizeof(int) * nids);
	r->ofs = malloc(sizeof(int) * nids);
	r->len = malloc(sizeof(int) * nids);
	r->pool = malloc(sizeof(int) * r->cap);
	r->score = calloc(nids, sizeof(path_cost));
	r->mod = calloc(nids, sizeof(int64_t));
	r->tried = malloc(sizeof(int64_t) * 2 * nids);
	r->size = calloc(nids, sizeof(path_cost));
	r->order = malloc(sizeof(*r->order) * nids);
	r->stack = malloc(sizeof(int) * (nids + ni));
	r->count = malloc(sizeof(int) * ni);
	r->gmap = malloc(sizeof(int) * (ni + 3 * nids));
	r->steps = malloc(sizeof(*r->steps) * nids);
	r->sub_index = malloc(sizeof(int) * ni * 2 * REFINE_LEAVES);
	r->sub_size = malloc(sizeof(int64_t) * ni);
	r->sub_count = malloc(sizeof(int) * ni);
	r->sub_out = malloc(ni);
	if (!r->left || !r->right || !r->ofs || !r->len || !r->pool || !r->score || !r->order ||
	    !r->stack || !r->count || !r->gmap || !r->steps || !r->sub_index || !r->sub_size || !r->sub_count ||
	    !r->sub_out || !r->mod || !r->tried || !r->size)
		return -1;
	for (size_t v = 0; v < 2 * nids; v++)
		r->tried[v] = -1;
	memcpy(r->pool, p->index, sizeof(int) * (size_t)p->start[p->n]);
	for (size_t i = 0; i < ni; i++)
		r->gmap[i] = -1;
	for (int v = 0; v < r->nids; v++)
		r->left[v] = r->right[v] = -1;
	/* Unary steps are dropped (path_add_unary redoes them): "alias" maps
	 * each SSA id of "t" to its tree node. */
	int *alias = r->gmap + ni, k = p->n;
	for (int v = 0; v < p->n; v++)
		alias[v] = v;
	for (int s = 0; s < t->nsteps; s++) {
		if (t->step[s][1] < 0) {
			alias[p->n + s] = alias[t->step[s][0]];
			continue;
		}
		r->left[k] = alias[t->step[s][0]];
		r->right[k] = alias[t->step[s][1]];
		alias[p->n + s] = k++;
	}
	r->root = r->nids - 1;
	r->sub.size = r->sub_size;
	r->sub.start = r->sub_start;
	r->sub.index = r->sub_index;
	r->sub.out = r->sub_out;
	return 0;
}

/* Frees the workspace of "r". */
static void refine_fini(refine *r)
{
	free(r->left);
	free(r->right);
	free(r->ofs);
	free(r->len);
	free(r->pool);
	free(r->score);
	free(r->mod);
	free(r->tried);
	free(r->size);
	free(r->order);
	free(r->stack);
	free(r->count);
	free(r->gmap);
	free(r->steps);
	free(r->sub_index);
	free(r->sub_size);
	free(r->sub_count);
	free(r->sub_out);
}

/* Sweeps over the inner nodes, most expensive first, until no change. */
einc_status path_search_refine(einc_ctx *ctx, arena *a, const path_problem *prob,
                               const path_options *o, path **p)
{
	if (prob->n < 4)
		return ctx_ok(ctx);
	refine r;
	int oom = refine_init(&r, prob, o, *p) || annotate(&r);
	/* Sweeps with one window rule until it finds nothing, then the other;
	 * done when a whole sweep of each finds nothing. */
	for (int sweep = 0, quiet = 0; !oom && quiet < 2 && sweep < REFINE_SWEEPS; sweep++) {
		int changed = 0, ninner = r.n - 1;
		for (int k = 0; k < ninner; k++)
			r.order[k] = (struct ranked){r.score[r.n + k], r.n + k};
		qsort(r.order, (size_t)ninner, sizeof(*r.order), cmp_ranked);
		for (int k = 0; k < ninner && !oom; k++) {
			int st = improve_at(&r, ctx, r.order[k].v);
			oom = st < 0;
			changed |= st > 0;
		}
		quiet = changed ? 0 : quiet + 1;
		if (!changed)
			r.rule = !r.rule;
	}
	path *out = oom ? NULL : path_new(a, prob->n);
	if (out) {
		post_order(&r, r.gmap + prob->nindices);
		memcpy(out->step, r.steps, sizeof(*out->step) * (size_t)out->nsteps);
	}
	refine_fini(&r);
	if (!out)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	einc_status st = path_complete(ctx, prob, o, out);
	if (st)
		return st;
	/* Windows compare costs without unary steps: with them redone, the
	 * input may still be the cheaper one. */
	if (out->score <= (*p)->score)
		*p = out;
	return ctx_ok(ctx);
}
