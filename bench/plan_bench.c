/*
 * plan_bench.c - memory-planning benchmark: plans every .dag instance of a
 * folder (default: ../shared/bench/memory, outside the repository: README.md, Layout) in workspace and staging
 * mode, unlimited and at 0.9, 0.7 and 0.5 x the minimum peak found (not
 * below the step bound), and compares with the baselines.
 *
 *   plan_bench [DIR] [--markdown] [--time SECONDS] [--nodes N] [--work N] [-v]
 *
 * Per row: the arena peak vs the step and live bounds and vs the greedy
 * order with first-fit offsets (TFLite Micro / USMP style); under a budget,
 * the non-compulsory traffic vs Belady and LRU (each the better of the
 * reference and greedy orders, with offsets that fit); status and time.
 * --time sets the ILP's CPU seconds per plan, --nodes its branch-and-bound
 * nodes per solve, --work its work units per plan (default: the
 * planner's); -v prints the ILP's progress
 * lines on stderr, after the instance, mode and budget.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "planner.h"

/* Seconds on "clock". */
static double clock_seconds(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds on a monotonic clock. */
static double now(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

/* CPU seconds of this (single-threaded) process: what planning costs,
 * whatever else runs on the machine. */
static double cpu(void)
{
	return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

/* Sorts file names. */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the file "path"; NULL on failure. free(). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = 0;
	fclose(f);
	return s;
}

/* The best traffic of "policy" over the reference and greedy orders, -1
 * when none fits. */
static int64_t baseline(const plan_problem *pb, arena *a, int64_t budget, plan_policy policy)
{
	int n = pb->dag->nops, *order = malloc((size_t)n * sizeof(int));
	int64_t best = -1;
	for (int k = 0; k < 2 && order; k++) {
		if (k == 0)
			for (int t = 0; t < n; t++)
				order[t] = t;
		else
			plan_order_greedy(pb, order);
		ir_plan_range *r;
		int nr;
		int64_t x = plan_fit(pb, a, order, budget, policy, &r, &nr);
		if (x >= 0 && (best < 0 || x < best))
			best = x;
	}
	free(order);
	return best;
}

/* The peak of the greedy order with first-fit-by-size offsets. */
static int64_t greedy_first_fit(const plan_problem *pb, arena *a)
{
	int *order = arena_array(a, (size_t)pb->dag->nops, sizeof(int));
	ir_plan_range *r;
	int n;
	if (!order)
		return -1;
	plan_order_greedy(pb, order);
	if (plan_ranges_live(pb, a, order, &r, &n) < 0)
		return -1;
	return plan_offsets(pb, r, n);
}

typedef struct {
	int rows, at_bound, proven, frag0, spill_rows;
	double frag_sum, frag_max, vs_greedy_sum, traffic_ratio_sum, heur_s, max_s, max_cpu;
	int traffic_rows;
} summary;

/* The ILP's CPU seconds per plan (--time) and nodes per solve (--nodes);
 * negative: the planner's defaults. */
static double time_limit = -1;
static int node_limit = -1;
static int64_t work_limit = -1;
static int verbose;

/* The row being planned, for the progress lines of -v. */
static char row_name[128];

/* Prints a progress line of the planner after the row's name. */
static void print_progress(void *user, const char *line)
{
	(void)user;
	fprintf(stderr, "%s: %s\n", row_name, line);
}

/* Names the row "name" "mode" "budget" for the progress lines. */
static void name_row(const char *name, ir_plan_mode mode, int64_t budget)
{
	snprintf(row_name, sizeof row_name, "%s %s %lld", name, ir_plan_mode_name(mode),
	         (long long)budget);
}

/* Plans one instance in "mode" at every budget; prints its rows. */
static void bench_one(const char *name, const ir_dag *d, ir_plan_mode mode, int md, summary *s)
{
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	if (verbose)
		einc_ctx_set_log(ctx, print_progress, NULL);
	plan_problem pb;
	plan_problem_init(&pb, a, d, mode);
	plan_options o;
	plan_options_init(&o);
	o.mode = mode;
	if (time_limit >= 0)
		o.time_limit = time_limit;
	if (node_limit >= 0)
		o.node_limit = node_limit;
	if (work_limit >= 0)
		o.work_limit = work_limit;
	double t0 = now();
	o.use_ilp = 0;
	ir_plan *h;
	pass_plan_dag(ctx, a, d, &o, &h);
	double heur = now() - t0;
	o.use_ilp = 1;
	name_row(name, mode, 0);
	t0 = now();
	double c0 = cpu();
	ir_plan *p;
	if (pass_plan_dag(ctx, a, d, &o, &p) || plan_check(ctx, p)) {
		printf("%s: %s\n", name, einc_ctx_message(ctx));
		goto done;
	}
	double secs = now() - t0, csecs = cpu() - c0;
	int64_t ff = greedy_first_fit(&pb, a), peak = p->workspace_bytes;
	double frag = (double)peak / (double)p->live_lb - 1;
	s->rows++;
	s->at_bound += peak == p->step_lb || p->status == IR_PLAN_OPTIMAL;
	s->proven += p->status == IR_PLAN_OPTIMAL;
	s->frag0 += peak == p->live_lb;
	s->frag_sum += frag;
	s->frag_max = frag > s->frag_max ? frag : s->frag_max;
	s->vs_greedy_sum += 1 - (double)peak / (double)ff;
	s->heur_s += heur;
	s->max_s = secs > s->max_s ? secs : s->max_s;
	s->max_cpu = csecs > s->max_cpu ? csecs : s->max_cpu;
	const char *fmt = md ? "| %s | %s | %d | - | %lld | %lld | %lld | %lld | %s | - | - | - | %.3f | %.3f |\n"
	                     : "%s\t%s\t%d\tunlimited\t%lld\t%lld\t%lld\t%lld\t%s\t-\t-\t-\t%.3f\t%.3f\n";
	printf(fmt, name, ir_plan_mode_name(mode), d->nops, (long long)peak, (long long)p->step_lb,
	       (long long)p->live_lb, (long long)ff, ir_plan_status_name(p->status), secs, csecs);
	static const double frac[] = {0.9, 0.7, 0.5};
	for (int b = 0; b < 3; b++) {
		int64_t budget = (int64_t)(frac[b] * (double)peak) / IR_PLAN_ALIGN * IR_PLAN_ALIGN;
		budget = budget < p->step_lb ? p->step_lb : budget;
		o.budget = budget;
		name_row(name, mode, budget);
		t0 = now();
		c0 = cpu();
		ir_plan *q;
		if (pass_plan_dag(ctx, a, d, &o, &q) || plan_check(ctx, q)) {
			printf("%s @%lld: %s\n", name, (long long)budget, einc_ctx_message(ctx));
			continue;
		}
		secs = now() - t0;
		csecs = cpu() - c0;
		int64_t bel = baseline(&pb, a, budget, PLAN_BELADY), lru = baseline(&pb, a, budget, PLAN_LRU);
		int64_t best = bel < 0 ? lru : lru < 0 ? bel : bel < lru ? bel : lru;
		s->spill_rows++;
		if (best > 0) {
			s->traffic_ratio_sum += (double)q->traffic / (double)best;
			s->traffic_rows++;
		}
		s->max_s = secs > s->max_s ? secs : s->max_s;
		s->max_cpu = csecs > s->max_cpu ? csecs : s->max_cpu;
		const char *f2 = md ? "| %s | %s | %d | %.1f | %lld | %lld | %lld | - | %s | %lld | %lld | %lld | %.3f | %.3f |\n"
		                    : "%s\t%s\t%d\t%.1f\t%lld\t%lld\t%lld\t-\t%s\t%lld\t%lld\t%lld\t%.3f\t%.3f\n";
		printf(f2, name, ir_plan_mode_name(mode), d->nops, frac[b], (long long)q->workspace_bytes,
		       (long long)q->step_lb, (long long)q->live_lb, ir_plan_status_name(q->status),
		       (long long)q->traffic, (long long)bel, (long long)lru, secs, csecs);
	}
done:
	arena_free(a);
	einc_ctx_free(ctx);
}

int main(int argc, char **argv)
{
	const char *dir = EINC_SOURCE_DIR "/../shared/bench/memory";
	int md = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--markdown") == 0)
			md = 1;
		else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
			time_limit = atof(argv[++i]);
		else if (strcmp(argv[i], "--nodes") == 0 && i + 1 < argc)
			node_limit = atoi(argv[++i]);
		else if (strcmp(argv[i], "--work") == 0 && i + 1 < argc)
			work_limit = atoll(argv[++i]);
		else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else
			dir = argv[i];
	}
	DIR *dp = opendir(dir);
	if (!dp) {
		fprintf(stderr, "plan_bench: cannot open %s\n", dir);
		return 1;
	}
	char *names[512];
	int n = 0;
	for (struct dirent *e; (e = readdir(dp)) && n < 512;) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".dag") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(dp);
	qsort(names, (size_t)n, sizeof(char *), by_name);
	printf(md ? "| instance | mode | ops | budget x peak | peak | step LB | live LB | greedy+first-fit "
	            "| status | traffic | Belady | LRU | s | cpu s |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
	          : "instance\tmode\tops\tbudget\tpeak\tstep_lb\tlive_lb\tgreedy_ff\tstatus\ttraffic\tbelady\tlru\tseconds\tcpu_seconds\n");
	summary s[2] = {{0}};
	for (int mode = 0; mode < 2; mode++)
		for (int i = 0; i < n; i++) {
			char path[1024];
			snprintf(path, sizeof path, "%s/%s", dir, names[i]);
			char *text = slurp(path);
			einc_ctx *ctx = einc_ctx_new();
			arena *a = arena_new();
			ir_dag *d;
			if (!text || ir_dag_parse(ctx, a, text, path, &d))
				printf("%s: %s\n", names[i], text ? einc_ctx_message(ctx) : "unreadable");
			else
				bench_one(d->name, d, (ir_plan_mode)mode, md, &s[mode]);
			arena_free(a);
			einc_ctx_free(ctx);
			free(text);
		}
	for (int mode = 0; mode < 2; mode++) {
		summary *x = &s[mode];
		if (!x->rows)
			continue;
		printf("\n%s: %d instances; peak proven minimal or at the step bound on %d; "
		       "fragmentation 0 on %d (mean %.2f%%, worst %.2f%%); peak %.1f%% below greedy+first-fit on "
		       "average; traffic / min(Belady, LRU) = %.3f on average over %d budgets with spills; "
		       "heuristics %.3f ms per instance; slowest plan %.2f s wall, %.2f s CPU\n",
		       ir_plan_mode_name((ir_plan_mode)mode), x->rows, x->at_bound, x->frag0,
		       100 * x->frag_sum / x->rows, 100 * x->frag_max, 100 * x->vs_greedy_sum / x->rows,
		       x->traffic_rows ? x->traffic_ratio_sum / x->traffic_rows : 0, x->traffic_rows,
		       1e3 * x->heur_s / x->rows, x->max_s, x->max_cpu);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	return 0;
}
