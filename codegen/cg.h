/*
 * cg.h - codegen/'s own interface: the target machine, the IR emitter and
 * the header writer. The only header in the project that includes LLVM.
 */
#ifndef EINC_CG_H
#define EINC_CG_H

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

#include "program.h"
#include "strbuf.h"

/* target.c: a target machine for the host triple and "o"'s cpu ("native":
 * the host CPU and features) at "o"'s opt level, into "*tm" (give,
 * LLVMDisposeTargetMachine). */
einc_status cg_target_machine(einc_ctx *ctx, const einc_options *o,
                              LLVMTargetMachineRef *tm);

/* target.c: the CPU "o" names, for provenance: "znver4 (native)" or the
 * given name. give, free(); NULL when out of memory. */
char *cg_cpu_description(const einc_options *o);

/* target.c: runs LLVM's default<O"level"> pipeline on "m" for "tm". */
einc_status cg_optimize(einc_ctx *ctx, LLVMModuleRef m, LLVMTargetMachineRef tm,
                        int level);

/* symbol_name.c: why "name" cannot be a compiled program's function name
 * (a sentence that follows the name: "is a C keyword"), or NULL when it
 * can. */
const char *cg_name_problem(const char *name);

/*
 * emit_module.c: the module of "p" in "c" for "tm" (NULL: no target, as for
 * dumps), verified, into "*out" (give, LLVMDisposeModule). It defines
 *   int NAME_slow(T *out, const T *in0, ..., void *workspace, void *slow,
 *                 int64_t *moved)
 *   int NAME(T *out, const T *in0, ..., void *workspace)  (slow, moved NULL)
 * and, when "argv_entry" is set,
 *   int NAME.argv(T *out, const T **in, void *ws, void *slow, int64_t *moved).
 */
einc_status cg_emit_module(einc_ctx *ctx, const einc_program *p, LLVMContextRef c,
                           LLVMTargetMachineRef tm, const char *name,
                           int argv_entry, LLVMModuleRef *out);

/* elem.c: the LLVM type of an element of "dtype" in "c": float, double,
 * i32, i64, or [2 x float] / [2 x double] for a complex. */
LLVMTypeRef cg_dtype_type(LLVMContextRef c, einc_dtype dtype);

/* elem.c: the LLVM type of one part of "dtype" (a complex's float or
 * double; else the element's type). */
LLVMTypeRef cg_dtype_part_type(LLVMContextRef c, einc_dtype dtype);

/* elem.c: what an element of "dtype" holds. */
einc_dtype_kind_t cg_dtype_kind(einc_dtype dtype);

/* elem.c: the alignment of "dtype"'s elements: the bytes of one part. */
unsigned cg_dtype_align(einc_dtype dtype);

/* elem.c: x * y and x + y of two elements of "dtype" (values of
 * cg_dtype_type), built at "b", the result named "name". */
LLVMValueRef cg_elem_mul(LLVMBuilderRef b, einc_dtype dtype, LLVMValueRef x, LLVMValueRef y,
                         const char *name);
LLVMValueRef cg_elem_add(LLVMBuilderRef b, einc_dtype dtype, LLVMValueRef x, LLVMValueRef y,
                         const char *name);

/* target.c: gives function "to" the target CPU and features of "from". */
void cg_copy_target_attrs(LLVMValueRef from, LLVMValueRef to);

/* emit_module.c: what the JIT, the object writer and the LLVM dump share:
 * the target machine of "p"'s options into "*tm" (give,
 * LLVMDisposeTargetMachine) and the module of cg_emit_module for it in "c"
 * into "*m" (give, LLVMDisposeModule), run through cg_optimize when
 * "optimize" is set. On failure both are NULL. */
einc_status cg_build_module(einc_ctx *ctx, const einc_program *p, LLVMContextRef c,
                            const char *name, int argv_entry, int optimize,
                            LLVMTargetMachineRef *tm, LLVMModuleRef *m);

/*
 * buffers.c: emits at "b"'s position (a kernel's entry block) the search
 * for the workspace "*ws" and slow buffer "*slow" (the parameters on entry,
 * the buffers to use on return) of "ws_bytes" and "slow_bytes": a NULL one
 * of nonzero size comes from the pool of kernel "name" (NAME.buffers,
 * runtime/workspace.h's einc_rt_buffers_take), a failed allocation returns 1
 * from the kernel. Returns what cg_give_buffers needs, NULL when both
 * sizes are 0 (then nothing is emitted).
 */
LLVMValueRef cg_take_buffers(LLVMBuilderRef b, const char *name, int64_t ws_bytes,
                             int64_t slow_bytes, LLVMValueRef *ws, LLVMValueRef *slow);

/* buffers.c: emits the return of the buffers cg_take_buffers took ("bufs",
 * what it returned; NULL: nothing) to the pool of kernel "name". */
void cg_give_buffers(LLVMBuilderRef b, const char *name, LLVMValueRef bufs);

/* target.c: the vector width the register blocks of "tm" use: 512 with
 * AVX-512F, 256 with AVX, else 128 (bits), from the target's instruction
 * set (its features, or a named CPU's ISA), never its vendor; 256 for NULL. */
int cg_vector_bits(LLVMTargetMachineRef tm);

/* microkernel.c: defines in "m" the internal micro-kernel "name" for an
 * "mr" x "nr" block of "elem" (floats, or integers when "kind" is
 * EINC_KIND_INT) in vectors of "vl", compiled for the CPU and
 * features of function "like": runtime/gett.h's einc_rt_ukernel on packed A
 * when "a_stride" is 0, else its einc_rt_ukernel_direct reading A in place with
 * that element stride along K, prefetching A as "a_fetch" says (a held
 * step's, CG_A_FETCH_ROW: its einc_rt_ukernel_held, all of a block's rows);
 * where "copy_b" is set (on packed A only), its einc_rt_ukernel_copy, which
 * also packs the B rows it reads in place. */
enum {
	CG_A_FETCH_NONE,
	CG_A_FETCH_SWEEP, /* its share of A's next K or M block (loop_gemm's a_sweep) */
	CG_A_FETCH_ROW,   /* along its first row, ahead of each value of k
	                     (loop_gemm's a_held) */
	CG_A_FETCH_NEXT,  /* the next register block's rows, one run after
	                     its own (loop_gemm's a_next) */
};
/* What a CG_A_FETCH_SWEEP kernel sweeps: "next" 0, A's next K block;
 * else the next M block of "rows" rows (one run of memory), "next"
 * elements after this one (loop_gemm's a_sweep_next). */
typedef struct {
	int64_t next, rows;
} cg_sweep;
LLVMValueRef cg_microkernel(LLVMModuleRef m, LLVMTypeRef elem, einc_dtype_kind_t kind,
                            const char *name, int mr, int nr, int vl, int64_t a_stride,
                            int a_fetch, cg_sweep sweep, int copy_b, LLVMValueRef like);

/* gemm.c: the internal constant i64 array NAME.SUFFIX holding "vals[0 ..
 * n-1]". */
LLVMValueRef cg_const_array(LLVMModuleRef m, const int64_t *vals, int n, const char *name,
                            const char *suffix);

/* gemm.c: emits in "fn" at "b" the GETT form of step "st" ("st->gemm") on
 * elements of "dtype": its descriptor (FN.gemm) as a constant and the call
 * einc_rt_gett(desc, C, A, B, scratch) on the bases "base" (result, arg0,
 * arg1, and the second factor of a fused argument: then
 * einc_rt_gett_fused's descriptor and call) and workspace "ws"; with
 * "next" (NULL: none), the start of st->next_bytes to read into the
 * caches, einc_rt_gett_next(..., next, next_bytes); "threads" as in
 * einc_options. Its micro-kernel,
 * KERNEL.ukernel.TYPE.MRxNR (KERNEL.ukernel.direct.TYPE.MRxNR.strideS when
 * it reads A in place), is one per module for every step that uses it,
 * "kernel" the kernel's name. */
void cg_emit_gemm(LLVMModuleRef m, LLVMBuilderRef b, LLVMValueRef fn, const char *kernel,
                  const loop_step *st, int threads,
                  einc_dtype dtype, LLVMValueRef base[4], LLVMValueRef ws,
                  LLVMValueRef next);

/* step_shape.c: for each step s of "l", into "first[s]" ("l->nsteps"
 * entries), the first step whose code is the same as s's up to the base
 * pointers of its result and operands (s itself when none before it is):
 * the same dims, strides, zeroing, GETT descriptor, tasks and nest (the
 * isl_ast up to its iterators' names). */
void cg_step_shapes(const ir_loops *l, int *first);

/* header.c: the text of NAME.h for "p" (give, free()); NULL when out of memory. */
char *cg_header_text(const einc_program *p, const char *name);

/* header.c: appends "name" in upper case to "b". */
void cg_upper(strbuf *b, const char *name);

/* header_slices.c: appends to "b" the slices' part of NAME.h for sliced
 * "p" (elements of C type "type"): NAME_NUM_SLICES and NAME_slices, the
 * twin of einc_kernel_run_slices over NAME. */
void cg_header_slices(strbuf *b, const einc_program *p, const char *name, const char *type);

#endif
