/*
 * plan_ilp.c - the GLPK ILP of the memory planner (figures: docs/plan-bench.md;
 * its derivation: ../shared/notes/memory_ilp.md, outside the repository):
 * time-indexed order x[v][t] (op v at step t, only between its earliest
 * and latest step), residency r[e][t] (only between its producer's
 * earliest and its last reader's latest step), and under a cap reloads
 * l[e][t] and write-backs w[e]. Without a cap it minimises the peak of a
 * part of the order (the whole order when short; else windows of
 * part_steps, the rest fixed); with one, the traffic of the whole order
 * (short graphs only) under the aggregate capacity, offsets left to
 * plan_offsets. The incumbent goes in through the heuristic callback;
 * node and work budgets stop the search deterministically, a CPU time
 * limit as a safety net. Each solve sends a progress line. GLPK never
 * prints (terminal hook) and never aborts (error hook + longjmp, then
 * glp_free_env).
 */
#define _POSIX_C_SOURCE 200809L
#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "planner.h"

/* The largest part the bit masks below can take. */
#define PART_MAX 60

/* Why a solve stopped before the end of its search. */
enum { CUT_NONE, CUT_NODES, CUT_WORK, CUT_TIME };

typedef struct {
	const plan_problem *pb;
	int64_t q;          /* bytes per capacity unit */
	int64_t cap;        /* capacity units; 0: minimise the peak */
	int m;              /* steps in the part */
	int k;              /* its first step in the whole order */
	const int *order;   /* the whole incumbent order */
	int *local;         /* op -> its index in the part, -1 outside */
	int *pos;           /* op -> its step in the whole incumbent order */
	int *lo, *hi;       /* earliest and latest step of each part op */
	int *x, *r, *l, *w; /* columns: x[i*m+t], r[e*m+t], l[e*m+t], w[e]; 0 absent */
	int pcol;           /* the peak column */
	int64_t base;       /* units live through the whole part */
	int64_t compulsory; /* units every plan loads under a cap: the staged inputs */
	int ncols, nrows;
	int *ia, *ja;       /* constraint matrix triplets (1-based) */
	double *ar;
	int ne, cap_ne;
	double *seed;       /* the incumbent as column values */
	int seeded, seed_ok, nodes, node_limit;
	double bound;       /* the best bound of the open nodes (objective units) */
	int bounded;        /* "bound" holds one: the LP relaxation was solved */
	double incumbent;   /* the objective of the solution found; -1: none */
	int stop;           /* glp_intopt's return; -1: the LP relaxation failed */
	int iterations;     /* simplex iterations of the whole solve */
	int rows;           /* rows of the model */
	int64_t work_left;  /* work units (solve_work) this solve may spend */
	double deadline;    /* the CPU clock (seconds()) at which the time limit cuts */
	int cut;            /* why the search was cut short: one of CUT_* */
	int exact;          /* sizes are whole units: the model (cap rounded up) is a
	                       relaxation, so its proofs hold in bytes */
	jmp_buf jb;
} model;

/* Long jumps out of GLPK on any error it reports. */
static void on_error(void *info)
{
	longjmp(((model *)info)->jb, 1);
}

/* Swallows GLPK's terminal output. */
static int on_term(void *info, const char *s)
{
	(void)info;
	(void)s;
	return 1;
}

/* Adds a binary column with cost "cost"; returns its index. */
static int add_bin(model *md, glp_prob *lp, double cost)
{
	int j = glp_add_cols(lp, 1);
	glp_set_col_kind(lp, j, GLP_BV);
	glp_set_obj_coef(lp, j, cost);
	md->ncols = j;
	return j;
}

/* Appends the coefficient "v" of column "j" in row "i"; -1 out of memory. */
static int put(model *md, int i, int j, double v)
{
	if (!j)
		return 0;
	if (md->ne + 1 >= md->cap_ne) {
		int n = md->cap_ne ? md->cap_ne * 2 : 4096;
		int *ia = realloc(md->ia, (size_t)n * sizeof(int));
		if (ia)
			md->ia = ia;
		int *ja = realloc(md->ja, (size_t)n * sizeof(int));
		if (ja)
			md->ja = ja;
		double *ar = realloc(md->ar, (size_t)n * sizeof(double));
		if (ar)
			md->ar = ar;
		if (!ia || !ja || !ar)
			return -1;
		md->cap_ne = n;
	}
	md->ne++;
	md->ia[md->ne] = i;
	md->ja[md->ne] = j;
	md->ar[md->ne] = v;
	return 0;
}

/* Adds a row with bounds "type" lo..hi; returns its index. */
static int add_row(glp_prob *lp, int type, double lo, double hi)
{
	int i = glp_add_rows(lp, 1);
	glp_set_row_bnds(lp, i, type, lo, hi);
	return i;
}

/* Earliest and latest steps of the part's ops: their ancestors and
 * descendants inside the part must fit before and after them. */
static void windows(model *md)
{
	const ir_dag *d = md->pb->dag;
	uint64_t anc[PART_MAX] = {0};
	for (int i = 0; i < md->m; i++) {
		const ir_dag_op *op = &d->ops[md->order[md->k + i]];
		for (int k = 0; k < op->nin; k++) {
			int u = d->tensors[op->in[k]].producer;
			if (u >= 0 && md->local[u] >= 0)
				anc[i] |= anc[md->local[u]] | (1ull << md->local[u]);
		}
	}
	for (int i = 0; i < md->m; i++) {
		int na = __builtin_popcountll(anc[i]), nd = 0;
		for (int j = 0; j < md->m; j++)
			nd += (int)(anc[j] >> i & 1);
		md->lo[i] = na;
		md->hi[i] = md->m - 1 - nd;
	}
}

/* Sum over steps s of the part op "v" in "from..to" of x[v][s] with
 * coefficient "c" into row "i" (an op outside the part contributes the
 * constant "*rhs" when its fixed step lies in range). */
static int put_x_range(model *md, int i, int v, int from, int to, double c, double *rhs)
{
	int lv = md->local[v];
	if (lv < 0) {
		int s = md->pos[v] - md->k;
		if (s >= from && s <= to)
			*rhs -= c;
		return 0;
	}
	for (int s = from > md->lo[lv] ? from : md->lo[lv]; s <= to && s <= md->hi[lv]; s++)
		if (put(md, i, md->x[lv * md->m + s], c) < 0)
			return -1;
	return 0;
}

/* Order rows: each op once, one op per step, operands' producers first. */
static int order_rows(model *md, glp_prob *lp)
{
	const ir_dag *d = md->pb->dag;
	int m = md->m;
	for (int i = 0; i < m; i++) {
		int row = add_row(lp, GLP_FX, 1, 1);
		for (int t = md->lo[i]; t <= md->hi[i]; t++)
			if (put(md, row, md->x[i * m + t], 1) < 0)
				return -1;
	}
	for (int t = 0; t < m; t++) {
		int row = add_row(lp, GLP_FX, 1, 1);
		for (int i = 0; i < m; i++)
			if (put(md, row, md->x[i * m + t], 1) < 0)
				return -1;
	}
	for (int i = 0; i < m; i++) {
		const ir_dag_op *op = &d->ops[md->order[md->k + i]];
		for (int k = 0; k < op->nin; k++) {
			int u = d->tensors[op->in[k]].producer;
			if (u < 0 || md->local[u] < 0)
				continue;
			for (int t = md->lo[i]; t <= md->hi[i]; t++) {
				int row = add_row(lp, GLP_UP, 0, 0);
				if (put_x_range(md, row, md->order[md->k + i], 0, t, 1, &(double){0}) < 0 ||
				    put_x_range(md, row, u, 0, t - 1, -1, &(double){0}) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/* The fixed step (in part coordinates) of op "v" outside the part. */
static int fixed_step(const model *md, int v)
{
	return md->pos[v] - md->k;
}

/* The earliest and latest step (in the part) of op "v": its window, or its
 * fixed step outside the part. */
static void op_window(const model *md, int v, int *lo, int *hi)
{
	int l = md->local[v];
	*lo = l >= 0 ? md->lo[l] : fixed_step(md, v);
	*hi = l >= 0 ? md->hi[l] : fixed_step(md, v);
}

/* The steps of the part in which tensor "e" can be resident: from the
 * earliest step of its producer (of a reader for an input) to the latest
 * step of a reader (of the producer when none): columns exist only there. */
static void tensor_window(const model *md, int e, int *from, int *to)
{
	const ir_dag_tensor *x = &md->pb->dag->tensors[e];
	int first = md->m, last = -1, lo, hi;
	if (x->producer >= 0)
		op_window(md, x->producer, &first, &last);
	for (int u = 0; u < x->nuses; u++) {
		op_window(md, x->uses[u], &lo, &hi);
		if (x->producer < 0 && lo < first)
			first = lo;
		last = hi > last ? hi : last;
	}
	*from = first < 0 ? 0 : first;
	*to = last >= md->m ? md->m - 1 : last;
}

/* The units of tensor "e" in "md". */
static int64_t units(const model *md, int e)
{
	return (md->pb->size[e] + md->q - 1) / md->q;
}

/*
 * Peak rows for tensor "e": it is live at step t when a starter (its
 * producer; for a staged input, any reader) ran at or before t and a
 * reader runs at or after t; "before" stands for a start before the part,
 * "after" for a reader after it: r >= started(t) + pending(t) - 1, one row
 * per (starter, reader) pair.
 */
static int live_rows(model *md, glp_prob *lp, int e)
{
	const ir_dag_tensor *x = &md->pb->dag->tensors[e];
	int m = md->m, before = 0, after = 0, nstart = 0, nend = 0;
	int start[PART_MAX], end[PART_MAX];
	if (x->producer >= 0) {
		if (md->local[x->producer] >= 0)
			start[nstart++] = x->producer;
		else if (fixed_step(md, x->producer) < 0)
			before = 1;
		else
			return 0;
	}
	for (int u = 0; u < x->nuses; u++) {
		int v = x->uses[u];
		if (md->local[v] >= 0) {
			end[nend++] = v;
			if (x->producer < 0)
				start[nstart++] = v;
		} else if (fixed_step(md, v) >= m) {
			after = 1;
		} else if (x->producer < 0) {
			before = 1;
		}
	}
	if (before && after) {
		md->base += units(md, e);
		return 0;
	}
	if ((before && !nend) || (!before && !nstart))
		return 0;
	if (!nend && !after)
		end[nend++] = start[0];
	int from, to;
	tensor_window(md, e, &from, &to);
	for (int t = from; t <= to; t++) {
		int rc = md->r[e * m + t] = add_bin(md, lp, 0);
		for (int a = 0; a < (before ? 1 : nstart); a++)
			for (int c = 0; c < (after ? 1 : nend); c++) {
				double rhs = 1;
				int row = glp_add_rows(lp, 1), same = !before && !after && start[a] == end[c];
				if (same)
					rhs = 0;
				if (put(md, row, rc, -1) < 0 ||
				    (same && put_x_range(md, row, start[a], t, t, 1, &rhs) < 0) ||
				    (!same && !before && put_x_range(md, row, start[a], 0, t, 1, &rhs) < 0) ||
				    (!same && !after && put_x_range(md, row, end[c], t, m - 1, 1, &rhs) < 0))
					return -1;
				rhs -= before + after;
				glp_set_row_bnds(lp, row, GLP_UP, 0, rhs);
			}
	}
	return 0;
}

/*
 * Residency rows for tensor "e" under a cap (whole order): resident when
 * made or read; resident at t only if made at t, resident at t-1 or loaded
 * at t; never after its last reader; loads only after it was made, after a
 * write-back for intermediates, and not while resident.
 */
static int spill_rows(model *md, glp_prob *lp, int e)
{
	const ir_dag_tensor *x = &md->pb->dag->tensors[e];
	int m = md->m, from, to;
	double s = (double)units(md, e);
	tensor_window(md, e, &from, &to);
	if (x->kind == IR_DAG_MID)
		md->w[e] = add_bin(md, lp, s);
	for (int t = from; t <= to; t++) {
		md->r[e * m + t] = add_bin(md, lp, 0);
		md->l[e * m + t] = add_bin(md, lp, s);
	}
	double zero = 0;
	if (x->producer < 0) {
		int row = add_row(lp, GLP_LO, 1, 0);
		for (int t = from; t <= to; t++)
			if (put(md, row, md->l[e * m + t], 1) < 0)
				return -1;
	}
	for (int t = from; t <= to; t++) {
		int rc = md->r[e * m + t], lc = md->l[e * m + t], row;
		if (x->producer >= 0) {
			row = add_row(lp, GLP_UP, 0, 0);
			if (put(md, row, rc, -1) < 0 || put_x_range(md, row, x->producer, t, t, 1, &zero) < 0)
				return -1;
			row = add_row(lp, GLP_UP, 0, 0);
			if (put(md, row, lc, 1) < 0 ||
			    put_x_range(md, row, x->producer, 0, t - 1, -1, &zero) < 0)
				return -1;
		}
		for (int u = 0; u < x->nuses; u++) {
			row = add_row(lp, GLP_UP, 0, 0);
			if (put(md, row, rc, -1) < 0 || put_x_range(md, row, x->uses[u], t, t, 1, &zero) < 0)
				return -1;
		}
		row = add_row(lp, GLP_UP, 0, 0);
		if (put(md, row, rc, 1) < 0 || put(md, row, lc, -1) < 0 ||
		    (t && put(md, row, md->r[e * m + t - 1], -1) < 0) ||
		    (x->producer >= 0 && put_x_range(md, row, x->producer, t, t, -1, &zero) < 0))
			return -1;
		row = add_row(lp, GLP_UP, 0, 0);
		if (put(md, row, rc, 1) < 0)
			return -1;
		for (int u = 0; u < x->nuses; u++)
			if (put_x_range(md, row, x->uses[u], t, m - 1, -1, &zero) < 0)
				return -1;
		if (!x->nuses && x->producer >= 0 &&
		    put_x_range(md, row, x->producer, t, t, -1, &zero) < 0)
			return -1;
		if (md->w[e]) {
			row = add_row(lp, GLP_UP, 0, 0);
			if (put(md, row, lc, 1) < 0 || put(md, row, md->w[e], -1) < 0)
				return -1;
		}
		if (t) {
			row = add_row(lp, GLP_UP, 0, 1);
			if (put(md, row, lc, 1) < 0 || put(md, row, md->r[e * m + t - 1], 1) < 0)
				return -1;
		}
	}
	return 0;
}

/* Capacity (or peak) rows: the units resident at each step. */
static int capacity_rows(model *md, glp_prob *lp)
{
	const ir_dag *d = md->pb->dag;
	for (int t = 0; t < md->m; t++) {
		int row = md->cap ? add_row(lp, GLP_UP, 0, (double)md->cap)
		                  : add_row(lp, GLP_UP, 0, -(double)md->base);
		for (int e = 0; e < d->ntensors; e++)
			if (put(md, row, md->r[e * md->m + t], (double)units(md, e)) < 0)
				return -1;
		if (!md->cap && put(md, row, md->pcol, -1) < 0)
			return -1;
	}
	return 0;
}

/* Sets the incumbent's column values in md->seed: its order, its
 * residency in the part (from "ranges", whole-order steps) with loads where
 * residency resumes, and the peak; 0 when it breaks the capacity (rounded
 * sizes), so that it cannot be offered. */
static int seed_values(model *md, const ir_plan_range *ranges, int nr)
{
	const ir_dag *d = md->pb->dag;
	int m = md->m;
	double *x = md->seed;
	for (int i = 0; i < m; i++)
		x[md->x[i * m + i]] = 1;
	for (int r = 0; r < nr; r++)
		for (int t = ranges[r].first; t <= ranges[r].last; t++)
			if (t >= md->k && t < md->k + m && md->r[ranges[r].tensor * m + t - md->k])
				x[md->r[ranges[r].tensor * m + t - md->k]] = 1;
	int64_t peak = 0;
	for (int t = 0; t < m; t++) {
		int64_t used = 0;
		for (int e = 0; e < d->ntensors; e++) {
			int rc = md->r[e * m + t];
			if (!rc || x[rc] < 0.5)
				continue;
			used += units(md, e);
			int made = md->order[md->k + t] == d->tensors[e].producer;
			int before = t && md->r[e * m + t - 1] && x[md->r[e * m + t - 1]] > 0.5;
			if (md->cap && !before && !made) {
				x[md->l[e * m + t]] = 1;
				if (md->w[e])
					x[md->w[e]] = 1;
			}
		}
		peak = used > peak ? used : peak;
	}
	if (!md->cap)
		x[md->pcol] = (double)(peak + md->base);
	return !md->cap || peak <= md->cap;
}

/* CPU seconds of the calling thread (other threads do not eat the
 * budget). */
static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The work of a solve of "md" after "iterations" simplex iterations and
 * "nodes" branch-and-bound nodes: the rows times the iterations plus 10 per
 * node (a deterministic stand-in for its time: on this project's instances
 * 0.04-0.25 s per million units, median 0.1, on the loaded 2-core dev box). */
static int64_t solve_work(const model *md, int iterations, int nodes)
{
	return (int64_t)md->rows * (iterations + 10 * (int64_t)nodes);
}

/* GLPK's callback: injects the incumbent once, records the bound, and
 * stops the search after the node or work budget (deterministic), or at
 * the time limit (the safety net). */
static void callback(glp_tree *tree, void *info)
{
	model *md = info;
	int reason = glp_ios_reason(tree), total;
	if (reason == GLP_IHEUR && !md->seeded && md->seed_ok) {
		md->seeded = 1;
		glp_ios_heur_sol(tree, md->seed);
	}
	if (reason == GLP_ISELECT) {
		int best = glp_ios_best_node(tree);
		if (best)
			md->bound = glp_ios_node_bound(tree, best);
	}
	if (md->cut)
		return;
	glp_ios_tree_size(tree, NULL, NULL, &total);
	md->nodes = total;
	int64_t work = solve_work(md, glp_get_it_cnt(glp_ios_get_prob(tree)), total);
	md->cut = total > md->node_limit ? CUT_NODES
	        : work > md->work_left   ? CUT_WORK
	        : seconds() > md->deadline ? CUT_TIME : CUT_NONE;
	if (md->cut)
		glp_ios_terminate(tree);
}

/* Builds the model of "md" into "lp"; -1 when out of memory. */
static int build(model *md, glp_prob *lp)
{
	const ir_dag *d = md->pb->dag;
	int m = md->m;
	glp_set_obj_dir(lp, GLP_MIN);
	if (!md->cap) {
		md->pcol = glp_add_cols(lp, 1);
		glp_set_col_bnds(lp, md->pcol, GLP_LO, 0, 0);
		glp_set_obj_coef(lp, md->pcol, 1);
		md->ncols = md->pcol;
	}
	for (int i = 0; i < m; i++)
		for (int t = md->lo[i]; t <= md->hi[i]; t++)
			md->x[i * m + t] = add_bin(md, lp, 0);
	if (order_rows(md, lp) < 0)
		return -1;
	for (int e = 0; e < d->ntensors; e++)
		if (md->pb->size[e] && (md->cap ? spill_rows(md, lp, e) : live_rows(md, lp, e)) < 0)
			return -1;
	return capacity_rows(md, lp);
}

/* Reads the part's order back into md's whole order copy "order". */
static void read_order(const model *md, glp_prob *lp, int *order)
{
	for (int i = 0; i < md->m; i++)
		for (int t = md->lo[i]; t <= md->hi[i]; t++)
			if (glp_mip_col_val(lp, md->x[i * md->m + t]) > 0.5)
				order[md->k + t] = md->order[md->k + i];
}

/* Ranges from the residency columns of a whole-order solve; -1 out of
 * memory. */
static int read_ranges(const model *md, glp_prob *lp, arena *a, ir_plan_range **ranges, int *n)
{
	const ir_dag *d = md->pb->dag;
	int m = md->m;
	*ranges = arena_array(a, (size_t)(d->ntensors * m) + 1, sizeof(ir_plan_range));
	if (!*ranges)
		return -1;
	*n = 0;
	for (int e = 0; e < d->ntensors; e++)
		for (int t = 0; t < m; t++) {
			int rc = md->r[e * m + t];
			if (!rc || glp_mip_col_val(lp, rc) < 0.5)
				continue;
			if (t && md->r[e * m + t - 1] && glp_mip_col_val(lp, md->r[e * m + t - 1]) > 0.5)
				(*ranges)[*n - 1].last = t;
			else
				(*ranges)[(*n)++] = (ir_plan_range){e, t, t, 0, 0, 0};
		}
	return 0;
}

/* Solves the loaded model "lp" of "md": the LP relaxation (dual simplex,
 * its iterations within the work budget), then branch and bound under the
 * callback; records the rows, iterations, bound, incumbent and why it
 * stopped in "md". Returns 1 when it has a solution, 0 when not. */
static int run_mip(model *md, glp_prob *lp)
{
	md->rows = glp_get_num_rows(lp);
	glp_smcp sm;
	glp_init_smcp(&sm);
	sm.msg_lev = GLP_MSG_OFF;
	sm.meth = GLP_DUALP;
	sm.it_lim = (int)(md->work_left / md->rows < INT_MAX ? md->work_left / md->rows : INT_MAX);
	int ret = glp_simplex(lp, &sm);
	md->iterations = glp_get_it_cnt(lp);
	if (ret || glp_get_status(lp) != GLP_OPT) {
		md->cut = ret == GLP_EITLIM ? CUT_WORK : CUT_NONE;
		return 0;
	}
	md->bound = glp_get_obj_val(lp);
	md->bounded = 1;
	glp_iocp io;
	glp_init_iocp(&io);
	io.msg_lev = GLP_MSG_OFF;
	io.cb_func = callback;
	io.cb_info = md;
	md->stop = glp_intopt(lp, &io);
	int status = glp_mip_status(lp);
	md->iterations = glp_get_it_cnt(lp);
	if (status != GLP_OPT && status != GLP_FEAS)
		return 0;
	md->incumbent = glp_mip_obj_val(lp);
	if (md->stop == 0 && status == GLP_OPT)
		md->bound = md->incumbent;
	return 1;
}

/*
 * Solves the part of "md" (columns laid out by build) seeded with "ranges";
 * on a solution better than the seed, writes the order into "order" and,
 * under a cap, the ranges. Returns 1 better, 0 not, -1 on failure.
 */
static int solve(model *md, const plan_options *o, arena *a, const ir_plan_range *seed_r,
                 int seed_n, int *order, ir_plan_range **ranges, int *n, int *proven)
{
	volatile int result = -1;
	glp_prob *volatile lp = NULL;
	*proven = 0;
	if (setjmp(md->jb)) {
		glp_error_hook(NULL, NULL);
		glp_free_env();
		return -1;
	}
	glp_error_hook(on_error, md);
	glp_term_out(GLP_OFF);
	glp_term_hook(on_term, NULL);
	lp = glp_create_prob();
	if (build(md, lp) < 0)
		goto done;
	glp_load_matrix(lp, md->ne, md->ia, md->ja, md->ar);
	if (!(md->seed = calloc((size_t)md->ncols + 1, sizeof(double))))
		goto done;
	md->seed_ok = seed_values(md, seed_r, seed_n);
	md->node_limit = o->node_limit;
	result = 0;
	if (!run_mip(md, lp))
		goto done;
	*proven = md->stop == 0 && md->bound >= md->incumbent && md->exact;
	int *fresh = malloc((size_t)md->pb->dag->nops * sizeof(int));
	if (!fresh)
		goto done;
	memcpy(fresh, md->order, (size_t)md->pb->dag->nops * sizeof(int));
	read_order(md, lp, fresh);
	if (md->cap) {
		if (read_ranges(md, lp, a, ranges, n) == 0) {
			memcpy(order, fresh, (size_t)md->pb->dag->nops * sizeof(int));
			result = 1;
		}
	} else if (plan_live_peak(md->pb, fresh) < plan_live_peak(md->pb, md->order)) {
		memcpy(order, fresh, (size_t)md->pb->dag->nops * sizeof(int));
		result = 1;
	}
	free(fresh);
done:
	glp_delete_prob(lp);
	glp_error_hook(NULL, NULL);
	glp_free_env();
	return result;
}

/* The objective value "v" of "md" in bytes (rounded up to whole units): the
 * peak, or under a cap the traffic beyond the compulsory loads. Objectives
 * are never negative: a lower value (GLPK's "no bound") counts as 0. */
static int64_t objective_bytes(const model *md, double v)
{
	v = v > 0 ? v : 0;
	int64_t u = (int64_t)ceil((v < 1e15 ? v : 1e15) - 1e-6) - (md->cap ? md->compulsory : 0);
	return (u > 0 ? u : 0) * md->q;
}

/* Why the solve of "md" stopped, in words. */
static const char *stop_reason(const model *md)
{
	static const char *const cut[] = {"", "node budget", "work budget", "time limit"};
	if (md->cut)
		return cut[md->cut];
	if (md->stop == 0)
		return md->incumbent >= 0 ? "search complete" : "no solution";
	return md->stop < 0 ? "LP relaxation failed" : "GLPK failed";
}

/* Sends the progress line of the solve of "md" (number rep->solves, "secs"
 * CPU seconds) to rep->log. */
static void log_solve(const model *md, const plan_report *rep, double secs)
{
	char inc[32] = "none", bnd[32] = "none", gap[32] = "-";
	int64_t b = md->bounded ? objective_bytes(md, md->bound) : 0;
	if (md->bounded)
		snprintf(bnd, sizeof bnd, "%lld", (long long)b);
	if (md->incumbent >= 0) {
		int64_t x = objective_bytes(md, md->incumbent);
		snprintf(inc, sizeof inc, "%lld", (long long)x);
		if (md->bounded)
			snprintf(gap, sizeof gap, "%.1f%%",
			         x > 0 ? 100.0 * (double)(x - b) / (double)x : 0.0);
	}
	ctx_log(rep->log,
	        "plan: ILP %d (%s, steps %d-%d of %d; %d rows): incumbent %s, bound %s, gap %s; "
	        "%d nodes, %d simplex iterations; stopped: %s; %.3f s",
	        rep->solves, md->cap ? "traffic" : "peak", md->k, md->k + md->m - 1,
	        md->pb->dag->nops, md->rows, inc, bnd, gap, md->nodes, md->iterations,
	        stop_reason(md), secs);
}

/* Solves the part of "m" steps from step "k" of "order"; see solve. */
static int solve_part(const plan_problem *pb, arena *a, const plan_options *o, int64_t cap,
                      int k, int m, int *order, ir_plan_range **ranges, int *n,
                      plan_report *rep, int *proven)
{
	const ir_dag *d = pb->dag;
	model md = {.pb = pb, .k = k, .m = m, .order = order, .q = IR_PLAN_ALIGN};
	int64_t biggest = 0;
	for (int e = 0; e < d->ntensors; e++)
		biggest = pb->size[e] > biggest ? pb->size[e] : biggest;
	while ((biggest + md.q - 1) / md.q > 512)
		md.q *= 2;
	md.exact = 1;
	md.stop = -1;
	md.incumbent = -1;
	for (int e = 0; e < d->ntensors; e++) {
		md.exact &= pb->size[e] % md.q == 0;
		if (cap && d->tensors[e].producer < 0)
			md.compulsory += units(&md, e);
	}
	md.cap = md.exact ? (cap + md.q - 1) / md.q : cap / md.q;
	md.local = malloc((size_t)d->nops * sizeof(int));
	md.pos = malloc((size_t)d->nops * sizeof(int));
	md.lo = malloc((size_t)m * sizeof(int));
	md.hi = malloc((size_t)m * sizeof(int));
	md.x = calloc((size_t)(m * m), sizeof(int));
	md.r = calloc((size_t)(d->ntensors * m) + 1, sizeof(int));
	md.l = calloc((size_t)(d->ntensors * m) + 1, sizeof(int));
	md.w = calloc((size_t)d->ntensors + 1, sizeof(int));
	int result = -1;
	if (md.local && md.pos && md.lo && md.hi && md.x && md.r && md.l && md.w) {
		for (int t = 0; t < d->nops; t++) {
			md.local[t] = -1;
			md.pos[order[t]] = t;
		}
		for (int i = 0; i < m; i++)
			md.local[order[k + i]] = i;
		windows(&md);
		int *copy = malloc((size_t)d->nops * sizeof(int));
		if (copy) {
			memcpy(copy, order, (size_t)d->nops * sizeof(int));
			md.order = copy;
			ir_plan_range *seed_r = NULL;
			int seed_n = 0;
			if (cap) {
				seed_r = *ranges;
				seed_n = *n;
			} else if (plan_ranges_live(pb, a, order, &seed_r, &seed_n) < 0) {
				seed_r = NULL;
			}
			double t0 = seconds();
			md.work_left = o->work_limit - rep->work;
			md.deadline = t0 + o->time_limit - rep->seconds;
			if (seed_r)
				result = solve(&md, o, a, seed_r, seed_n, order, ranges, n, proven);
			double secs = seconds() - t0;
			rep->seconds += secs;
			rep->work += solve_work(&md, md.iterations, md.nodes);
			rep->nodes += md.nodes;
			rep->time_limited |= md.cut == CUT_TIME;
			rep->bound = m == d->nops && md.exact && md.bounded
			           ? objective_bytes(&md, md.bound) : -1;
			if (seed_r) {
				rep->solves++;
				log_solve(&md, rep, secs);
			}
			free(copy);
		}
	}
	free(md.local);
	free(md.pos);
	free(md.lo);
	free(md.hi);
	free(md.x);
	free(md.r);
	free(md.l);
	free(md.w);
	free(md.ia);
	free(md.ja);
	free(md.ar);
	free(md.seed);
	return result;
}

/* Solves the whole order when it is short, else (peak only) overlapping
 * windows of part_steps, while the time budget lasts. */
int plan_ilp(const plan_problem *pb, arena *a, const plan_options *o, int64_t cap,
             int *order, ir_plan_range **ranges, int *n, plan_report *rep)
{
	int nops = pb->dag->nops, part = o->part_steps < PART_MAX ? o->part_steps : PART_MAX;
	int proven = 0, better = 0;
	rep->status = IR_PLAN_HEURISTIC;
	rep->bound = -1;
	if (cap && nops > part)
		return 0;
	if (rep->seconds >= o->time_limit || rep->work >= o->work_limit) {
		rep->time_limited |= rep->seconds >= o->time_limit;
		return 0;
	}
	if (nops <= part) {
		int r = solve_part(pb, a, o, cap, 0, nops, order, ranges, n, rep, &proven);
		if (r >= 0 && (proven || r > 0))
			rep->status = proven ? IR_PLAN_OPTIMAL : IR_PLAN_FEASIBLE;
		return r;
	}
	for (int k = 0; k < nops - part / 2; k += part / 2) {
		int m = k + part <= nops ? part : nops - k;
		if (rep->seconds >= o->time_limit || rep->work >= o->work_limit) {
			rep->time_limited |= rep->seconds >= o->time_limit;
			break;
		}
		if (solve_part(pb, a, o, 0, k, m, order, ranges, n, rep, &proven) > 0)
			better = 1;
	}
	if (better)
		rep->status = IR_PLAN_FEASIBLE;
	return better;
}

/* A one-column model, broken on request, under the same guards as solve. */
int plan_ilp_probe(int bad)
{
	model md = {0};
	volatile int result = -1;
	if (setjmp(md.jb)) {
		glp_error_hook(NULL, NULL);
		glp_free_env();
		return -1;
	}
	glp_error_hook(on_error, &md);
	glp_term_out(GLP_OFF);
	glp_term_hook(on_term, NULL);
	glp_prob *lp = glp_create_prob();
	int j = glp_add_cols(lp, 1);
	glp_set_col_bnds(lp, bad ? j + 1 : j, GLP_LO, 1, 0);
	glp_set_obj_coef(lp, j, 1);
	glp_smcp sm;
	glp_init_smcp(&sm);
	if (glp_simplex(lp, &sm) == 0 && glp_get_col_prim(lp, j) == 1)
		result = 0;
	glp_delete_prob(lp);
	glp_error_hook(NULL, NULL);
	glp_free_env();
	return result;
}
