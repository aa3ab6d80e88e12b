/*
 * path_bench.c - contraction-order benchmark: plans every problem of the
 * corpus with einc's greedy, exact and auto searches and compares their
 * costs with the reference figures of opt_einsum and cotengra.
 *
 *   path_bench [--corpus FILE] [--ref FILE] [--markdown] [--raw]
 *
 * FILEs default to ../shared/bench/corpus_public.txt and
 * reference_public.tsv beside the repository (outside the repository: README.md, Layout).
 *
 * Each problem first goes through the public API as a user's call would
 * (einc_compile_text with the default options): one that einc refuses is
 * reported as refused, with einc's message, and left out of the tables, so
 * that every figure is for a problem einc compiles. Each accepted problem is
 * then planned as einc's pipeline plans it, repeatedly for its times:
 * canonicalised (passes/canon.c: private indices summed by unary steps,
 * scalars folded), then searched; the cost is the whole path's, unary steps
 * included, in opt_einsum's opt_cost convention. --raw searches the problem
 * as it is.
 *
 * The corpus holds "# <id> <family> <name>" lines, each followed by
 * "<spec> ; <label>=<size>,..."; labels are single UTF-8 characters. The
 * reference TSV gives opt_cost per (problem, algorithm). Times are the
 * planning thread's CPU time.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "path.h"

#define MAXP 512
#define MAXL 4096

typedef struct {
	char id[32], family[32], name[96];
	path_problem *prob;
	path_cost best, exact_ref, rg32; /* 0 when absent */
	double dp_s, greedy_s;           /* opt_einsum dp / greedy plan time, 0 if none */
} problem;

typedef struct {
	double ratio, us;
	int ok;
} cell;

static problem probs[MAXP];
static int nprobs, nrefused;

/* Seconds of this thread's CPU time: the planner is single-threaded, and
 * CPU time stays fair on a box shared with other jobs. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The byte length of the UTF-8 character at "s". */
static int utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* The id of the label at "s" (length "len") in "labels", added if new. */
static int label_id(char labels[][5], int *nl, const char *s, int len)
{
	for (int k = 0; k < *nl; k++)
		if ((int)strlen(labels[k]) == len && !memcmp(labels[k], s, (size_t)len))
			return k;
	memcpy(labels[*nl], s, (size_t)len);
	labels[*nl][len] = 0;
	return (*nl)++;
}

/* Parses "spec ; a=2,b=3" into a problem; -1 on a malformed line. */
static int parse_line(einc_ctx *ctx, arena *a, char *line, path_problem **out)
{
	static char labels[MAXL][5];
	static int idx[MAXL * 4], ranks[MAXL], outidx[MAXL];
	static const int *ptrs[MAXL];
	static int64_t size[MAXL];
	int nl = 0, nt = 0, nidx = 0, nout = 0, in_out = 0;
	char *semi = strchr(line, ';');
	if (!semi)
		return -1;
	*semi = 0;
	ranks[0] = 0;
	ptrs[0] = idx;
	for (char *s = line; *s;) {
		if (*s == ' ' || *s == '\n') {
			s++;
		} else if (*s == ',') {
			ptrs[++nt] = idx + nidx;
			ranks[nt] = 0;
			s++;
		} else if (s[0] == '-' && s[1] == '>') {
			in_out = 1;
			s += 2;
		} else {
			int len = utf8_len(s), id = label_id(labels, &nl, s, len);
			if (in_out)
				outidx[nout++] = id;
			else {
				idx[nidx++] = id;
				ranks[nt]++;
			}
			s += len;
		}
	}
	nt++;
	for (char *s = semi + 1; *s;) {
		while (*s == ' ' || *s == ',')
			s++;
		if (!*s || *s == '\n')
			break;
		int len = utf8_len(s), id = label_id(labels, &nl, s, len);
		s += len;
		if (*s != '=')
			return -1;
		size[id] = strtoll(s + 1, &s, 10);
	}
	return path_problem_new(ctx, a, nt, ranks, ptrs, nl, size, nout, outidx, out) ? -1 : 0;
}

/* The text from "s" to "end" without the spaces and newlines around it, in
 * "buf" ("size" bytes, truncated). */
static const char *trimmed(const char *s, const char *end, char *buf, size_t size)
{
	while (s < end && (*s == ' ' || *s == '\n'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\n'))
		end--;
	size_t n = (size_t)(end - s) < size - 1 ? (size_t)(end - s) : size - 1;
	memcpy(buf, s, n);
	buf[n] = 0;
	return buf;
}

/* Whether einc accepts the corpus line "line" ("spec ; dims") of problem
 * "p": compiles it through the public API (einc_compile_text, default
 * options) as a user would; else prints einc's refusal and returns 0. */
static int accepted(einc_ctx *ctx, const problem *p, const char *line)
{
	static char spec[1 << 16], dims[1 << 16];
	const char *semi = strchr(line, ';');
	trimmed(line, semi, spec, sizeof spec);
	trimmed(semi + 1, semi + strlen(semi), dims, sizeof dims);
	einc_program *prog = NULL;
	einc_status st = einc_compile_text(ctx, spec, dims, NULL, NULL, &prog);
	einc_program_free(prog);
	if (st == EINC_OK)
		return 1;
	printf("refused %s %s: %s\n", p->id, p->name, einc_ctx_message(ctx));
	return 0;
}

/* Reads the corpus file, keeping the problems einc accepts; -1 when it
 * cannot be read. */
static int read_corpus(einc_ctx *ctx, arena *a, const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return -1;
	static char line[1 << 16];
	while (fgets(line, sizeof line, f) && nprobs < MAXP) {
		problem *p = &probs[nprobs];
		if (line[0] == '#') {
			sscanf(line, "# %31s %31s %95s", p->id, p->family, p->name);
			continue;
		}
		if (!strchr(line, ';') || !p->id[0])
			continue;
		if (!accepted(ctx, p, line))
			nrefused++;
		else if (parse_line(ctx, a, line, &p->prob) == 0)
			nprobs++;
	}
	fclose(f);
	return 0;
}

/* The decimal text "s" as a cost. */
static path_cost parse_cost(const char *s)
{
	path_cost c = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		c = path_cost_add(path_cost_mul(c, 10), (path_cost)(*s - '0'));
	return c;
}

/* Reads the reference TSV: best known, best exact-ish (dp, optimal,
 * branch-2) and random-greedy(32) cost per problem. */
static int read_ref(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return -1;
	static char line[1 << 16];
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || !strncmp(line, "id\t", 3))
			continue;
		char *col[12];
		int nc = 0;
		for (char *s = line; nc < 12 && s; nc++) {
			col[nc] = s;
			s = strchr(s, '\t');
			if (s)
				*s++ = 0;
		}
		if (nc < 8 || strcmp(col[6], "ok"))
			continue;
		path_cost c = parse_cost(col[7]);
		for (int k = 0; k < nprobs; k++) {
			problem *p = &probs[k];
			if (strcmp(p->id, col[0]))
				continue;
			if (!p->best || c < p->best)
				p->best = c;
			if ((!strcmp(col[5], "dp") || !strcmp(col[5], "optimal") ||
			     !strcmp(col[5], "branch-2")) && (!p->exact_ref || c < p->exact_ref))
				p->exact_ref = c;
			if (!strcmp(col[5], "random-greedy"))
				p->rg32 = c;
			if (!strcmp(col[5], "dp") && nc > 9)
				p->dp_s = atof(col[9]);
			if (!strcmp(col[5], "greedy") && nc > 9)
				p->greedy_s = atof(col[9]);
		}
	}
	fclose(f);
	return 0;
}

/* Searches as the pipeline does (canon, then the reduced problem) unless
 * "raw". */
static einc_status search(einc_ctx *ctx, arena *a, const path_problem *prob,
                          const path_options *o, int raw, path **out)
{
	path_canon *c = NULL;
	if (raw)
		return path_search(ctx, a, prob, o, out);
	einc_status st = path_canon_new(ctx, a, prob, o, &c);
	return st ? st : path_canon_search(ctx, a, prob, c, o, out);
}

/* Plans "p" with "o": the cost ratio to the best known and the median plan
 * time in microseconds over repeats filling about 20 ms (at most 201). */
static cell run(einc_ctx *ctx, problem *p, const path_options *o, int raw, path_cost *cost)
{
	double t[201];
	int reps = 0;
	cell c = {0, 0, 0};
	double start = now();
	do {
		arena *a = arena_new();
		path *res = NULL;
		double t0 = now();
		einc_status st = search(ctx, a, p->prob, o, raw, &res);
		t[reps++] = now() - t0;
		if (st == EINC_OK) {
			c.ok = 1;
			*cost = res->flops;
			c.ratio = path_cost_double(res->flops) / path_cost_double(p->best);
		}
		arena_free(a);
		if (st != EINC_OK)
			return c;
	} while (reps < 201 && now() - start < 0.02);
	for (int i = 1; i < reps; i++)
		for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
			double x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	c.us = 1e6 * t[reps / 2];
	return c;
}

/* Orders doubles ascending (qsort). */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of "v" ("n" > 0), sorting it. */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Formats a time in microseconds as "12us", "3.4ms" or "1.2s". */
static const char *fmt_time(double us, char *buf)
{
	if (us < 1000)
		sprintf(buf, "%.0fus", us);
	else if (us < 1e6)
		sprintf(buf, "%.1fms", us / 1e3);
	else
		sprintf(buf, "%.2fs", us / 1e6);
	return buf;
}

/* A random 3-regular network of "n" tensors (even), one index of size
 * "bond" per edge, scalar output: stubs paired after a seeded shuffle,
 * reshuffled until no self-loop or double edge. Tensor t's edges are
 * "(*edges)[3 t .. 3 t + 2]" (in "a"). NULL when that fails. */
static path_problem *random_regular(einc_ctx *ctx, arena *a, int n, int64_t bond,
                                    uint64_t seed, const int **edges)
{
	int m = 3 * n, *stub = arena_array(a, (size_t)m, sizeof(int));
	int *idx = arena_array(a, (size_t)m, sizeof(int)), *ranks = arena_array(a, (size_t)n, sizeof(int));
	const int **ptrs = arena_array(a, (size_t)n, sizeof(int *));
	int64_t *size = arena_array(a, (size_t)m / 2, sizeof(int64_t));
	for (int attempt = 0; attempt < 1000; attempt++) {
		for (int k = 0; k < m; k++)
			stub[k] = k / 3;
		for (int k = m - 1; k > 0; k--) {
			int j = (int)(splitmix64(&seed) % (uint64_t)(k + 1)), t = stub[k];
			stub[k] = stub[j];
			stub[j] = t;
		}
		int ok = 1;
		for (int e = 0; e < m / 2 && ok; e++) {
			int u = stub[2 * e], v = stub[2 * e + 1];
			ok = u != v;
			for (int f = 0; f < e && ok; f++)
				ok = !((stub[2 * f] == u && stub[2 * f + 1] == v) ||
				       (stub[2 * f] == v && stub[2 * f + 1] == u));
		}
		if (!ok)
			continue;
		for (int t = 0; t < n; t++) {
			ranks[t] = 0;
			ptrs[t] = idx + 3 * t;
		}
		for (int e = 0; e < m / 2; e++) {
			int u = stub[2 * e], v = stub[2 * e + 1];
			idx[3 * u + ranks[u]++] = e;
			idx[3 * v + ranks[v]++] = e;
			size[e] = bond;
		}
		path_problem *p = NULL;
		*edges = idx;
		return path_problem_new(ctx, a, n, ranks, ptrs, m / 2, size, 0, NULL, &p) ? NULL : p;
	}
	return NULL;
}

/* What canon does on the corpus (problems with unary steps, steps, problems
 * with scalars) and auto's cost through canon against the raw search. */
static void canon_report(einc_ctx *ctx, const path_options *o)
{
	int unary = 0, steps = 0, scalars = 0, n = 0, equal = 0, lower = 0, higher = 0;
	double worst = 1;
	for (int k = 0; k < nprobs; k++) {
		arena *a = arena_new();
		path_canon *c = NULL;
		path *x = NULL, *y = NULL;
		if (!a || path_canon_new(ctx, a, probs[k].prob, o, &c) ||
		    search(ctx, a, probs[k].prob, o, 0, &x) || search(ctx, a, probs[k].prob, o, 1, &y)) {
			arena_free(a);
			continue;
		}
		unary += c->nunary > 0;
		steps += c->nunary;
		scalars += c->nscalar > 0;
		n++;
		equal += x->flops == y->flops;
		lower += x->flops < y->flops;
		higher += x->flops > y->flops;
		double r = path_cost_double(x->flops) / path_cost_double(y->flops);
		if (r > worst)
			worst = r;
		arena_free(a);
	}
	printf("canon: unary steps on %d problems (%d steps), scalars on %d; auto's cost with "
	       "canon vs --raw: equal on %d/%d, lower on %d, higher on %d (worst %.3fx)\n",
	       unary, steps, scalars, equal, n, lower, higher, worst);
}

/* What einc says of the 3-regular network of "n" tensors whose tensor t
 * has the edges "edges[3 t .. 3 t + 2]", each of size "bond", compiled
 * through the public API (einc_compile_sublist, default options): that it
 * compiles, or why it refuses. */
static void compile_network(einc_ctx *ctx, int n, const int *edges, int64_t bond)
{
	int ranks[n];
	const int *labels[n];
	const int64_t sizes[3] = {bond, bond, bond}, *shapes[n];
	for (int t = 0; t < n; t++) {
		ranks[t] = 3;
		labels[t] = edges + 3 * t;
		shapes[t] = sizes;
	}
	einc_program *prog = NULL;
	if (einc_compile_sublist(ctx, n, ranks, labels, shapes, 0, NULL, NULL, &prog) == EINC_OK)
		printf("    einc compiles it\n");
	else
		printf("    einc refuses it: %.300s\n", einc_ctx_message(ctx));
	einc_program_free(prog);
}

/* Plans random 3-regular networks of 1000 tensors with each tier (the
 * search alone), then says whether einc compiles them. */
static void large_networks(einc_ctx *ctx)
{
	printf("\nrandom 3-regular networks, 1000 tensors, bond 2 (seeds 1..3):\n");
	for (uint64_t seed = 1; seed <= 3; seed++) {
		arena *a = arena_new();
		const int *edges = NULL;
		path_problem *p = random_regular(ctx, a, 1000, 2, seed, &edges);
		if (!p) {
			arena_free(a);
			continue;
		}
		static const path_method m[] = {PATH_GREEDY, PATH_REFINE, PATH_AUTO};
		static const char *name[] = {"greedy", "refine", "auto"};
		printf("  seed %d:", (int)seed);
		for (int k = 0; k < 3; k++) {
			path_options o;
			path_options_init(&o);
			o.method = m[k];
			o.trials = k == 0 ? 1 : 32;
			path *res = NULL;
			double t0 = now();
			einc_status st = path_search(ctx, a, p, &o, &res);
			double t = now() - t0;
			if (st == EINC_OK)
				printf("  %s log10 flops %.2f in %.0f ms", name[k],
				       log10(path_cost_double(res->flops)), 1e3 * t);
		}
		printf("\n");
		compile_network(ctx, 1000, edges, 2);
		arena_free(a);
	}
}

enum { GREEDY, EXACT, AUTO, NTIER };
static const char *tier_name[NTIER] = {"greedy", "exact", "auto"};

int main(int argc, char **argv)
{
	const char *corpus = EINC_SOURCE_DIR "/../shared/bench/corpus_public.txt";
	const char *ref = EINC_SOURCE_DIR "/../shared/bench/reference_public.tsv";
	int markdown = 0, raw = 0;
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--corpus") && k + 1 < argc)
			corpus = argv[++k];
		else if (!strcmp(argv[k], "--ref") && k + 1 < argc)
			ref = argv[++k];
		else if (!strcmp(argv[k], "--markdown"))
			markdown = 1;
		else if (!strcmp(argv[k], "--raw"))
			raw = 1;
		else {
			fprintf(stderr, "usage: path_bench [--corpus FILE] [--ref FILE] [--markdown] "
			        "[--raw]\n");
			return 2;
		}
	}
	einc_ctx *ctx = einc_ctx_new();
	arena *a = arena_new();
	if (!ctx || !a || read_corpus(ctx, a, corpus) || read_ref(ref)) {
		fprintf(stderr, "path_bench: cannot read %s or %s\n", corpus, ref);
		return 1;
	}
	static cell cells[MAXP][NTIER];
	path_options opt[NTIER];
	for (int t = 0; t < NTIER; t++)
		path_options_init(&opt[t]);
	opt[GREEDY].method = PATH_GREEDY;
	opt[GREEDY].trials = 1;
	opt[EXACT].method = PATH_EXACT;
	opt[EXACT].dp_work = 50000000;
	const char *sep = markdown ? " | " : "  ";
	printf("%s%-8s%s%-8s%s%4s%s%-16s%s%-16s%s%-16s%s%s%s\n", markdown ? "| " : "", "id", sep,
	       "family", sep, "n", sep, "greedy", sep, "exact", sep, "auto", sep,
	       "auto vs dp/opt/b2, rg32", markdown ? " |" : "");
	if (markdown)
		printf("|---|---|---|---|---|---|---|\n");
	int exact_ok = 0, exact_n = 0, rest_ok = 0, rest_n = 0, rg_ok = 0, rg_n = 0;
	double total_auto = 0;
	for (int k = 0; k < nprobs; k++) {
		problem *p = &probs[k];
		path_cost cost[NTIER] = {0};
		char line[3][64], tb[32];
		for (int t = 0; t < NTIER; t++) {
			if (t == EXACT && p->prob->n > PATH_DP_MAX) {
				cells[k][t].ok = 0;
				sprintf(line[t], "-");
				continue;
			}
			cells[k][t] = run(ctx, p, &opt[t], raw, &cost[t]);
			if (cells[k][t].ok)
				sprintf(line[t], "%.3f %s", cells[k][t].ratio, fmt_time(cells[k][t].us, tb));
			else
				sprintf(line[t], "- (%s)", einc_status_name(einc_ctx_status(ctx)));
		}
		total_auto += cells[k][AUTO].us;
		char verdict[160] = "";
		if (p->exact_ref) {
			int ok = cells[k][AUTO].ok && cost[AUTO] <= p->exact_ref;
			exact_n++;
			exact_ok += ok;
			char c1[48], c2[48];
			if (ok)
				sprintf(verdict, "<= exact");
			else
				sprintf(verdict, "WORSE than exact (%s > %s)", path_cost_str(cost[AUTO], c1),
				        path_cost_str(p->exact_ref, c2));
		} else {
			int ok = cells[k][AUTO].ok && cells[k][AUTO].ratio <= 1.05;
			rest_n++;
			rest_ok += ok;
			sprintf(verdict, "%s", ok ? "<= 1.05 best" : "> 1.05 best");
		}
		if (p->rg32) {
			int ok = cells[k][AUTO].ok && cost[AUTO] <= p->rg32;
			rg_n++;
			rg_ok += ok;
			strcat(verdict, ok ? ", <= rg32" : ", WORSE than rg32");
		}
		printf("%s%-8s%s%-8s%s%4d%s%-16s%s%-16s%s%-16s%s%s%s\n", markdown ? "| " : "", p->id,
		       sep, p->family, sep, p->prob->n, sep, line[0], sep, line[1], sep, line[2], sep,
		       verdict, markdown ? " |" : "");
	}
	printf("\n%sfamily%stier%sdone%smedian ratio%sworst ratio%smedian time%s\n",
	       markdown ? "| " : "", sep, sep, sep, sep, sep, markdown ? " |" : "");
	if (markdown)
		printf("|---|---|---|---|---|---|\n");
	static char fams[64][32];
	int nf = 0;
	for (int k = 0; k < nprobs; k++) {
		int seen = 0;
		for (int f = 0; f < nf; f++)
			seen |= !strcmp(fams[f], probs[k].family);
		if (!seen)
			strcpy(fams[nf++], probs[k].family);
	}
	strcpy(fams[nf++], "ALL");
	for (int f = 0; f < nf; f++)
		for (int t = 0; t < NTIER; t++) {
			static double r[MAXP], us[MAXP];
			int m = 0, tried = 0;
			double worst = 0;
			for (int k = 0; k < nprobs; k++) {
				if (strcmp(fams[f], "ALL") && strcmp(fams[f], probs[k].family))
					continue;
				tried++;
				if (!cells[k][t].ok)
					continue;
				r[m] = cells[k][t].ratio;
				us[m] = cells[k][t].us;
				if (r[m] > worst)
					worst = r[m];
				m++;
			}
			char tb[32];
			if (m == 0)
				printf("%s%s%s%s%s0/%d%s-%s-%s-%s\n", markdown ? "| " : "", fams[f], sep,
				       tier_name[t], sep, tried, sep, sep, sep, markdown ? " |" : "");
			else
				printf("%s%s%s%s%s%d/%d%s%.3f%s%.3f%s%s%s\n", markdown ? "| " : "", fams[f],
				       sep, tier_name[t], sep, m, tried, sep, median(r, m), sep, worst, sep,
				       fmt_time(median(us, m), tb), markdown ? " |" : "");
		}
	printf("\neinc refused %d of %d problems (above, \"refused\"); the tables hold the %d it "
	       "compiles\n", nrefused, nrefused + nprobs, nprobs);
	printf("auto <= best of dp/optimal/branch-2: %d/%d; within 1.05x of best known on "
	       "the rest: %d/%d; <= random-greedy(32): %d/%d; auto total plan time %.2f s\n",
	       exact_ok, exact_n, rest_ok, rest_n, rg_ok, rg_n, total_auto / 1e6);
	/* Speed against opt_einsum where both planned (its times: reference TSV,
	 * problems of >= 3 tensors, where it searches at all). */
	static double sp_dp[MAXP], sp_gr[MAXP];
	int ndp = 0, ngr = 0;
	for (int k = 0; k < nprobs; k++) {
		if (probs[k].prob->n < 3)
			continue;
		if (probs[k].dp_s > 0 && cells[k][EXACT].ok && cells[k][EXACT].us > 0)
			sp_dp[ndp++] = probs[k].dp_s * 1e6 / cells[k][EXACT].us;
		if (probs[k].greedy_s > 0 && cells[k][GREEDY].ok && cells[k][GREEDY].us > 0)
			sp_gr[ngr++] = probs[k].greedy_s * 1e6 / cells[k][GREEDY].us;
	}
	if (ndp && ngr) {
		double mdp = median(sp_dp, ndp), mgr = median(sp_gr, ngr);
		printf("exact vs opt_einsum dp: %.0fx faster (median), %.1fx (least), %d problems; "
		       "greedy vs opt_einsum greedy: %.0fx faster (median), %.1fx (least), %d problems\n",
		       mdp, sp_dp[0], ndp, mgr, sp_gr[0], ngr);
	}
	if (!raw)
		canon_report(ctx, &opt[AUTO]);
	large_networks(ctx);
	arena_free(a);
	einc_ctx_free(ctx);
	return 0;
}
