/*
 * test_plan.c - the memory planner: every plan through the validator and a
 * print/parse round trip; Liu's order and the ILP against a brute-force
 * oracle over all orders; replacement under budgets in both modes; .dag
 * parse errors; GLPK silent and alive on a bad model; einsum budgets.
 * Argument: the folder of the .dag samples (tests/plan).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctx.h"
#include "planner.h"
#include "program.h"
#include "strbuf.h"

static const char *sample_dir;

/* Reads the whole file "path" (asserting success); free(). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = 0;
	fclose(f);
	return s;
}

/* Asserts that "p" is valid and prints, parses and prints back the same. */
static void check_plan(einc_ctx *ctx, const ir_plan *p)
{
	if (plan_check(ctx, p)) {
		print_message("%s\n", einc_ctx_message(ctx));
		fail();
	}
	char *text = ir_plan_print(p);
	assert_non_null(text);
	arena *a = arena_new();
	ir_plan *q;
	if (ir_plan_parse(ctx, a, text, "plan", &q)) {
		print_message("%s\n%s\n", einc_ctx_message(ctx), text);
		fail();
	}
	assert_int_equal(plan_check(ctx, q), EINC_OK);
	char *again = ir_plan_print(q);
	assert_string_equal(text, again);
	free(text);
	free(again);
	arena_free(a);
}

/* Plans "d" in "mode" under "budget", asserting success and validity. */
static ir_plan *plan(einc_ctx *ctx, arena *a, const ir_dag *d, ir_plan_mode mode,
                     int64_t budget, int use_ilp)
{
	plan_options o;
	plan_options_init(&o);
	o.mode = mode;
	o.budget = budget;
	o.use_ilp = use_ilp;
	o.node_limit = 200;
	ir_plan *p;
	if (pass_plan_dag(ctx, a, d, &o, &p)) {
		print_message("%s\n", einc_ctx_message(ctx));
		fail();
	}
	check_plan(ctx, p);
	return p;
}

/* The minimum live peak over all topological orders of "pb" (n <= 9). */
static int64_t oracle_rec(const plan_problem *pb, int *order, char *done, int t)
{
	const ir_dag *d = pb->dag;
	if (t == d->nops)
		return plan_live_peak(pb, order);
	int64_t best = INT64_MAX;
	for (int v = 0; v < d->nops; v++) {
		int ready = !done[v];
		for (int k = 0; k < d->ops[v].nin && ready; k++) {
			int u = d->tensors[d->ops[v].in[k]].producer;
			ready = u < 0 || done[u];
		}
		if (!ready)
			continue;
		done[v] = 1;
		order[t] = v;
		int64_t x = oracle_rec(pb, order, done, t + 1);
		best = x < best ? x : best;
		done[v] = 0;
	}
	return best;
}

static int64_t oracle(const plan_problem *pb)
{
	int order[16];
	char done[16] = {0};
	return oracle_rec(pb, order, done, 0);
}

/* A random DAG of "n" ops (seeded): each op reads 1..3 of the last few
 * tensors, or with "tree" the results of earlier unread ops plus inputs. */
static ir_dag *random_dag(arena *a, unsigned *seed, int n, int tree)
{
	ir_dag *d = arena_alloc(a, sizeof(*d));
	d->name = "random";
	d->tensors = arena_array(a, (size_t)(3 * n + 2), sizeof(ir_dag_tensor));
	d->ops = arena_array(a, (size_t)n, sizeof(ir_dag_op));
	char *read = arena_alloc(a, (size_t)(3 * n + 2));
	for (int v = 0; v < n; v++) {
		ir_dag_op *op = &d->ops[v];
		op->name = "f";
		op->node = v;
		op->in = arena_array(a, 3, sizeof(int));
		int want = 1 + (int)(rand_r(seed) % 3);
		if (tree) {
			int avail[64], na = 0;
			for (int e = 0; e < d->ntensors; e++)
				if (!read[e] && d->tensors[e].kind == IR_DAG_MID)
					avail[na++] = e;
			while (op->nin < want && na > 0 && (v == n - 1 || rand_r(seed) % 3)) {
				int k = (int)(rand_r(seed) % (unsigned)na);
				op->in[op->nin++] = avail[k];
				read[avail[k]] = 1;
				avail[k] = avail[--na];
			}
			if (v == n - 1)
				for (int k = 0; k < na && op->nin < 3; k++)
					op->in[op->nin++] = avail[k], read[avail[k]] = 1;
		} else {
			for (int k = 0; k < want && d->ntensors > 0; k++) {
				int lo = d->ntensors > 5 ? d->ntensors - 5 : 0;
				int e = lo + (int)(rand_r(seed) % (unsigned)(d->ntensors - lo));
				int dup = 0;
				for (int j = 0; j < op->nin; j++)
					dup |= op->in[j] == e;
				if (!dup)
					op->in[op->nin++] = e;
			}
		}
		if (op->nin == 0 || (tree && rand_r(seed) % 2)) {
			ir_dag_tensor *x = &d->tensors[d->ntensors];
			x->name = "x";
			x->kind = IR_DAG_IN;
			x->bytes = 64 * (1 + (int64_t)(rand_r(seed) % 8));
			if (op->nin < 3)
				op->in[op->nin++] = d->ntensors;
			d->ntensors++;
		}
		ir_dag_tensor *r = &d->tensors[d->ntensors];
		r->name = "t";
		r->kind = v == n - 1 ? IR_DAG_OUT : IR_DAG_MID;
		r->bytes = 64 * (1 + (int64_t)(rand_r(seed) % 16));
		op->out = d->ntensors++;
		d->nops++;
	}
	einc_ctx *ctx = einc_ctx_new();
	assert_int_equal(ir_dag_link(ctx, a, d, "test"), EINC_OK);
	einc_ctx_free(ctx);
	return d;
}

/* Every sample in both modes at unlimited, 0.9, 0.7 and 0.5 x its peak
 * (not below the step bound): valid plans that round-trip. */
static void test_samples(void **state)
{
	(void)state;
	static const char *names[] = {"rnd-n10-s1", "rnd-n15-s2", "ein-pub-017", "ein-pub-008",
	                              "dnn-resnet6", "dnn-inception3"};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s.dag", sample_dir, names[f]);
		char *text = slurp(path);
		arena *a = arena_new();
		ir_dag *d;
		if (ir_dag_parse(ctx, a, text, path, &d)) {
			print_message("%s\n", einc_ctx_message(ctx));
			fail();
		}
		assert_string_equal(d->name, names[f]);
		for (int mode = 0; mode < 2; mode++) {
			ir_plan *free_plan = plan(ctx, a, d, (ir_plan_mode)mode, 0, 0);
			assert_int_equal(free_plan->traffic, 0);
			assert_true(free_plan->workspace_bytes >= free_plan->live_lb);
			assert_true(free_plan->live_lb >= free_plan->step_lb);
			static const double frac[] = {0.9, 0.7, 0.5};
			for (int b = 0; b < 3; b++) {
				int64_t budget = (int64_t)(frac[b] * (double)free_plan->workspace_bytes);
				budget = budget < free_plan->step_lb ? free_plan->step_lb : budget;
				ir_plan *p = plan(ctx, a, d, (ir_plan_mode)mode, budget, 0);
				assert_true(p->workspace_bytes <= budget);
			}
		}
		arena_free(a);
		free(text);
	}
	einc_ctx_free(ctx);
}

/* Liu's order reaches the oracle's minimum peak on random trees. */
static void test_liu_vs_oracle(void **state)
{
	(void)state;
	unsigned seed = 7;
	for (int i = 0; i < 200; i++) {
		arena *a = arena_new();
		ir_dag *d = random_dag(a, &seed, 3 + i % 6, 1);
		for (int mode = 0; mode < 2; mode++) {
			plan_problem pb;
			assert_int_equal(plan_problem_init(&pb, a, d, (ir_plan_mode)mode), 0);
			int order[16];
			if (plan_order_liu(&pb, a, order) < 0)
				continue;
			assert_int_equal(plan_live_peak(&pb, order), oracle(&pb));
		}
		arena_free(a);
	}
}

/* On random DAGs of <= 8 ops the planner (with the ILP) reaches the
 * oracle's minimum peak and says so; the greedy order never beats it. */
static void test_ilp_vs_oracle(void **state)
{
	(void)state;
	unsigned seed = 11;
	einc_ctx *ctx = einc_ctx_new();
	for (int i = 0; i < 40; i++) {
		arena *a = arena_new();
		ir_dag *d = random_dag(a, &seed, 4 + i % 5, 0);
		plan_problem pb;
		assert_int_equal(plan_problem_init(&pb, a, d, IR_PLAN_WORKSPACE), 0);
		int64_t best = oracle(&pb);
		int order[16];
		plan_order_greedy(&pb, order);
		assert_true(plan_live_peak(&pb, order) >= best);
		ir_plan *p = plan(ctx, a, d, IR_PLAN_WORKSPACE, 0, 1);
		assert_int_equal(p->live_lb, best);
		assert_int_equal(p->status, IR_PLAN_OPTIMAL);
		arena_free(a);
	}
	einc_ctx_free(ctx);
}

/* Under budgets the ILP's plans are valid and move no more than the
 * heuristics' in either mode. */
static void test_spill(void **state)
{
	(void)state;
	unsigned seed = 5;
	einc_ctx *ctx = einc_ctx_new();
	for (int i = 0; i < 24; i++) {
		arena *a = arena_new();
		ir_dag *d = random_dag(a, &seed, 5 + i % 4, i % 2);
		ir_plan_mode mode = (ir_plan_mode)(i / 2 % 2);
		ir_plan *p = plan(ctx, a, d, mode, 0, 0);
		int64_t budget = p->workspace_bytes * 6 / 10 / 64 * 64;
		budget = budget < p->step_lb ? p->step_lb : budget;
		ir_plan *h = plan(ctx, a, d, mode, budget, 0);
		ir_plan *x = plan(ctx, a, d, mode, budget, 1);
		assert_true(x->traffic <= h->traffic);
		arena_free(a);
	}
	einc_ctx_free(ctx);
}

/* Collects progress lines, one per line, in the strbuf "user". */
static void collect(void *user, const char *line)
{
	strbuf_printf(user, "%s\n", line);
}

/* Parses the sample "name" of tests/plan into "a". */
static ir_dag *sample(arena *a, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s.dag", sample_dir, name);
	char *text = slurp(path);
	einc_ctx *ctx = einc_ctx_new();
	ir_dag *d;
	assert_int_equal(ir_dag_parse(ctx, a, text, path, &d), EINC_OK);
	einc_ctx_free(ctx);
	free(text);
	return d;
}

/* Asserts that "order" runs every op of "d" once, after its producers. */
static void assert_topological(const ir_dag *d, const int *order)
{
	char done[64] = {0};
	for (int t = 0; t < d->nops; t++) {
		int v = order[t];
		assert_true(v >= 0 && v < d->nops && !done[v]);
		for (int k = 0; k < d->ops[v].nin; k++) {
			int u = d->tensors[d->ops[v].in[k]].producer;
			assert_true(u < 0 || done[u]);
		}
		done[v] = 1;
	}
}

/* On random DAGs of <= 8 ops in both modes the downset DP's orders are
 * valid, distinct and reach the oracle's minimum peak, it finds nothing
 * under a bound below it, and without the ILP the planner proves that
 * minimum. */
static void test_dp_vs_oracle(void **state)
{
	(void)state;
	unsigned seed = 23;
	einc_ctx *ctx = einc_ctx_new();
	for (int i = 0; i < 120; i++) {
		arena *a = arena_new();
		ir_dag *d = random_dag(a, &seed, 2 + i % 7, 0);
		for (int mode = 0; mode < 2; mode++) {
			plan_problem pb;
			assert_int_equal(plan_problem_init(&pb, a, d, (ir_plan_mode)mode), 0);
			int64_t best = oracle(&pb);
			int order[16];
			assert_int_equal(plan_order_dp(&pb, 1 << 12, INT64_MAX, 1, order), 1);
			assert_topological(d, order);
			assert_int_equal(plan_live_peak(&pb, order), best);
			int more[4][16], found = plan_order_dp(&pb, 1 << 12, INT64_MAX, 4, more[0]);
			assert_true(found >= 1 && found <= 4);
			assert_memory_equal(more[0], order, (size_t)d->nops * sizeof(int));
			for (int k = 1; k < found; k++) {
				int *alt = more[0] + k * d->nops;
				assert_topological(d, alt);
				assert_int_equal(plan_live_peak(&pb, alt), best);
				for (int j = 0; j < k; j++)
					assert_memory_not_equal(more[0] + j * d->nops, alt,
					                        (size_t)d->nops * sizeof(int));
			}
			assert_int_equal(plan_order_dp(&pb, 1 << 12, best - 1, 1, order), 0);
			ir_plan *p = plan(ctx, a, d, (ir_plan_mode)mode, 0, 0);
			assert_int_equal(p->bound, best > p->step_lb ? best : p->step_lb);
			assert_true(p->workspace_bytes >= best);
		}
		arena_free(a);
	}
	einc_ctx_free(ctx);
}

/* When the DP hits its state cap it says so, and the planner falls back to
 * the heuristic orders and the ILP with a valid plan no lower than the
 * DP's minimum. */
static void test_dp_cap(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	ir_dag *d = sample(a, "rnd-n15-s2");
	plan_problem pb;
	assert_int_equal(plan_problem_init(&pb, a, d, IR_PLAN_WORKSPACE), 0);
	int order[64];
	assert_int_equal(plan_order_dp(&pb, 1 << 16, INT64_MAX, 1, order), 1);
	int64_t best = plan_live_peak(&pb, order);
	assert_int_equal(plan_order_dp(&pb, 20, INT64_MAX, 1, order), 0);
	plan_options o;
	plan_options_init(&o);
	o.dp_states = 20;
	o.node_limit = 200;
	ir_plan *p;
	assert_int_equal(pass_plan_dag(ctx, a, d, &o, &p), EINC_OK);
	check_plan(ctx, p);
	assert_true(p->live_lb >= best);
	arena_free(a);
	einc_ctx_free(ctx);
}

/* dnn-inception3's first DP order does not pack at the DP's peak in
 * either mode; its other orders are valid plans (plan_check) of that
 * peak, and with enough of them tried the arena meets it: optimal. */
static void test_dp_orders(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	ir_dag *d = sample(a, "dnn-inception3");
	for (int mode = 0; mode < 2; mode++) {
		plan_problem pb;
		assert_int_equal(plan_problem_init(&pb, a, d, (ir_plan_mode)mode), 0);
		int orders[16][64], found = plan_order_dp(&pb, 1 << 19, INT64_MAX, 16, orders[0]);
		assert_true(found > 1);
		int64_t peak = plan_live_peak(&pb, orders[0]), last = INT64_MAX;
		for (int k = 1; k <= found; k++) {
			assert_int_equal(plan_live_peak(&pb, orders[0] + (k - 1) * d->nops), peak);
			plan_options o;
			plan_options_init(&o);
			o.mode = (ir_plan_mode)mode;
			o.use_ilp = 0;
			o.dp_orders = k;
			ir_plan *p;
			assert_int_equal(pass_plan_dag(ctx, a, d, &o, &p), EINC_OK);
			check_plan(ctx, p);
			assert_true(p->workspace_bytes >= peak && p->workspace_bytes <= last);
			assert_true(k > 1 || p->workspace_bytes > peak);
			last = p->workspace_bytes;
		}
		assert_int_equal(last, peak);
	}
	arena_free(a);
	einc_ctx_free(ctx);
}

/* Every ILP solve sends one progress line through the context's log
 * function (incumbent, bound, gap, nodes, why it stopped, seconds); the
 * work budget, not the clock, stops a long search, so the plan is the same
 * on every run. */
static void test_progress(void **state)
{
	(void)state;
	arena *a = arena_new();
	ir_dag *d = sample(a, "dnn-inception3");
	plan_options o;
	plan_options_init(&o);
	o.work_limit = 500000;
	o.time_limit = 60;
	o.dp_orders = 1; /* its first DP order does not pack: the ILP runs */
	char *text[2];
	for (int run = 0; run < 2; run++) {
		einc_ctx *ctx = einc_ctx_new();
		strbuf lines = {0};
		einc_ctx_set_log(ctx, collect, &lines);
		ir_plan *p;
		assert_int_equal(pass_plan_dag(ctx, a, d, &o, &p), EINC_OK);
		check_plan(ctx, p);
		assert_int_not_equal(p->status, IR_PLAN_OPTIMAL);
		text[run] = ir_plan_print(p);
		char *log = strbuf_take(&lines);
		assert_non_null(strstr(log, "stopped: work budget"));
		int n = 0;
		for (char *line = log, *end; (end = strchr(line, '\n')); line = end + 1, n++) {
			*end = 0;
			assert_int_equal(strncmp(line, "plan: ILP ", 10), 0);
			assert_non_null(strstr(line, "): incumbent "));
			assert_non_null(strstr(line, ", bound "));
			assert_non_null(strstr(line, ", gap "));
			assert_non_null(strstr(line, " nodes, "));
			assert_non_null(strstr(line, "; stopped: "));
			assert_string_equal(end - 2, " s");
		}
		assert_true(n >= 1);
		free(log);
		einc_ctx_free(ctx);
	}
	assert_string_equal(text[0], text[1]);
	free(text[0]);
	free(text[1]);
	arena_free(a);
}

/* With the DP off, a time limit of 0 stops the ILP before it starts: the
 * status line says so, with the heuristic plan's gap to the step bound,
 * and reads back (check_plan); the bound and the flag's words parse back, others fail. */
static void test_status_line(void **state)
{
	(void)state;
	arena *a = arena_new();
	ir_dag *d = sample(a, "rnd-n10-s1");
	plan_options o;
	plan_options_init(&o);
	o.time_limit = 0;
	o.dp_states = 0;
	einc_ctx *ctx = einc_ctx_new();
	ir_plan *p;
	assert_int_equal(pass_plan_dag(ctx, a, d, &o, &p), EINC_OK);
	check_plan(ctx, p);
	assert_int_equal(p->time_limited, 1);
	assert_int_equal(p->bound, p->step_lb);
	char *text = ir_plan_print(p);
	assert_non_null(strstr(text, "\nstatus heuristic bound peak 376832 time_limit ; gap 4.2%, cut "
	                             "short by the time limit: may differ between machines\n"));
	char *bad = strstr(text, "bound peak");
	memcpy(bad, "bound hump", 10);
	ir_plan *q;
	assert_int_equal(ir_plan_parse(ctx, a, text, "p", &q), EINC_ESYNTAX);
	assert_non_null(strstr(einc_ctx_message(ctx), "expected 'peak' or 'traffic'"));
	memcpy(bad, "bound peak", 10);
	memcpy(strstr(text, "376832 time_limit"), "999999", 6);
	assert_int_equal(ir_plan_parse(ctx, a, text, "p", &q), EINC_OK);
	assert_int_equal(plan_check(ctx, q), EINC_EINTERNAL);
	assert_string_equal(einc_ctx_message(ctx), "error: plan check: the bound on the peak, 999999, "
	                    "is above the plan's 393216");
	free(text);
	einc_ctx_free(ctx);
	arena_free(a);
}

/* "text" with the first "from" replaced by "to"; free(). */
static char *replaced(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	assert_non_null(at);
	size_t n = strlen(text) + strlen(to) + 1;
	char *s = malloc(n);
	snprintf(s, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return s;
}

/* einc_plan_svg: the same plan gives the same bytes, an SVG document with
 * one rectangle per range; names are escaped for XML (markup characters as
 * entities, control characters as '?'); syntax errors and invalid plans
 * are errors. */
static void test_svg(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	const char *dag = "name tiny\nt x 64 in\nt y 128 mid\nt z 64 mid\nt w 64 out\n"
	                  "o f y x\no g z y\no h w z y\n";
	char *plan, *svg[2];
	assert_int_equal(einc_plan_dag(ctx, dag, "d", 256, 1, &plan), EINC_OK);
	char *text = replaced(plan, "\"y\"", "\"a<b&\\\"\\x01c\"");
	for (int run = 0; run < 2; run++)
		assert_int_equal(einc_plan_svg(ctx, text, "p", &svg[run]), EINC_OK);
	assert_string_equal(svg[0], svg[1]);
	einc_free(svg[1]);
	assert_int_equal(strncmp(svg[0], "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44), 0);
	assert_non_null(strstr(svg[0], "<title>a&lt;b&amp;&quot;?c: steps 0-2, bytes "));
	int ranges = 0;
	for (const char *r = svg[0]; (r = strstr(r, "<g><title>")); r++)
		ranges++;
	assert_int_equal(ranges, 4);
	char *bad = replaced(text, "status ", "status nope ");
	assert_int_equal(einc_plan_svg(ctx, bad, "p", &svg[1]), EINC_ESYNTAX);
	free(bad);
	bad = replaced(text, "budget 256", "budget 128");
	assert_int_equal(einc_plan_svg(ctx, bad, "p", &svg[1]), EINC_EINVAL);
	assert_int_equal(strncmp(einc_ctx_message(ctx), "error: plan: not a valid plan: plan check: ",
	                         43), 0);
	assert_null(svg[1]);
	free(bad);
	free(text);
	einc_free(svg[0]);
	einc_free(plan);
	einc_ctx_free(ctx);
}

/* Asserts that parsing the .dag "text" fails with "message". */
static void assert_dag_error(const char *text, const char *message)
{
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	ir_dag *d;
	assert_int_not_equal(ir_dag_parse(ctx, a, text, "x.dag", &d), EINC_OK);
	assert_string_equal(einc_ctx_message(ctx), message);
	arena_free(a);
	einc_ctx_free(ctx);
}

static void test_dag_errors(void **state)
{
	(void)state;
	assert_dag_error("name d\nt x 64 in\no f y x\n",
	                 "x.dag:3:5: error: dag: unknown tensor 'y'\n  o f y x\n      ^");
	assert_dag_error("t x 64 in\nt y 64 mid # c\no f y x\no g y x\n",
	                 "x.dag:4:5: error: dag: 'y' is already written by op 'f'\n  o g y x\n      ^");
	assert_dag_error("t x 64 in\nt y 0 mid\n",
	                 "x.dag:2:5: error: dag: expected the size of tensor 'y' in bytes (>= 1)\n"
	                 "  t y 0 mid\n      ^");
	assert_dag_error("t x 64 in\nt y 64 mid\no f y y\n",
	                 "x.dag:3:7: error: dag: 'y' is read before an op writes it\n  o f y y\n        ^");
	assert_dag_error("t x 64 in\nt y 64 tmp\n",
	                 "x.dag:2:8: error: dag: expected 'in', 'mid', 'out', 'fused' or 'tiled', found 'tmp'\n"
	                 "  t y 64 tmp\n         ^");
	assert_dag_error("t x 64 in\nt y 64 mid\n",
	                 "x.dag:3:1: error: dag: the DAG has no op ('o' line)\n  \n  ^");
}

/* A tensor line's size and kind have one parser: the .dag line and the
 * plan's tensor line with the same fault fail with the same status and
 * message (after the position). */
static void test_tensor_line_errors(void **state)
{
	(void)state;
	static const char head[] = "plan \"p\"\nmode workspace\nbudget 0\npeak 64\nstep_lb 64\n"
	                           "live_lb 64\ntraffic 0\nstatus optimal\n";
	static const struct {
		const char *fields;
		einc_status status;
		const char *message;
	} cases[] = {
		{"0 in", EINC_ESYNTAX, "expected the size of tensor 'x' in bytes (>= 1)\n"},
		{"2305843009213693953 in", EINC_EOVERFLOW, "tensor 'x' has more than 2^61 bytes\n"},
		{"64 tmp", EINC_ESYNTAX, "expected 'in', 'mid', 'out', 'fused' or 'tiled', found 'tmp'\n"},
	};
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char dag[128], plan[256];
		snprintf(dag, sizeof dag, "t x %s\n", cases[c].fields);
		snprintf(plan, sizeof plan, "%stensor %%0 \"x\" %s\n", head, cases[c].fields);
		ir_dag *d;
		assert_int_equal(ir_dag_parse(ctx, a, dag, "x.dag", &d), cases[c].status);
		assert_non_null(strstr(einc_ctx_message(ctx), cases[c].message));
		ir_plan *q;
		assert_int_equal(ir_plan_parse(ctx, a, plan, "x.plan", &q), cases[c].status);
		assert_non_null(strstr(einc_ctx_message(ctx), cases[c].message));
	}
	arena_free(a);
	einc_ctx_free(ctx);
}

/* The tensor and op lines open with their number, in order, and a quoted
 * name: the message names what was expected, with the caret. */
static void test_numbered_line_errors(void **state)
{
	(void)state;
	static const char head[] = "plan \"p\"\nmode workspace\nbudget 0\npeak 64\nstep_lb 64\n"
	                           "live_lb 64\ntraffic 0\nstatus optimal\n";
	static const struct {
		const char *lines, *message;
	} cases[] = {
		{"tensor %1 \"x\" 64 in\n", "x.plan:9:8: error: plan: expected '%0' (tensors are "
		 "numbered in order)\n  tensor %1 \"x\" 64 in\n         ^"},
		{"tensor %0 x 64 in\n", "x.plan:9:11: error: plan: expected the tensor's name (a quoted "
		 "string), found 'x'\n  tensor %0 x 64 in\n            ^"},
		{"tensor %0 \"x\" 64 in\ntensor %1 \"y\" 64 out\nop %2 \"f\" 0 %1 = %0\n",
		 "x.plan:11:4: error: plan: expected '%0' (ops are numbered in order)\n"
		 "  op %2 \"f\" 0 %1 = %0\n     ^"},
		{"tensor %0 \"x\" 64 in\ntensor %1 \"y\" 64 out\nop %0 f 0 %1 = %0\n",
		 "x.plan:11:7: error: plan: expected the op's name (a quoted string), found 'f'\n"
		 "  op %0 f 0 %1 = %0\n        ^"},
	};
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char plan[512];
		snprintf(plan, sizeof plan, "%s%s", head, cases[c].lines);
		ir_plan *q;
		assert_int_equal(ir_plan_parse(ctx, a, plan, "x.plan", &q), EINC_ESYNTAX);
		assert_string_equal(einc_ctx_message(ctx), cases[c].message);
	}
	arena_free(a);
	einc_ctx_free(ctx);
}

/* A budget below an op's working set names the op. */
static void test_budget_errors(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	ir_dag *d;
	assert_int_equal(ir_dag_parse(ctx, a, "t x 100 in\nt y 64 mid\nt z 64 out\n"
	                              "o f y x\no g z y x\n", "x.dag", &d), EINC_OK);
	plan_options o;
	plan_options_init(&o);
	o.mode = IR_PLAN_STAGING;
	o.budget = 200;
	ir_plan *p;
	assert_int_equal(pass_plan_dag(ctx, a, d, &o, &p), EINC_EBUDGET);
	assert_string_equal(einc_ctx_message(ctx),
	                    "error: plan: op 'g' needs 256 bytes of arena for its operands and result; "
	                    "the budget is 200");
	arena_free(a);
	einc_ctx_free(ctx);
}

/* A fused tensor, or a tiled one (a tiled chain's intermediate), takes no
 * arena in either mode and gets no range; its reader, which reads its
 * operands, keeps them live until then: "b" (mid) stays resident from op f
 * to op h. The plan round-trips. */
static void test_fused(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	static const char *const kinds[] = {"fused", "tiled"};
	for (int k = 0; k < 2; k++) {
		char text_dag[256], line[64];
		snprintf(text_dag, sizeof text_dag,
		         "t x 100 in\nt b 64 mid\nt y 640 %s\nt w 64 in\nt z 64 out\n"
		         "o f b x\no g y b x\no h z w y b x\n", kinds[k]);
		snprintf(line, sizeof line, "tensor %%2 \"y\" 640 %s\n", kinds[k]);
		ir_dag *d;
		assert_int_equal(ir_dag_parse(ctx, a, text_dag, "x.dag", &d), EINC_OK);
		for (int staging = 0; staging < 2; staging++) {
			plan_options o;
			plan_options_init(&o);
			o.mode = staging ? IR_PLAN_STAGING : IR_PLAN_WORKSPACE;
			ir_plan *p;
			assert_int_equal(pass_plan_dag(ctx, a, d, &o, &p), EINC_OK);
			check_plan(ctx, p);
			assert_int_equal(ir_plan_size(d, o.mode, 2), 0);
			for (int r = 0; r < p->nranges; r++)
				assert_int_not_equal(p->ranges[r].tensor, 2);
			const ir_plan_range *b = ir_plan_range_at(p, 1, 2);
			assert_non_null(b);
			assert_int_equal(b->first, 0);
			/* workspace: b alone; staging: x (128) + b + w + z at h, never y */
			assert_int_equal(p->workspace_bytes, staging ? 128 + 3 * 64 : 64);
			char *text = ir_plan_print(p);
			assert_non_null(strstr(text, line));
			assert_int_equal(strstr(text, "; fused: 640 bytes never stored nor read back\n") !=
			                 NULL, k == 0);
			free(text);
		}
	}
	arena_free(a);
	einc_ctx_free(ctx);
}

/* Einsum programs get valid plans (Liu's order: optimal), dumped at
 * EINC_STAGE_PLAN; a budget below a step's working set names the op. */
static void test_einsum(void **state)
{
	(void)state;
	static const char *specs[][2] = {
		{"ij,jk,kl,lm->im", "i=30,j=50,k=70,l=20,m=40"},
		{"bij,bjk->bik", "b=2,i=3,j=4,k=5"},
		{"ii->i", "i=7"},
		{"ab,cd,ef,gh->", "a=2,b=3,c=4,d=5,e=6,f=7,g=8,h=9"},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
		einc_program *p;
		assert_int_equal(einc_compile_text(ctx, specs[k][0], specs[k][1], NULL, NULL, &p), EINC_OK);
		check_plan(ctx, p->plan);
		assert_int_equal(p->plan->status, IR_PLAN_OPTIMAL);
		char *text;
		assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_PLAN, &text), EINC_OK);
		assert_non_null(strstr(text, "status optimal"));
		einc_free(text);
		einc_program_free(p);
	}
	einc_options o;
	einc_options_init(&o);
	o.path = EINC_PATH_LTR; /* the left-to-right chain, whose op n5 is the largest */
	o.budget = 8000;
	einc_program *p;
	assert_int_equal(einc_compile_text(ctx, specs[0][0], specs[0][1], NULL, &o, &p), EINC_EBUDGET);
	assert_string_equal(einc_ctx_message(ctx), "error: plan: step n5 (tree node 5: contract %4 "
	                    "%2 -> [i l]) needs t5 2432 + t4 8448 = 10880 bytes of workspace for "
	                    "its result and intermediate operands at once; the budget is 8000");
	o.budget = -1;
	assert_int_equal(einc_compile_text(ctx, specs[0][0], specs[0][1], NULL, &o, &p), EINC_EINVAL);
	einc_ctx_free(ctx);
}

/* GLPK says nothing and does not abort on a bad model; the probe reports
 * the failure instead. */
static void test_glpk_silent(void **state)
{
	(void)state;
	fflush(stdout);
	fflush(stderr);
	char path[] = "/tmp/einc_glpk_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int out = dup(1), err = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	int good = plan_ilp_probe(0), bad = plan_ilp_probe(1);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	off_t size = lseek(fd, 0, SEEK_END);
	close(fd);
	unlink(path);
	assert_int_equal(good, 0);
	assert_int_equal(bad, -1);
	assert_int_equal(size, 0);
}

int main(int argc, char **argv)
{
	sample_dir = argc > 1 ? argv[1] : "tests/plan";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_liu_vs_oracle),
		cmocka_unit_test(test_ilp_vs_oracle),
		cmocka_unit_test(test_dp_vs_oracle),
		cmocka_unit_test(test_dp_cap),
		cmocka_unit_test(test_dp_orders),
		cmocka_unit_test(test_spill),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_status_line),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_dag_errors),
		cmocka_unit_test(test_tensor_line_errors),
		cmocka_unit_test(test_numbered_line_errors),
		cmocka_unit_test(test_budget_errors),
		cmocka_unit_test(test_fused),
		cmocka_unit_test(test_einsum),
		cmocka_unit_test(test_glpk_silent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
