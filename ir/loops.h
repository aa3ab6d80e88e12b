/*
 * loops.h - the loop nests: one per plan step, each an isl_ast over the
 * step's indices whose only statement is
 *
 *     S<step>(x): result[x] += arg0[x] * arg1[x]     (arg0[x] alone when unary)
 *
 * with every access an affine offset sum_d strides[d] * x_d (elements). The
 * result is zeroed before its nest (codegen skips the zeroing where nothing
 * needs it: a nest that sums nothing stores, and a GEMM-like step's first K
 * block stores). The struct lives in the arena; the ISL
 * objects it holds are freed by ir_loops_free.
 *
 * Text form (ir_loops_print, --dump=loops; printed, never parsed):
 *   ; einc loops v1 spec="ij,jk->ik" dtype=f32 workspace=0
 *   step 0: S0(i, j, k) : out[5*i + k] += in0[4*i + j] * in1[5*j + k]
 *     zero out[0 .. 14]
 *     for (int i = 0; i <= 2; i += 1)
 *       ...
 *           S0(i, j, k);
 * A plain step that sums nothing (a copy, a transpose, an outer product)
 * stores each element once: "=" for "+=", and no zero line:
 *   step 0: S0(i, j) : out[i + 4*j] = in0[5*i + j]
 * With an index of size 0 no step runs: the header line is followed by
 *   ; an index has size 0: no step runs, the result is N zeros
 * (or "the result is empty").
 * A plain nest (not GEMM-like) merges the dims that every access walks as
 * one into a dim named by both iterators: ijk->i runs
 *   step 0: S0(i, jk) : out[i] += in0[131072*i + jk]
 * A plain nest split over the thread pool adds a line after its zero line
 * (loop_par; "over" names the outermost loop):
 *     parallel sums over k: tasks=16 chunk=256 extent=4096
 * A GEMM-like step has no nest (the runtime's GETT driver runs it, and
 * building one costs ISL most of its time on large networks) and no zero
 * line (its first K block stores); a line after its statement says how it
 * runs:
 *     gemm batch(b) m(i) n(k) k(j) a=in0 mc=144 nc=64 kc=256 chunks=1 scratch=ws@0
 * A step fused into the packing of a later one (passes/fuse.c) prints its
 * product and where it goes, and that step prints the product in place of
 * the operand, and "fused=a" or "fused=b" on its gemm line:
 *   step 0: S0(z, c, i, j) : fused into step 1 as in0[16*c + 512*z + i] * in1[...]
 *   step 1: S1(...) : out[...] += in2[...] * (in0[...] * in1[...])
 * The steps of a chain run tile by tile (passes/tile.c) run over one tile
 * of its label; the last one's line ends with the loop over the tiles,
 * the others' with where they run, and each access that moves from one
 * tile to the next with "+BYTES/tile":
 *   step 2: S2(i, j, r, s) : ws@1024[...] += ws@0[...] * in2[...] : in tiles of step 3
 *   step 3: S3(...) : ws@0+8192/tile[...] += ... : tiles 6 of steps 1 2 3
 * Where the tiles run as parallel tasks (passes/tile.c) the per-tile
 * intermediates and the steps' GETT scratch lie in each task's own
 * buffer, "task@B", and the last step says how large it is and where the
 * calling thread's lies in the workspace:
 *   ... : tiles 48 of steps 0 1 2 as parallel tasks, each with task@0 .. 1858111
 *   (the caller's at ws@42467328)
 * An output at the caller's strides (einc_compile_strided) is zeroed
 * element by element: "zero out[5*i + k]" names the elements.
 * Buffers are out, inK (input K) and ws@B (the workspace at byte B); an
 * offset is the sum of stride * iterator, in elements; the nest is the AST as
 * isl_ast_node_to_C_str prints it. Under a budget that spills, the first
 * line adds "slow=BYTES moved=BYTES" (the slow buffer's size and the bytes
 * each run copies), and the copies a step needs first come before its line:
 *   spill t4: ws@0 -> slow@0, 256 bytes
 *   reload t4: slow@0 -> ws@128, 256 bytes
 */
#ifndef EINC_LOOPS_H
#define EINC_LOOPS_H

#include <stdint.h>

#include <isl/ast.h>
#include <isl/ctx.h>

#include "graph.h"

/*
 * What a loop of a step's nest runs over, kept as the user pointer of its
 * iterator's isl_id (in the arena), so that no pass finds a loop by its
 * name: dim "dim" whole, its tiles of the step's "tile" (LOOP_TILE, a
 * transposing nest), its pairs of rows (LOOP_PAIR, summed two at a time,
 * both unrolled inside) or one half of it (LOOP_HALF, an outermost summed
 * dim read as two halves at once, unrolled innermost).
 */
typedef enum { LOOP_WHOLE, LOOP_TILE, LOOP_PAIR, LOOP_HALF } loop_role;

typedef struct {
	loop_role role;
	int dim;
} loop_iter;

/*
 * How a plain nest runs (lower_parallel.c): whole, or as "ntasks" tasks of
 * the thread pool over chunks of "chunk" iterations of its outermost loop
 * ("extent" of them), each task moving its own elements of the result
 * (LOOP_PAR_ROWS) or summing into a zeroed partial result of its own that
 * the caller adds up in task order (LOOP_PAR_SUMS): either way the result
 * does not depend on the threads.
 */
typedef enum { LOOP_PAR_NONE, LOOP_PAR_ROWS, LOOP_PAR_SUMS } loop_par_mode;

typedef struct {
	loop_par_mode mode;
	int64_t extent, ntasks, chunk;
	int dim;      /* the step's dim the outermost loop runs along */
	int64_t unit; /* its elements per iteration of that loop */
} loop_par;

/* Where an access points. */
typedef enum {
	LOOP_OUT,       /* the kernel's output */
	LOOP_INPUT,     /* graph input "input" */
	LOOP_WORKSPACE, /* the workspace, at byte "offset" */
	LOOP_TASK       /* the running task's own buffer, at byte "offset": a
	                   tiled chain's per-tile intermediates where its tiles
	                   run as parallel tasks (ir_loops' "task_bytes") */
} loop_buffer;

typedef struct {
	loop_buffer buffer;
	int input;        /* LOOP_INPUT: the input number */
	int64_t offset;   /* LOOP_WORKSPACE, LOOP_TASK: byte offset */
	int64_t *strides; /* element stride for each dim of the step */
	int64_t tile_bytes; /* in a tiled chain's step: bytes the buffer moves
	                       from one tile to the next (0: the same for all) */
} loop_access;

/*
 * A GEMM-like step (two arguments; every dim a batch, M, N or K dim) as
 * runtime/gett.h runs it: C[b, m, n] += A[b, m, k] * B[b, k, n], each group
 * flattened over its dims, the first dim outermost. A is argument "a", B
 * the other. passes/lower_gemm.c picks the blocks (register and cache)
 * and whether A is read in place; the runtime splits the step into tasks
 * (einc_rt_gett_desc).
 */
typedef struct {
	int nb, nm, nn, nk;       /* dims per group */
	int *dims;                /* the step's dims: batch, then M, N, K */
	int a;                    /* the argument on the M side (0 or 1) */
	int64_t batch, m, n, k;   /* flattened extents */
	int64_t mc, nc, kc;
	int mr, nr, vl;           /* the register block: rows, columns, elements per vector */
	int64_t a_stride;         /* A's element stride along K where the micro-kernel
	                             reads A in place; 0: A is packed */
	int a_ahead;              /* 1: the runtime prefetches A's next block into L2
	                             (einc_rt_gett_desc's "ahead") */
	int a_sweep;              /* 1: the micro-kernel, reading A in place, prefetches
	                             its share of A's next K block, one run of memory
	                             after this one (codegen/microkernel.c) */
	int64_t a_sweep_next;     /* where a_sweep: 0, the next K block; else the next
	                             M block (mc rows, one run), this many elements on */
	int a_next;               /* 1: the micro-kernel, reading A in place, its
	                             rows one run K apart and K in one block,
	                             prefetches the next register block's rows,
	                             the run after its own (codegen/microkernel.c) */
	int64_t a_held;           /* 1: A is read in place an MC block of rows at a
	                             time over all of K, the block's sums held in
	                             a buffer of the thread's, the micro-kernel
	                             prefetching along its first row
	                             (einc_rt_gett_desc's "held") */
	int b_in_place;           /* 1: the runtime reads B from the tensor beside
	                             A packed (einc_rt_gett_b_in_place), not
	                             packed: pass_layout asks */
	int b_copy;               /* 1: the micro-kernel's twin packs B as the
	                             first row of register blocks reads it
	                             (einc_rt_gett_desc's "kernel_copy") */
	int rows_first;           /* 1: the tiles run a row of register blocks at
	                             a time, the blocks sized for it
	                             (einc_rt_gett_desc's "rows_first") */
	int b_crossed;            /* 1: B's unit stride runs along an N dim outside
	                             the one its panels' columns follow, and NC
	                             holds whole groups of a line's elements of it
	                             (runtime/pack_crossed.c packs those) */
	int64_t b_lanes;          /* 0, or L, a line's elements: B's batch group
	                             runs with unit stride, and the runtime packs
	                             L batch elements' panels at once
	                             (einc_rt_gett_desc's "b_lanes") */
	int64_t c_transposed;     /* 1: the operands swapped (C^T = B^T A^T), C's
	                             M group of unit stride: the runtime computes
	                             C's blocks transposed
	                             (einc_rt_gett_desc's "c_transposed") */
	int64_t scratch;          /* byte offset of the packing buffers in the workspace
	                             (in the task's buffer where the step is one of a
	                             chain whose tiles run as tasks: ir_loops' "task_bytes") */
	const struct loop_step *view; /* the dims and accesses "dims" indexes: the step
	                             itself, or a complex step's real form (BLIS's 1m,
	                             passes/lower_gemm_complex.c) */
	int64_t esize;            /* bytes of an element of "view" */
} loop_gemm;

/*
 * A copy before a step between the workspace and the slow buffer the
 * caller passes: a spill (workspace to slow) ends a stay of tree node
 * "node"'s result in the arena, a reload (slow to workspace) starts one.
 * Each spilled node has one slot in the slow buffer (lower.c assigns them).
 */
typedef struct {
	int reload;      /* 0: spill, 1: reload */
	int node;        /* the tree node whose result moves */
	int64_t offset;  /* byte offset in the workspace */
	int64_t slow;    /* byte offset in the slow buffer */
	int64_t bytes;   /* its arena size: a multiple of IR_PLAN_ALIGN */
} loop_copy;

typedef struct loop_step {
	int ncopies;
	loop_copy *copies;   /* run before the nest: spills, then reloads */
	int ndims;
	int *index;          /* the graph index of each dim, ascending */
	int64_t *sizes;      /* the extent of each dim */
	const char **names;  /* each dim's iterator name in the AST */
	loop_access result;
	int64_t result_elems; /* elements zeroed before the nest */
	int strided_out;      /* the result is the output at the caller's strides,
	                         or a tiled chain's result a tile at a time,
	                         not dense (einc_compile_strided): zeroed element
	                         by element, never summed in partial results */
	int nargs;            /* 1 (unary step) or 2 */
	loop_access args[2];
	int lead;             /* a plain nest's dim run outermost, as the K slices of the
	                         GEMM-like step that reads its result split it; -1: none */
	int64_t tile;         /* 0, or a transposing nest's tile edge (pass_lower) */
	int transposes;       /* 1: the step only copies its operand into a layout
	                         whose unit-stride dim "copy_dims[0]" is not the
	                         operand's "copy_dims[1]" (pass_lower); codegen
	                         calls the runtime's einc_rt_transpose_copy */
	int copy_dims[2];
	isl_ast_node *ast;    /* the nest (NULL for a GEMM-like step); statement
	                         arguments are the dims in order; each iterator's
	                         id carries its loop_iter */
	loop_par par;         /* how a plain nest runs over the threads */
	loop_gemm *gemm;      /* a GEMM-like step, or NULL: the nest runs as is */
	int fused_into;       /* a product computed in the packing of step
	                         "fused_into" (passes/fuse.c): no nest, no result
	                         (its args are its operands); -1: none */
	int fused_arg;        /* a GEMM-like step's argument that is a fused
	                         product: args[fused_arg] * factor, both in this
	                         step's dims; -1: none */
	loop_access factor;
	int tiled_into;       /* a step of a tiled chain (passes/tile.c) run in the
	                         tile loop of step "tiled_into", the chain's last;
	                         -1: none */
	int nchain;           /* the chain's last step: its steps, bottom first,
	                         this one last, run for each of "ntiles" tiles;
	                         0: not a chain's last step */
	int *chain;
	int64_t ntiles;
	loop_access next;     /* a later GETT step of a tiled chain: the operand
	                         window that the chain's first step reads from
	                         memory in one run, of which this step's call
	                         reads "next_bytes" from byte "next_offset" of
	                         the next tile's into the caches (passes/lower.c,
	                         chain_next); next_bytes 0: none */
	int64_t next_offset, next_bytes;
} loop_step;

typedef struct {
	isl_ctx *isl;
	int nsteps;
	loop_step *steps;
	int64_t workspace_bytes; /* the plan's, plus the packing buffers of GEMM steps */
	int64_t slow_bytes;      /* the slow buffer the copies need (0: none) */
	int64_t moved_bytes;     /* bytes all copies of one run move: the plan's traffic */
	int64_t task_bytes;      /* a tiled chain whose tiles run as parallel tasks:
	                            the bytes of each task's own buffer (the
	                            per-tile intermediates, the steps' GETT
	                            scratch), the calling thread's at the
	                            workspace's byte "task_at"; 0: none */
	int64_t task_at;
} ir_loops;

/* Frees the ISL objects of "l" (NULL allowed); the struct stays in its arena. */
void ir_loops_free(ir_loops *l);

/* Whether the plain step "st" writes each result element once (every dim
 * longer than 1 moves the result, so it sums nothing): it stores, with no
 * zeroing first. */
int ir_loop_step_stores(const loop_step *st);

/* The loop_iter of the outermost loop of "st"'s nest; NULL when the nest
 * does not start with a loop. */
const loop_iter *ir_loop_step_outer(const loop_step *st);

/* The elements of the result that one iteration of the outermost loop of
 * the plain step "st" of "esize"-byte elements moves, when that loop runs
 * over the result's outermost dim, whole, the result is dense and larger
 * than ZERO_SLAB_MIN_BYTES: the nest then zeroes each such slab as its
 * iteration starts, while the slab is in cache, rather than the whole
 * result in one pass before it that leaves the caches. 0 otherwise (the
 * step stores, or zeroes its result first). */
int64_t ir_loop_step_zero_slab(const loop_step *st, int64_t esize);

/* Whether the plain step "st" of "esize"-byte elements runs as calls of
 * the runtime's transposing copy (codegen/emit_transpose.c) rather than
 * its nest: a copy across layouts ("transposes") of 4- or 8-byte
 * elements, whole on one thread or one call per task of its row chunks
 * (st->par). */
int ir_loop_step_runtime_copy(const loop_step *st, int64_t esize);

/* The text form of "l" for "g" (--dump=loops): give, free(); NULL when out
 * of memory. */
char *ir_loops_print(const ir_graph *g, const ir_loops *l);

#endif
