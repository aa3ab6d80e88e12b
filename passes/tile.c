/*
 * tile.c - which chain of steps runs tile by tile (tile.h): for each node
 * and each label of its result, the chain below it that keeps the label
 * (each step reading the one before, nothing fused), every sub-chain
 * ending there, at the largest tile (a divisor of the label's size) whose
 * intermediates fit the budget; the one that saves the most DRAM bytes.
 */
#include "ctx.h"
#include "dtype.h"
#include "planner.h"
#include "program.h"
#include "strbuf.h"
#include "tile.h"

/* Nodes a chain holds at most: enough for the chains of small-K steps. */
#define CHAIN_MAX 8

/* What one step call of one tile costs beyond its work, in DRAM bytes,
 * as a share of the fast memory: the GETT driver's set-up, its packed
 * panels of the side operands and the tile's edges warmed again, which
 * grow with the tile (16 KiB for an L2 of 512 KiB). */
#define TILE_CALL_SHARE 32

/* A candidate: the chain "nodes" ("n" of them, bottom first) over "label". */
typedef struct {
	int label, n;
	int nodes[CHAIN_MAX];
	int64_t tile, buffer, kept, saved, reread;
} candidate;

/* Whether inner node "x" may be in a chain over label "l": it keeps "l",
 * is not fused and reads no fused operand. */
static int chainable(const ir_tree *t, const int *fused, int x, int l)
{
	const ir_tree_node *n = &t->nodes[x];
	if (n->input >= 0 || !ir_tree_node_has(n, l) || (fused && fused[x]))
		return 0;
	return !fused || (!fused[n->left] && (n->right < 0 || !fused[n->right]));
}

/* The chain below node "top" over label "l" into "nodes" (top first,
 * at most CHAIN_MAX): each time the child that is chainable, the larger
 * when both are. Returns its length. */
static int chain_below(const ir_graph *g, const ir_tree *t, const int *fused, int top, int l,
                       int *nodes)
{
	int n = 0;
	for (int x = top; x >= 0 && n < CHAIN_MAX;) {
		nodes[n++] = x;
		const ir_tree_node *p = &t->nodes[x];
		int next = -1;
		for (int c = 0; c < 2; c++) {
			int y = c ? p->right : p->left;
			if (y >= 0 && chainable(t, fused, y, l) &&
			    (next < 0 || plan_node_bytes(g, &t->nodes[y]) >
			                     plan_node_bytes(g, &t->nodes[next])))
				next = y;
		}
		x = next;
	}
	return n;
}

int chain_node_position(const int *nodes, int n, int x)
{
	for (int k = 0; k < n; k++)
		if (nodes[k] == x)
			return k;
	return -1;
}

/* The tiles' buffers get half the L3 share (1 / L3_TILE_SHARE): the other
 * half holds the steps' packed B panels (lower_gemm.c sizes NC to half the
 * share) and the operands' windows passing through. The 4-index transform
 * 48^4 f64 on the 2-core znver3 VM (L3 share 16 MiB; one core keeps 8-12
 * MiB of its own writes): tiles of 8 over p, two 7 MiB buffers, 66.4 ms,
 * as untiled; tiles of 4, 2 or 1 63.7-63.9 ms (1 thread, CPU time, best
 * of 8 alternating rounds). */
#define L3_TILE_SHARE 2

/* Tiles per thread at which a chain's tiles run as parallel tasks
 * (tiles_as_tasks). */
#define TILES_PER_THREAD 4

/*
 * Whether "ntiles" tiles on "threads" threads (0: as many as the machine
 * running the kernel has, taken as 2 here, so that the code does not
 * depend on the machine that compiles it) run as parallel tasks, each
 * thread its own tiles, buffers and GETT scratch, rather than one after
 * another with each step split over the threads: where there are
 * TILES_PER_THREAD tiles per thread or more. A tile's steps are short
 * (the 4-index transform's 0.1 ms each) and split over two cores that
 * share no cache each reads what the other core wrote. Measured on
 * znver5 (2 threads, wall time, best of 5 alternating rounds, load 1.1-1.4):
 * the 4-index transform (48^4 f64, 48 tiles) 15.47 -> 12.57 ms, Tucker
 * projection (192^3 x 48 f64, 32 tiles) 8.30 -> 5.70, Tucker
 * reconstruction (8 tiles) 5.46 -> 5.37; the transform at 64, 64, 32, 32
 * (4 tiles, 2 a thread) 2.43 -> 2.83 as tasks: kept as it was
 * (docs/bench-kernels.md, session 34).
 */
static int tiles_as_tasks(int64_t ntiles, int threads)
{
	return threads != 1 && ntiles >= TILES_PER_THREAD * (threads ? threads : 2);
}

/* A tile's window of a tensor whose runs along the label are shorter than
 * this many bytes shares most cache lines with the other tiles' windows,
 * or leaves too few lines in a row for the hardware's stream prefetch:
 * each tile moves about the whole tensor, or waits on it. Whole lines are
 * not enough: bmm's A stored as a.T (b of unit stride, runs of 256 bytes),
 * copied and multiplied in tiles of 16 or 32 batches (one or two lines of
 * each run) took 1.30-1.40x the contiguous twin, untiled 1.14-1.17x; the
 * tiled copy alone took 1.5-2x the whole one's time (docs/bench-views.md,
 * run 7). Nor are 8 lines: the 4-index transform at p = q = 64, r = s =
 * 32 (i = j = 16, k = l = 32, f64) tiled its first three steps over r by
 * 2, its first step reading pqrs in runs of 512 bytes 8 KiB apart; with
 * its first step untiled (a whole run of (r, s) an M block, swept ahead)
 * and the next two tiled, 4.13 / 4.74 -> 3.42 / 3.66 ms (min / median of
 * 7 rounds, 1 thread, znver5; docs/bench-kernels.md, session 32). */
#define TILE_RUN_BYTES 1024

/* The element stride of label "l" in node "nx"'s result as it lies in
 * memory: an operand's or the output's from "mem" (ir_graph_memory_strides
 * of input k at mem[k], the output's at mem[ninputs]: a view may run along
 * any axis), an intermediate's row-major over its indices; 0 when the node
 * lacks "l". */
static int64_t label_stride(const ir_graph *g, const ir_tree *t, int64_t *const *mem, int nx,
                            int l)
{
	const ir_tree_node *x = &t->nodes[nx];
	if (x->input >= 0 || nx == t->root) {
		int64_t s = mem[x->input >= 0 ? x->input : g->ninputs][l];
		return s < 0 ? -s : s;
	}
	int64_t s = 1;
	for (int a = x->rank - 1; a >= 0; a--) {
		if (x->index[a] == l)
			return s;
		s *= g->indices[x->index[a]].size;
	}
	return 0;
}

/* The bytes tiles of "tile" along label "l" make node "nx" move besides
 * its own once: when it holds "l" in runs shorter than TILE_RUN_BYTES (the
 * tile's extent times l's stride in memory), or lacks it, every later tile
 * moves it again; 0 otherwise, or when it fits "budget" (it stays cached). */
static int64_t moved_again(const ir_graph *g, const ir_tree *t, int64_t *const *mem, int nx,
                           int l, int64_t tile, int64_t budget)
{
	int64_t bytes = plan_node_bytes(g, &t->nodes[nx]), stride = label_stride(g, t, mem, nx, l);
	int64_t run = ir_dtype(g->dtype)->bytes * tile;
	if (bytes <= budget || (stride && stride >= (TILE_RUN_BYTES + run - 1) / run))
		return 0;
	return (g->indices[l].size / tile - 1) * bytes;
}

/* Sizes candidate "c" (its label and nodes set) for "budget" ("mem" as
 * label_stride reads it): the largest tile below the label's size whose
 * two largest consecutive intermediates fit, and what it saves. Returns 0 when no tile fits or it saves nothing. */
static int size_candidate(const ir_graph *g, const ir_tree *t, int64_t *const *mem,
                          int64_t budget, candidate *c)
{
	int64_t size = g->indices[c->label].size, inner = 0;
	for (int k = 0; k + 1 < c->n; k++) {
		int64_t b = plan_node_bytes(g, &t->nodes[c->nodes[k]]);
		inner = b > inner ? b : inner;
	}
	if (inner <= budget) /* every intermediate stays cached untiled */
		return 0;
	int64_t most = budget / (2 * (inner / size)); /* the largest tile that fits */
	c->tile = 0;
	for (int64_t tile = most < size / 2 ? most : size / 2; tile >= 1 && !c->tile; tile--)
		if (size % tile == 0)
			c->tile = tile;
	if (!c->tile)
		return 0;
	int64_t ntiles = size / c->tile;
	c->buffer = (inner / size * c->tile + IR_PLAN_ALIGN - 1) / IR_PLAN_ALIGN * IR_PLAN_ALIGN;
	c->kept = c->reread = 0;
	for (int k = 0; k < c->n; k++) {
		const ir_tree_node *x = &t->nodes[c->nodes[k]];
		int64_t b = plan_node_bytes(g, x);
		if (k + 1 < c->n && b > budget) /* written and read back */
			c->kept += 2 * b;
		for (int s = 0; s < 2; s++) {
			int y = s ? x->right : x->left;
			if (y >= 0 && chain_node_position(c->nodes, c->n, y) < 0)
				c->reread += moved_again(g, t, mem, y, c->label, c->tile, budget);
		}
	}
	c->reread += moved_again(g, t, mem, c->nodes[c->n - 1], c->label, c->tile, budget);
	c->saved = c->kept - c->reread - ntiles * c->n * (budget / TILE_CALL_SHARE);
	return c->saved > 0;
}

/* The best chain of "t" for "budget" into "*best" (saved 0: none). */
static void best_chain(const ir_graph *g, const ir_tree *t, const int *fused,
                       int64_t *const *mem, int64_t budget, candidate *best)
{
	best->saved = 0;
	for (int top = 0; top < t->nnodes; top++) {
		const ir_tree_node *n = &t->nodes[top];
		for (int a = 0; a < n->rank && n->input < 0; a++) {
			int l = n->index[a], down[CHAIN_MAX];
			if (!chainable(t, fused, top, l) || g->indices[l].size < 2)
				continue;
			int len = chain_below(g, t, fused, top, l, down);
			for (int m = 2; m <= len; m++) { /* the chain of the m nodes ending at top */
				candidate c = {.label = l, .n = m};
				for (int k = 0; k < m; k++)
					c.nodes[k] = down[m - 1 - k];
				if (size_candidate(g, t, mem, budget, &c) && c.saved > best->saved)
					*best = c;
			}
		}
	}
}

einc_status pass_tile(einc_ctx *ctx, arena *a, const ir_graph *g, const ir_tree *t,
                      const int *fused, const cg_caches *caches, int64_t cache, int threads,
                      chain_tiling **out)
{
	*out = NULL;
	if (cache < 0 || g->empty_dims)
		return EINC_OK;
	for (int x = 0; x < t->nnodes; x++) /* pass_plan refuses the tree, naming the node */
		if (plan_node_bytes(g, &t->nodes[x]) < 0)
			return EINC_OK;
	int64_t **mem = arena_array(a, (size_t)g->ninputs + 1, sizeof(*mem));
	for (int k = 0; mem && k <= g->ninputs; k++)
		if ((mem[k] = arena_array(a, (size_t)g->nindices + 1, sizeof(int64_t))))
			ir_graph_memory_strides(g, k < g->ninputs ? k : -1, mem[k]);
		else
			mem = NULL;
	if (!mem)
		return ctx_fail(ctx, EINC_ENOMEM, "tile", "out of memory");
	int64_t budgets[2] = {cache ? cache : caches->l2, cache ? 0 : caches->l3 / L3_TILE_SHARE};
	candidate best = {0};
	int level = 0;
	for (int k = 0; k < 2 && !best.saved; k++) {
		if (budgets[k] > 0)
			best_chain(g, t, fused, mem, budgets[k], &best);
		level = cache ? 0 : k + 2;
	}
	if (!best.saved)
		return EINC_OK;
	chain_tiling *c = arena_alloc(a, sizeof(*c));
	int *nodes = arena_array(a, (size_t)best.n, sizeof(int));
	int *inner = arena_array(a, (size_t)t->nnodes, sizeof(int));
	if (!c || !nodes || !inner)
		return ctx_fail(ctx, EINC_ENOMEM, "tile", "out of memory");
	for (int k = 0; k < best.n; k++) {
		nodes[k] = best.nodes[k];
		inner[nodes[k]] = k + 1 < best.n;
	}
	*c = (chain_tiling){.label = best.label, .tile = best.tile,
	                    .ntiles = g->indices[best.label].size / best.tile, .n = best.n,
	                    .nodes = nodes, .inner = inner, .buffer = best.buffer,
	                    .budget = budgets[level == 3], .level = level, .kept = best.kept,
	                    .saved = best.saved, .reread = best.reread};
	c->tasks = tiles_as_tasks(c->ntiles, threads);
	*out = c;
	return EINC_OK;
}

char *chain_tiling_report(const ir_graph *g, const chain_tiling *c)
{
	strbuf b = {0};
	strbuf_printf(&b, "; tiled: steps");
	for (int k = 0; k < c->n; k++)
		strbuf_printf(&b, " n%d", c->nodes[k]);
	strbuf_printf(&b, " over %s, tile %lld of %lld (%lld tiles), 2 buffers of %lld bytes\n",
	              g->indices[c->label].name, (long long)c->tile,
	              (long long)g->indices[c->label].size, (long long)c->ntiles,
	              (long long)c->buffer);
	if (c->level)
		strbuf_printf(&b, "; tiled: fast memory L%d, %lld bytes\n", c->level,
		              (long long)c->budget);
	else
		strbuf_printf(&b, "; tiled: fast memory %lld bytes (tile_cache)\n",
		              (long long)c->budget);
	strbuf_printf(&b, "; tiled: DRAM bytes not moved %lld (intermediates written and read "
	              "back), moved again by later tiles %lld, saved %lld\n", (long long)c->kept,
	              (long long)c->reread, (long long)c->saved);
	if (c->tasks)
		strbuf_printf(&b, "; tiled: tiles run as parallel tasks, each thread with its own "
		              "buffers\n");
	return strbuf_take(&b);
}
