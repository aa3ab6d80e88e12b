/*
 * einc_cli.c - the command-line driver: argv -> options -> API calls -> output.
 * No compiler logic lives here; every decision is the library's.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compile_flags.h"
#include "einc.h"
#include "parts.h"

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

static const char usage_text[] =
	"usage: einc [options] SPEC\n"
	"       einc --plan-dag FILE [--budget BYTES] [--staging]\n"
	"\n"
	"Compiles the einsum SPEC (numpy's grammar) for the given sizes. A SPEC\n"
	"or a FILE of '-' is read from standard input.\n"
	"\n"
	"examples:\n"
	"  einc --dump=graph 'bij,bjk->bik' -d b=2,i=3,j=4,k=5\n"
	"      print the graph IR of a batched matrix product\n"
	"  einc --run 'ij,jk->ik' -d i=256,j=512,k=128\n"
	"      evaluate on random inputs; print a checksum and the time\n"
	"  einc --run '...ij,...jk' -s 8x1x3x4,5x4x2 -t f64\n"
	"      ellipsis with numpy broadcasting, sizes per operand, double precision\n"
	"  einc 'bij,bjk->bik' -d b=8,i=64,j=64,k=64 -o bmm.o --header bmm.h\n"
	"      compile to an object file and a header declaring int bmm(...)\n"
	"  einc --plan-dag net.dag --budget 1048576 --dump=plan\n"
	"      plan an op DAG (order, arena offsets, spills) within 1 MiB\n"
	"\n"
	"options:\n"
	"  -d, --dims LIST     sizes per label: i=64,j=128 (labels as in the spec)\n"
	"  -s, --shapes LIST   sizes per operand, numpy order: 64x128,128x32\n"
	"                      (needed for '...'; both -d and -s must then agree)\n"
	"  -t, --dtype TYPE    element type: f32 (default), f64, c64, c128 (float\n"
	"                      and double _Complex, numpy's complex64/complex128),\n"
	"                      i32 or i64 (int32_t, int64_t: wrap around as numpy)\n"
	"  -o FILE             write the compiled function to FILE ('-': stdout):\n"
	"                      an object file, or assembly with -S, or LLVM IR\n"
	"                      with --emit-llvm\n"
	"  -S                  write assembly\n"
	"  --emit-llvm         write optimized LLVM IR\n"
	"  --header FILE       write the C header of the function (default with\n"
	"                      an object file: FILE of -o with .h)\n"
	"  --name SYM          the function's name (default: the base name of -o)\n"
	"  -O0 .. -O3          optimization level (default -O3)\n"
	"  -march=CPU, -mcpu=CPU\n"
	"                      target CPU: native (default), x86-64-v3, znver4, ...\n"
	"  --dump=STAGE        print the IR of STAGE on stdout: graph, canon (what\n"
	"                      canonicalisation does per input), tree (the\n"
	"                      contraction tree), plan (the memory plan), loops\n"
	"                      (the loop nests as C) or llvm (before optimization)\n"
	"  --path=METHOD       contraction order: auto (default; exact when small,\n"
	"                      else greedy + restarts + refinement), exact, greedy,\n"
	"                      refine, or ltr (left to right); exact gives up\n"
	"                      with an error after a fixed amount of work (a few\n"
	"                      seconds)\n"
	"  --max-intermediate N\n"
	"                      no intermediate above N elements, the output aside\n"
	"                      (every method, ltr too)\n"
	"  --print-path[=linear|json]\n"
	"                      print the order as opt_einsum does: a report per\n"
	"                      pairwise step (then einc's own steps, where it\n"
	"                      sums an operand's own indices alone first), or only\n"
	"                      the linear path [(0, 1), (0, 1)] (as numpy reads\n"
	"                      it), or all of it as JSON for other tools\n"
	"  --tree FILE         force the contraction order written in FILE (the\n"
	"                      form --dump=tree prints; edit a dump)\n"
	"  --budget BYTES      workspace bytes the intermediates may take (default:\n"
	"                      no limit); below what they need at once, some are\n"
	"                      spilled to a slow buffer and reloaded; below one\n"
	"                      step's operands and result, an error naming it\n"
	"  --tile-cache BYTES|off\n"
	"                      run a chain of steps tile by tile so that each\n"
	"                      tile's intermediates fit BYTES of fast memory\n"
	"                      (default 0: the CPU's L2, else half its L3 share;\n"
	"                      off: no tiling); --dump=plan shows the tiles\n"
	"  --slice=auto|LABELS split the einsum into slices: fix the values of the\n"
	"                      given labels ('ab' or 'a,b'), or of labels chosen\n"
	"                      to meet the targets below (auto; with --budget and\n"
	"                      no target: slicing or spilling, the cheaper); --run\n"
	"                      then runs every slice and adds them up\n"
	"                      (docs/slicing.md)\n"
	"  --target-size BYTES the largest intermediate of one slice (the output\n"
	"                      included) within BYTES; implies --slice=auto\n"
	"  --target-slices N   at least N slices (for parallelism); implies\n"
	"                      --slice=auto\n"
	"  --max-overhead X    an error when the slices' flops together exceed X\n"
	"                      times the unsliced flops\n"
	"  --plan-dag FILE     plan the op DAG in FILE (.dag format) instead of a\n"
	"                      SPEC and print the plan\n"
	"  --plan-svg FILE     write the memory plan's arena over time as SVG to\n"
	"                      FILE ('-': stdout; then --plan-dag prints the plan\n"
	"                      only with --dump=plan)\n"
	"  --staging           with --plan-dag: every tensor passes through the\n"
	"                      arena (default: only the intermediates)\n"
	"  --run               compile in process (JIT), run on random inputs\n"
	"                      (fixed seed); print a checksum, the time and the\n"
	"                      bytes spills and reloads moved\n"
	"  --check             with --run: compare with the reference evaluator;\n"
	"                      exit 1 when an element is off by more than 1e-4\n"
	"                      (f32, c64) or 1e-10 (f64, c128) of its sum of\n"
	"                      |products|, or differs at all (i32, i64)\n"
	"  --seed N            seed of the path search's restarts and of the\n"
	"                      random inputs of --run (default 1)\n"
	"  --threads N         threads the compiled kernel runs on (default 0:\n"
	"                      EINC_NUM_THREADS, else OMP_NUM_THREADS, else the\n"
	"                      CPUs the process may use: its affinity and cgroup\n"
	"                      CPU quota); the results do not depend on it\n"
	"  -v, --verbose       report each stage on stderr, and each ILP solve of\n"
	"                      the memory planner (incumbent, bound, gap, time)\n"
	"  --version           print the version, the LLVM, ISL and GLPK versions\n"
	"                      built with, the target and the default CPU\n"
	"  -h, --help          print this help\n"
	"\n"
	"exit status: 0 ok, 1 bad input, 2 usage, 3 internal error\n";

typedef struct {
	const char *spec, *dims, *shapes;
	einc_options options;
	unsigned dumps; /* bit 1 << einc_stage for each stage to print */
	int run, check, verbose;
	const char *tree_file;
	const char *plan_dag;
	const char *plan_svg;
	int staging;
	const char *output, *header, *name;
	einc_emit_kind emit;
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
 * Prints a shared flag's refused value: numbers echo the value with a
 * caret under the culprit, as the dims' errors do. Returns EXIT_USAGE.
 */
static int flag_usage_error(const char *val, const flag_error *err)
{
	if (!err->caret)
		return usage_error("%s", err->message);
	fprintf(stderr, "einc: %s:1:%zu: error: usage: %s\n  %s\n  %*s^\n"
	        "Try 'einc --help' for more information.\n",
	        err->flag, err->offset + 1, err->message, val, (int)err->offset, "");
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
	size_t sl = shrt ? strlen(shrt) : 0, ll = lng ? strlen(lng) : 0;
	const char *rest = NULL;
	if (shrt && strncmp(a, shrt, sl) == 0)
		rest = a + sl;
	else if (lng && strncmp(a, lng, ll) == 0 && (a[ll] == '\0' || a[ll] == '='))
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
typedef enum { OPT_DIMS, OPT_SHAPES, OPT_DUMP, OPT_RUN, OPT_CHECK, OPT_OUTPUT, OPT_ASM,
               OPT_EMIT_LLVM, OPT_HEADER, OPT_NAME, OPT_PLAN_DAG, OPT_PLAN_SVG, OPT_STAGING,
               OPT_PRINT_PATH, OPT_PRINT_LINEAR, OPT_PRINT_JSON, OPT_TREE, OPT_VERBOSE,
               OPT_HELP, OPT_VERSION,
               OPT_FLAG /* a flag einc-mpi shares: compile_flags.h's .flag */ } opt_id;

static const struct {
	const char *shrt, *lng;
	int has_value;
	opt_id id;
	compile_flag flag;
} opt_table[] = {
	{"-d", "--dims", 1, OPT_DIMS, FLAG_NONE},
	{"-s", "--shapes", 1, OPT_SHAPES, FLAG_NONE},
	{"-t", "--dtype", 1, OPT_FLAG, FLAG_DTYPE},
	{NULL, "--dump", 1, OPT_DUMP, FLAG_NONE},
	{NULL, "--seed", 1, OPT_FLAG, FLAG_SEED},
	{NULL, "--run", 0, OPT_RUN, FLAG_NONE},
	{NULL, "--check", 0, OPT_CHECK, FLAG_NONE},
	{"-o", NULL, 1, OPT_OUTPUT, FLAG_NONE},
	{"-S", NULL, 0, OPT_ASM, FLAG_NONE},
	{NULL, "--emit-llvm", 0, OPT_EMIT_LLVM, FLAG_NONE},
	{NULL, "--header", 1, OPT_HEADER, FLAG_NONE},
	{NULL, "--name", 1, OPT_NAME, FLAG_NONE},
	{"-O", NULL, 1, OPT_FLAG, FLAG_OPT_LEVEL},
	{"-march=", NULL, 1, OPT_FLAG, FLAG_CPU},
	{"-mcpu=", NULL, 1, OPT_FLAG, FLAG_CPU},
	{NULL, "--threads", 1, OPT_FLAG, FLAG_THREADS},
	{NULL, "--budget", 1, OPT_FLAG, FLAG_BUDGET},
	{NULL, "--tile-cache", 1, OPT_FLAG, FLAG_TILE_CACHE},
	{NULL, "--plan-dag", 1, OPT_PLAN_DAG, FLAG_NONE},
	{NULL, "--plan-svg", 1, OPT_PLAN_SVG, FLAG_NONE},
	{NULL, "--staging", 0, OPT_STAGING, FLAG_NONE},
	{NULL, "--path", 1, OPT_FLAG, FLAG_PATH},
	{NULL, "--max-intermediate", 1, OPT_FLAG, FLAG_MAX_INTERMEDIATE},
	{NULL, "--print-path=linear", 0, OPT_PRINT_LINEAR, FLAG_NONE},
	{NULL, "--print-path=json", 0, OPT_PRINT_JSON, FLAG_NONE},
	{NULL, "--print-path", 0, OPT_PRINT_PATH, FLAG_NONE},
	{NULL, "--tree", 1, OPT_TREE, FLAG_NONE},
	{NULL, "--slice", 1, OPT_FLAG, FLAG_SLICE},
	{NULL, "--target-size", 1, OPT_FLAG, FLAG_TARGET_SIZE},
	{NULL, "--target-slices", 1, OPT_FLAG, FLAG_TARGET_SLICES},
	{NULL, "--max-overhead", 1, OPT_FLAG, FLAG_MAX_OVERHEAD},
	{"-v", "--verbose", 0, OPT_VERBOSE, FLAG_NONE},
	{"-h", "--help", 0, OPT_HELP, FLAG_NONE},
	{NULL, "--version", 0, OPT_VERSION, FLAG_NONE},
};

/* The stages --dump names, in the order they are printed. */
static const struct {
	const char *name;
	einc_stage stage;
} dump_names[] = {
	{"graph", EINC_STAGE_GRAPH}, {"canon", EINC_STAGE_CANON}, {"tree", EINC_STAGE_TREE},
	{"plan", EINC_STAGE_PLAN}, {"loops", EINC_STAGE_LOOPS}, {"llvm", EINC_STAGE_LLVM},
};

/* Applies option "id" (or the shared "flag") with value "val" to "c";
 * returns 0 to go on, -1 to stop with success, or a usage error. */
static int apply_opt(cli *c, opt_id id, compile_flag flag, const char *val)
{
	size_t x;
	flag_error err;
	switch (id) {
	case OPT_FLAG:
		if (compile_flag_set(&c->options, flag, val, &err))
			return flag_usage_error(val, &err);
		if (flag == FLAG_SEED)
			c->seed = c->options.seed;
		break;
	case OPT_DIMS:
		c->dims = val;
		break;
	case OPT_SHAPES:
		c->shapes = val;
		break;
	case OPT_DUMP:
		for (x = 0; x < sizeof dump_names / sizeof dump_names[0]; x++)
			if (strcmp(val, dump_names[x].name) == 0)
				break;
		if (x == sizeof dump_names / sizeof dump_names[0])
			return usage_error("unknown stage '%s' for --dump "
			                   "(expected graph, canon, tree, plan, loops or llvm)", val);
		c->dumps |= 1u << dump_names[x].stage;
		break;
	case OPT_PRINT_PATH:
		c->dumps |= 1u << EINC_STAGE_PATH;
		break;
	case OPT_PRINT_LINEAR:
		c->dumps |= 1u << EINC_STAGE_PATH_LINEAR;
		break;
	case OPT_PRINT_JSON:
		c->dumps |= 1u << EINC_STAGE_PATH_JSON;
		break;
	case OPT_TREE:
		c->tree_file = val;
		break;
	case OPT_RUN:
		c->run = 1;
		break;
	case OPT_CHECK:
		c->check = 1;
		break;
	case OPT_OUTPUT:
		c->output = val;
		break;
	case OPT_ASM:
		c->emit = EINC_EMIT_ASSEMBLY;
		break;
	case OPT_EMIT_LLVM:
		c->emit = EINC_EMIT_LLVM;
		break;
	case OPT_HEADER:
		c->header = val;
		break;
	case OPT_NAME:
		c->name = val;
		break;
	case OPT_PLAN_DAG:
		c->plan_dag = val;
		break;
	case OPT_PLAN_SVG:
		c->plan_svg = val;
		break;
	case OPT_STAGING:
		c->staging = 1;
		break;
	case OPT_VERBOSE:
		c->verbose = 1;
		break;
	case OPT_HELP:
		fputs(usage_text, stdout);
		return -1;
	case OPT_VERSION:
		fputs(einc_version_string(), stdout);
		return -1;
	}
	return 0;
}

/* Whether "a" is the spec rather than an option: it does not start with
 * '-', it is '-' (the spec on standard input), or it is a spec with no
 * operands ("->...") that the front end will reject with a proper message. */
static int is_spec(const char *a)
{
	return a[0] != '-' || a[1] == '>' || a[1] == '\0';
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
		int st = apply_opt(c, opt_table[k].id, opt_table[k].flag, val);
		if (st)
			return st;
	}
	if (c->plan_dag && c->spec)
		return usage_error("--plan-dag takes no SPEC ('%s')", c->spec);
	if (c->plan_dag)
		return 0;
	if (c->staging)
		return usage_error("%s", "--staging needs --plan-dag");
	if (!c->spec)
		return usage_error("%s", "no SPEC given");
	if (strcmp(c->spec, "-") == 0 && c->tree_file && strcmp(c->tree_file, "-") == 0)
		return usage_error("%s", "the SPEC and --tree cannot both be '-' (standard input)");
	if (!c->dims && !c->shapes)
		return usage_error("%s", "no sizes given: use -d i=64,... or -s 64x128,...");
	if (c->check && !c->run)
		return usage_error("%s", "--check needs --run");
	if (c->emit != EINC_EMIT_OBJECT && !c->output)
		return usage_error("%s", "-S and --emit-llvm need -o FILE");
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

/* Seconds of CPU time of the whole process (all its threads). */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Compares "got" with the reference evaluator on the same inputs "in"
 * (einc_program_check) and prints the largest errors; returns EXIT_INPUT
 * on a mismatch. */
static int check_output(einc_ctx *ctx, const einc_program *p, void **in, const void *got)
{
	einc_check_result r;
	einc_status st = einc_program_check(ctx, p, (const void *const *)in, got, &r);
	if (st)
		return report(ctx, st);
	printf("check: max abs error %.3g, max error / sum|products| %.3g (tolerance %g): %s\n",
	       r.max_abs, r.error, r.tolerance, r.ok ? "ok" : "MISMATCH");
	if (r.ok)
		return EXIT_OK;
	if (einc_dtype_kind(einc_program_dtype(p)) == EINC_KIND_COMPLEX)
		fprintf(stderr, "einc: error: check: the compiled result differs from the reference "
		        "(element %lld: %.9g%+.9gi, reference %.9g%+.9gi)\n", (long long)r.at, r.got,
		        r.got_imag, r.want, r.want_imag);
	else
		fprintf(stderr, "einc: error: check: the compiled result differs from the reference "
		        "(element %lld: %.9g, reference %.9g)\n", (long long)r.at, r.got, r.want);
	return EXIT_INPUT;
}

/* JIT-compiles "p", runs it on random inputs seeded by c->seed, prints a
 * checksum and the time of the second run, and with c->check compares with
 * the reference. */
static int run_program(einc_ctx *ctx, const cli *c, const einc_program *p)
{
	int n = einc_program_num_inputs(p);
	einc_dtype t = einc_program_dtype(p);
	size_t esize = einc_dtype_size(t);
	void **in = calloc((size_t)n, sizeof(void *));
	size_t nout = (size_t)einc_program_elems(p, -1);
	void *out = malloc(nout * esize);
	einc_kernel *kernel = NULL;
	int status = EXIT_OK;
	if (!in || !out)
		goto oom;
	for (int k = 0; k < n; k++)
		if (!(in[k] = malloc((size_t)einc_program_elems(p, k) * esize)))
			goto oom;
	einc_status st = einc_program_random_inputs(ctx, p, c->seed, in);
	double t0 = now(), cpu0 = cpu_now();
	if (!st)
		st = einc_program_jit(ctx, p, &kernel);
	if (st) {
		status = report(ctx, st);
		goto done;
	}
	if (c->verbose)
		fprintf(stderr, "einc: JIT-compiled in %.3f ms (%.3f ms CPU); workspace %zu bytes\n",
		        (now() - t0) * 1e3, (cpu_now() - cpu0) * 1e3,
		        einc_kernel_workspace_size(kernel));
	int64_t moved = 0, slices = einc_kernel_num_slices(kernel);
	for (int again = 0; !st && again < 2; again++) {
		t0 = now();
		st = slices > 1 ? einc_kernel_run_slices(kernel, out, (const void *const *)in, NULL, 0,
		                                         slices)
		                : einc_kernel_run_slow(kernel, out, (const void *const *)in, NULL,
		                                       NULL, &moved);
	}
	double ms = (now() - t0) * 1e3;
	if (st) {
		fprintf(stderr, "einc: error: run: %s\n", einc_status_name(st));
		status = exit_status(st);
		goto done;
	}
	parts_print_checksum(out, t, nout);
	printf("time: %.3f ms (compiled%s)\n", ms, slices > 1 ? ", all slices" : "");
	printf("memory: workspace %zu bytes, slow buffer %zu bytes, moved %lld bytes "
	       "(spills and reloads)\n", einc_kernel_workspace_size(kernel),
	       einc_kernel_slow_size(kernel), (long long)moved);
	if (c->check)
		status = check_output(ctx, p, in, out);
	goto done;
oom:
	fprintf(stderr, "einc: error: run: out of memory for the operands\n");
	status = EXIT_INTERNAL;
done:
	einc_kernel_free(kernel);
	for (int k = 0; in && k < n; k++)
		free(in[k]);
	free(in);
	free(out);
	return status;
}

/* The function name for -o "path" without --name: its base name up to the
 * first '.', other characters than letters, digits and '_' as '_', and 'k'
 * before a leading digit. */
static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	if (strcmp(path, "-") == 0 || n == 0)
		return strdup("einc_kernel");
	char *name = malloc(n + 2);
	if (!name)
		return NULL;
	char *d = name;
	if (base[0] >= '0' && base[0] <= '9')
		*d++ = 'k';
	for (size_t i = 0; i < n; i++) {
		char ch = base[i];
		int ok = ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		         (ch >= '0' && ch <= '9');
		*d++ = ok ? ch : '_';
	}
	*d = '\0';
	return name;
}

/* The header path for an object file without --header: "path" with its
 * extension replaced by .h (or .h appended). */
static char *header_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot = strrchr(base ? base : path, '.');
	size_t n = dot ? (size_t)(dot - path) : strlen(path);
	char *h = malloc(n + 3);
	if (h) {
		memcpy(h, path, n);
		strcpy(h + n, ".h");
	}
	return h;
}

/* Writes what -o and --header ask for. */
static int emit_files(einc_ctx *ctx, const cli *c, const einc_program *p)
{
	char *name = c->name ? strdup(c->name) : name_from_path(c->output ? c->output : "-");
	char *header = c->header ? strdup(c->header)
	             : c->output && c->emit == EINC_EMIT_OBJECT && strcmp(c->output, "-") != 0
	                 ? header_from_path(c->output) : NULL;
	int status = EXIT_OK;
	if (!name || ((c->header || (c->output && c->emit == EINC_EMIT_OBJECT &&
	                             strcmp(c->output, "-") != 0)) && !header)) {
		fprintf(stderr, "einc: error: out of memory\n");
		status = EXIT_INTERNAL;
		goto done;
	}
	einc_status st = EINC_OK;
	double t0 = now();
	if (c->output)
		st = einc_program_emit(ctx, p, c->emit, c->output, name);
	if (!st && header)
		st = einc_program_emit_header(ctx, p, header, name);
	if (!st && c->verbose)
		fprintf(stderr, "einc: wrote %s%s%s (function %s) in %.3f ms\n",
		        c->output ? c->output : "", c->output && header ? " and " : "",
		        header ? header : "", name, (now() - t0) * 1e3);
	if (st)
		status = report(ctx, st);
done:
	free(name);
	free(header);
	return status;
}

/* The name of "path" in messages: '-' is standard input. */
static const char *file_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/*
 * Prints that "text" ("n" bytes from "path") holds a NUL byte at "nul":
 * its line and column, the line up to it and a caret.
 */
static void report_nul(const char *path, const char *text, size_t nul)
{
	size_t bol = nul, line = 1;
	while (bol > 0 && text[bol - 1] != '\n')
		bol--;
	for (size_t i = 0; i < bol; i++)
		line += text[i] == '\n';
	fprintf(stderr, "einc: %s:%zu:%zu: error: read: a NUL byte in a text file\n  %.*s\n  %*s^\n",
	        file_name(path), line, nul - bol + 1, (int)(nul - bol), text + bol,
	        (int)(nul - bol), "");
}

/*
 * The whole text file "path" ('-': standard input) as a NUL-terminated
 * string (free()), or NULL after printing why it cannot be read: the
 * system's reason, a directory, or a NUL byte (which would cut the text).
 */
static char *read_file(const char *path)
{
	int from_stdin = strcmp(path, "-") == 0;
	FILE *f = from_stdin ? stdin : fopen(path, "rb");
	char *text = NULL;
	size_t n = 0, cap = 0;
	int err = f ? 0 : errno;
	while (f && !err) {
		if (n + 1 >= cap) {
			char *t = cap > SIZE_MAX / 4 ? NULL : realloc(text, cap = cap ? 2 * cap : 4096);
			if (!t) {
				err = ENOMEM;
				break;
			}
			text = t;
		}
		errno = 0;
		size_t got = fread(text + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0) {
			err = ferror(f) ? (errno ? errno : EIO) : 0;
			break;
		}
	}
	if (f && !from_stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, "einc: error: cannot read '%s': %s\n", file_name(path),
		        err == EISDIR ? "is a directory" : strerror(err));
		free(text);
		return NULL;
	}
	text[n] = '\0';
	size_t nul = strlen(text);
	if (nul < n) {
		report_nul(path, text, nul);
		free(text);
		return NULL;
	}
	return text;
}

/* The spec "arg", or for '-' standard input without its last line end;
 * "*buf" owns what was read (free()). NULL after printing why not. */
static const char *read_spec(const char *arg, char **buf)
{
	*buf = NULL;
	if (strcmp(arg, "-") != 0)
		return arg;
	if (!(*buf = read_file(arg)))
		return NULL;
	size_t n = strlen(*buf);
	if (n > 0 && (*buf)[n - 1] == '\n')
		(*buf)[--n] = '\0';
	if (n > 0 && (*buf)[n - 1] == '\r')
		(*buf)[--n] = '\0';
	return *buf;
}

/* Draws the plan "plan" (its text form) as SVG into the file of
 * --plan-svg ('-': stdout). */
static int write_plan_svg(const cli *c, einc_ctx *ctx, const char *plan)
{
	char *svg = NULL;
	einc_status st = einc_plan_svg(ctx, plan, "plan", &svg);
	if (st)
		return report(ctx, st);
	int to_stdout = strcmp(c->plan_svg, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(c->plan_svg, "wb");
	int ok = f && fputs(svg, f) >= 0;
	if (f && !to_stdout)
		ok &= fclose(f) == 0;
	einc_free(svg);
	if (!ok) {
		fprintf(stderr, "einc: error: cannot write '%s'\n", c->plan_svg);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

/* Plans the DAG of --plan-dag and prints the plan (with --plan-svg, only
 * when --dump=plan asks), and draws it for --plan-svg. */
static int plan_dag(const cli *c, einc_ctx *ctx)
{
	char *plan = NULL, *text = read_file(c->plan_dag);
	if (!text)
		return EXIT_INPUT;
	double t0 = now();
	einc_status st = einc_plan_dag(ctx, text, file_name(c->plan_dag), c->options.budget,
	                               c->staging, &plan);
	free(text);
	if (st)
		return report(ctx, st);
	if (c->verbose)
		fprintf(stderr, "einc: planned '%s' in %.3f ms\n", file_name(c->plan_dag), (now() - t0) * 1e3);
	if (!c->plan_svg || c->dumps & 1u << EINC_STAGE_PLAN)
		fputs(plan, stdout);
	int status = c->plan_svg ? write_plan_svg(c, ctx, plan) : EXIT_OK;
	einc_free(plan);
	return status;
}

/* Compiles the spec and does what the flags ask. */
static int drive(const cli *c, einc_ctx *ctx)
{
	if (c->plan_dag)
		return plan_dag(c, ctx);
	einc_program *p;
	einc_options options = c->options;
	char *tree = NULL, *spec_buf;
	const char *spec = read_spec(c->spec, &spec_buf);
	if (!spec)
		return EXIT_INPUT;
	if (c->tree_file) {
		if (!(tree = read_file(c->tree_file))) {
			free(spec_buf);
			return EXIT_INPUT;
		}
		options.tree = tree;
		options.tree_name = file_name(c->tree_file);
	}
	double t0 = now(), cpu0 = cpu_now();
	einc_status st = einc_compile_text(ctx, spec, c->dims, c->shapes, &options, &p);
	free(tree);
	if (st) {
		free(spec_buf);
		return report(ctx, st);
	}
	if (c->verbose)
		fprintf(stderr, "einc: compiled '%s' in %.3f ms (%.3f ms CPU): %d inputs\n", spec,
		        (now() - t0) * 1e3, (cpu_now() - cpu0) * 1e3, einc_program_num_inputs(p));
	free(spec_buf);
	int status = EXIT_OK;
	static const einc_stage order[] = {EINC_STAGE_PATH, EINC_STAGE_PATH_LINEAR,
	                                   EINC_STAGE_PATH_JSON,
	                                   EINC_STAGE_GRAPH, EINC_STAGE_CANON, EINC_STAGE_TREE,
	                                   EINC_STAGE_PLAN,
	                                   EINC_STAGE_LOOPS, EINC_STAGE_LLVM};
	for (size_t x = 0; x < sizeof order / sizeof order[0] && !status; x++) {
		char *text = NULL;
		if (!(c->dumps & 1u << order[x]))
			continue;
		if ((st = einc_program_dump(ctx, p, order[x], &text)) != EINC_OK)
			status = report(ctx, st);
		else
			printf("%s%s", text, *text && text[strlen(text) - 1] == '\n' ? "" : "\n");
		einc_free(text);
	}
	if (!status && c->plan_svg) {
		char *plan = NULL;
		if ((st = einc_program_dump(ctx, p, EINC_STAGE_PLAN, &plan)) != EINC_OK)
			status = report(ctx, st);
		else
			status = write_plan_svg(c, ctx, plan);
		einc_free(plan);
	}
	if (!status && (c->output || c->header)) {
		fflush(stdout); /* "-o -" writes to the same stream */
		status = emit_files(ctx, c, p);
	}
	if (!status && c->run)
		status = run_program(ctx, c, p);
	einc_program_free(p);
	return status;
}

/* Prints a progress line of the library (-v). */
static void print_progress(void *user, const char *line)
{
	(void)user;
	fprintf(stderr, "einc: %s\n", line);
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
	if (c.verbose)
		einc_ctx_set_log(ctx, print_progress, NULL);
	st = drive(&c, ctx);
	einc_ctx_free(ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "einc: error: cannot write the output\n");
		return EXIT_INTERNAL;
	}
	return st;
}
