/*
 * plan.c - the memory planner's driver: candidate orders (reference,
 * greedy, Liu's for trees, the ILP's), residency (liveness, or replacement
 * under the budget), offsets, and the plan with its figures; and the einsum
 * entry that plans a contraction tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "dtype.h"
#include "planner.h"
#include "strbuf.h"
#include "tile.h"

/* The most bytes all step results of a tree may add up to. */
#define PLAN_RESULTS_MAX ((int64_t)1 << 62)

/* A candidate plan: an order, its ranges, their height and traffic. */
typedef struct {
	int *order;
	ir_plan_range *ranges;
	int nranges;
	int64_t height, traffic, peak;
	ir_plan_status status;
} candidate;

/* Keeps "c" in "*best" when it moves less, or as much in a lower arena. */
static void keep_better(candidate *best, const candidate *c)
{
	if (best->height < 0 || c->traffic < best->traffic ||
	    (c->traffic == best->traffic && c->height < best->height))
		*best = *c;
}

/* Copies "order" into a new arena array; NULL when out of memory. */
static int *order_copy(arena *a, const int *order, int n)
{
	int *o = arena_array(a, (size_t)n, sizeof(int));
	if (o)
		memcpy(o, order, (size_t)n * sizeof(int));
	return o;
}

/* The heuristic orders into "orders": reference, greedy, and Liu's when
 * the ops form a tree ("*count" of them); returns the index of the one with
 * the lowest live peak (Liu's on ties), -1 when out of memory. */
static int heuristic_orders(const plan_problem *pb, arena *a, int *orders[3], int *count)
{
	int n = pb->dag->nops;
	for (int k = 0; k < 3; k++)
		if (!(orders[k] = arena_array(a, (size_t)n, sizeof(int))))
			return -1;
	for (int t = 0; t < n; t++)
		orders[0][t] = t;
	plan_order_greedy(pb, orders[1]);
	*count = plan_order_liu(pb, a, orders[2]) == 0 ? 3 : 2;
	int best = *count - 1;
	for (int k = *count - 2; k >= 0; k--)
		if (plan_live_peak(pb, orders[k]) < plan_live_peak(pb, orders[best]))
			best = k;
	return best;
}

/* Liveness ranges of "x->order", their offsets and the arena's height
 * into "x" (no traffic); -1 when out of memory. */
static int live_candidate(const plan_problem *pb, arena *a, candidate *x)
{
	x->peak = plan_live_peak(pb, x->order);
	x->traffic = 0;
	if (plan_ranges_live(pb, a, x->order, &x->ranges, &x->nranges) < 0)
		return -1;
	x->height = plan_offsets(pb, x->ranges, x->nranges);
	return x->height < 0 ? -1 : 0;
}

/* The lowest arena among up to o->dp_orders orders of the downset DP's
 * minimum peak into "x" (status optimal, its peak a bound on every arena;
 * the first that packs at that peak wins) when the DP finishes within
 * o->dp_states: 1, else 0; -1 when out of memory. */
static int exact_candidate(const plan_problem *pb, arena *a, const plan_options *o,
                           int64_t ub, candidate *x)
{
	int n = pb->dag->nops, norders = o->dp_orders > 0 ? o->dp_orders : 1;
	int *orders = arena_array(a, (size_t)norders * (size_t)n, sizeof(int));
	if (!orders)
		return -1;
	int found = plan_order_dp(pb, o->dp_states, ub, norders, orders);
	if (found <= 0)
		return found;
	x->height = -1;
	for (int k = 0; k < found && x->height != x->peak; k++) {
		candidate y = {.order = orders + (size_t)k * (size_t)n, .status = IR_PLAN_OPTIMAL};
		if (live_candidate(pb, a, &y) < 0)
			return -1;
		if (x->height < 0 || y.height < x->height)
			*x = y;
	}
	return 1;
}

/* Plans without a binding budget: the downset DP's exact order when its
 * offsets pack it at its live peak; else the lowest-peak heuristic order
 * "orders[best]", improved by the ILP unless Liu's algorithm or the step
 * bound proves it optimal, and when its offsets fragment, the DP's or
 * another heuristic order whose arena is lower. The DP's peak, when it
 * finished, goes to rep->bound. */
static int plan_unbounded(const plan_problem *pb, arena *a, const plan_options *o,
                          int *orders[3], int count, int best, int64_t step_lb, candidate *c,
                          plan_report *rep)
{
	c->order = order_copy(a, orders[best], pb->dag->nops);
	if (!c->order)
		return -1;
	c->peak = plan_live_peak(pb, c->order);
	int liu = count == 3 && best == 2;
	c->status = liu || c->peak == step_lb ? IR_PLAN_OPTIMAL : IR_PLAN_HEURISTIC;
	candidate exact = {0};
	int dp = c->status == IR_PLAN_OPTIMAL ? 0 : exact_candidate(pb, a, o, c->peak, &exact);
	if (dp < 0)
		return -1;
	if (dp && exact.height == exact.peak) {
		*c = exact;
		rep->bound = exact.peak;
		return 0;
	}
	if (c->status != IR_PLAN_OPTIMAL && o->use_ilp) {
		ir_plan_range *ranges = NULL;
		int nr = 0;
		if (plan_ilp(pb, a, o, 0, c->order, &ranges, &nr, rep) >= 0) {
			c->peak = plan_live_peak(pb, c->order);
			c->status = rep->status;
		}
	}
	if (c->peak == step_lb)
		c->status = IR_PLAN_OPTIMAL;
	if (live_candidate(pb, a, c) < 0)
		return -1;
	if (dp && exact.height < c->height)
		*c = exact;
	for (int k = 0; k < count && c->height > c->peak; k++) {
		candidate x = {.order = orders[k], .status = IR_PLAN_HEURISTIC};
		if (live_candidate(pb, a, &x) < 0)
			return -1;
		if (x.height < c->height)
			*c = x;
	}
	if (dp && exact.peak > rep->bound)
		rep->bound = exact.peak;
	if (c->height > c->peak)
		c->status = IR_PLAN_HEURISTIC;
	return 0;
}

/* Plans under "budget": the unbounded plan's order and the heuristic
 * orders, each with Belady and LRU, and the always-feasible minimal
 * residency; then the ILP seeded with the best, its aggregate capacity
 * lowered while its offsets do not fit. A proof at the full budget makes
 * an equal plan optimal; that solve's bound on the traffic (-1: none) is
 * left in rep->bound. */
static int plan_bounded(const plan_problem *pb, arena *a, const plan_options *o,
                        int *orders[4], int count, int64_t budget, candidate *best,
                        plan_report *rep)
{
	best->height = -1;
	for (int k = 0; k < count; k++)
		for (int pol = 0; pol < 2; pol++) {
			candidate c = {.order = orders[k], .status = IR_PLAN_HEURISTIC};
			c.traffic = plan_fit(pb, a, orders[k], budget, (plan_policy)pol, &c.ranges,
			                     &c.nranges);
			if (c.traffic < 0)
				continue;
			c.height = plan_offsets(pb, c.ranges, c.nranges);
			keep_better(best, &c);
		}
	candidate m = {.order = orders[0], .status = IR_PLAN_HEURISTIC};
	if (plan_ranges_minimal(pb, a, orders[0], &m.ranges, &m.nranges) < 0)
		return -1;
	m.traffic = plan_ranges_finish(pb, m.order, m.ranges, m.nranges);
	m.height = plan_offsets(pb, m.ranges, m.nranges);
	keep_better(best, &m);
	int64_t cap = budget, bound = -1;
	for (int round = 0; round < 3 && best->traffic > 0 && o->use_ilp; round++) {
		candidate c = *best;
		if (!(c.order = order_copy(a, best->order, pb->dag->nops)))
			return -1;
		int r = plan_ilp(pb, a, o, cap, c.order, &c.ranges, &c.nranges, rep);
		if (round == 0)
			bound = rep->bound;
		if (r < 1)
			break;
		c.height = plan_offsets(pb, c.ranges, c.nranges);
		c.traffic = plan_ranges_finish(pb, c.order, c.ranges, c.nranges);
		c.status = rep->status;
		if (round == 0 && rep->status == IR_PLAN_OPTIMAL && c.traffic >= best->traffic)
			best->status = IR_PLAN_OPTIMAL;
		if (c.height <= budget) {
			keep_better(best, &c);
			break;
		}
		cap -= (c.height - budget + IR_PLAN_ALIGN - 1) / IR_PLAN_ALIGN * IR_PLAN_ALIGN;
	}
	if (best->traffic == 0)
		best->status = IR_PLAN_OPTIMAL;
	best->peak = plan_live_peak(pb, best->order);
	rep->bound = bound;
	return 0;
}

/* The op of "pb" with the largest working set, for budget errors. */
static int largest_step(const plan_problem *pb)
{
	int best = 0;
	int64_t size = -1;
	for (int v = 0; v < pb->dag->nops; v++) {
		const ir_dag_op *op = &pb->dag->ops[v];
		int64_t s = pb->size[op->out];
		for (int k = 0; k < op->nin; k++)
			s += pb->size[op->in[k]];
		if (s > size) {
			size = s;
			best = v;
		}
	}
	return best;
}

/* Fills the plan "p" from candidate "c". */
static int plan_fill(const plan_problem *pb, arena *a, const candidate *c, ir_plan *p)
{
	const ir_dag *d = pb->dag;
	p->nsteps = d->nops;
	if (!(p->steps = arena_array(a, (size_t)d->nops, sizeof(ir_plan_step))))
		return -1;
	p->ranges = c->ranges;
	p->nranges = c->nranges;
	p->workspace_bytes = 0;
	for (int r = 0; r < c->nranges; r++) {
		int64_t end = c->ranges[r].offset + pb->size[c->ranges[r].tensor];
		p->workspace_bytes = end > p->workspace_bytes ? end : p->workspace_bytes;
	}
	for (int t = 0; t < d->nops; t++) {
		const ir_dag_op *op = &d->ops[c->order[t]];
		ir_plan_step *s = &p->steps[t];
		s->op = c->order[t];
		s->node = op->node;
		s->bytes = d->tensors[op->out].bytes;
		s->offset = -1;
		for (int r = 0; r < c->nranges; r++)
			if (c->ranges[r].tensor == op->out && c->ranges[r].first == t)
				s->offset = c->ranges[r].offset;
	}
	p->traffic = c->traffic;
	p->status = c->status;
	p->live_lb = plan_live_peak(pb, c->order);
	return 0;
}

/* Orders, residency and offsets for "d"; see planner.h. */
einc_status pass_plan_dag(einc_ctx *ctx, arena *a, const ir_dag *d, const plan_options *o,
                          ir_plan **out)
{
	plan_problem pb;
	ir_plan *p = arena_alloc(a, sizeof(*p));
	int *orders[3], count = 0, best = -1;
	if (!p || plan_problem_init(&pb, a, d, o->mode) < 0 ||
	    (best = heuristic_orders(&pb, a, orders, &count)) < 0)
		return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
	p->dag = d;
	p->mode = o->mode;
	p->budget = o->budget;
	p->step_lb = plan_step_lb(&pb);
	if (o->budget > 0 && o->budget < p->step_lb) {
		const ir_dag_op *op = &d->ops[largest_step(&pb)];
		return ctx_fail(ctx, EINC_EBUDGET, "plan",
		                "op '%s' needs %lld bytes of arena for its operands and result; "
		                "the budget is %lld", op->name, (long long)p->step_lb,
		                (long long)o->budget);
	}
	candidate c = {0};
	plan_report rep = {.log = ctx, .bound = -1};
	if (plan_unbounded(&pb, a, o, orders, count, best, p->step_lb, &c, &rep) < 0)
		return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
	p->objective = IR_PLAN_PEAK;
	p->bound = rep.bound > p->step_lb ? rep.bound : p->step_lb;
	if (o->budget > 0 && c.height > o->budget) {
		int *all[4] = {c.order, orders[0], orders[1], orders[2]};
		if (plan_bounded(&pb, a, o, all, count + 1, o->budget, &c, &rep) < 0)
			return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
		p->objective = IR_PLAN_TRAFFIC;
		p->bound = rep.bound > 0 ? rep.bound : 0;
	}
	if (plan_fill(&pb, a, &c, p) < 0)
		return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
	p->time_limited = rep.time_limited;
	if (p->bound >= ir_plan_objective_value(p))
		p->status = IR_PLAN_OPTIMAL;
	*out = p;
	return EINC_OK;
}

int64_t plan_node_bytes(const ir_graph *g, const ir_tree_node *n)
{
	int64_t bytes = ir_dtype(g->dtype)->bytes;
	for (int x = 0; x < n->rank; x++) {
		int64_t size = g->indices[n->index[x]].size;
		if (bytes > IR_DAG_MAX_BYTES / size)
			return -1;
		bytes *= size;
	}
	return bytes;
}

/* Appends tree node "n"'s step as the tree text writes it: "contract %l %r
 * -> [a b]" or "reduce %l -> [a]". */
static void print_step(strbuf *b, const ir_graph *g, const ir_tree_node *n)
{
	strbuf_printf(b, "%s %%%d", n->right >= 0 ? "contract" : "reduce", n->left);
	if (n->right >= 0)
		strbuf_printf(b, " %%%d", n->right);
	strbuf_printf(b, " -> [");
	for (int x = 0; x < n->rank; x++)
		strbuf_printf(b, "%s%s", x ? " " : "", g->indices[n->index[x]].name);
	strbuf_printf(b, "]");
}

/* Fails with EINC_EOVERFLOW naming tree node "id" of "t", whose result
 * (or, for a leaf, its operand) passes 2^61 bytes: its step (or operand),
 * its labels and their sizes. */
static einc_status node_too_big(einc_ctx *ctx, const ir_graph *g, const ir_tree *t, int id)
{
	const ir_tree_node *n = &t->nodes[id];
	strbuf b = {0};
	if (n->input >= 0) {
		strbuf_printf(&b, "operand %d [", n->input);
		for (int x = 0; x < n->rank; x++)
			strbuf_printf(&b, "%s%s", x ? " " : "", g->indices[n->index[x]].name);
		strbuf_printf(&b, "]");
	} else {
		strbuf_printf(&b, "the intermediate %%%d = ", id);
		print_step(&b, g, n);
	}
	strbuf_printf(&b, " (");
	for (int x = 0; x < n->rank; x++)
		strbuf_printf(&b, "%s%s=%lld", x ? " " : "", g->indices[n->index[x]].name,
		              (long long)g->indices[n->index[x]].size);
	strbuf_printf(&b, ")");
	char *what = strbuf_take(&b);
	if (!what)
		return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
	ctx_fail(ctx, EINC_EOVERFLOW, "plan", "%s%s has more than 2^61 bytes: choose %ssmaller "
	         "sizes", what, n->input >= 0 ? "" : " of the tree",
	         n->input >= 0 ? "" : "another path (--path, --tree) or ");
	free(what);
	return EINC_EOVERFLOW;
}

/* Makes "op", the last op of chain "c" of "t", read every operand of the
 * chain's ops besides its own: the tensors from outside the chain stay
 * until each tile has run. -1 when out of memory. */
static int chain_operands(arena *a, const ir_tree *t, const chain_tiling *c, ir_dag_op *op)
{
	int *in = arena_array(a, 2 * (size_t)c->n + 1, sizeof(int));
	if (!in)
		return -1;
	in[0] = op->in[0];
	op->nin = 1;
	if (t->nodes[op->node].right >= 0)
		in[op->nin++] = t->nodes[op->node].right;
	for (int k = 0; k + 1 < c->n; k++) {
		const ir_tree_node *x = &t->nodes[c->nodes[k]];
		for (int s = 0; s < 2; s++) {
			int y = s ? x->right : x->left;
			if (y >= 0 && !c->inner[y])
				in[op->nin++] = y;
		}
	}
	op->in = in;
	return 0;
}

/* The op DAG of tree "t" over "g": one tensor per tree node (leaves: the
 * inputs), one op per inner node; a node "fused" marks (NULL: none) is a
 * fused tensor whose reader's op also reads its operands; the intermediates
 * of chain "tiling" (NULL: none) are tiled tensors, its last op reads every
 * operand of the chain. */
static einc_status dag_of_tree(einc_ctx *ctx, arena *a, const ir_graph *g, const ir_tree *t,
                               const int *fused, const chain_tiling *tiling, ir_dag **out)
{
	ir_dag *d = arena_alloc(a, sizeof(*d));
	if (d) {
		d->tensors = arena_array(a, (size_t)t->nnodes, sizeof(ir_dag_tensor));
		d->ops = arena_array(a, (size_t)t->nnodes, sizeof(ir_dag_op));
	}
	if (!d || !d->tensors || !d->ops)
		return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
	d->name = "einsum";
	d->ntensors = t->nnodes;
	int64_t results = 0; /* the bytes of every step's result, the output's included */
	for (int n = 0; n < t->nnodes; n++) {
		const ir_tree_node *x = &t->nodes[n];
		ir_dag_tensor *e = &d->tensors[n];
		char name[32];
		if (x->input >= 0)
			snprintf(name, sizeof name, "in%d", x->input);
		else
			snprintf(name, sizeof name, n == t->root ? "out" : "t%d", n);
		e->name = arena_strdup(a, name);
		e->kind = x->input >= 0 ? IR_DAG_IN : n == t->root ? IR_DAG_OUT
		        : fused && fused[n] ? IR_DAG_FUSED
		        : tiling && tiling->inner[n] ? IR_DAG_TILED : IR_DAG_MID;
		if ((e->bytes = plan_node_bytes(g, x)) < 0)
			return node_too_big(ctx, g, t, n);
		if (x->input >= 0)
			continue;
		/* The arena's offsets and heights are sums of results: all of them
		 * together within 2^62 bytes keeps every such sum in int64 and
		 * size_t (each is at most 2^61, so this sum cannot overflow). */
		if ((results += e->bytes) > PLAN_RESULTS_MAX)
			return ctx_fail(ctx, EINC_EOVERFLOW, "plan", "the results of the tree's steps "
			                "up to %%%d add up to more than 2^62 bytes, past what a "
			                "workspace may address: choose another path (--path, "
			                "--tree) or smaller sizes", n);
		ir_dag_op *op = &d->ops[d->nops++];
		snprintf(name, sizeof name, "n%d", n);
		op->name = arena_strdup(a, name);
		op->node = n;
		op->out = n;
		op->nin = x->right >= 0 ? 2 : 1;
		if (!(op->in = arena_array(a, 6, sizeof(int))) || !e->name || !op->name)
			return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
		op->in[0] = x->left;
		op->in[1] = x->right;
		for (int c = 0, nin = op->nin; c < nin && fused; c++)
			if (fused[op->in[c]]) {
				op->in[op->nin++] = t->nodes[op->in[c]].left;
				op->in[op->nin++] = t->nodes[op->in[c]].right;
			}
		if (tiling && n == tiling->nodes[tiling->n - 1] && chain_operands(a, t, tiling, op))
			return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
	}
	einc_status st = ir_dag_link(ctx, a, d, "plan");
	if (!st)
		*out = d;
	return st;
}

/* Fails with EINC_EBUDGET naming the step of "t" whose intermediate
 * operands and result ("pb"'s arena sizes) pass "budget": its tree node,
 * its contraction, and the sizes that add up. */
static einc_status step_over_budget(einc_ctx *ctx, const ir_graph *g, const ir_tree *t,
                                    const plan_problem *pb, int64_t budget)
{
	const ir_dag_op *op = &pb->dag->ops[largest_step(pb)];
	const ir_tree_node *n = &t->nodes[op->node];
	strbuf b = {0};
	print_step(&b, g, n);
	strbuf_printf(&b, ") needs");
	int64_t total = 0;
	for (int k = -1; k < op->nin; k++) {
		int e = k < 0 ? op->out : op->in[k];
		if (!pb->size[e])
			continue;
		strbuf_printf(&b, "%s %s %lld", total ? " +" : "", pb->dag->tensors[e].name,
		              (long long)pb->size[e]);
		total += pb->size[e];
	}
	char *what = strbuf_take(&b);
	if (!what)
		return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
	ctx_fail(ctx, EINC_EBUDGET, "plan",
	         "step n%d (tree node %d: %s = %lld bytes of workspace for its result and "
	         "intermediate operands at once; the budget is %lld", op->node, op->node, what,
	         (long long)total, (long long)budget);
	free(what);
	return EINC_EBUDGET;
}

/* Plans the tree in workspace mode (inputs and output in the caller's
 * buffers, intermediates in the arena) within "budget" bytes: spilled and
 * reloaded where the unbounded plan's arena does not fit. EINC_EBUDGET names
 * the step whose operands and result alone pass the budget, or says that
 * no plan fits when the offsets fragment past it. The plan is validated
 * before it is returned. */
einc_status pass_plan(einc_ctx *ctx, arena *a, const ir_graph *g, const ir_tree *t,
                      const int *fused, const chain_tiling *tiling, int64_t budget,
                      ir_plan **out)
{
	ir_dag *d = NULL;
	plan_options o;
	plan_options_init(&o);
	o.budget = budget;
	plan_problem pb;
	einc_status st = dag_of_tree(ctx, a, g, t, fused, tiling, &d);
	if (st)
		return st;
	if (plan_problem_init(&pb, a, d, o.mode) < 0)
		return ctx_fail(ctx, EINC_ENOMEM, "plan", "out of memory");
	if (budget && budget < plan_step_lb(&pb))
		return step_over_budget(ctx, g, t, &pb, budget);
	if ((st = pass_plan_dag(ctx, a, d, &o, out)))
		return st;
	if (budget && (*out)->workspace_bytes > budget)
		return ctx_fail(ctx, EINC_EBUDGET, "plan",
		                "no plan found within the budget of %lld bytes: the best one needs "
		                "%lld (every step alone needs at most %lld)", (long long)budget,
		                (long long)(*out)->workspace_bytes, (long long)(*out)->step_lb);
	return plan_check(ctx, *out);
}

/* Parses, plans and prints, all in a private arena. */
einc_status einc_plan_dag(einc_ctx *ctx, const char *text, const char *where, int64_t budget,
                          int staging, char **plan)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!text || !plan)
		return ctx_fail(ctx, EINC_EINVAL, "api", "text and plan must not be NULL");
	*plan = NULL;
	if (budget < 0)
		return ctx_fail(ctx, EINC_EINVAL, "api", "budget %lld is negative", (long long)budget);
	arena *a = arena_new();
	if (!a)
		return ctx_fail(ctx, EINC_ENOMEM, "api", "out of memory");
	plan_options o;
	plan_options_init(&o);
	o.budget = budget;
	o.mode = staging ? IR_PLAN_STAGING : IR_PLAN_WORKSPACE;
	ir_dag *d;
	ir_plan *p;
	einc_status st = ir_dag_parse(ctx, a, text, where ? where : "dag", &d);
	if (!st)
		st = pass_plan_dag(ctx, a, d, &o, &p);
	if (!st && !(*plan = ir_plan_print(p)))
		st = ctx_fail(ctx, EINC_ENOMEM, "dump", "out of memory");
	arena_free(a);
	return st ? st : ctx_ok(ctx);
}

/* Parses and checks the plan, then draws it, in a private arena. */
einc_status einc_plan_svg(einc_ctx *ctx, const char *plan, const char *where, char **svg)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!plan || !svg)
		return ctx_fail(ctx, EINC_EINVAL, "api", "plan and svg must not be NULL");
	*svg = NULL;
	arena *a = arena_new();
	if (!a)
		return ctx_fail(ctx, EINC_ENOMEM, "api", "out of memory");
	ir_plan *p;
	einc_status st = ir_plan_parse(ctx, a, plan, where ? where : "plan", &p);
	if (!st && plan_check(ctx, p)) {
		const char *why = einc_ctx_message(ctx);
		st = ctx_fail(ctx, EINC_EINVAL, "plan", "not a valid plan: %s",
		              strncmp(why, "error: ", 7) ? why : why + 7);
	}
	if (!st && !(*svg = ir_plan_svg(p)))
		st = ctx_fail(ctx, EINC_ENOMEM, "svg", "out of memory");
	arena_free(a);
	return st ? st : ctx_ok(ctx);
}
