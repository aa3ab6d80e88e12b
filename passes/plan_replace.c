/*
 * plan_replace.c - which tensors are resident at each step: plain liveness,
 * replacement under a byte cap (Belady: furthest next use; LRU), the
 * always-feasible minimal residency, and the traffic a set of ranges moves.
 */
#include <stdlib.h>

#include "planner.h"

/* The largest number of ranges an order can need: one per operand and
 * result of every step. */
static int max_ranges(const ir_dag *d)
{
	int n = 0;
	for (int v = 0; v < d->nops; v++)
		n += d->ops[v].nin + 1;
	return n;
}

/* The step of every op in "order", into "pos" (nops entries). */
static void positions(const ir_dag *d, const int *order, int *pos)
{
	for (int t = 0; t < d->nops; t++)
		pos[order[t]] = t;
}

/* One range per arena tensor: its production (or first read) to its last
 * read. */
int plan_ranges_live(const plan_problem *pb, arena *a, const int *order,
                     ir_plan_range **ranges, int *n)
{
	const ir_dag *d = pb->dag;
	int *pos = arena_array(a, (size_t)d->nops, sizeof(int));
	*ranges = arena_array(a, (size_t)d->ntensors + 1, sizeof(ir_plan_range));
	if (!pos || !*ranges)
		return -1;
	positions(d, order, pos);
	*n = 0;
	for (int e = 0; e < d->ntensors; e++) {
		const ir_dag_tensor *x = &d->tensors[e];
		if (!pb->size[e] || (x->producer < 0 && !x->nuses))
			continue;
		int first = x->producer >= 0 ? pos[x->producer] : d->nops, last = -1;
		for (int u = 0; u < x->nuses; u++) {
			int p = pos[x->uses[u]];
			first = p < first ? p : first;
			last = p > last ? p : last;
		}
		(*ranges)[(*n)++] = (ir_plan_range){e, first, last < first ? first : last, 0, 0, 0};
	}
	plan_ranges_finish(pb, order, *ranges, *n);
	return 0;
}

/* The first step after "t" that reads tensor "e", or the step count when none. */
static int next_use(const ir_dag *d, const int *pos, int e, int t)
{
	int best = d->nops;
	const ir_dag_tensor *x = &d->tensors[e];
	for (int u = 0; u < x->nuses; u++) {
		int p = pos[x->uses[u]];
		if (p > t && p < best)
			best = p;
	}
	return best;
}

/* Whether "op" reads or writes tensor "e". */
static int touches(const ir_dag_op *op, int e)
{
	if (op->out == e)
		return 1;
	for (int k = 0; k < op->nin; k++)
		if (op->in[k] == e)
			return 1;
	return 0;
}

/*
 * Simulates "order": before each step, brings in its operands and room for
 * its result, evicting other resident tensors by "policy" while more than
 * "cap" bytes would be resident; after it, drops what is never read again.
 */
int plan_replace(const plan_problem *pb, arena *a, const int *order, int64_t cap,
                 plan_policy policy, ir_plan_range **ranges, int *n)
{
	const ir_dag *d = pb->dag;
	int *pos = arena_array(a, (size_t)d->nops, sizeof(int));
	int *open = arena_array(a, (size_t)d->ntensors, sizeof(int));
	int *used_at = arena_array(a, (size_t)d->ntensors, sizeof(int));
	*ranges = arena_array(a, (size_t)max_ranges(d), sizeof(ir_plan_range));
	if (!pos || !open || !used_at || !*ranges)
		return -1;
	positions(d, order, pos);
	for (int e = 0; e < d->ntensors; e++)
		open[e] = -1;
	int nr = 0;
	int64_t resident = 0;
	for (int t = 0; t < d->nops; t++) {
		const ir_dag_op *op = &d->ops[order[t]];
		int64_t incoming = 0, ws = pb->size[op->out];
		for (int k = 0; k < op->nin; k++) {
			ws += pb->size[op->in[k]];
			if (open[op->in[k]] < 0)
				incoming += pb->size[op->in[k]];
		}
		if (ws > cap)
			return -1;
		incoming += pb->size[op->out];
		while (resident + incoming > cap) {
			int victim = -1, vkey = 0;
			for (int e = 0; e < d->ntensors; e++) {
				if (open[e] < 0 || touches(op, e))
					continue;
				int key = policy == PLAN_BELADY ? next_use(d, pos, e, t) : -used_at[e];
				if (victim < 0 || key > vkey ||
				    (key == vkey && policy == PLAN_BELADY && pb->size[e] > pb->size[victim])) {
					victim = e;
					vkey = key;
				}
			}
			(*ranges)[open[victim]].last = t - 1;
			open[victim] = -1;
			resident -= pb->size[victim];
		}
		for (int k = 0; k <= op->nin; k++) {
			int e = k < op->nin ? op->in[k] : op->out;
			if (!pb->size[e])
				continue;
			used_at[e] = t;
			if (open[e] >= 0)
				continue;
			open[e] = nr;
			(*ranges)[nr++] = (ir_plan_range){e, t, t, 0, 0, 0};
			resident += pb->size[e];
		}
		for (int k = 0; k <= op->nin; k++) {
			int e = k < op->nin ? op->in[k] : op->out;
			if (open[e] >= 0 && next_use(d, pos, e, t) == d->nops) {
				(*ranges)[open[e]].last = t;
				open[e] = -1;
				resident -= pb->size[e];
			}
		}
	}
	*n = nr;
	plan_ranges_finish(pb, order, *ranges, nr);
	return 0;
}

/* One range per operand and result of each step, just that step. */
int plan_ranges_minimal(const plan_problem *pb, arena *a, const int *order,
                        ir_plan_range **ranges, int *n)
{
	const ir_dag *d = pb->dag;
	*ranges = arena_array(a, (size_t)max_ranges(d), sizeof(ir_plan_range));
	if (!*ranges)
		return -1;
	*n = 0;
	for (int t = 0; t < d->nops; t++) {
		const ir_dag_op *op = &d->ops[order[t]];
		for (int k = 0; k <= op->nin; k++) {
			int e = k < op->nin ? op->in[k] : op->out;
			if (pb->size[e])
				(*ranges)[(*n)++] = (ir_plan_range){e, t, t, 0, 0, 0};
		}
	}
	plan_ranges_finish(pb, order, *ranges, *n);
	return 0;
}

/* Orders ranges by first step, then tensor. */
static int range_cmp(const void *x, const void *y)
{
	const ir_plan_range *a = x, *b = y;
	if (a->first != b->first)
		return a->first - b->first;
	return a->tensor - b->tensor;
}

/*
 * Walks each tensor's ranges in order: a range that does not start at its
 * producer's step loads (compulsory for an input's first load), and one
 * after which the tensor is read again with no copy outside spills
 * (outputs are stored anyway, inputs have their copy).
 */
int64_t plan_ranges_finish(const plan_problem *pb, const int *order, ir_plan_range *ranges,
                           int n)
{
	const ir_dag *d = pb->dag;
	qsort(ranges, (size_t)n, sizeof(ir_plan_range), range_cmp);
	int *pos = malloc((size_t)d->nops * sizeof(int));
	char *copy = calloc((size_t)d->ntensors, 1), *seen = calloc((size_t)d->ntensors, 1);
	int64_t traffic = -1;
	if (!pos || !copy || !seen)
		goto done;
	positions(d, order, pos);
	traffic = 0;
	for (int r = 0; r < n; r++) {
		ir_plan_range *x = &ranges[r];
		const ir_dag_tensor *t = &d->tensors[x->tensor];
		int64_t size = pb->size[x->tensor];
		x->load = t->producer < 0 || pos[t->producer] != x->first;
		if (x->load && (t->kind != IR_DAG_IN || seen[x->tensor]))
			traffic += size;
		seen[x->tensor] = 1;
		x->spill = t->kind == IR_DAG_MID && !copy[x->tensor] &&
		           next_use(d, pos, x->tensor, x->last) < d->nops;
		if (x->spill)
			traffic += size;
		if (x->spill || t->kind == IR_DAG_OUT)
			copy[x->tensor] = 1;
	}
done:
	free(pos);
	free(copy);
	free(seen);
	return traffic;
}
