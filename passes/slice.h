/*
 * slice.h - slicing a contraction (docs/slicing.md): fixing the values of a
 * few indices splits an einsum into slices, each contracted by the same
 * tree over smaller intermediates; a summed sliced index adds the slices
 * up, an output one gives each slice its own part of the output.
 */
#ifndef EINC_SLICE_H
#define EINC_SLICE_H

#include <stdint.h>

#include "path.h"

/* What the slicing pass chose. Lives in the compilation arena. */
typedef struct slicing {
	int n;              /* sliced indices */
	int *index;         /* their ids, in slice order: the output's first,
	                       then the summed ones, each by id; the last runs
	                       fastest */
	int nsummed;        /* the last nsummed of them are summed */
	int64_t nslices;    /* the product of their sizes */
	ir_graph *graph;    /* one slice: those indices of size 1 (their axes of
	                       extent 1), the rest as in the whole graph; its
	                       inputs' strides (ir_graph.strides) are the whole
	                       arrays', its output a dense part */
	path *path;         /* the path over graph's problem that each slice runs */
	path_cost flops, largest;           /* of one slice */
	path_cost flops_full, largest_full; /* of the unsliced path */
} slicing;

/* How labels are chosen: the planner's way (greedy on the tree, the tree
 * re-optimised after each choice), or the benchmark's plain baseline (the
 * index most tensors hold first, the tree kept). */
typedef enum { SLICE_GREEDY, SLICE_MOST_SHARED } slice_method;

/* What to slice for (einc_options' slicing fields, the sizes in elements). */
typedef struct {
	const char *labels;    /* NULL: chosen by "method"; else the labels */
	path_cost target_size; /* largest intermediate of a slice; 0: none */
	int64_t target_slices; /* at least this many slices; 0: none */
	double max_overhead;   /* 0: no limit */
	slice_method method;
} slice_goal;

/*
 * Slices graph "g", whose unsliced path "full" (searched with "po") is
 * known, for "goal" into "*out" (arena "a"). Errors
 * (stage "slice"): a label "g" lacks (with a caret under it in the labels),
 * a size target below one element, an overhead above the goal's limit, a
 * graph with an empty index.
 */
einc_status pass_slice(einc_ctx *ctx, arena *a, const ir_graph *g, const path *full,
                       const path_options *po, const slice_goal *goal, slicing **out);

/*
 * What the planner weighed under a budget (--budget with --slice=auto and
 * no target size): the unsliced plan spilling against slicing, each as
 * flops plus SLICE_SPILL_FLOPS_PER_BYTE per byte spilled or reloaded (its
 * slices' bytes together) plus, for summed slices, the additions of the
 * slices' parts. A cost is INFINITY where that way does not fit the budget.
 */
typedef struct budget_choice {
	int sliced;                  /* 1: slicing was chosen, 0: spilling (or
	                                neither was needed) */
	double spill_cost, slice_cost;
	int64_t spill_bytes;         /* the unsliced plan's traffic; -1: no fit */
	int64_t slice_bytes;         /* the sliced plan's, all slices; -1: none */
} budget_choice;

/* A byte spilled or reloaded costs as much as this many flops: a core's
 * FMA rate (about 60 GFLOP/s on AVX2, opt_einsum's flops) over what it
 * copies to and from memory (about 15 GB/s). */
#define SLICE_SPILL_FLOPS_PER_BYTE 4.0

/* slice_report.c: the line that says what "c" chose, after "lead"; as a
 * JSON member ("budget_choice": {...},) when "json". give, free(). */
char *budget_choice_report(const budget_choice *c, const char *lead, int json);

/*
 * slice_exact.c: a lower bound on the flops, all slices together
 * (opt_einsum's convention, as slice_overhead counts them), of any set of
 * sliced labels of "prob" with any tree whose every step result holds at
 * most "target" elements per slice, in at least "min_slices" slices. It is
 * the least such cost over every label set and every binary tree (dynamic
 * programming over the subsets of tensors per set, 3^n; the sets branched
 * and bounded), with one relaxation that only lowers it: unary steps (a
 * tensor's own labels summed first) cost nothing and their results are
 * not held to the target. So it is at most the best slicing's flops, and
 * equal to them up to those unary steps. With "keep_sums" a step that
 * sums only sliced labels still counts twice its terms, as the unsliced
 * step does (the slices' parts are added up in its place): the planner's
 * measure, which does not let slicing a summed label away halve a step;
 * the bound is then on that measure. "limit" is a cost known to be
 * reached: returned when nothing cheaper exists. The labels of the best
 * set found below "limit" go to "*labels" as bits by index (0: none).
 * "*settled" is 1 when the search ended within "work" splits (the bound
 * is then the least cost); when the work runs out, the branches left
 * open are given up with their parents' bounds, and the result is the
 * least of those and the best found: still a lower bound, not the least
 * cost. NAN where "prob" has more than SLICE_EXACT_MAX_TENSORS tensors or
 * more than 64 indices.
 */
#define SLICE_EXACT_MAX_TENSORS 20
double slice_exact(const path_problem *prob, double target, double min_slices, double limit,
                   int64_t work, int keep_sums, uint64_t *labels, int *settled);

/*
 * slice_exact.c: a lower bound on what slice_exact bounds (with no
 * "min_slices") for networks of any size: the most of slice_exact's
 * bound over subnetworks of "k" tensors (at most SLICE_EXACT_MAX_TENSORS;
 * grown from SLICE_BOUND_SEEDS tensors spread over "prob", each taking
 * next the tensor that shares the most with it), each given an equal
 * share of "work". It is valid because any tree of the whole network,
 * restricted to a subnetwork W's leaves, is a tree of W whose every step
 * is a distinct step of the whole and holds at most the labels of the
 * whole's step (W's labels are those held by two of its tensors or by
 * one and the output; a label counts as summed, doubling a step, only
 * where every tensor that holds it is in W), so each W's least sliced
 * cost is at most the whole's. "*settled" is 1 when the bound reaches
 * "limit" (a cost known to be reached: it is then the least cost). NAN
 * for "k" below 2 or above SLICE_EXACT_MAX_TENSORS.
 */
#define SLICE_BOUND_SEEDS 16
double slice_bound_within(const path_problem *prob, int k, double target, double limit,
                          int64_t work, int keep_sums, int *settled);

/*
 * slice_exact.c: a lower bound on what slice_exact bounds (with no
 * "min_slices") for networks of any size, from a subnetwork W and the
 * rest apart: for subnetworks W as slice_bound_within's, W's least sliced cost
 * times the least slices of each of the blocks (of at most "k" tensors,
 * grown from the lowest tensor left) that cover the other tensors, each
 * block's labels those of slice_bound_within's but for W's and earlier
 * blocks'. Valid because every step of a tree of the whole that is a
 * step of W's restriction costs |S u U| >= |S \ W's labels| * |(S n W's
 * labels) u U|, the labels S slices outside W's include the blocks'
 * (disjoint) ones, and each block's are a slicing of the block that meets
 * the target (its restriction of the tree fits). The most over the W of
 * every size from 2 to "k" (the blocks of the same size), W and the blocks
 * grown compact (each next tensor the one that widens the cut least),
 * "work" per size split evenly among its searches; "*settled" 1 when it
 * reaches "limit". NAN for "k" below 2 or above SLICE_EXACT_MAX_TENSORS, or out
 * of memory.
 */
double slice_bound_apart(const path_problem *prob, int k, double target, double limit,
                         int64_t work, int keep_sums, int *settled);

/*
 * slice_cut.c: a lower bound on the slices (the product of the sliced
 * labels' sizes) of any slicing of "prob", with any tree, whose every step
 * result but the root holds at most "target" elements per slice, from the
 * cuts every tree makes: the most of a bound over the whole network's steps
 * and the sum of the separators' bounds over blocks of at most "k" tensors
 * (none for k < 3; at most SLICE_CUT_MAX_BLOCK; 3^k work a block). The
 * proofs are in slice_cut.c's header. NAN for fewer than two tensors, a
 * target below one element, or out of memory.
 */
#define SLICE_CUT_MAX_BLOCK 20
double slice_cut_slices(const path_problem *prob, double target, int k);

/* slice_cut.c: (n - 1) times slice_cut_slices, "prob"'s n tensors: each of
 * the n - 1 pairwise steps costs every slice at least one flop, so a lower
 * bound on what slice_exact bounds, for networks of any size. */
double slice_bound_cut(const path_problem *prob, double target, int k);

/* The slices' flops together over the unsliced path's. */
double slice_overhead(const slicing *s);

/* slice_report.c: the lines the reports lead with ("; " before each for
 * the tree dump, else ""): sliced labels, slices, largest intermediate
 * per slice, flops, overhead. give, free(); NULL when out of memory. */
char *slice_report(const ir_graph *g, const slicing *s, const char *lead);

/* slice_report.c: the same as the members of a JSON object ("sliced":
 * ..., "num_slices": ..., ...), without the braces. give, free(). */
char *slice_report_json(const ir_graph *g, const slicing *s);

/*
 * slice_table.c: the table einc_rt_run_slices (runtime/slices.h) runs the
 * slices of "s" over the whole graph "g" with (one slice of "g" when "s" is
 * NULL), "*len" entries; give, free(); NULL when out of memory.
 */
int64_t *slice_table(const ir_graph *g, const slicing *s, size_t *len);

#endif
