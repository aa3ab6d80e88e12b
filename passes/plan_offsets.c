/*
 * plan_offsets.c - arena offsets for fixed ranges (dynamic storage
 * allocation): ranges by decreasing size, each placed at the first gap
 * (TFLite Micro) or the tightest gap (XLA's best fit) among the placed
 * ranges it shares a step with, over several orders and a swap hill climb
 * (USMP; fewer swaps on many ranges); the lower arena wins.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "planner.h"

/* A range as the sorts see it: its keys and its index. */
typedef struct {
	int64_t key;     /* size (order of placement) or offset (gap search) */
	int len, first, tensor, idx;
} item;

/* Larger first, then longer-lived, then earlier, then by tensor. */
static int by_size(const void *x, const void *y)
{
	const item *a = x, *b = y;
	if (a->key != b->key)
		return a->key > b->key ? -1 : 1;
	if (a->len != b->len)
		return b->len - a->len;
	if (a->first != b->first)
		return a->first - b->first;
	return a->tensor - b->tensor;
}

/* Lower offset first. */
static int by_offset(const void *x, const void *y)
{
	const item *a = x, *b = y;
	return a->key < b->key ? -1 : a->key > b->key;
}

/* Places the ranges "idx[0 .. n-1]" in that order into "off", first-fit
 * ("best" 0) or best-fit; "near" is scratch. Returns the height. */
static int64_t place(const plan_problem *pb, const ir_plan_range *r, const int *idx, int n,
                     int best, int64_t *off, item *near)
{
	int64_t height = 0;
	for (int i = 0; i < n; i++) {
		const ir_plan_range *x = &r[idx[i]];
		int64_t size = pb->size[x->tensor];
		int m = 0;
		for (int j = 0; j < i; j++) {
			const ir_plan_range *y = &r[idx[j]];
			if (y->first <= x->last && x->first <= y->last)
				near[m++] = (item){off[idx[j]], 0, 0, 0, idx[j]};
		}
		qsort(near, (size_t)m, sizeof(item), by_offset);
		int64_t at = -1, gap_best = 0, top = 0;
		for (int j = 0; j <= m; j++) {
			int64_t end = j < m ? near[j].key : INT64_MAX;
			if (end - top >= size && (at < 0 || (best && end - top < gap_best))) {
				at = top;
				gap_best = end - top;
				if (!best)
					break;
			}
			if (j < m) {
				int64_t e = near[j].key + pb->size[r[near[j].idx].tensor];
				top = e > top ? e : top;
			}
		}
		off[idx[i]] = at;
		if (at + size > height)
			height = at + size;
	}
	return height;
}

/* LOAD: the most bytes resident at one step, a bound no placement beats. */
static int64_t load(const plan_problem *pb, const ir_plan_range *r, int n)
{
	int64_t best = 0;
	for (int i = 0; i < n; i++) {
		int64_t sum = 0;
		for (int j = 0; j < n; j++)
			if (r[j].first <= r[i].first && r[i].first <= r[j].last)
				sum += pb->size[r[j].tensor];
		best = sum > best ? sum : best;
	}
	return best;
}

/* Places "idx" both ways; keeps the offsets and order in "keep"/"keep_idx"
 * when lower than "*height". */
static void try_order(const plan_problem *pb, const ir_plan_range *r, const int *idx, int n,
                      int64_t *off, item *near, int64_t *keep, int *keep_idx, int64_t *height)
{
	for (int best = 0; best < 2; best++) {
		int64_t h = place(pb, r, idx, n, best, off, near);
		if (*height < 0 || h < *height) {
			*height = h;
			memcpy(keep, off, (size_t)n * sizeof(int64_t));
			memcpy(keep_idx, idx, (size_t)n * sizeof(int));
		}
	}
}

/*
 * Tries placement orders by size, size x lifetime and lifetime, each with
 * first and best fit, then a hill climb (fixed seed) that swaps two ranges
 * of the best order, until the height meets LOAD.
 */
int64_t plan_offsets(const plan_problem *pb, ir_plan_range *r, int n)
{
	int *idx = malloc(((size_t)n + 1) * sizeof(int)), *best_idx = malloc(((size_t)n + 1) * sizeof(int));
	item *near = malloc(((size_t)n + 1) * sizeof(item));
	int64_t *off = malloc(((size_t)n + 1) * sizeof(int64_t));
	int64_t *keep = malloc(((size_t)n + 1) * sizeof(int64_t));
	int64_t height = -1, bound = load(pb, r, n);
	if (!idx || !best_idx || !near || !off || !keep)
		goto done;
	for (int key = 0; key < 3 && height != bound; key++) {
		for (int i = 0; i < n; i++) {
			int64_t size = pb->size[r[i].tensor], len = r[i].last - r[i].first + 1;
			int64_t area = size > INT64_MAX / len ? INT64_MAX : size * len;
			near[i] = (item){key == 0 ? size : key == 1 ? area : len,
			                 (int)len, r[i].first, r[i].tensor, i};
		}
		qsort(near, (size_t)n, sizeof(item), by_size);
		for (int i = 0; i < n; i++)
			idx[i] = near[i].idx;
		try_order(pb, r, idx, n, off, near, keep, best_idx, &height);
	}
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	int rounds = n <= 64 ? 500 : (int)(500 * 64 * 64 / ((int64_t)n * n));
	for (int round = 0; round < rounds && height != bound && n > 1; round++) {
		memcpy(idx, best_idx, (size_t)n * sizeof(int));
		lcg64(&seed);
		int i = (int)((seed >> 33) % (uint64_t)n), j = (int)((seed >> 13) % (uint64_t)n);
		int tmp = idx[i];
		idx[i] = idx[j];
		idx[j] = tmp;
		try_order(pb, r, idx, n, off, near, keep, best_idx, &height);
	}
	for (int i = 0; i < n; i++)
		r[i].offset = keep[i];
done:
	free(idx);
	free(best_idx);
	free(near);
	free(off);
	free(keep);
	return height;
}
