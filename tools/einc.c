/*
 * einc.c - the command-line driver: argv -> options -> API calls -> output.
 * No compiler logic lives here; every decision is the library's.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "einc.h"

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

static const char usage_text[] =
	"usage: einc [options] SPEC\n"
	"\n"
	"Compiles the einsum SPEC (numpy's grammar) for the given sizes.\n"
	"\n"
	"examples:\n"
	"  einc --dump=graph 'bij,bjk->bik' -d b=2,i=3,j=4,k=5\n"
	"      print the graph IR of a batched matrix product\n"
	"  einc --run 'ij,jk->ik' -d i=256,j=512,k=128\n"
	"      evaluate on random inputs; print a checksum and the time\n"
	"  einc --run '...ij,...jk' -s 8x1x3x4,5x4x2 -t f64\n"
	"      ellipsis with numpy broadcasting, sizes per operand, double precision\n"
	"  einc --dump=graph 'ii->' -d i=4\n"
	"      a trace: the repeated label reads the diagonal\n"
	"\n"
	"options:\n"
	"  -d, --dims LIST     sizes per label: i=64,j=128 (labels may be any letter)\n"
	"  -s, --shapes LIST   sizes per operand, numpy order: 64x128,128x32\n"
	"                      (needed for '...'; both -d and -s must then agree)\n"
	"  -t, --dtype TYPE    element type: f32 (default) or f64\n"
	"  --dump=STAGE        print the IR of STAGE on stdout: graph\n"
	"  --run               evaluate on random inputs (fixed seed) with the\n"
	"                      reference evaluator; print a checksum and the time\n"
	"  --seed N            seed of the random inputs (default 1)\n"
	"  -v, --verbose       report each stage on stderr\n"
	"  --version           print the version\n"
	"  -h, --help          print this help\n"
	"\n"
	"exit status: 0 ok, 1 bad input, 2 usage, 3 internal error\n";

typedef struct {
	const char *spec, *dims, *shapes;
	einc_options options;
	int dump_graph, run, verbose;
	uint64_t seed;
} cli;

/* Prints a usage error and returns EXIT_USAGE. */
static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "einc: error: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'einc --help' for more information.\n");
	return EXIT_USAGE;
}

/*
 * Matches argv[*i] against the option "shrt" (e.g. "-d", or NULL) or "lng"
 * ("--dims"); for options with a value, stores it in "*val" from "-dX",
 * "--dims=X" or the next argument. Returns 1 on a match, 0 if not this
 * option, -1 when the value is missing.
 */
static int match_opt(char **argv, int argc, int *i, const char *shrt,
                     const char *lng, const char **val)
{
	const char *a = argv[*i];
	size_t sl = shrt ? strlen(shrt) : 0, ll = strlen(lng);
	const char *rest = NULL;
	if (shrt && strncmp(a, shrt, sl) == 0)
		rest = a + sl;
	else if (strncmp(a, lng, ll) == 0 && (a[ll] == '\0' || a[ll] == '='))
		rest = a[ll] == '=' ? a + ll + 1 : a + ll;
	else
		return 0;
	if (!val)
		return *rest == '\0';
	if (*rest) {
		*val = rest;
		return 1;
	}
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

/* Command-line options: flags take no value; the others take one as
 * "-dX", "-d X", "--dims=X" or "--dims X". */
typedef enum { OPT_DIMS, OPT_SHAPES, OPT_DTYPE, OPT_DUMP, OPT_SEED, OPT_RUN,
               OPT_VERBOSE, OPT_HELP, OPT_VERSION } opt_id;

static const struct {
	const char *shrt, *lng;
	int has_value;
	opt_id id;
} opt_table[] = {
	{"-d", "--dims", 1, OPT_DIMS},
	{"-s", "--shapes", 1, OPT_SHAPES},
	{"-t", "--dtype", 1, OPT_DTYPE},
	{NULL, "--dump", 1, OPT_DUMP},
	{NULL, "--seed", 1, OPT_SEED},
	{NULL, "--run", 0, OPT_RUN},
	{"-v", "--verbose", 0, OPT_VERBOSE},
	{"-h", "--help", 0, OPT_HELP},
	{NULL, "--version", 0, OPT_VERSION},
};

/* Applies option "id" with value "val" to "c"; returns 0 to go on, -1 to
 * stop with success, or a usage error. */
static int apply_opt(cli *c, opt_id id, const char *val)
{
	char *end;
	switch (id) {
	case OPT_DIMS:
		c->dims = val;
		break;
	case OPT_SHAPES:
		c->shapes = val;
		break;
	case OPT_DTYPE:
		if (strcmp(val, "f32") == 0)
			c->options.dtype = EINC_F32;
		else if (strcmp(val, "f64") == 0)
			c->options.dtype = EINC_F64;
		else
			return usage_error("unknown dtype '%s' (expected f32 or f64)", val);
		break;
	case OPT_DUMP:
		if (strcmp(val, "graph") != 0)
			return usage_error("unknown stage '%s' for --dump (expected graph)", val);
		c->dump_graph = 1;
		break;
	case OPT_SEED:
		c->seed = strtoull(val, &end, 10);
		if (!*val || *end || *val == '-')
			return usage_error("--seed expects a non-negative integer, got '%s'", val);
		break;
	case OPT_RUN:
		c->run = 1;
		break;
	case OPT_VERBOSE:
		c->verbose = 1;
		break;
	case OPT_HELP:
		fputs(usage_text, stdout);
		return -1;
	case OPT_VERSION:
		printf("einc %s\n", EINC_VERSION_STRING);
		return -1;
	}
	return 0;
}

/* Whether "a" is the spec rather than an option: it does not start with
 * '-', or it is a spec with no operands ("->...") that the front end will
 * reject with a proper message. */
static int is_spec(const char *a)
{
	return a[0] != '-' || a[1] == '>';
}

/* Fills "c" from the command line; returns -1 to stop with success
 * (--help, --version), 0 to go on, or an exit status. */
static int parse_args(cli *c, int argc, char **argv)
{
	einc_options_init(&c->options);
	c->seed = 1;
	int only_spec = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_spec || is_spec(a)) {
			if (c->spec)
				return usage_error("more than one SPEC given ('%s')", a);
			c->spec = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_spec = 1;
			continue;
		}
		size_t k = 0, n = sizeof opt_table / sizeof opt_table[0];
		int m = 0;
		const char *val = NULL;
		for (; k < n; k++) {
			m = match_opt(argv, argc, &i, opt_table[k].shrt, opt_table[k].lng,
			              opt_table[k].has_value ? &val : NULL);
			if (m)
				break;
		}
		if (k == n)
			return usage_error("unknown option '%s'", a);
		if (m < 0)
			return usage_error("option '%s' needs a value", a);
		int st = apply_opt(c, opt_table[k].id, val);
		if (st)
			return st;
	}
	if (!c->spec)
		return usage_error("%s", "no SPEC given");
	if (!c->dims && !c->shapes)
		return usage_error("%s", "no sizes given: use -d i=64,... or -s 64x128,...");
	return 0;
}

/* The exit status for a failed library call. */
static int exit_status(einc_status st)
{
	switch (st) {
	case EINC_OK:
		return EXIT_OK;
	case EINC_ENOMEM:
	case EINC_EBACKEND:
	case EINC_EINTERNAL:
		return EXIT_INTERNAL;
	default:
		return EXIT_INPUT;
	}
}

/* Prints the context's message and returns the exit status of "st". */
static int report(const einc_ctx *ctx, einc_status st)
{
	fprintf(stderr, "einc: %s\n", einc_ctx_message(ctx));
	return exit_status(st);
}

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The element count of operand "k" (-1: the output) of "p". */
static size_t elems(const einc_program *p, int k)
{
	const int64_t *dims;
	int rank = einc_program_shape(p, k, &dims);
	size_t n = 1;
	for (int a = 0; a < rank; a++)
		n *= (size_t)dims[a];
	return n;
}

/* Uniform values in [-1, 1) from a xorshift64* stream. */
static double next_uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-52 - 1.0;
}

/* Evaluates "p" on seeded random inputs and prints a checksum and the time. */
static int run_program(einc_ctx *ctx, const einc_program *p, uint64_t seed)
{
	int n = einc_program_num_inputs(p);
	size_t esize = einc_program_dtype(p) == EINC_F64 ? sizeof(double) : sizeof(float);
	void **in = calloc((size_t)n, sizeof(void *));
	size_t nout = elems(p, -1);
	void *out = malloc(nout * esize);
	int status = EXIT_OK;
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
	if (!in || !out)
		goto oom;
	for (int k = 0; k < n; k++) {
		size_t m = elems(p, k);
		if (!(in[k] = malloc(m * esize)))
			goto oom;
		for (size_t e = 0; e < m; e++) {
			double v = next_uniform(&s);
			if (esize == sizeof(double))
				((double *)in[k])[e] = v;
			else
				((float *)in[k])[e] = (float)v;
		}
	}
	double t0 = now();
	einc_status st = einc_program_run_reference(ctx, p, out, (const void *const *)in);
	double ms = (now() - t0) * 1e3;
	if (st) {
		status = report(ctx, st);
		goto done;
	}
	double sum = 0, asum = 0;
	for (size_t e = 0; e < nout; e++) {
		double v = esize == sizeof(double) ? ((double *)out)[e] : ((float *)out)[e];
		sum += v;
		asum += v < 0 ? -v : v;
	}
	printf("checksum: sum=%.9g abs=%.9g elements=%zu\n", sum, asum, nout);
	printf("time: %.3f ms (reference evaluator)\n", ms);
	goto done;
oom:
	fprintf(stderr, "einc: error: run: out of memory for the operands\n");
	status = EXIT_INTERNAL;
done:
	for (int k = 0; in && k < n; k++)
		free(in[k]);
	free(in);
	free(out);
	return status;
}

/* Compiles the spec and does what the flags ask. */
static int drive(const cli *c, einc_ctx *ctx)
{
	einc_program *p;
	double t0 = now();
	einc_status st = einc_compile_text(ctx, c->spec, c->dims, c->shapes, &c->options, &p);
	if (st)
		return report(ctx, st);
	if (c->verbose)
		fprintf(stderr, "einc: compiled '%s' in %.3f ms: %d inputs\n", c->spec,
		        (now() - t0) * 1e3, einc_program_num_inputs(p));
	int status = EXIT_OK;
	if (c->dump_graph) {
		char *text;
		if ((st = einc_program_dump(ctx, p, EINC_STAGE_GRAPH, &text)) != EINC_OK)
			status = report(ctx, st);
		else
			fputs(text, stdout);
		einc_free(text);
	}
	if (!status && c->run)
		status = run_program(ctx, p, c->seed);
	einc_program_free(p);
	return status;
}

int main(int argc, char **argv)
{
	cli c = {0};
	int st = parse_args(&c, argc, argv);
	if (st)
		return st < 0 ? EXIT_OK : st;
	einc_ctx *ctx = einc_ctx_new();
	if (!ctx) {
		fprintf(stderr, "einc: error: out of memory\n");
		return EXIT_INTERNAL;
	}
	st = drive(&c, ctx);
	einc_ctx_free(ctx);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "einc: error: cannot write the output\n");
		return EXIT_INTERNAL;
	}
	return st;
}
