/*
 * program.h - what einc_compile produces: the arena of the compilation and
 * the IR of every stage computed so far, and the passes that compute them.
 */
#ifndef EINC_PROGRAM_H
#define EINC_PROGRAM_H

#include "arena.h"
#include "codegen.h"
#include "einc.h"
#include "gett.h"
#include "graph.h"
#include "loops.h"
#include "plan.h"
#include "tree.h"

struct path_problem;
struct path_canon;
struct path;
struct path_options;
struct chain_tiling;

/* Every stage's result, in pipeline order (pipeline.c). */
struct einc_program {
	arena *arena;           /* owns everything below */
	einc_options options;
	int vector_bits;        /* the target's register width (cg_target_check) */
	cg_caches caches;       /* the target's caches (cg_target_check) */
	ir_graph *graph;        /* the front end's */
	struct path_problem *problem; /* the graph as the path search sees it (path.h) */
	struct path_canon *canon;     /* what canonicalisation makes of it */
	struct path *path;            /* the search's path; NULL for a forced or LTR tree */
	struct slicing *slicing;      /* what is sliced (slice.h); NULL when nothing */
	struct budget_choice *budget_choice; /* slicing against spilling under a
	                                        budget (slice.h); NULL: not weighed */
	ir_tree *tree;          /* over slicing->graph when sliced, else graph */
	int *fused;             /* per tree node: computed in its reader's packing (fuse.c) */
	struct chain_tiling *tiling; /* the chain run tile by tile (tile.h); NULL: none */
	ir_plan *plan;
	ir_loops *loops;        /* its ISL objects are freed with the program */
};

/* slice_program.c: the graph the tree, plan and loops of "p" are over:
 * one slice's when it is sliced, else p->graph. */
const ir_graph *program_work_graph(const einc_program *p);

/* slice_program.c: the slicing stage of the pipeline, when the options
 * ask for it: slices p->graph, whose path "p->path" was searched with
 * "po", into p->slicing and replaces p->tree by the tree of one slice. */
einc_status program_slice(einc_ctx *ctx, einc_program *p, const struct path_options *po);

/* slice_program.c: the report that leads the dumps of stage "stage"
 * (the tree, the path report or its JSON) of sliced "p" into "*lead"
 * (give, free(); NULL when "p" is not sliced or for other stages). */
einc_status program_slice_lead(einc_ctx *ctx, const einc_program *p, einc_stage stage,
                               char **lead);

/* program.c: einc_program_run_reference with the arrays in "dtype",
 * whatever the program's; arguments not checked for NULL. */
einc_status program_reference(einc_ctx *ctx, const einc_program *program, einc_dtype dtype,
                              void *out, const void *const in[]);

/* path_ltr.c: the left-to-right contraction tree of "g"; EINC_EBUDGET
 * when a step's result but the root's exceeds "max_intermediate" elements
 * (0: no limit), the message naming the limit the order needs. */
einc_status pass_path_ltr(einc_ctx *ctx, arena *a, const ir_graph *g,
                          int64_t max_intermediate, ir_tree **out);

/* relayout.c: "*tree" (over "g") with a unary step copying each
 * non-dense input (g->strides) that a GEMM-like step reads many times per
 * element into a dense intermediate first, but those the step packs
 * across (lower_gemm_probe's "crossed", for "vector_bits" and "caches");
 * "*tree" stays when none does. */
einc_status pass_relayout(einc_ctx *ctx, arena *a, const ir_graph *g, int vector_bits,
                          const cg_caches *caches, ir_tree **tree);

/* layout.c: the order of the labels of each intermediate of "t" (over
 * "g"), its layout: index order, but a per-tile intermediate of chain
 * "tiling" (NULL: none) that the chain's next step, GEMM-like for
 * "vector_bits" and "caches", would pack as its B has the labels that
 * step sums moved in before its last label, where the step then reads
 * whole micro-panels in place and the intermediate's writer keeps its
 * form. */
einc_status pass_layout(einc_ctx *ctx, arena *a, const ir_graph *g,
                        const struct chain_tiling *tiling, int vector_bits,
                        const cg_caches *caches, ir_tree *t);

/* lower.c: one ISL loop nest per plan step, GEMM-like steps blocked for
 * registers "vector_bits" wide and the caches "caches", plain nests split
 * over "threads" (einc_options.threads), the nodes "fused" marks (pass_fuse;
 * NULL: none) packed by their reader, the steps of chain "tiling"
 * (pass_tile; NULL: none) over one tile, run in its last step's tile loop
 * with their intermediates in two buffers after the plan's arena; "*out"
 * is set even on failure. */
einc_status pass_lower(einc_ctx *ctx, arena *a, const ir_graph *g, const ir_tree *t,
                       const ir_plan *p, const int *fused, const struct chain_tiling *tiling,
                       int vector_bits, const cg_caches *caches, int threads, ir_loops **out);

/* fuse.c: which nodes of tree "t" (over "g") are computed inside the
 * packing of their reader, a GEMM-like step for "vector_bits" and
 * "caches", never stored: "*fused" (in "a", one int per node) nonzero for
 * those (see fuse.c for which qualify); none in a tree with a node past
 * 2^61 bytes (plan_node_bytes), which pass_plan refuses. */
einc_status pass_fuse(einc_ctx *ctx, arena *a, const ir_graph *g, const ir_tree *t,
                      int vector_bits, const cg_caches *caches, int **fused);

/* What lower_gemm_probe finds of a GEMM-like step's form (operands 0
 * left, 1 right). */
typedef struct {
	int b;          /* the operand that is B */
	int b_in_place; /* 1: B read from the tensor, not packed (loop_gemm's) */
	int64_t nr;     /* the register block's columns */
	int crossed;    /* the operand packed as a B across its panels or across
	                   its batch (loop_gemm's b_crossed, b_lanes), else -1 */
} gemm_probe;

/* lower.c: whether tree node "node" of "t" (over "g"; two operands) is
 * GEMM-like, as pass_lower would find its step for "vector_bits" and
 * "caches" (lower_gemm): 1 or 0; -1 when out of memory. "*form" (when not
 * NULL) gets what the form is where 1. */
int lower_gemm_probe(arena *a, const ir_graph *g, const ir_tree *t, int node, int vector_bits,
                     const cg_caches *caches, gemm_probe *form);

/* lower_gemm.c: whether a pairwise step whose dims play the roles counted
 * in "count" (per ir_role) is GEMM-like: a free dim on each side and a
 * summed one, none summed on one side only (the rule lower_gemm applies
 * before its limits on tables and work; the relayout pass asks it too). */
int lower_gemm_like(const int count[IR_ROLE_RIGHT_SUM + 1]);

/* lower_gemm.c: the GETT form of two-argument step "st" ("esize"-byte
 * elements, registers "vector_bits" wide, blocks for "caches") in "a", or NULL when it is not
 * GEMM-like (a dim summed on one side only or by no access, no M, N or K
 * dim, an empty dim, a group too large for its tables, or too little work)
 * or out of memory. Its packing buffers go after the plan's "ws_bytes".
 * "b_packed": the runtime packs B whatever its rows (a complex step's real
 * form), never reads it in place (einc_rt_gett_b_in_place), never swaps
 * the operands (swap_pays). */
loop_gemm *lower_gemm(arena *a, const loop_step *st, int64_t esize, int vector_bits,
                      const cg_caches *caches, int64_t ws_bytes, int b_packed);

/* lower_gemm.c: the extents of GETT form "g"'s dims (batch, M, N, K
 * groups in order) into "sizes", and their element strides in A, then B,
 * then C into "strides" (3 x as many), as einc_rt_gett_desc holds them. */
void lower_gemm_extents(const loop_gemm *g, int64_t *sizes, int64_t *strides);

/* lower_gemm.c: the runtime's descriptor of GETT form "g" with elements
 * of kind "kind" (einc_rt_gett_desc's), as far as the runtime's rules and
 * its scratch depend on it (no kernels, threads or tables): its extents
 * and strides written into "sizes" and "strides" (lower_gemm_extents),
 * which it points to. */
einc_rt_gett_desc lower_gemm_desc(const loop_gemm *g, int64_t kind, int64_t *sizes,
                                  int64_t *strides);

/* lower_gemm_complex.c: the GETT form of two-argument complex step "st"
 * ("part_bytes" per part) as a real step (BLIS's 1m), as lower_gemm. */
loop_gemm *lower_gemm_complex(arena *a, const loop_step *st, int64_t part_bytes,
                              int vector_bits, const cg_caches *caches, int64_t ws_bytes);

/* lower_gemm.c: GETT form "g" with A a fused product (runtime/gett.h,
 * einc_rt_gett_fused), computed an MC x KC block at a time into a
 * row-major tile, unit stride along K: the micro-kernel reads the tile in
 * place where lower_gemm_direct_pays says so, else packs it. (An MC cut
 * so that the tile fits L1, 24 to 96 rows, ran no faster than MC 240 on
 * zci,zcj,ijk->zck.) */
void lower_gemm_fuse_a(loop_gemm *g);

/* lower_gemm.c: whether the micro-kernel reads A in place: A's element
 * stride "ks" along the flattened K group (0: not one stride), "n"
 * columns in NC blocks of "nc", register blocks of "nr" columns. */
int lower_gemm_direct_pays(int64_t ks, int64_t n, int64_t nc, int64_t nr);

/* lower_parallel.c: how plain step "st" (its nest built) runs over
 * "threads" threads with "esize"-byte elements, into "st->par". */
void lower_parallel(loop_step *st, int threads, int64_t esize);

/* lower_copies.c: the slow-buffer offset of each tree node of "p" that is
 * spilled into "slot" ("nnodes" of them; -1 for the others); returns the
 * slow buffer's size. */
int64_t lower_slow_slots(const ir_plan *p, int nnodes, int64_t *slot);

/* lower_copies.c: the copies before step "s" of "p" into "st->copies"
 * (arena "a"; spills first, then reloads), their bytes added to "*moved";
 * EINC_ENOMEM, or EINC_EINTERNAL when a reload finds no slot. */
einc_status lower_copies(arena *a, const ir_plan *p, const int64_t *slot, int s,
                         loop_step *st, int64_t *moved);

#endif
