/*
 * tile.h - cache-level tiling of a chain of steps (passes/tile.c): steps
 * of the contraction tree, each reading the one before, that all keep one
 * label run tile by tile over that label, so that each tile's
 * intermediates stay in a fast-memory budget instead of going to DRAM and
 * back. It is slicing (slice.h) over an output label inside one kernel:
 * each tile reads its operands' windows in place, writes its window of the
 * chain's result, and its intermediates live in a small per-tile buffer.
 */
#ifndef EINC_TILE_H
#define EINC_TILE_H

#include <stdint.h>

#include "codegen.h"
#include "graph.h"
#include "tree.h"

/* The chain the planner chose; lives in the compilation arena. */
typedef struct chain_tiling {
	int label;          /* graph index tiled; in every chain node's result */
	int64_t tile;       /* its extent per tile: divides the label's size */
	int64_t ntiles;     /* size / tile, at least 2 */
	int n;              /* chain nodes, at least 2 */
	int *nodes;         /* tree nodes, bottom first: nodes[k + 1] reads nodes[k];
	                       the last's result is stored whole, the others are
	                       per-tile intermediates */
	int *inner;         /* per tree node: nonzero for the chain's per-tile
	                       intermediates (every chain node but the last) */
	int64_t buffer;     /* bytes of each of the two per-tile buffers the
	                       intermediates take turns in (IR_PLAN_ALIGN multiple) */
	int64_t budget;     /* the fast memory the tile was sized for */
	int level;          /* its cache level: 2 or 3 */
	int64_t kept;       /* DRAM bytes the intermediates would move untiled
	                       (written and read back; those past the budget) */
	int64_t reread;     /* bytes operands and result move again per later tile */
	int64_t saved;      /* kept less reread less the tiles' call costs */
	int tasks;          /* nonzero: the tiles run as parallel tasks, each
	                       thread with its own two buffers and GETT scratch
	                       (the steps inside on that thread alone); 0: one
	                       tile after another, each step on every thread */
} chain_tiling;

/*
 * Chooses the chain of tree "t" over "g" to tile (into "*out", NULL when
 * none pays) for fast memory "cache" bytes (einc_options.tile_cache: 0 for
 * the CPU's L2 from "caches", else half its L3 share when no tile fits the L2;
 * -1: no tiling). Nodes "fused" marks (pass_fuse; NULL: none) and their
 * readers are never in a chain. A chain pays when the DRAM bytes its
 * intermediates would move (written, read back; each larger than the
 * budget) pass the bytes its operands and result move again once per
 * tile (those larger than the budget that lack the label, or hold it in
 * runs too short for whole cache lines) plus a per-call cost of each
 * tile's steps. Every tile's intermediates, two at a time, fit the budget.
 * On "threads" threads (einc_options.threads) the tiles run as parallel
 * tasks where there are enough of them (chain_tiling's "tasks").
 */
einc_status pass_tile(einc_ctx *ctx, arena *a, const ir_graph *g, const ir_tree *t,
                      const int *fused, const cg_caches *caches, int64_t cache, int threads,
                      chain_tiling **out);

/* The position of tree node "x" among the "n" chain nodes "nodes" (bottom
 * first), -1 when it is none of them. */
int chain_node_position(const int *nodes, int n, int x);

/* The lines --dump=plan ends with for "c" over "g" ("; tiled: ..."); give,
 * free(); NULL when out of memory. */
char *chain_tiling_report(const ir_graph *g, const chain_tiling *c);

#endif
