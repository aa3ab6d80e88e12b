/*
 * slice_bench.c - slicing quality on the corpus's network families (mps,
 * peps, qcirc, randreg): for every problem and a target of 1/8, 1/64 and
 * 1/1024 of its unsliced largest intermediate, the overhead (the slices'
 * flops together over the unsliced flops) of einc's slicing (greedy on the
 * tree, the tree searched again per choice: passes/slice.c) beside the
 * plain baseline (the index most tensors hold first, the tree kept),
 * both in the same run, on the path einc's pipeline found, and beside
 * einc's a lower bound on the overhead of any slicing that meets the
 * target (slice_exact in slice.h: einc's own exact search, given more
 * work than the planner gives it; ">=X" where that work does not settle
 * it: the least bound of the branches left), for problems of at most N
 * tensors (--bound-tensors, 16; 0: none); beyond them, and where that
 * did not settle, the bound through subnetworks of K tensors where it is
 * higher (slice_bound_within, --bound-within, 12; 0: none), given W
 * splits a target (--within-work, 2*10^9); the cut bound over the whole
 * network (slice_bound_cut, blocks of --bound-cut K tensors, 16); and a
 * subnetwork's least cost times the least slices of the rest apart
 * (slice_bound_apart, subnetworks of up to --bound-apart K tensors, 12,
 * given W splits a size). The bound column is the highest of them.
 *
 *   slice_bench [--corpus FILE] [--scale K] [--markdown] [--bound-tensors N]
 *               [--bound-within K] [--within-work W] [--bound-cut K]
 *               [--bound-apart K]
 *
 * FILE defaults to ../shared/bench/corpus_public.txt beside the
 * repository; --scale multiplies every label's size by K (the same
 * networks with larger bonds, whose largest intermediates are large
 * enough for 1/64 and 1/1024 to leave slices of real work). Prints one row per problem and the median overhead per
 * target and method; "-" where a target is below one element.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "path.h"
#include "program.h"
#include "slice.h"

#define MAXP 256
#define BIG ((path_cost)1 << 20)
#define BOUND_WORK 10000000000 /* and at most this many splits per target */
enum { NFRAC = 3, NMETHOD = 2 };
static const int fractions[NFRAC] = {8, 64, 1024};
static const char *const families[] = {"mps", "peps", "qcirc", "randreg"};

/* CPU seconds of this thread. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Whether "family" is one of the big families. */
static int wanted(const char *family)
{
	for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
		if (!strcmp(family, families[f]))
			return 1;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of "n" values at "v" (sorted in place); NAN for none. */
static double median(double *v, int n)
{
	if (!n)
		return NAN;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The sizes "dims" ("a=4,b=2,...") with every size times "k" into "out"
 * ("len" bytes); -1 when they do not fit. */
static int scale_dims(const char *dims, long k, char *out, size_t len)
{
	size_t at = 0;
	while (*dims) {
		const char *eq = strchr(dims, '=');
		if (!eq)
			return -1;
		char *end;
		long v = strtol(eq + 1, &end, 10);
		int n = snprintf(out + at, len - at, "%.*s=%ld%s", (int)(eq - dims), dims, v * k,
		                 *end == ',' ? "," : "");
		if (n < 0 || (size_t)n >= len - at)
			return -1;
		at += (size_t)n;
		dims = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static int bound_tensors = 16; /* the bound's reach (--bound-tensors): 3^n per branch */
/* beyond it, the bound over subnetworks of this many tensors (--bound-within;
 * slice_bound_within), given this much work per target */
static int bound_within = 12;
static int64_t within_work = 2000000000;
/* and the cut bound over the whole network (slice_bound_cut), its blocks
 * of this many tensors (--bound-cut; 0: none) */
static int bound_cut = 16;
/* and a subnetwork's least cost times the rest's least slices
 * (slice_bound_apart), subnetworks of up to this many tensors
 * (--bound-apart; 0: none), given within_work a size */
static int bound_apart = 12;

/* Slices program "p" for a largest intermediate of "target" elements by
 * "method"; the overhead and slices into "*ov" and "*ns", the CPU seconds
 * into "*secs"; unless "bound" is NULL, the lower bound on the overhead of
 * any slicing (slice_exact in slice.h, and slice_bound_within beyond
 * bound_tensors or where that did not settle; NAN where not searched) into
 * "*bound" and whether it is the least overhead (the search settled) into
 * "*settled"; -1 when it fails (message printed). */
static int slice_once(einc_ctx *ctx, const einc_program *p, path_cost target,
                      slice_method method, double *ov, int64_t *ns, double *secs, double *bound,
                      int *settled)
{
	path_options po;
	path_options_from(&p->options, &po);
	slice_goal goal = {.target_size = target, .method = method};
	arena *a = arena_new();
	slicing *s;
	double t0 = cpu_now();
	einc_status st = a ? pass_slice(ctx, a, p->graph, p->path, &po, &goal, &s) : EINC_ENOMEM;
	*secs = cpu_now() - t0;
	path_problem *prob;
	uint64_t labels;
	double reached = st ? 0 : path_cost_double(s->flops) * (double)s->nslices, lb = NAN;
	if (!st && bound && !(st = path_problem_from_graph(ctx, a, p->graph, &prob))) {
		if (p->graph->ninputs <= bound_tensors)
			lb = slice_exact(prob, path_cost_double(target), 0, reached, BOUND_WORK, 0,
			                 &labels, settled);
		int done;
		double within = p->graph->ninputs > bound_within && !*settled
		                ? slice_bound_within(prob, bound_within, path_cost_double(target),
		                                     reached, within_work, 0, &done)
		                : NAN;
		if (within > lb || (isnan(lb) && !isnan(within))) {
			lb = within;
			*settled = done;
		}
		double cut = bound_cut ? slice_bound_cut(prob, path_cost_double(target), bound_cut)
		                       : NAN;
		if (cut > lb || (isnan(lb) && !isnan(cut))) {
			lb = cut;
			*settled = cut >= reached;
		}
		int reach;
		double apart = bound_apart && !*settled
		               ? slice_bound_apart(prob, bound_apart, path_cost_double(target), reached,
		                                   within_work, 0, &reach)
		               : NAN;
		if (apart > lb || (isnan(lb) && !isnan(apart))) {
			lb = apart;
			*settled = reach;
		}
		*bound = lb / path_cost_double(s->flops_full);
	}
	if (!st) {
		*ov = slice_overhead(s);
		*ns = s->nslices;
	} else {
		fprintf(stderr, "slice_bench: %s\n", einc_ctx_message(ctx));
	}
	arena_free(a);
	return st ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *corpus = EINC_SOURCE_DIR "/../shared/bench/corpus_public.txt";
	int markdown = 0;
	long scale = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--corpus") && i + 1 < argc)
			corpus = argv[++i];
		else if (!strcmp(argv[i], "--scale") && i + 1 < argc && (scale = atol(argv[++i])) >= 1)
			continue;
		else if (!strcmp(argv[i], "--bound-tensors") && i + 1 < argc)
			bound_tensors = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--bound-within") && i + 1 < argc)
			bound_within = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--bound-cut") && i + 1 < argc)
			bound_cut = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--bound-apart") && i + 1 < argc)
			bound_apart = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--within-work") && i + 1 < argc)
			within_work = atoll(argv[++i]);
		else if (!strcmp(argv[i], "--markdown"))
			markdown = 1;
		else {
			fprintf(stderr, "usage: slice_bench [--corpus FILE] [--scale K] [--markdown] "
			                "[--bound-tensors N] [--bound-within K] [--within-work W] "
			                "[--bound-cut K] [--bound-apart K]\n");
			return 2;
		}
	}
	FILE *f = fopen(corpus, "r");
	if (!f) {
		fprintf(stderr, "slice_bench: cannot open %s\n", corpus);
		return 1;
	}
	/* [0]: every problem, [1]: those whose largest intermediate is at
	 * least BIG elements, where a slice of 1/64 of it is still real work */
	static double ov[2][NMETHOD][NFRAC][MAXP];
	int count[2][NMETHOD][NFRAC] = {{{0}}};
	/* einc's overhead over the bound, per target, where the bound was found */
	static double gap[NFRAC][MAXP];
	int ngap[NFRAC] = {0}, tight[NFRAC] = {0};
	/* per target, each problem einc reaches: the least overhead any
	 * slicing can have there (its lower bound, 0 where none is known) */
	static double least[NFRAC][MAXP];
	int nleast[NFRAC] = {0};
	double secs_total = 0, secs_bound = 0;
	char line[16384], dims[16384], id[32] = "", family[32] = "", name[128] = "";
	einc_ctx *ctx = einc_ctx_new();
	printf(markdown ? "| problem | family | largest | 1/8 einc | 1/8 bound | 1/8 base | "
	                  "1/64 einc | 1/64 bound | 1/64 base | 1/1024 einc | 1/1024 bound | "
	                  "1/1024 base |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n"
	                : "%-8s %-8s %10s   overhead (slices) einc | lower bound | baseline at 1/8, "
	                  "1/64, 1/1024\n",
	       "problem", "family", "largest");
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#') {
			if (sscanf(line, "# %31s %31s %127s", id, family, name) != 3)
				id[0] = '\0';
			continue;
		}
		char *semi = strstr(line, " ; ");
		if (!semi || !id[0] || !wanted(family))
			continue;
		*semi = '\0';
		einc_program *p;
		if (scale_dims(semi + 3, scale, dims, sizeof dims)) {
			fprintf(stderr, "slice_bench: %s: sizes too long\n", id);
			continue;
		}
		if (einc_compile_text(ctx, line, dims, NULL, NULL, &p)) {
			fprintf(stderr, "slice_bench: %s: %s\n", id, einc_ctx_message(ctx));
			continue;
		}
		path_cost largest = p->path->largest;
		printf(markdown ? "| %s | %s | %.4g |" : "%-8s %-8s %10.4g ", id, family,
		       path_cost_double(largest));
		for (int x = 0; x < NFRAC; x++)
			for (int m = 0; m < NMETHOD; m++) {
				path_cost target = largest / (path_cost)fractions[x];
				double o, secs, lb = NAN, t0 = cpu_now();
				int64_t ns;
				int settled = 0;
				if (!target || slice_once(ctx, p, target, m ? SLICE_MOST_SHARED : SLICE_GREEDY,
				                          &o, &ns, &secs, m ? NULL : &lb, &settled)) {
					printf(markdown ? (m ? " - |" : " - | - |") : (m ? " %14s" : " %14s %9s"),
					       "-", "-");
					continue;
				}
				char cell[48];
				snprintf(cell, sizeof cell, "%.3g (%lld)", o, (long long)ns);
				printf(markdown ? " %s |" : " %14s", cell);
				if (!m) {
					secs_total += secs;
					secs_bound += cpu_now() - t0 - secs;
					snprintf(cell, sizeof cell, isnan(lb) ? "-" : settled ? "%.3g" : ">=%.3g",
					         lb);
					printf(markdown ? " %s |" : " %9s", cell);
					least[x][nleast[x]++] = isnan(lb) ? 0 : lb;
					if (!isnan(lb) && settled) {
						gap[x][ngap[x]++] = o / lb;
						tight[x] += o <= lb * (1 + 1e-9);
					}
				}
				for (int b = 0; b < 1 + (largest >= BIG); b++)
					ov[b][m][x][count[b][m][x]++] = o;
			}
		printf("\n");
		fflush(stdout);
		einc_program_free(p);
		id[0] = '\0';
	}
	fclose(f);
	einc_ctx_free(ctx);
	for (int b = 0; b < 2; b++) {
		printf(b ? "median overhead, problems whose largest intermediate is at least 2^20:\n"
		         : "\nmedian overhead (problems with a reachable target):\n");
		for (int x = 0; x < NFRAC; x++)
			printf("  1/%-5d einc %.3f (%d problems)   baseline %.3f (%d problems)\n",
			       fractions[x], median(ov[b][0][x], count[b][0][x]), count[b][0][x],
			       median(ov[b][1][x], count[b][1][x]), count[b][1][x]);
	}
	printf("einc over the lower bound (where it is settled):\n");
	for (int x = 0; x < NFRAC; x++)
		printf("  1/%-5d median %.3f, at the bound (optimal) %d of %d problems\n", fractions[x],
		       median(gap[x], ngap[x]), tight[x], ngap[x]);
	/* each problem's overhead is at least its bound, so any slicing's
	 * median over the same problems is at least the bounds' median */
	printf("the least median any slicing can reach over einc's problems (the bounds' "
	       "median):\n");
	for (int x = 0; x < NFRAC; x++)
		printf("  1/%-5d >= %.3f (%d problems)\n", fractions[x], median(least[x], nleast[x]),
		       nleast[x]);
	printf("einc's slicing took %.2f s of CPU over all problems and targets, the bound %.2f s\n",
	       secs_total, secs_bound);
	return 0;
}
