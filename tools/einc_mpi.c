/*
 * einc_mpi.c - einc-mpi: a sliced einsum run over MPI ranks (Open MPI).
 * Every rank compiles the same program (the same options give the same
 * slices), runs its block of consecutive slices through
 * einc_kernel_run_slices and the partial outputs are added on rank 0 with
 * MPI_Reduce (or on every rank with MPI_Allreduce) under an operation
 * declared non-commutative, so that MPI adds them in rank order: for a
 * fixed number of ranks the result is the same bits on every run. When
 * only output labels are sliced, rank 0 runs its parts in place and the
 * other ranks' are packed and gathered instead (MPI_Gatherv,
 * MPI_Allgatherv) (docs/slicing.md). Inputs come from .npy files (read by rank 0 and
 * broadcast) or from the seeded generator of einc --run; the output goes
 * to a .npy file; --check compares it with the unsliced kernel's.
 * Failures on any rank are agreed on by all before anyone goes on, so
 * that no rank waits for one that has stopped. MPI stays out of libeinc.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "compile_flags.h"
#include "einc.h"
#include "npy.h"
#include "numarg.h"
#include "parts.h"
#include "workspace.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };
enum { MAX_FILES = 64 };

static const char usage_text[] =
	"usage: mpirun -np N einc-mpi [options] SPEC\n"
	"\n"
	"Compiles SPEC sliced on every rank, runs a block of the slices per rank\n"
	"and adds the blocks up on rank 0, in rank order (the same bits on every\n"
	"run for a fixed N). Prints, from rank 0, a checksum, the time and the\n"
	"slices per rank.\n"
	"\n"
	"options (as einc's):\n"
	"  -d, --dims LIST, -s, --shapes LIST, -t, --dtype f32|f64|c64|c128|i32|i64\n"
	"  -O0 .. -O3, -march=CPU, -mcpu=CPU, --budget BYTES, --max-intermediate N\n"
	"  --slice=auto|LABELS, --target-size BYTES, --target-slices N,\n"
	"  --max-overhead X    the slicing (default: --target-slices N, N the ranks)\n"
	"  --path=METHOD, --seed N, --threads N (default: the CPUs of the node\n"
	"                      over the ranks on it)\n"
	"and its own:\n"
	"  --in FILE           an input as a .npy file (of the dtype, C order),\n"
	"                      once per operand in order; none: random\n"
	"                      inputs from --seed, as einc --run draws them\n"
	"  --out FILE          write the result to FILE (.npy)\n"
	"  --allreduce         add the blocks up on every rank (MPI_Allreduce)\n"
	"  --check             compare with the unsliced kernel on rank 0; exit 1\n"
	"                      when a part is off by more than 1e-4 (f32, c64) or\n"
	"                      1e-10 (f64, c128) of the largest, an integer at all\n"
	"  --fail-rank R       (for tests) rank R reports a failure after running\n"
	"  -h, --help          print this help\n"
	"\n"
	"exit status: 0 ok, 1 bad input, 2 usage, 3 internal error\n";

typedef struct {
	const char *spec, *dims, *shapes, *out;
	const char *in[MAX_FILES];
	int nin, check, allreduce, fail_rank, help;
	uint64_t seed;
	einc_options options;
} args;

/* Reads "val" of option "opt" as an integer in [min, max] into "*out";
 * prints why not (rank 0) and returns -1. */
static int number(const char *opt, const char *val, const char *what, uint64_t min,
                  uint64_t max, uint64_t *out, int rank)
{
	numarg_error e;
	if (!numarg_parse(val, what, min, max, out, &e))
		return 0;
	if (rank == 0)
		fprintf(stderr, "einc-mpi: error: %s: %s\n", opt, e.message);
	return -1;
}

/* Parses argv into "a"; returns 0, or EXIT_USAGE after rank 0 printed why. */
static int parse_args(int argc, char **argv, args *a, int rank)
{
	enum { O_SLICE = 256, O_TSIZE, O_TSLICES, O_OVERHEAD, O_PATH, O_SEED, O_THREADS, O_IN,
	       O_OUT, O_ALLREDUCE, O_CHECK, O_FAIL, O_BUDGET, O_MAXINT };
	static const struct option longs[] = {
		{"dims", 1, NULL, 'd'}, {"shapes", 1, NULL, 's'}, {"dtype", 1, NULL, 't'},
		{"slice", 1, NULL, O_SLICE}, {"target-size", 1, NULL, O_TSIZE},
		{"target-slices", 1, NULL, O_TSLICES}, {"max-overhead", 1, NULL, O_OVERHEAD},
		{"path", 1, NULL, O_PATH}, {"seed", 1, NULL, O_SEED}, {"threads", 1, NULL, O_THREADS},
		{"in", 1, NULL, O_IN}, {"out", 1, NULL, O_OUT}, {"allreduce", 0, NULL, O_ALLREDUCE},
		{"check", 0, NULL, O_CHECK}, {"fail-rank", 1, NULL, O_FAIL},
		{"budget", 1, NULL, O_BUDGET}, {"max-intermediate", 1, NULL, O_MAXINT},
		{"help", 0, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	memset(a, 0, sizeof(*a));
	einc_options_init(&a->options);
	a->seed = a->options.seed = 1;
	a->fail_rank = -1;
	opterr = rank == 0;
	uint64_t n;
	int c;
	while ((c = getopt_long(argc, argv, "d:s:t:O:m:h", longs, NULL)) != -1) {
		compile_flag f = FLAG_NONE; /* read after the switch */
		const char *val = optarg;
		switch (c) {
		case 'd': a->dims = optarg; break;
		case 's': a->shapes = optarg; break;
		case 't': f = FLAG_DTYPE; break;
		case 'O': f = FLAG_OPT_LEVEL; break;
		case 'm': /* -march=CPU, -mcpu=CPU: getopt reads "arch=CPU" */
			if (strncmp(optarg, "arch=", 5) && strncmp(optarg, "cpu=", 4)) {
				if (rank == 0)
					fprintf(stderr, "einc-mpi: error: unknown option '-m%s' "
					        "(expected -march=CPU or -mcpu=CPU)\n", optarg);
				return EXIT_USAGE;
			}
			f = FLAG_CPU;
			val = strchr(optarg, '=') + 1;
			break;
		case O_BUDGET: f = FLAG_BUDGET; break;
		case O_MAXINT: f = FLAG_MAX_INTERMEDIATE; break;
		case O_SLICE: f = FLAG_SLICE; break;
		case O_TSIZE: f = FLAG_TARGET_SIZE; break;
		case O_TSLICES: f = FLAG_TARGET_SLICES; break;
		case O_OVERHEAD: f = FLAG_MAX_OVERHEAD; break;
		case O_PATH: f = FLAG_PATH; break;
		case O_SEED: f = FLAG_SEED; break;
		case O_THREADS: f = FLAG_THREADS; break;
		case O_IN:
			if (a->nin == MAX_FILES) {
				if (rank == 0)
					fprintf(stderr, "einc-mpi: error: more than %d --in files\n", MAX_FILES);
				return EXIT_USAGE;
			}
			a->in[a->nin++] = optarg;
			break;
		case O_OUT: a->out = optarg; break;
		case O_ALLREDUCE: a->allreduce = 1; break;
		case O_CHECK: a->check = 1; break;
		case O_FAIL:
			if (number("--fail-rank", optarg, "a rank", 0, INT_MAX, &n, rank))
				return EXIT_USAGE;
			a->fail_rank = (int)n;
			break;
		case 'h': a->help = 1; return 0;
		default: return EXIT_USAGE; /* getopt printed why on rank 0 */
		}
		flag_error err;
		if (f != FLAG_NONE && compile_flag_set(&a->options, f, val, &err)) {
			if (rank == 0 && err.caret)
				fprintf(stderr, "einc-mpi: error: %s: %s\n", err.flag, err.message);
			else if (rank == 0)
				fprintf(stderr, "einc-mpi: error: %s\n", err.message);
			return EXIT_USAGE;
		}
		if (f == FLAG_SEED)
			a->seed = a->options.seed;
	}
	if (optind + 1 != argc) {
		if (rank == 0)
			fprintf(stderr, "einc-mpi: error: %s\n",
			        optind == argc ? "no SPEC given" : "more than one SPEC given");
		return EXIT_USAGE;
	}
	a->spec = argv[optind];
	if (!a->dims && !a->shapes) {
		if (rank == 0)
			fprintf(stderr, "einc-mpi: error: no sizes given: use -d i=64,... or -s 64x128,...\n");
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * What every rank does after a step that may fail on some: agrees on the
 * worst status "code" (0: ok) of all ranks. The lowest failing rank has
 * printed why; the others stay quiet. Returns the agreed status.
 */
static int agree(int code)
{
	int worst = code;
	MPI_Allreduce(&code, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	return worst;
}

/* The lowest rank whose "failed" is set, or -1; every rank calls it. */
static int first_failing(int failed, int rank, int size)
{
	int me = failed ? rank : size, low = size;
	MPI_Allreduce(&me, &low, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	return low < size ? low : -1;
}

/* The exit status for library status "st". */
static int exit_status(einc_status st)
{
	return st == EINC_OK ? EXIT_OK
	       : st == EINC_ENOMEM || st == EINC_EBACKEND || st == EINC_EINTERNAL ? EXIT_INTERNAL
	       : EXIT_INPUT;
}

/* The library failure "st" of this rank, agreed by all: the lowest
 * failing rank prints the message. */
static int agree_status(einc_ctx *ctx, einc_status st, int rank, int size)
{
	int low = first_failing(st != EINC_OK, rank, size);
	if (low == rank)
		fprintf(stderr, "einc-mpi: rank %d: %s\n", rank, einc_ctx_message(ctx));
	return agree(exit_status(st));
}

/* Threads per rank when --threads is not given: the CPUs this process
 * may use over the ranks on its node. */
static int default_threads(void)
{
	MPI_Comm node;
	int local = 1;
	MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
	MPI_Comm_size(node, &local);
	MPI_Comm_free(&node);
	cpu_set_t set;
	int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
	return cpus / local > 0 ? cpus / local : 1;
}

/* Broadcasts "bytes" at "buf" from rank 0 in pieces MPI's int counts hold. */
static void broadcast(void *buf, size_t bytes)
{
	for (size_t at = 0; at < bytes; at += (size_t)1 << 30) {
		size_t n = bytes - at < (size_t)1 << 30 ? bytes - at : (size_t)1 << 30;
		MPI_Bcast((char *)buf + at, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
	}
}

/* Rank 0's check that .npy array "x" from "path" is operand "k" of "p". */
static int fits(const einc_program *p, int k, const npy_array *x, const char *path)
{
	const int64_t *dims;
	int rank = einc_program_shape(p, k, &dims);
	einc_dtype t = einc_program_dtype(p);
	int same = x->rank == rank && x->dtype == t;
	for (int d = 0; same && d < rank; d++)
		same = x->dims[d] == dims[d];
	if (!same) {
		fprintf(stderr, "einc-mpi: error: '%s' is a %s array of shape (", path,
		        npy_dtype_name(x->dtype));
		for (int d = 0; d < x->rank; d++)
			fprintf(stderr, "%s%lld", d ? ", " : "", (long long)x->dims[d]);
		fprintf(stderr, "); operand %d of the spec is %s of shape (", k, npy_dtype_name(t));
		for (int d = 0; d < rank; d++)
			fprintf(stderr, "%s%lld", d ? ", " : "", (long long)dims[d]);
		fprintf(stderr, ")\n");
	}
	return same;
}

/* The inputs of "p" into "in" (allocated): the --in files, read by rank 0
 * and broadcast, or random from the seed on every rank. Agreed status. */
static int load_inputs(einc_ctx *ctx, const args *a, const einc_program *p, void **in,
                       int rank, int size)
{
	int n = einc_program_num_inputs(p);
	size_t esize = einc_dtype_size(einc_program_dtype(p));
	int bad = 0;
	for (int k = 0; k < n; k++)
		bad |= !(in[k] = malloc((size_t)einc_program_elems(p, k) * esize + 1));
	if (agree(bad ? EXIT_INTERNAL : 0))
		return EXIT_INTERNAL;
	if (!a->nin)
		return agree_status(ctx, einc_program_random_inputs(ctx, p, a->seed, in), rank, size);
	if (a->nin != n) {
		if (rank == 0)
			fprintf(stderr, "einc-mpi: error: %d --in files for %d operands\n", a->nin, n);
		return EXIT_USAGE;
	}
	for (int k = 0; k < n; k++) {
		int code = 0;
		if (rank == 0) {
			npy_array x;
			char err[256];
			if (npy_read(a->in[k], &x, err, sizeof err)) {
				fprintf(stderr, "einc-mpi: error: %s\n", err);
				code = EXIT_INPUT;
			} else {
				if (fits(p, k, &x, a->in[k]))
					memcpy(in[k], x.data, (size_t)x.elems * esize);
				else
					code = EXIT_INPUT;
				free(x.data);
			}
		}
		MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
		if (code)
			return code;
		broadcast(in[k], (size_t)einc_program_elems(p, k) * esize);
	}
	return 0;
}

/* The MPI datatype of an element of "t". */
static MPI_Datatype mpi_type(einc_dtype t)
{
	int wide = einc_dtype_size(t) == (einc_dtype_kind(t) == EINC_KIND_COMPLEX ? 16 : 8);
	switch (einc_dtype_kind(t)) {
	case EINC_KIND_COMPLEX:
		return wide ? MPI_C_DOUBLE_COMPLEX : MPI_C_FLOAT_COMPLEX;
	case EINC_KIND_INT:
		return wide ? MPI_INT64_T : MPI_INT32_T;
	default:
		return wide ? MPI_DOUBLE : MPI_FLOAT;
	}
}

/* The MPI operation: inout = in + inout, elementwise, for the types of
 * mpi_type (a complex part by part, integers wrapping as numpy's);
 * declared non-commutative, so MPI applies it in rank order. */
static void add_in_order(void *in, void *inout, int *len, MPI_Datatype *type)
{
	int complex = *type == MPI_C_FLOAT_COMPLEX || *type == MPI_C_DOUBLE_COMPLEX;
	int64_t n = (int64_t)*len * (complex ? 2 : 1);
	if (*type == MPI_DOUBLE || *type == MPI_C_DOUBLE_COMPLEX)
		for (int64_t e = 0; e < n; e++)
			((double *)inout)[e] = ((const double *)in)[e] + ((double *)inout)[e];
	else if (*type == MPI_INT64_T)
		for (int64_t e = 0; e < n; e++)
			((uint64_t *)inout)[e] += ((const uint64_t *)in)[e];
	else if (*type == MPI_INT32_T)
		for (int64_t e = 0; e < n; e++)
			((uint32_t *)inout)[e] += ((const uint32_t *)in)[e];
	else
		for (int64_t e = 0; e < n; e++)
			((float *)inout)[e] = ((const float *)in)[e] + ((float *)inout)[e];
}

/* Adds the ranks' "out" ("elems" of "type") up in rank order: into rank
 * 0's "sum", or every rank's with "all". */
static void combine(const void *out, void *sum, int64_t elems, MPI_Datatype type, int esize,
                    int all)
{
	MPI_Op op;
	MPI_Op_create(add_in_order, 0, &op);
	for (int64_t at = 0; at < elems; at += INT_MAX / 8) {
		int n = (int)(elems - at < INT_MAX / 8 ? elems - at : INT_MAX / 8);
		const char *from = (const char *)out + at * esize;
		char *to = (char *)sum + at * esize;
		if (all)
			MPI_Allreduce(from, to, n, type, op, MPI_COMM_WORLD);
		else
			MPI_Reduce(from, to, n, type, op, 0, MPI_COMM_WORLD);
	}
	MPI_Op_free(&op);
}

/* Rank "r"'s block of "nslices" slices over "size" ranks: balanced, the
 * first nslices % size ranks get one more. */
static void block(int64_t nslices, int size, int r, int64_t *first, int64_t *count)
{
	int64_t base = nslices / size, extra = nslices % size;
	*first = base * r + (r < extra ? r : extra);
	*count = base + (r < extra);
}

/* The first slice whose part rank 0's gather buffer holds: with
 * "all_ranks" 0 (every rank's parts), else those after rank 0's block
 * (rank 0 ran its own into the output in place). */
static int64_t gathered_from(int64_t nslices, int size, int all_ranks)
{
	int64_t first, count;
	block(nslices, size, 0, &first, &count);
	return all_ranks ? 0 : count;
}

/* Gathers the packed parts of every rank's block (output labels only are
 * sliced: each slice owns its part) into "all" on rank 0 (every rank
 * with "all_ranks"), by MPI_Gatherv, and puts them in place into "sum":
 * "parts" holds this rank's (with "all_ranks" they lie in their place in
 * "all" and go in place; rank 0 without it has run its own into "sum"
 * and sends none). Needs nslices * part elements within an int. */
static void gather(const einc_kernel *k, const void *parts, void *all, void *sum,
                   int64_t nslices, int rank, int size, MPI_Datatype type, int all_ranks)
{
	int64_t part = einc_kernel_slice_part_elems(k), from = gathered_from(nslices, size, all_ranks);
	int64_t first, count;
	int *counts = malloc(sizeof(int) * (size_t)size), *displs = malloc(sizeof(int) * (size_t)size);
	for (int r = 0; counts && displs && r < size; r++) {
		block(nslices, size, r, &first, &count);
		counts[r] = first < from ? 0 : (int)(count * part);
		displs[r] = first < from ? 0 : (int)((first - from) * part);
	}
	block(nslices, size, rank, &first, &count);
	if (all_ranks)
		MPI_Allgatherv(MPI_IN_PLACE, 0, type, all, counts, displs, type, MPI_COMM_WORLD);
	else
		MPI_Gatherv(parts, rank == 0 ? 0 : (int)(count * part), type, all, counts, displs,
		            type, 0, MPI_COMM_WORLD);
	if (all_ranks || rank == 0)
		einc_kernel_place_slices(k, sum, all, from, nslices - from);
	free(counts);
	free(displs);
}

/* Rank 0: compares "got" with the unsliced kernel of the same spec and
 * inputs; prints the finding and returns its exit status. */
static int check_unsliced(einc_ctx *ctx, const args *a, const einc_program *p, void **in,
                          const void *got)
{
	einc_options o = a->options;
	o.slice = NULL;
	o.target_size = o.target_slices = 0;
	o.max_overhead = 0;
	einc_program *u = NULL;
	einc_kernel *k = NULL;
	int64_t n = einc_program_elems(p, -1);
	einc_dtype t = einc_program_dtype(p);
	void *want = malloc((size_t)n * einc_dtype_size(t) + 1);
	einc_status st = want ? einc_compile_text(ctx, a->spec, a->dims, a->shapes, &o, &u)
	                      : EINC_ENOMEM;
	if (!st)
		st = einc_program_jit(ctx, u, &k);
	if (!st)
		st = einc_kernel_run(k, want, (const void *const *)in, NULL);
	int status = exit_status(st);
	if (st) {
		fprintf(stderr, "einc-mpi: error: check: the unsliced run failed: %s\n",
		        einc_ctx_message(ctx));
	} else {
		size_t bytes, parts = parts_count(t, (size_t)n, &bytes);
		int integer = einc_dtype_kind(t) == EINC_KIND_INT;
		double big = 0, err = 0, tol = integer ? 0 : bytes == 8 ? 1e-10 : 1e-4;
		for (size_t e = 0; e < parts; e++) {
			big = fmax(big, fabs(parts_value(want, t, e)));
			err = fmax(err, fabs(parts_value(got, t, e) - parts_value(want, t, e)));
		}
		/* integers bit for bit (a double holds an int64 inexactly) */
		int ok = integer ? !memcmp(got, want, (size_t)n * einc_dtype_size(t)) : err <= tol * big;
		printf("check: max abs difference from the unsliced run %.3g, largest element "
		       "%.3g (tolerance %g of it): %s\n", err, big, tol, ok ? "ok" : "MISMATCH");
		status = ok ? EXIT_OK : EXIT_INPUT;
	}
	einc_kernel_free(k);
	einc_program_free(u);
	free(want);
	return status;
}

/* Rank 0's report and files after the combine. */
static int finish(einc_ctx *ctx, const args *a, const einc_program *p, void **in,
                  const void *sum, int64_t nslices, int size, double seconds)
{
	einc_dtype t = einc_program_dtype(p);
	parts_print_checksum(sum, t, (size_t)einc_program_elems(p, -1));
	printf("slices: %lld over %d ranks (%lld to %lld each)\n", (long long)nslices, size,
	       (long long)(nslices / size), (long long)((nslices + size - 1) / size));
	printf("time: %.3f ms (slowest rank's slices and the combine)\n", seconds * 1e3);
	if (a->out) {
		const int64_t *dims;
		int rank = einc_program_shape(p, -1, &dims);
		char err[256];
		if (npy_write(a->out, t, rank, dims, sum, err, sizeof err)) {
			fprintf(stderr, "einc-mpi: error: %s\n", err);
			return EXIT_INPUT;
		}
	}
	return a->check ? check_unsliced(ctx, a, p, in, sum) : EXIT_OK;
}

/* A buffer of "elems" elements of "esize" bytes set to zeros (free() it),
 * on huge pages where it is large (einc_rt_buffer_alloc): its pages are
 * taken here, before the timed run, two-megabyte ones where the kernel
 * gives them, not one fault per 4 KiB page under the run's copies. */
static void *zeros(int64_t elems, size_t esize)
{
	void *p = einc_rt_buffer_alloc((size_t)elems * esize);
	if (p)
		memset(p, 0, (size_t)elems * esize);
	return p;
}

/* Compiles, runs this rank's block of slices and combines; the exit status. */
static int run(einc_ctx *ctx, args *a, int rank, int size)
{
	if (!a->options.threads)
		a->options.threads = default_threads();
	if (!(a->options.slice && a->options.slice[0]) && !a->options.target_size &&
	    !a->options.target_slices)
		a->options.target_slices = size;
	einc_program *p = NULL;
	einc_kernel *k = NULL;
	einc_status st = einc_compile_text(ctx, a->spec, a->dims, a->shapes, &a->options, &p);
	if (!st)
		st = einc_program_jit(ctx, p, &k);
	int status = agree_status(ctx, st, rank, size);
	int n = p ? einc_program_num_inputs(p) : 0;
	void **in = calloc((size_t)n + 1, sizeof(void *));
	if (!status)
		status = in ? load_inputs(ctx, a, p, in, rank, size) : agree(EXIT_INTERNAL);
	int64_t elems = p ? einc_program_elems(p, -1) : 0, nslices = einc_kernel_num_slices(k);
	size_t esize = p ? einc_dtype_size(einc_program_dtype(p)) : 1;
	/* output slices alone: each rank's parts packed and gathered; else the
	 * whole outputs added up */
	int64_t part = einc_kernel_slice_part_elems(k), first, count;
	int gathered = !status && !einc_kernel_slices_summed(k) && nslices * part <= INT_MAX;
	int root = rank == 0 || a->allreduce;
	block(nslices, size, rank, &first, &count);
	/* where this rank's slices go when gathered: rank 0's in place into
	 * its sum (gathered to rank 0 alone), a root's packed into their place
	 * among the gathered parts (MPI_Allgatherv), the others' packed into
	 * "out"; added up, every rank's into "out" (an MPI_IN_PLACE reduce
	 * at the root was slower: 2026-12-05, docs/slicing.md) */
	int64_t from = gathered ? gathered_from(nslices, size, a->allreduce) : 0;
	void *sum = status || !root ? NULL : zeros(elems, esize);
	void *all = gathered && root ? zeros((nslices - from) * part, esize) : NULL;
	int packed = gathered && (rank != 0 || a->allreduce);
	int own = !gathered || !root; /* "out" a buffer of its own */
	void *out = status ? NULL
	            : own ? zeros(gathered ? count * part : elems, esize)
	            : !packed ? sum
	            : all ? (char *)all + (size_t)(first * part) * esize : NULL;
	if (!status)
		status = agree(!out || (root && (!sum || (gathered && !all))) ? EXIT_INTERNAL : 0);
	if (!status) {
		MPI_Barrier(MPI_COMM_WORLD);
		double t0 = MPI_Wtime();
		st = packed ? einc_kernel_run_slices_packed(k, out, (const void *const *)in, NULL, first,
		                                            count)
		            : einc_kernel_run_slices(k, out, (const void *const *)in, NULL, first,
		                                     count);
		int failed = st != EINC_OK || rank == a->fail_rank;
		int low = first_failing(failed, rank, size);
		if (low == rank)
			fprintf(stderr, "einc-mpi: rank %d: error: run: slices %lld .. %lld failed (%s)\n",
			        rank, (long long)first, (long long)(first + count - 1),
			        st ? einc_status_name(st) : "--fail-rank");
		status = low >= 0 ? EXIT_INTERNAL : 0;
		if (!status) {
			MPI_Datatype type = mpi_type(einc_program_dtype(p));
			if (gathered)
				gather(k, out, all, sum, nslices, rank, size, type, a->allreduce);
			else
				combine(out, sum, elems, type, (int)esize, a->allreduce);
			double dt = MPI_Wtime() - t0, slowest = dt;
			MPI_Reduce(&dt, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
			if (rank == 0)
				status = finish(ctx, a, p, in, sum, nslices, size, slowest);
			MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
		}
	}
	for (int x = 0; in && x < n; x++)
		free(in[x]);
	free(in);
	if (own)
		free(out);
	free(sum);
	free(all);
	einc_kernel_free(k);
	einc_program_free(p);
	return status;
}

int main(int argc, char **argv)
{
	MPI_Init(&argc, &argv);
	int rank, size;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	args a;
	int status = parse_args(argc, argv, &a, rank);
	if (!status && a.help) {
		if (rank == 0)
			fputs(usage_text, stdout);
	} else if (!status) {
		einc_ctx *ctx = einc_ctx_new();
		status = ctx ? run(ctx, &a, rank, size) : EXIT_INTERNAL;
		einc_ctx_free(ctx);
	}
	fflush(stdout);
	MPI_Finalize();
	return status;
}
