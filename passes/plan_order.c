/*
 * plan_order.c - execution orders and their bounds: the step bound, the
 * live peak of an order, Liu's exact minimum-peak order for trees, and a
 * greedy order for DAGs.
 */
#include <stdlib.h>

#include "planner.h"

/* The arena bytes op "v" touches: its operands and its result. */
static int64_t working_set(const plan_problem *pb, int v)
{
	const ir_dag_op *op = &pb->dag->ops[v];
	int64_t s = pb->size[op->out];
	for (int k = 0; k < op->nin; k++)
		s += pb->size[op->in[k]];
	return s;
}

/* The largest working set of one op: no order beats it. */
int64_t plan_step_lb(const plan_problem *pb)
{
	int64_t best = 0;
	for (int v = 0; v < pb->dag->nops; v++)
		if (working_set(pb, v) > best)
			best = working_set(pb, v);
	return best;
}

/* Sums, for each step, the sizes of the tensors whose span covers it. */
int64_t plan_live_peak(const plan_problem *pb, const int *order)
{
	const ir_dag *d = pb->dag;
	int n = d->nops;
	int *pos = malloc((size_t)n * sizeof(int));
	int64_t *delta = calloc((size_t)n + 1, sizeof(int64_t));
	int64_t peak = -1;
	if (!pos || !delta)
		goto done;
	for (int t = 0; t < n; t++)
		pos[order[t]] = t;
	for (int e = 0; e < d->ntensors; e++) {
		const ir_dag_tensor *x = &d->tensors[e];
		if (!pb->size[e] || (x->producer < 0 && !x->nuses))
			continue;
		int first = x->producer >= 0 ? pos[x->producer] : n, last = -1;
		for (int u = 0; u < x->nuses; u++) {
			int p = pos[x->uses[u]];
			first = p < first ? p : first;
			last = p > last ? p : last;
		}
		if (last < first)
			last = first;
		delta[first] += pb->size[e];
		delta[last + 1] -= pb->size[e];
	}
	int64_t cur = 0;
	peak = 0;
	for (int t = 0; t < n; t++) {
		cur += delta[t];
		peak = cur > peak ? cur : peak;
	}
done:
	free(pos);
	free(delta);
	return peak;
}

/* A traversal of a subtree and the memory after each of its steps and at
 * its peak, relative to its start. */
typedef struct {
	int len;
	int *ops;
	int64_t *peak, *after;
} liu_seq;

/* A hill-valley segment of child "child": steps lo..hi of its sequence. */
typedef struct {
	int child, lo, hi;
	int64_t key; /* hill minus valley */
} liu_seg;

/* Orders segments by decreasing hill minus valley, then child, then
 * position (so each child's segments keep their order). */
static int seg_cmp(const void *x, const void *y)
{
	const liu_seg *a = x, *b = y;
	if (a->key != b->key)
		return a->key > b->key ? -1 : 1;
	if (a->child != b->child)
		return a->child - b->child;
	return a->lo - b->lo;
}

/* The memory profile of "s" in a tree: each op adds its result and its
 * staged inputs, then frees every operand (each is read once). */
static void liu_profile(const plan_problem *pb, liu_seq *s)
{
	int64_t mem = 0;
	for (int j = 0; j < s->len; j++) {
		const ir_dag_op *op = &pb->dag->ops[s->ops[j]];
		mem += pb->size[op->out];
		for (int k = 0; k < op->nin; k++)
			if (pb->dag->tensors[op->in[k]].producer < 0)
				mem += pb->size[op->in[k]];
		s->peak[j] = mem;
		for (int k = 0; k < op->nin; k++)
			mem -= pb->size[op->in[k]];
		s->after[j] = mem;
	}
}

/* Whether the ops of "pb" form a tree: every arena tensor read at most once
 * and every op's result read by exactly one op, except one final op. */
static int is_tree(const plan_problem *pb)
{
	const ir_dag *d = pb->dag;
	int roots = 0;
	for (int e = 0; e < d->ntensors; e++)
		if (pb->size[e] && d->tensors[e].nuses > 1)
			return 0;
	for (int v = 0; v < d->nops; v++) {
		int u = d->tensors[d->ops[v].out].nuses;
		if (u > 1)
			return 0;
		roots += u == 0;
	}
	return roots == 1;
}

/*
 * Liu (1987): the optimal traversal of a node's subtree merges its
 * children's optimal traversals cut into hill-valley segments (hill: the
 * highest peak from the segment's start; valley: the last lowest point after
 * it), taken by decreasing hill minus valley, then runs the node.
 */
int plan_order_liu(const plan_problem *pb, arena *a, int *order)
{
	const ir_dag *d = pb->dag;
	if (!is_tree(pb))
		return -1;
	liu_seq *seq = arena_array(a, (size_t)d->nops, sizeof(liu_seq));
	liu_seg *segs = arena_array(a, (size_t)d->nops, sizeof(liu_seg));
	if (!seq || !segs)
		return -1;
	int root = -1;
	for (int v = 0; v < d->nops; v++) {
		const ir_dag_op *op = &d->ops[v];
		int nseg = 0, len = 1;
		for (int k = 0; k < op->nin; k++) {
			int c = d->tensors[op->in[k]].producer;
			if (c < 0)
				continue;
			len += seq[c].len;
			for (int lo = 0; lo < seq[c].len;) {
				int h = lo, val;
				for (int j = lo; j < seq[c].len; j++)
					h = seq[c].peak[j] > seq[c].peak[h] ? j : h;
				val = h;
				for (int j = h; j < seq[c].len; j++)
					val = seq[c].after[j] <= seq[c].after[val] ? j : val;
				segs[nseg++] = (liu_seg){k, lo, val, seq[c].peak[h] - seq[c].after[val]};
				lo = val + 1;
			}
		}
		qsort(segs, (size_t)nseg, sizeof(liu_seg), seg_cmp);
		liu_seq *s = &seq[v];
		s->ops = arena_array(a, (size_t)len, sizeof(int));
		s->peak = arena_array(a, (size_t)len, sizeof(int64_t));
		s->after = arena_array(a, (size_t)len, sizeof(int64_t));
		if (!s->ops || !s->peak || !s->after)
			return -1;
		for (int g = 0; g < nseg; g++) {
			const liu_seq *c = &seq[d->tensors[op->in[segs[g].child]].producer];
			for (int j = segs[g].lo; j <= segs[g].hi; j++)
				s->ops[s->len++] = c->ops[j];
		}
		s->ops[s->len++] = v;
		liu_profile(pb, s);
		if (!d->tensors[op->out].nuses)
			root = v;
	}
	for (int t = 0; t < d->nops; t++)
		order[t] = seq[root].ops[t];
	return 0;
}

/* Picks, at each step, the ready op that allocates least beyond what it
 * frees; ties go to the smaller step peak, then the earlier op. */
void plan_order_greedy(const plan_problem *pb, int *order)
{
	const ir_dag *d = pb->dag;
	int *left = calloc((size_t)d->ntensors, sizeof(int));
	char *done = calloc((size_t)d->nops, 1), *have = calloc((size_t)d->ntensors, 1);
	if (!left || !done || !have) {
		for (int t = 0; t < d->nops; t++)
			order[t] = t;
		goto out;
	}
	for (int e = 0; e < d->ntensors; e++)
		left[e] = d->tensors[e].nuses;
	int64_t cur = 0;
	for (int t = 0; t < d->nops; t++) {
		int best = -1;
		int64_t best_net = 0, best_peak = 0;
		for (int v = 0; v < d->nops; v++) {
			const ir_dag_op *op = &d->ops[v];
			int ready = !done[v];
			int64_t alloc = pb->size[op->out], freed = 0;
			for (int k = 0; k < op->nin && ready; k++) {
				int e = op->in[k];
				const ir_dag_tensor *x = &d->tensors[e];
				ready = x->producer < 0 || done[x->producer];
				if (!have[e])
					alloc += pb->size[e];
				if (left[e] == 1)
					freed += pb->size[e];
			}
			if (!d->tensors[op->out].nuses)
				freed += pb->size[op->out];
			if (!ready)
				continue;
			int64_t net = alloc - freed, peak = cur + alloc;
			if (best < 0 || net < best_net || (net == best_net && peak < best_peak)) {
				best = v;
				best_net = net;
				best_peak = peak;
			}
		}
		const ir_dag_op *op = &d->ops[best];
		done[best] = 1;
		order[t] = best;
		cur += best_net;
		have[op->out] = 1;
		for (int k = 0; k < op->nin; k++) {
			have[op->in[k]] = 1;
			left[op->in[k]]--;
		}
	}
out:
	free(left);
	free(done);
	free(have);
}
