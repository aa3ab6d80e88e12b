/*
 * path.h - contraction-order search (passes/path_*.c, passes/cost.c).
 *
 * A search problem is n tensors, each a set of indices with sizes, and an
 * output index set. A path is a binary contraction tree in SSA form: leaves
 * are 0 .. n-1, step k contracts two live ids and creates id n + k.
 *
 * Cost model: exactly opt_einsum's opt_cost. A pairwise step costs the
 * product of the sizes of the union of both operands' indices, times 2 if it
 * sums out an index, else 1; the path's flops are the sum over its steps. A
 * unary step (and a single-tensor problem) costs prod(sizes) * (1 + [it
 * sums an index]). The
 * largest intermediate is the largest step result (the output included, the
 * inputs excluded), as opt_einsum and numpy report it; max_intermediate
 * bounds the step results but the root's (their searches never bound the
 * output). Costs are unsigned 128-bit, saturating.
 *
 * The objective every search minimises is flops + combo * (result size),
 * summed over steps; with combo = 0 (the default) it is the flops.
 */
#ifndef EINC_PATH_H
#define EINC_PATH_H

#include <stdint.h>

#include "arena.h"
#include "ctx.h"
#include "graph.h"
#include "tree.h"

typedef unsigned __int128 path_cost;

#define PATH_COST_MAX (~(path_cost)0)

/* The search problem. Index lists are sorted and distinct. */
typedef struct path_problem {
	int n;              /* tensors */
	int nindices;
	int64_t *size;      /* nindices sizes, >= 1 */
	int *start;         /* n + 1 offsets: tensor t is index[start[t] .. start[t+1]-1] */
	int *index;
	unsigned char *out; /* nindices flags: index is in the output */
} path_problem;

/* A contraction path in SSA form with its cost. A unary step (id, -1) sums
 * out the indices only its operand holds (a leaf's private indices). */
typedef struct path {
	int n;             /* leaves */
	int nsteps;        /* n - 1 pairwise (0 for n == 1) plus the unary ones */
	int (*step)[2];    /* nsteps pairs of ids, first < second, or (id, -1) */
	path_cost flops;   /* opt_einsum opt_cost */
	path_cost largest; /* largest intermediate, elements */
	path_cost inner;   /* largest step result but the root's: what
	                    * max_intermediate bounds */
	path_cost score;   /* the objective: flops + combo * sizes */
} path;

typedef enum { PATH_AUTO, PATH_EXACT, PATH_GREEDY, PATH_REFINE } path_method;

/* The DP's solutions kept across searches (path_memo.c). */
typedef struct path_memo path_memo;

typedef struct path_options {
	path_method method;
	uint64_t seed;        /* restarts: trial r draws from (seed, r); 0 is a seed */
	int trials;           /* greedy trials (trial 0 = plain greedy); default 32 */
	double combo;         /* objective weight of result sizes; default 0 */
	path_cost max_intermediate; /* 0 = no limit */
	int64_t dp_work;      /* exact DP: pair evaluations plus per-tensor list entries
	                       * of stored subsets before it gives up; 0 = no limit */
	int64_t refine_work;  /* one refinement: window DP pair evaluations; 0 = no limit */
	path_memo *memo;      /* the DPs' solutions kept across searches; NULL = none */
} path_options;

/* Fills "o" with the defaults (auto, seed 0, 32 trials, flops, no limit). */
void path_options_init(path_options *o);

/* cost.c */

/* a + b, saturating at PATH_COST_MAX. */
static inline path_cost path_cost_add(path_cost a, path_cost b)
{
	path_cost s;
	return __builtin_add_overflow(a, b, &s) ? PATH_COST_MAX : s;
}

/* a * b, saturating at PATH_COST_MAX. Two factors below 2^64 (the usual
 * case) take one 64 x 64 -> 128-bit multiply, which cannot overflow. */
static inline path_cost path_cost_mul(path_cost a, path_cost b)
{
	path_cost p;
	if (!((a | b) >> 64))
		return (path_cost)(uint64_t)a * (uint64_t)b;
	return __builtin_mul_overflow(a, b, &p) ? PATH_COST_MAX : p;
}

/* The decimal text of "c" into "buf" (at least 40 bytes); returns "buf". */
char *path_cost_str(path_cost c, char *buf);

/* The cost as a double (for ratios and logs). */
double path_cost_double(path_cost c);

/*
 * A problem in "a" from "n" index lists ("ranks[t]" ids at "idx[t]", any
 * order, repeats allowed), "nindices" sizes and the output's "out_rank" ids.
 * Stores it in "*out". Fails on ids out of range or sizes < 1.
 */
einc_status path_problem_new(einc_ctx *ctx, arena *a, int n, const int *ranks,
                             const int *const idx[], int nindices, const int64_t *size,
                             int out_rank, const int *out_idx, path_problem **out);

/* The problem of graph "g": its inputs (their axes of extent > 1) and
 * output, diagonals collapsed. */
einc_status path_problem_from_graph(einc_ctx *ctx, arena *a, const ir_graph *g,
                                    path_problem **out);

/*
 * Recomputes flops, largest and score of "p" (its n and steps) on "prob"
 * with objective weight "combo". Returns EINC_EINVAL (in "ctx") when the
 * steps are not a valid SSA contraction of all n leaves into one.
 */
einc_status path_evaluate(einc_ctx *ctx, const path_problem *prob, double combo, path *p);

/* path_evaluate (combo 0), and the element count of every id of "p" (the
 * leaves, then each step's result) into "sizes" (room for n + nsteps). */
einc_status path_sizes(einc_ctx *ctx, const path_problem *prob, path *p, path_cost *sizes);

/*
 * The opt_einsum linear form of "p": for each step the positions i < j of its
 * operands in the current operand list (results appended at the end) into
 * "lin" (nsteps pairs; j = -1 for a unary step). O(n log n). Returns 0, or -1
 * when out of memory.
 */
int path_to_linear(const path *p, int (*lin)[2]);

/* The linear form as text, "[(0, 1), (0, 1)]", a unary step as "(2,)"
 * ("[(0,)]" for one tensor): give, free(); NULL when out of memory. */
char *path_linear_str(const path *p);

/*
 * Adds to the pairwise path "p" the unary steps that pay for objective
 * "o->combo": a leaf whose private indices (held by no other tensor, not by
 * the output) are cheaper to sum out before its first contraction
 * (opt_einsum's dp does that always), if the result fits
 * "o->max_intermediate". Exact for the tree. The unary steps come first.
 * Returns 0, or -1 when out of memory. Costs are not updated (path_evaluate).
 */
int path_add_unary(const path_problem *prob, const path_options *o, path *p);

/* What every search does to its pairwise path "p" last: path_add_unary,
 * then path_evaluate with "o->combo". EINC_OK, EINC_ENOMEM, or
 * path_evaluate's status. */
einc_status path_complete(einc_ctx *ctx, const path_problem *prob, const path_options *o,
                          path *p);

/* How a search that returns its own path "p" ends: path_complete, then
 * EINC_EBUDGET with the message "none" when an intermediate (p->inner)
 * breaks "o->max_intermediate", else "p" into "*out" and EINC_OK. */
einc_status path_finish(einc_ctx *ctx, const path_problem *prob, const path_options *o,
                        path *p, const char *none, path **out);

/* A new path of "n" leaves in "a" with room for its steps, or NULL. */
path *path_new(arena *a, int n);

/*
 * One step over sorted index lists "x" ("nx") and "y" ("ny"; 0 for a unary
 * step on "x"), where "count[i]" is the number of live tensors holding index
 * i: writes the kept indices (sorted) to "res" and returns how many;
 * "*flops" gets the step's flops and "*size" the result's element count.
 */
int path_step(const path_problem *prob, const int *count, const int *x, int nx,
              const int *y, int ny, int *res, path_cost *flops, path_cost *size);

/* The objective of a step: "flops" + "combo" * "size", saturating. */
path_cost path_step_score(path_cost flops, path_cost size, double combo);

/*
 * The live index lists of a path as a replay walks it: id t's sorted list
 * at "pool" + "ofs[t]", "len[t]" long (-1: not yet made, or consumed), and
 * "count[i]" the number of live lists holding index i (path_step's).
 */
typedef struct path_lists {
	int *count, *ofs, *len, *pool;
	size_t cap, used;
} path_lists;

/* The lists of "prob"'s leaves, room for "nsteps" more; -1 when out of
 * memory (path_lists_free then still frees what was made). */
int path_lists_init(path_lists *l, const path_problem *prob, int nsteps);

/* Step "z" of operands "x" and "y" (-1: unary): its result's list after
 * the others (path_step), its flops into "*f" and size into "*sz"; the
 * counts stay until path_lists_retire. -1 when out of memory. */
int path_lists_step(path_lists *l, const path_problem *prob, int x, int y, int z,
                    path_cost *f, path_cost *sz);

/* Step "z" done: "x" and "y" (-1: none) consumed, "z" live. */
void path_lists_retire(path_lists *l, int x, int y, int z);

/* Frees the lists of "l". */
void path_lists_free(path_lists *l);

/* path_greedy.c */

/*
 * Greedy search (opt_einsum's rules, stable tie-breaks), best of
 * "o->trials" seeded Boltzmann trials; trial 0 is the plain greedy; trial r
 * depends on seed and r only. Result in "*out" (arena "a"). EINC_EBUDGET
 * when "o->max_intermediate" blocks every path the greedy can find.
 */
einc_status path_search_greedy(einc_ctx *ctx, arena *a, const path_problem *prob,
                               const path_options *o, path **out);

/* path_search_greedy's trials "first" .. "first" + "count" - 1 only. */
einc_status path_greedy_trials(einc_ctx *ctx, arena *a, const path_problem *prob,
                               const path_options *o, int first, int count, path **out);

/*
 * The greedy that joins the pair with the smallest result first (alpha 0,
 * no Hadamard merging), its pairwise steps blind to the limit, completed
 * (path_complete) under "o" into "*out": small intermediates, and the
 * same pairwise steps whatever unary steps canon took under any limit.
 */
einc_status path_greedy_smallest(einc_ctx *ctx, arena *a, const path_problem *prob,
                                 const path_options *o, path **out);

/* path_bottleneck.c */

/*
 * The pairwise path of "prob" (at most PATH_DP_OUTER_MAX tensors) whose
 * largest intermediate (its "inner") is the least of any pairwise path,
 * fewer intermediate elements in all on ties, completed (path_complete)
 * under "o" into "*out"; its pairwise steps are the same whatever unary
 * steps canon took.
 */
einc_status path_bottleneck(einc_ctx *ctx, arena *a, const path_problem *prob,
                            const path_options *o, path **out);

/* path_dp.c */

/*
 * Exact search: dynamic programming over subsets with an iteratively raised
 * cost cap, optimal for the objective over all trees up to
 * PATH_DP_OUTER_MAX tensors, over trees without outer products inside a
 * connected component above. "upper" (may be NULL) is a known path whose
 * score bounds the search. EINC_EBUDGET when no path fits max_intermediate,
 * EINC_EUNSUPPORTED when "o->dp_work" runs out (the caller falls back) and
 * above PATH_DP_MAX tensors.
 */
einc_status path_search_dp(einc_ctx *ctx, arena *a, const path_problem *prob,
                           const path_options *o, const path *upper, path **out);

/* Up to this many tensors the DP pairs every two subsets (outer products
 * included): exact over all trees. */
#define PATH_DP_OUTER_MAX 10

/* The most tensors the DP takes (a subset is one 128-bit set). */
#define PATH_DP_MAX 128

/* path_dp_solve flags: score leaves' unary reductions (path_add_unary then
 * recovers them); pair only subsets that share an index, at any size. */
#define PATH_DP_UNARY 1
#define PATH_DP_CONNECTED 2

/*
 * The DP behind path_search_dp for callers with their own buffer: writes the
 * n - 1 pairwise SSA steps to "steps", bounded by the score "upper"
 * (PATH_COST_MAX for none), with "flags" (PATH_DP_*); adds the pair
 * evaluations it made to "*work" (may be NULL). Returns 0, 1 when
 * max_intermediate blocks every path, 2 when the work budget ran out, 3
 * above PATH_DP_MAX tensors, -1 when out of memory.
 */
int path_dp_solve(const path_problem *prob, const path_options *o, path_cost upper,
                  int flags, int (*steps)[2], int64_t *work);

/* path_memo.c */

/* An empty memo (give, path_memo_free), or NULL when out of memory. */
path_memo *path_memo_new(void);

/* Frees "m" (NULL allowed). */
void path_memo_free(path_memo *m);

/* The "*nvalue" words kept under the "nkey" words "key", or NULL (also
 * when "m" is NULL). */
const uint64_t *path_memo_find(const path_memo *m, const uint64_t *key, size_t nkey,
                               size_t *nvalue);

/* Keeps the "nvalue" words "value" under the "nkey" words "key" (a key
 * kept already keeps its words); past its memory "m" keeps no more, and
 * NULL keeps nothing. */
void path_memo_keep(path_memo *m, const uint64_t *key, size_t nkey, const uint64_t *value,
                    size_t nvalue);

/* path_dp_solve, its answer and the work it counted kept in "m" (NULL:
 * none) and given again for the same problem, bound, flags and options
 * (max_intermediate, combo, dp_work): the same answer, the same work. */
int path_dp_solve_memo(path_memo *m, const path_problem *prob, const path_options *o,
                       path_cost upper, int flags, int (*steps)[2], int64_t *work);

/* path_refine.c */

/*
 * Local refinement: replaces "*p" by a path whose subtrees of up to 10
 * leaves were re-optimised with the DP until a sweep found nothing better
 * (or "o->refine_work" ran out); never costlier than "*p".
 */
einc_status path_search_refine(einc_ctx *ctx, arena *a, const path_problem *prob,
                               const path_options *o, path **p);

/* path.c */

/* The path of the tier "o->method" names (path.c says how each is built);
 * deterministic: same problem and options, same path. EINC_EBUDGET when
 * no path keeps its intermediates within "o->max_intermediate"; the
 * message names a limit that works. */
einc_status path_search(einc_ctx *ctx, arena *a, const path_problem *prob,
                        const path_options *o, path **out);

/* path_print.c */

/*
 * "p" as opt_einsum's contract_path report, over the labels of graph "g"
 * (whose problem is "prob"): naive and optimised flops, speedup, largest
 * intermediate, then per step its scaling, flops, result size and the step
 * as an einsum ("ab,bc->ac"; "ab->b" for a unary step). give, free(); NULL
 * when out of memory or "p" is not a path of "prob".
 */
char *path_print(const ir_graph *g, const path_problem *prob, const path *p);

/* The steps of "p" alone, as path_print's table, after a line "WHAT: N
 * steps, F flops". give, free(); NULL as path_print. */
char *path_print_steps(const ir_graph *g, const path_problem *prob, const path *p,
                       const char *what);

/*
 * The path as JSON, for other tools: {"spec", "inputs" (labels per axis),
 * "output", "sizes" ({label: size}), "linear_path" ([[0, 1], ...], the
 * pairwise path "q"), "naive_flops", "flops" and "largest_intermediate"
 * (opt_einsum's convention), "steps" (per step of "q": "operands" (its
 * positions in the linear form), "labels" (each operand's), "result",
 * "scaling", "flops", "size")} and, when einc runs more steps ("p": unary
 * ones too), "einc_flops" and "einc_steps" (a unary step has one operand).
 * Integers are exact, however large. give, free(); NULL as path_print.
 */
char *path_print_json(const ir_graph *g, const path_problem *prob, const path *q,
                      const path *p);

/* canon.c */

/*
 * What canonicalisation makes of a problem of n >= 2 tensors: a tensor
 * with private indices (held by no other tensor, not by the output) gets a
 * unary step first that sums them (unless its result breaks
 * max_intermediate); a tensor with no index left is a scalar. The search
 * sees the reduced problem: the other tensors after their unary steps. One
 * tensor is left as it is (its one step is the root).
 */
typedef struct path_canon {
	path_problem *reduced; /* the tensors that are not scalars; NULL if none */
	int *tensor;           /* reduced tensor j is tensor tensor[j] */
	unsigned char *unary;  /* per tensor: it gets a unary step */
	unsigned char *scalar; /* per tensor: nothing is left of it: folded */
	int nunary, nscalar;
} path_canon;

/* The canonical form of "prob" under "o" (max_intermediate) into "*out",
 * in "a". */
einc_status path_canon_new(einc_ctx *ctx, arena *a, const path_problem *prob,
                           const path_options *o, path_canon **out);

/*
 * Searches the reduced problem of "c" with "o" and gives the path over
 * "prob" that runs: the unary steps first (tensor order), then the
 * scalars multiplied together, then the search's steps, the scalars'
 * product multiplied into the smallest node (a leaf or a step result, the
 * latest on ties), costs evaluated with "o->combo".
 */
einc_status path_canon_search(einc_ctx *ctx, arena *a, const path_problem *prob,
                              const path_canon *c, const path_options *o, path **out);

/* The problem of graph "g" into "*prob" and its canonical form under "o"
 * into "*out". */
einc_status pass_canon(einc_ctx *ctx, arena *a, const ir_graph *g, const path_options *o,
                       path_problem **prob, path_canon **out);

/* The canon text form (docs/ir.md) of "c" for "g" and its problem "prob":
 * per input its axes, what it keeps, what canon does. give, free(); NULL
 * when out of memory. */
char *canon_print(const ir_graph *g, const path_problem *prob, const path_canon *c);

/* path_tree.c */

/* The pairwise steps of "p" into "pairs" (room for n), unary steps dropped
 * and ids renumbered; returns how many. "alias" has room for n + nsteps.
 * (The linear form numpy and opt_einsum read: pairwise steps only.) */
int path_pairs(const path *p, int (*pairs)[2], int *alias);

/*
 * The pipeline's contraction-order pass: searches the order of graph "g"
 * (its problem "prob" and canonical form "c", pass_canon) with "o" into
 * "*found", and builds the contraction tree of that path in "a" into
 * "*out": its unary steps and scalar folds are nodes of the tree.
 */
einc_status pass_path(einc_ctx *ctx, arena *a, const ir_graph *g, const path_problem *prob,
                      const path_canon *c, const path_options *o, path **found,
                      ir_tree **out);

/*
 * The path that tree "t" of "g" performs, in opt_einsum's convention: its
 * pairwise steps (the linear path, numpy's and opt_einsum's form), each
 * summing the indices no other operand holds, as path_print's report, or
 * the linear path alone when "linear"; into "*text" (give, free()). When
 * the tree also has unary steps (canon's sums of indices one operand holds,
 * diagonals), the report says that einc runs those steps instead and lists
 * them (its steps in node order, unary ones included). "form" is
 * EINC_STAGE_PATH (the report), EINC_STAGE_PATH_LINEAR or
 * EINC_STAGE_PATH_JSON (path_print_json).
 */
einc_status path_tree_report(einc_ctx *ctx, const ir_graph *g, const ir_tree *t,
                             einc_stage form, char **text);

/* The path options that the compilation options "eo" name: the search of
 * "eo->path" (auto when EINC_PATH_LTR), "eo->max_intermediate" and
 * "eo->seed". */
void path_options_from(const einc_options *eo, path_options *o);

#endif
