/*
 * einc.h - the public C API of einc, an einsum compiler.
 *
 * One spec in ("bij,bjk->bik" plus sizes and a dtype), one program out. A
 * program can be printed at every stage (einc_program_dump) and evaluated by
 * the reference evaluator (einc_program_run_reference), and a compiled
 * kernel's output checked against it (einc_program_check).
 *
 * Conventions (ISL's words for ownership):
 *   give  - the caller owns the returned object and frees it with the named _free
 *   take  - the callee consumes the argument, also on error
 *   keep  - borrowed: the callee neither frees nor keeps it past the call
 * Every call that can fail returns an einc_status and leaves a message in the
 * context (einc_ctx_message). No function prints, exits or aborts. No struct
 * is passed by value, so FFI bindings stay thin.
 */
#ifndef EINC_H
#define EINC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EINC_VERSION_MAJOR 0
#define EINC_VERSION_MINOR 1
#define EINC_VERSION_PATCH 0
#define EINC_VERSION_NUMBER \
	(EINC_VERSION_MAJOR * 10000 + EINC_VERSION_MINOR * 100 + EINC_VERSION_PATCH)
#define EINC_VERSION_STRING "0.1.0"

/* EINC_API marks what the shared library exports: it is built with
 * -fvisibility=hidden, so every other symbol stays inside it. */
#if defined(__GNUC__)
#define EINC_API __attribute__((visibility("default")))
#else
#define EINC_API
#endif

/* The status of every call: one table gives the enum and the names. */
#define EINC_STATUS_MAP(X) \
	X(OK, "ok") \
	X(EINVAL, "invalid argument") \
	X(ESYNTAX, "syntax error") \
	X(ESHAPE, "shape error") \
	X(EOVERFLOW, "size overflow") \
	X(EUNSUPPORTED, "unsupported") \
	X(EBUDGET, "memory budget too small") \
	X(ENOMEM, "out of memory") \
	X(EBACKEND, "backend error") \
	X(EINTERNAL, "internal error")

typedef enum {
#define EINC_STATUS_ENUM(name, text) EINC_##name,
	EINC_STATUS_MAP(EINC_STATUS_ENUM)
#undef EINC_STATUS_ENUM
} einc_status;

/*
 * Element types, numpy's layouts: EINC_F32 float, EINC_F64 double,
 * EINC_C64 float _Complex and EINC_C128 double _Complex (numpy's complex64
 * and complex128: real and imaginary part interleaved, re, im, re, im, ...),
 * EINC_I32 int32_t and EINC_I64 int64_t (numpy's int32 and int64: products
 * and sums wrap around modulo 2^32 or 2^64, as numpy's do). Buffers of
 * every call hold elements of the program's dtype. Others are rejected with
 * EINC_EUNSUPPORTED.
 */
typedef enum { EINC_F32, EINC_F64, EINC_C64, EINC_C128, EINC_I32, EINC_I64 } einc_dtype;

/* What an element of a dtype holds (einc_dtype_kind). */
typedef enum {
	EINC_KIND_REAL,    /* one IEEE float (f32, f64) */
	EINC_KIND_COMPLEX, /* two IEEE floats, real then imaginary (c64, c128) */
	EINC_KIND_INT      /* one two's complement integer (i32, i64) */
} einc_dtype_kind_t;

/* The stages a program can be printed at (einc_program_dump): the graph IR,
 * the loop nests (ISL ASTs, as C), the LLVM IR before optimization, the
 * memory plan (step order, workspace offsets and lifetimes, bounds), the
 * contraction tree (docs/ir.md; einc_options.tree reads it back), the
 * tree's path as opt_einsum prints it: a report (naive and optimised flops,
 * one row per step) or only the linear path "[(0, 1), (0, 1)]" (pairwise
 * steps only), and canonicalisation: what it does per input (unary steps,
 * dropped axes, scalars) before the search; last, the path as JSON for
 * other tools (spec, tensors, sizes, linear path, per-step operands,
 * labels, result, flops and size, totals; docs/ir.md). */
typedef enum {
	EINC_STAGE_GRAPH, EINC_STAGE_LOOPS, EINC_STAGE_LLVM, EINC_STAGE_PLAN,
	EINC_STAGE_TREE, EINC_STAGE_PATH, EINC_STAGE_PATH_LINEAR, EINC_STAGE_CANON,
	EINC_STAGE_PATH_JSON
} einc_stage;

/* What einc_program_emit writes. */
typedef enum {
	EINC_EMIT_OBJECT,   /* a relocatable object file (.o) */
	EINC_EMIT_ASSEMBLY, /* assembly text (.s) */
	EINC_EMIT_LLVM      /* optimized LLVM IR text (.ll) */
} einc_emit_kind;

/* How the contraction order is chosen (einc_options.path). */
typedef enum {
	EINC_PATH_LTR,    /* left to right, ((in0 in1) in2) ... */
	EINC_PATH_AUTO,   /* the default: exact search when small, else greedy +
	                     restarts + refinement */
	EINC_PATH_EXACT,  /* optimal for opt_einsum's flop count (subset DP) */
	EINC_PATH_GREEDY, /* greedy with seeded restarts */
	EINC_PATH_REFINE  /* greedy, then subtrees re-optimised exactly */
} einc_path;

/* Compilation options. Fill with einc_options_init, then change fields. */
typedef struct {
	uint32_t size;      /* sizeof(einc_options), set by einc_options_init */
	einc_dtype dtype;   /* element type, default EINC_F32 */
	int opt_level;      /* 0..3, default 3 */
	const char *cpu;    /* keep: "native" (default), or an LLVM CPU name */
	einc_path path;     /* contraction order, default EINC_PATH_AUTO */
	int64_t max_intermediate; /* largest intermediate in elements, 0 = no limit */
	uint64_t seed;      /* seed of the search's random restarts, default 0 */
	int threads;        /* threads a kernel runs on; 0 (default): EINC_NUM_THREADS,
	                       else OMP_NUM_THREADS, else the CPUs the process
	                       may use (affinity, cgroup CPU quota). Results do
	                       not depend on it. */
	int64_t budget;     /* bytes of workspace the intermediates may take, 0
	                       (default): no limit. Below what they need at
	                       once, the compiled code spills some to the slow
	                       buffer and reloads them (einc_kernel_run_slow);
	                       below what one step needs for its operands and
	                       result, EINC_EBUDGET naming the step. GEMM
	                       packing buffers come on top of the budget. */
	const char *tree;   /* keep: a contraction tree in its text form (as
	                       --dump=tree prints it) forcing the order, or NULL;
	                       overrides "path" */
	const char *tree_name; /* keep: its name in messages, NULL: "tree" */
	/* Slicing (passes/slice.c; docs/slicing.md): fixing the values of some
	 * labels splits the einsum into slices, each contracted with the same
	 * tree on smaller intermediates and run by einc_kernel_run_slices. */
	const char *slice;  /* keep: NULL or "" (default): no slicing, unless a
	                       target below is set (then "auto"); "auto": labels
	                       chosen to meet the targets; else the labels to
	                       slice ("ab", commas allowed) */
	int64_t target_size;   /* bytes the largest intermediate of one slice may
	                          take (the output counts); 0: no target */
	int64_t target_slices; /* at least this many slices; 0: no target */
	double max_overhead;   /* the most the slices' flops together may be, over
	                          the unsliced tree's; 0: no limit. Beyond it,
	                          EINC_EBUDGET */
	int64_t tile_cache;    /* chains of steps run tile by tile (passes/tile.c)
	                          so that each tile's intermediates fit this many
	                          bytes of fast memory: 0 (default): the CPU's L2,
	                          else half its share of L3 when no tile fits the L2;
	                          -1: no tiling. Not with a budget or slicing. */
} einc_options;

typedef struct einc_ctx einc_ctx;
typedef struct einc_program einc_program;
typedef struct einc_kernel einc_kernel;

/* The library version as EINC_VERSION_NUMBER computes it. */
EINC_API unsigned einc_version_number(void);

/* What `einc --version` prints, one item a line: "einc 0.1.0", then the
 * LLVM, ISL and GLPK versions einc was built with ("LLVM version 19.1.7"),
 * the target triple ("Target: x86_64-pc-linux-gnu") and the CPU compiled
 * for by default ("Default CPU: znver3 (native)"). keep: static storage,
 * never NULL; safe from any thread. */
EINC_API const char *einc_version_string(void);

/* The short name of "status" ("ok", "syntax error", ...); never NULL. */
EINC_API const char *einc_status_name(einc_status status);

/* A new context, or NULL when memory runs out. give. */
EINC_API einc_ctx *einc_ctx_new(void);

/* Frees "ctx" (NULL allowed). take. */
EINC_API void einc_ctx_free(einc_ctx *ctx);

/* The status of the last call made with "ctx". */
EINC_API einc_status einc_ctx_status(const einc_ctx *ctx);

/*
 * The message of the last failed call made with "ctx", "" after a success.
 * It names the stage and, for input errors, the position: for example
 *   spec:1:7: error: parse: expected a label after ','
 *     ij,jk,->ik
 *           ^
 * keep: valid until the next call with "ctx".
 */
EINC_API const char *einc_ctx_message(const einc_ctx *ctx);

/* The stage that failed in the last call ("parse", "bind", ...), "" after a
 * success. keep. */
EINC_API const char *einc_ctx_stage(const einc_ctx *ctx);

/* A progress line of a long-running stage, without a newline; "line" is
 * keep (valid during the call). Today the memory planner sends one per ILP
 * solve: what it solved, the incumbent, the bound, the gap, the
 * branch-and-bound nodes, why it stopped and the CPU seconds (the seconds
 * vary between runs; nothing else does). */
typedef void einc_log_fn(void *user, const char *line);

/* Sends the progress lines of calls made with "ctx" to "fn" with "user"
 * (keep); fn NULL (the default) drops them. The library never prints. */
EINC_API void einc_ctx_set_log(einc_ctx *ctx, einc_log_fn *fn, void *user);

/* Fills "options" with the defaults. */
EINC_API void einc_options_init(einc_options *options);

/*
 * Compiles "spec" with numeric shapes: operand k has rank "ranks[k]" and
 * dimensions "shapes[k][0 .. ranks[k]-1]" (numpy order). "nops" must equal the
 * number of operands in the spec. "options" may be NULL (defaults).
 * On success stores a new program in "*program" (give, einc_program_free).
 */
EINC_API einc_status einc_compile(einc_ctx *ctx, const char *spec, int nops,
                                  const int *ranks, const int64_t *const shapes[],
                                  const einc_options *options, einc_program **program);

/*
 * The shape of the output of "spec" over operands of the shapes "nops",
 * "ranks", "shapes" (as for einc_compile), found by the front end alone,
 * without compiling: numpy's rules (an axis of extent 1 broadcasts, each
 * operand's '...' right-aligned into one broadcast shape, the implicit
 * output: '...' then the labels seen once, sorted). Stores the output's
 * rank in "*out_rank" and its dims (numpy order, 0 for an empty axis) in
 * "out_dims" (keep; room for "max_rank" of them; NULL when max_rank is 0).
 * The rank is never above the sum of the ranks. A rank above "max_rank"
 * stores "*out_rank" and fails with EINC_EINVAL; a spec and shapes that do
 * not fit fail as einc_compile does (stages "parse", "bind", same message
 * and caret).
 */
EINC_API einc_status einc_output_shape(einc_ctx *ctx, const char *spec, int nops,
                                       const int *ranks, const int64_t *const shapes[],
                                       int max_rank, int *out_rank, int64_t *out_dims);

/*
 * Compiles "spec" as einc_compile does, for arrays laid out at the given
 * strides, so that views (transposes, slices with a step, reversed axes,
 * broadcasts) run without a copy: "strides[k][a]" is the distance in
 * elements (not bytes) between neighbours along axis a of operand k, any
 * int64 (negative: a reversed axis, 0: a broadcast one); "out_strides[a]"
 * the same per axis of the output, "out_rank" of them (the output's rank,
 * else EINC_EINVAL), which must not let two elements share memory
 * (EINC_EINVAL). "strides" NULL, any
 * "strides[k]" NULL or "out_strides" NULL means dense row-major. The
 * kernel (einc_kernel_run, einc_program_emit) then takes, for each array,
 * the address of its element at index 0 on every axis, as numpy's data
 * pointer; the strides are compiled in (another layout needs another
 * program). einc_program_run_reference and einc_program_check still read
 * dense arrays. On success stores a new program in "*program" (give,
 * einc_program_free).
 */
EINC_API einc_status einc_compile_strided(einc_ctx *ctx, const char *spec, int nops,
                                          const int *ranks, const int64_t *const shapes[],
                                          const int64_t *const strides[], int out_rank,
                                          const int64_t *out_strides,
                                          const einc_options *options, einc_program **program);

/*
 * Compiles "spec" with sizes given as text, the CLI's way: "dims" sizes
 * labels ("b=8,i=512"), "shapes" sizes operands ("8x512,512x64"; needed for
 * "..."). Either may be NULL, not both; when both are given they must agree.
 * On success stores a new program in "*program" (give, einc_program_free).
 */
EINC_API einc_status einc_compile_text(einc_ctx *ctx, const char *spec, const char *dims,
                                       const char *shapes, const einc_options *options,
                                       einc_program **program);

/*
 * Compiles numpy's sublist form, einsum(a, [0, 1], b, [1, 2], [0, 2]):
 * operand k has rank "ranks[k]", integer labels "labels[k][0 .. ranks[k]-1]"
 * (any int; equal ints are one label) and dimensions "shapes[k]". The output
 * has "out_rank" labels "out_labels", or with out_rank < 0 numpy's implicit
 * output (the labels that appear once, by increasing integer). There is no
 * alphabet limit. The program's spec, dumps and messages write the distinct
 * integers, in increasing order, as the labels A-Z, a-z, then characters
 * from U+00A1 up. On success stores a new program in "*program" (give,
 * einc_program_free).
 */
EINC_API einc_status einc_compile_sublist(einc_ctx *ctx, int nops, const int *ranks,
                                          const int *const labels[], const int64_t *const shapes[],
                                          int out_rank, const int *out_labels,
                                          const einc_options *options, einc_program **program);

/* Frees "program" (NULL allowed). take. */
EINC_API void einc_program_free(einc_program *program);

/*
 * Prints "program" at "stage" in its text form into "*text" (give, einc_free).
 */
EINC_API einc_status einc_program_dump(einc_ctx *ctx, const einc_program *program,
                                       einc_stage stage, char **text);

/* The number of operands of "program" and the shape of operand "k" (0 .. n-1)
 * or of the output (k == -1): its rank, and its dims in "*dims" (keep). */
EINC_API int einc_program_num_inputs(const einc_program *program);
EINC_API int einc_program_shape(const einc_program *program, int k, const int64_t **dims);

/* The element count of input "k" (0 .. n-1) or of the output (k == -1):
 * the product of its dims (checked at compile time to fit int64); -1 when
 * "k" is out of range. */
EINC_API int64_t einc_program_elems(const einc_program *program, int k);

/* The element type of "program". */
EINC_API einc_dtype einc_program_dtype(const einc_program *program);

/* The name of "dtype" ("f32", as -t spells it), or NULL when it is not a
 * dtype. keep. */
EINC_API const char *einc_dtype_name(einc_dtype dtype);

/* The bytes of one element of "dtype" (8 for c64: two floats); 0 when it
 * is not a dtype. */
EINC_API size_t einc_dtype_size(einc_dtype dtype);

/* What an element of "dtype" holds (einc_dtype_kind_t), or -1 when it is
 * not a dtype. */
EINC_API int einc_dtype_kind(einc_dtype dtype);

/* The dtype "name" names ("f32") into "*dtype": 0, or -1 when none does. */
EINC_API int einc_dtype_parse(const char *name, einc_dtype *dtype);

/* The names of all dtypes, for messages: "f32, f64, c64, c128, i32 or
 * i64". keep. */
EINC_API const char *einc_dtype_names(void);

/*
 * Evaluates "program" with the reference evaluator: plain loops over every
 * index, accumulating in double (f32, f64), in long double per part (c64,
 * c128), or exactly modulo 2^32 or 2^64 (i32, i64: numpy's wrap-around,
 * whatever the order of the sums). "out" and "in[k]" are dense row-major
 * arrays of the program's dtype and shapes (keep). Slow and obviously
 * correct: the oracle the compiled code is tested against. It visits every
 * combination of the indices (the product of their sizes); above
 * EINC_REFERENCE_POINTS_MAX of them (about a minute of work) it refuses
 * with EINC_EUNSUPPORTED instead of running for hours.
 */
#define EINC_REFERENCE_POINTS_MAX ((int64_t)1 << 36)
EINC_API einc_status einc_program_run_reference(einc_ctx *ctx, const einc_program *program,
                                                void *out, const void *const in[]);

/*
 * Fills the inputs of "program" with random values for a test run: "in[k]"
 * (keep; room for einc_program_elems(program, k) elements of its dtype)
 * gets values uniform in [-1, 1) (each part of a complex; integers
 * uniform in -8 .. 8) from a xorshift64* stream seeded by "seed". Same
 * seed, same values (the CLI's --run --seed draws them so).
 */
EINC_API einc_status einc_program_random_inputs(einc_ctx *ctx, const einc_program *program,
                                                uint64_t seed, void *const in[]);

/* What einc_program_check found. */
typedef struct {
	int ok;           /* every element is within the tolerance */
	double tolerance; /* the error allowed per unit of an element's sum of
	                     |products|: 1e-4 for f32 and c64, 1e-10 for f64
	                     and c128, 0 for i32 and i64 (exact) */
	double error;     /* the largest error of an element divided by its sum
	                     of |products| (ok: error <= tolerance); INFINITY
	                     for a NaN or an infinity where the reference has
	                     none, or for any error where every product is 0 */
	double max_abs;   /* the largest |out - reference| (INFINITY as above) */
	int64_t at;       /* the element of "error" (the first of equals); -1
	                     when the output has no element */
	double got, want; /* "out" and the reference at "at" (0 when at == -1);
	                     the real part of a complex */
	double got_imag, want_imag; /* their imaginary parts (0 unless complex) */
} einc_check_result;

/*
 * Whether "out" is what "program" computes from "in" (both as for
 * einc_program_run_reference; keep): compares it with the reference
 * evaluator's result on "in", element by element. Element e may be off by
 * the tolerance times S(e), the sum of the |products| that make it (the
 * reference on |in|, in double): the compiled code accumulates in the
 * dtype, the reference in double, so only rounding may separate them. An
 * element equal to the reference (the same infinity, NaN where it is NaN)
 * is exact. A complex element's error is |out - reference| (the modulus),
 * its S(e) the sum of |a| |b| ...; integers must equal the reference
 * exactly (error |out - reference|, tolerance 0). Stores the findings in "*result" and returns EINC_OK whether
 * or not the output passes; fails (message in "ctx") as
 * einc_program_run_reference does, or with EINC_ENOMEM. Same as
 * einc_reference_new, einc_reference_check, einc_reference_free.
 */
EINC_API einc_status einc_program_check(einc_ctx *ctx, const einc_program *program,
                                        const void *const in[], const void *out,
                                        einc_check_result *result);

/* What einc_program_check compares with, computed once for checking
 * several outputs of the same inputs: the reference result and each
 * element's sum of |products|. */
typedef struct einc_reference einc_reference;

/* The reference of "program" on "in" (keep) into "*ref" (give,
 * einc_reference_free); fails as einc_program_check does. */
EINC_API einc_status einc_reference_new(einc_ctx *ctx, const einc_program *program,
                                        const void *const in[], einc_reference **ref);

/* einc_program_check's comparison of "out" with "ref" into "*result";
 * EINC_EINVAL for a NULL argument (no context, so no message). */
EINC_API einc_status einc_reference_check(const einc_reference *ref, const void *out,
                                          einc_check_result *result);

/* Frees "ref" (NULL allowed). take. */
EINC_API void einc_reference_free(einc_reference *ref);

/* The bytes of workspace the compiled code of "program" needs (0 if none). */
EINC_API size_t einc_program_workspace_size(const einc_program *program);

/* The bytes of slow buffer the compiled code of "program" spills to (0 when
 * it does not spill): einc_options.budget made it spill. */
EINC_API size_t einc_program_slow_size(const einc_program *program);

/* The bytes every run of "program" copies between workspace and slow
 * buffer (spills plus reloads): the plan's traffic; 0 without spills. */
EINC_API int64_t einc_program_moved_bytes(const einc_program *program);

/*
 * Writes the compiled code of "program" to the file "path" as "kind". It
 * defines two functions, "name" (a C identifier) and "name"_slow:
 *   int name(T *out, const T *in0, ..., void *workspace);
 *   int name_slow(T *out, const T *in0, ..., void *workspace, void *slow,
 *                 int64_t *moved);
 * output first, then the inputs in spec order, all dense row-major in the
 * spec's label order; T is float or double. They return 0, or nonzero when
 * "workspace" or "slow" is NULL and no buffer can be allocated for it: a
 * NULL one is taken from the few the function keeps for such calls (one
 * is allocated when all are in use) and returned when the call ends, so
 * concurrent calls are safe. "workspace" is NULL or
 * einc_program_workspace_size bytes, "slow" NULL or einc_program_slow_size
 * bytes, both aligned to 64; when
 * "moved" is not NULL, name_slow stores there the bytes it copied between
 * them. name(...) is name_slow(..., NULL, NULL). Same program and options
 * give the same bytes. The object links with libeinc_rt.a and -lpthread
 * and nothing else.
 */
EINC_API einc_status einc_program_emit(einc_ctx *ctx, const einc_program *program,
                                       einc_emit_kind kind, const char *path,
                                       const char *name);

/*
 * Writes the C header of function "name" to "path": provenance (einc
 * version, spec, sizes, dtype, CPU, licence), NAME_WORKSPACE_BYTES,
 * NAME_SLOW_BYTES, NAME_MOVED_BYTES (what each run copies), shape macros
 * and the prototypes of name and name_slow (NAME is "name" in upper case).
 */
EINC_API einc_status einc_program_emit_header(einc_ctx *ctx, const einc_program *program,
                                              const char *path, const char *name);

/*
 * Compiles "program" in process (LLVM ORC JIT) into "*kernel" (give,
 * einc_kernel_free). Kernels are independent: many may live at once, and
 * outlive their program. Like einc_program_emit and einc_program_dump, it
 * reads the program's loop nests: one such call per program at a time.
 */
EINC_API einc_status einc_program_jit(einc_ctx *ctx, const einc_program *program,
                                      einc_kernel **kernel);

/* The bytes of workspace "kernel" needs (0 if none). */
EINC_API size_t einc_kernel_workspace_size(const einc_kernel *kernel);

/* The bytes of slow buffer "kernel" spills to (0 if it does not spill). */
EINC_API size_t einc_kernel_slow_size(const einc_kernel *kernel);

/* The number of inputs "kernel" reads. */
EINC_API int einc_kernel_num_inputs(const einc_kernel *kernel);

/*
 * Runs "kernel": "out" and "in[0 .. n-1]" as for einc_program_run_reference
 * (keep). "workspace" is NULL or einc_kernel_workspace_size bytes aligned to
 * 64; with NULL the call takes one of the buffers the kernel keeps for
 * such calls (allocating one when all are in use) and returns it when it
 * ends, so concurrent calls are safe; they are freed with the kernel.
 * Returns EINC_EINVAL for a NULL kernel, output or input, and
 * EINC_ENOMEM when its own buffer cannot be allocated; there is no context,
 * so no message.
 */
EINC_API einc_status einc_kernel_run(einc_kernel *kernel, void *out, const void *const in[],
                                     void *workspace);

/*
 * Runs "kernel" as einc_kernel_run does, with the slow buffer "slow": NULL
 * or einc_kernel_slow_size bytes aligned to 64 (NULL: the kernel's own, as
 * for the workspace), where the run spills the intermediates that do not
 * fit the budget. When "moved" is not NULL, a successful run stores there
 * the bytes it copied between workspace and slow buffer (spills plus
 * reloads; equal to einc_program_moved_bytes).
 */
EINC_API einc_status einc_kernel_run_slow(einc_kernel *kernel, void *out, const void *const in[],
                                          void *workspace, void *slow, int64_t *moved);

/* The number of slices of "program" (einc_options.slice): the product of
 * the sliced labels' sizes; 1 when it is not sliced. */
EINC_API int64_t einc_program_num_slices(const einc_program *program);

/* The number of slices "kernel" runs (as einc_program_num_slices); 0 for
 * NULL. */
EINC_API int64_t einc_kernel_num_slices(const einc_kernel *kernel);

/* Whether the slices of "kernel" add up (a sliced label is summed), so
 * that partial results of disjoint slice ranges are combined by adding
 * them: 1, else 0 (each slice writes its own part of the output). */
EINC_API int einc_kernel_slices_summed(const einc_kernel *kernel);

/*
 * Runs slices "first" .. "first" + "count" - 1 of "kernel" (0 <= first,
 * first + count <= einc_kernel_num_slices), reading each slice of the
 * inputs in place ("in" as for einc_kernel_run: the whole operands).
 * Slices are numbered with the sliced output labels outermost, then the
 * summed ones, the last label fastest; the slices of one part of the
 * output are consecutive. Each part of "out" (the whole output) that the
 * range touches is set to the sum, in slice order, of the range's slices
 * in it; the rest of "out" is left alone. So the range 0 .. num_slices
 * computes what an unsliced kernel computes, and the partial results of
 * consecutive ranges, added in range order, give that too (the result
 * may differ from the unsliced one in the last bits: the sum is ordered
 * differently). "workspace" as for einc_kernel_run (one slice's).
 * EINC_EINVAL for NULL pointers or a range out of bounds, EINC_ENOMEM when
 * a buffer cannot be allocated; no context, so no message.
 */
EINC_API einc_status einc_kernel_run_slices(einc_kernel *kernel, void *out,
                                            const void *const in[], void *workspace,
                                            int64_t first, int64_t count);

/* The elements of one slice's part of the output of "kernel": the output
 * without its sliced axes (the whole output when only summed labels are
 * sliced); 0 for NULL. */
EINC_API int64_t einc_kernel_slice_part_elems(const einc_kernel *kernel);

/*
 * Runs slices "first" .. "first" + "count" - 1 of "kernel" as
 * einc_kernel_run_slices does, but writes each slice's own part of the
 * output densely (row-major over the output's unsliced axes) into
 * "parts", one after another: count * einc_kernel_slice_part_elems
 * elements. For moving slices' results between processes before putting
 * them in place with einc_kernel_place_slices. Fails as
 * einc_kernel_run_slices does.
 */
EINC_API einc_status einc_kernel_run_slices_packed(einc_kernel *kernel, void *parts,
                                                   const void *const in[], void *workspace,
                                                   int64_t first, int64_t count);

/* Puts the packed parts "parts" of slices "first" .. "first" + "count" - 1
 * (as einc_kernel_run_slices_packed wrote them) into the whole output
 * "out", as einc_kernel_run_slices would have. EINC_EINVAL for NULL
 * pointers or a range out of bounds. */
EINC_API einc_status einc_kernel_place_slices(const einc_kernel *kernel, void *out,
                                              const void *parts, int64_t first, int64_t count);

/* Frees "kernel" and its code (NULL allowed). take. */
EINC_API void einc_kernel_free(einc_kernel *kernel);

/*
 * Plans the op DAG "text" (the .dag format: "t NAME BYTES in|mid|out" and
 * "o NAME RESULT OPERAND..." lines; named "where" in messages) without an
 * einsum: execution order, arena offsets and, under "budget" arena bytes
 * (0: no limit), spills and reloads. With "staging" every tensor passes
 * through the arena, else only the intermediates. Stores the plan's text
 * form in "*plan" (give, einc_free). A budget below some op's operands and
 * result is EINC_EBUDGET naming the op.
 */
EINC_API einc_status einc_plan_dag(einc_ctx *ctx, const char *text, const char *where, int64_t budget,
                                   int staging, char **plan);

/*
 * Draws the plan "plan" (its text form, as einc_plan_dag or the plan dump
 * prints it; named "where" in messages) as an SVG picture of the arena
 * over time: one rectangle per stay of a tensor (x the steps, y its bytes),
 * the budget as a line, loads and spills as thick edges. The plan must be
 * valid (its syntax and what it says are checked). Stores the SVG document
 * in "*svg" (give, einc_free); the same plan gives the same bytes.
 */
EINC_API einc_status einc_plan_svg(einc_ctx *ctx, const char *plan, const char *where, char **svg);

/* Frees memory that einc returned as "give" without a _free of its own. */
EINC_API void einc_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* EINC_H */
