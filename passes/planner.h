/*
 * planner.h - the memory planner (passes/plan_*.c): execution order, arena
 * offsets and spill/reload for an op DAG under a byte budget. Heuristics
 * first (Liu's exact order for trees, a greedy order for DAGs, first-/best-
 * fit offsets, Belady and LRU replacement), then a GLPK ILP seeded with
 * them. Sizes are in arena bytes (ir_plan_size): multiples of IR_PLAN_ALIGN.
 */
#ifndef EINC_PLANNER_H
#define EINC_PLANNER_H

#include "arena.h"
#include "dag.h"
#include "einc.h"
#include "graph.h"
#include "plan.h"
#include "tree.h"

struct chain_tiling;

/* Replacement policies: furthest next use first, least recently used first. */
typedef enum { PLAN_BELADY, PLAN_LRU } plan_policy;

typedef struct {
	ir_plan_mode mode;
	int64_t budget;    /* arena bytes; 0: unlimited */
	int use_ilp;       /* run the ILP after the heuristics */
	int node_limit;    /* branch-and-bound nodes per ILP solve (deterministic) */
	int64_t work_limit; /* LP rows x (simplex iterations + 10 x nodes) for all
	                       ILP solves of one plan (deterministic) */
	double time_limit; /* CPU seconds for all ILP solves of one plan (safety net) */
	int part_steps;    /* largest part the ILP takes at once */
	int dp_states;     /* downsets the exact order DP may visit (deterministic);
	                      0: no DP */
	int dp_orders;     /* orders at the DP's peak whose offsets are tried */
} plan_options;

/* The facts every planning pass reads: the DAG, its mode, arena sizes. */
typedef struct {
	const ir_dag *dag;
	ir_plan_mode mode;
	int64_t *size;     /* per tensor: arena bytes, 0 outside the arena */
} plan_problem;

/* What ILP solves report besides their plan: the status of the last
 * solve (optimal only when proven in exact units) and its lower bound on
 * the objective in bytes (-1: none), the CPU seconds, work and nodes of all
 * of them so far (the limits count against them), whether the time
 * limit cut one short or stopped one from starting, and where their
 * progress lines go. */
typedef struct {
	ir_plan_status status;
	int64_t bound;
	double seconds;
	int64_t work;
	int nodes, solves;
	int time_limited;
	const einc_ctx *log; /* keep; NULL: no progress lines */
} plan_report;

/* plan_problem.c: fills "o" with the defaults: workspace, unlimited, ILP on. */
void plan_options_init(plan_options *o);

/* plan_problem.c: sets up "pb" for "d" in "mode"; -1 when out of memory. */
int plan_problem_init(plan_problem *pb, arena *a, const ir_dag *d, ir_plan_mode mode);

/* plan_order.c: max over ops of the arena bytes of its operands and result. */
int64_t plan_step_lb(const plan_problem *pb);

/* plan_order.c: max over the steps of "order" of the arena bytes live
 * (from production, or first use for inputs, to last use). */
int64_t plan_live_peak(const plan_problem *pb, const int *order);

/* plan_order.c: Liu's minimum-peak order when the ops form a tree (every
 * arena tensor read once, one final op), into "order"; -1 when not a tree. */
int plan_order_liu(const plan_problem *pb, arena *a, int *order);

/* plan_dp.c: minimum-live-peak orders of "pb" (at most 64 ops) by
 * dynamic programming over downsets, visiting at most "cap" of them and
 * only those reached at a peak <= "ub": up to "norders" distinct ones (the
 * DP's own first, then walks back through other tie-breaks) into "orders"
 * (keep; nops ints each). Returns how many (their peak is a lower bound on
 * the arena of every order), 0 when the cap is hit, the graph has more
 * than 64 ops, "norders" < 1 or no order peaks at <= "ub", -1 when out of
 * memory. */
int plan_order_dp(const plan_problem *pb, int cap, int64_t ub, int norders, int *orders);

/* plan_order.c: greedy list scheduling (least bytes allocated minus freed,
 * then smallest step peak, then reference position) into "order". */
void plan_order_greedy(const plan_problem *pb, int *order);

/* plan_replace.c: ranges of "order" without spilling (each arena tensor
 * from its production or first use to its last use) into "*ranges"
 * (arena) and their count; -1 when out of memory. */
int plan_ranges_live(const plan_problem *pb, arena *a, const int *order,
                     ir_plan_range **ranges, int *n);

/* plan_replace.c: ranges of "order" when at most "cap" bytes are resident,
 * evicting by "policy"; -1 when some step alone needs more than "cap" or
 * memory runs out. */
int plan_replace(const plan_problem *pb, arena *a, const int *order, int64_t cap,
                 plan_policy policy, ir_plan_range **ranges, int *n);

/* plan_replace.c: ranges that keep only each step's own operands and result
 * (everything else written back): always fits a budget >= the step bound. */
int plan_ranges_minimal(const plan_problem *pb, arena *a, const int *order,
                        ir_plan_range **ranges, int *n);

/* plan_replace.c: sorts "ranges", sets their load and spill flags from
 * "order", and returns the non-compulsory bytes they move. */
int64_t plan_ranges_finish(const plan_problem *pb, const int *order, ir_plan_range *ranges,
                           int n);

/* plan_offsets.c: offsets of "ranges" so that no two that share a step
 * overlap: the lowest of first-fit and best-fit over several placement
 * orders and a swap hill climb; returns the arena's height; -1 when out of
 * memory. */
int64_t plan_offsets(const plan_problem *pb, ir_plan_range *ranges, int n);

/* plan_problem.c: ranges of "order" that fit an arena of "budget" bytes with
 * offsets: replacement by "policy" under a cap lowered until the offsets
 * fit; returns their traffic, -1 when no cap down to the step bound fits. */
int64_t plan_fit(const plan_problem *pb, arena *a, const int *order, int64_t budget,
                 plan_policy policy, ir_plan_range **ranges, int *n);

/* plan_check.c: checks that "p" is a valid plan of p->dag (see the file);
 * EINC_OK or EINC_EINTERNAL with what is wrong in "ctx". */
einc_status plan_check(einc_ctx *ctx, const ir_plan *p);

/*
 * plan_ilp.c: improves "order" (and, under "cap" > 0, the ranges) with the
 * GLPK ILP, seeded with the incumbent "order"/"ranges"; on success stores
 * the new order in "order" and new ranges in "*ranges"/"*n" and returns 1,
 * 0 when it found nothing better (rep->status says whether the incumbent
 * is then proven optimal), -1 when GLPK failed (it never aborts or prints).
 * With cap == 0 it minimises the peak (in windows of part_steps on longer
 * orders), otherwise the traffic (orders of up to part_steps only).
 */
int plan_ilp(const plan_problem *pb, arena *a, const plan_options *o, int64_t cap,
             int *order, ir_plan_range **ranges, int *n, plan_report *rep);

/* plan_ilp.c: solves min x s.t. x >= 1 with GLPK (with "bad", after a
 * call GLPK rejects): 0 when solved, -1 when GLPK failed. Tests use it to
 * check that GLPK neither prints nor aborts. */
int plan_ilp_probe(int bad);

/* plan.c: the bytes of tree node "n"'s dense result in "g"'s dtype, or -1
 * when they pass IR_DAG_MAX_BYTES (2^61); pass_plan refuses a tree with
 * such a node, naming it. */
int64_t plan_node_bytes(const ir_graph *g, const ir_tree_node *n);

/* plan.c: plans "d" under "o" into "*out" (arena "a"). */
einc_status pass_plan_dag(einc_ctx *ctx, arena *a, const ir_dag *d, const plan_options *o,
                          ir_plan **out);

/* plan.c: plans the einsum "t" over "g" in workspace mode within "budget"
 * arena bytes (0: unlimited) into "*out", spilling and reloading
 * intermediates where they do not fit; EINC_EBUDGET names the step whose
 * operands and result alone pass the budget. The nodes "fused" marks
 * (pass_fuse; NULL: none) are never stored: IR_DAG_FUSED tensors, whose
 * readers read their operands. The intermediates of chain "tiling"
 * (pass_tile; NULL: none) are IR_DAG_TILED tensors, outside the arena,
 * and the chain's last op reads every operand of the chain. */
einc_status pass_plan(einc_ctx *ctx, arena *a, const ir_graph *g, const ir_tree *t,
                      const int *fused, const struct chain_tiling *tiling, int64_t budget,
                      ir_plan **out);

#endif
