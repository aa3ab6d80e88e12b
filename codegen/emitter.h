/*
 * emitter.h - the state codegen/'s three emitters share while they build
 * one kernel: emit_ast.c translates a step's isl_ast into LLVM IR,
 * emit_tasks.c outlines a nest into tasks for the thread pool, and
 * emit_module.c builds the module, its entry points and each step.
 */
#ifndef EINC_EMITTER_H
#define EINC_EMITTER_H

#include "cg.h"

/* The state of one function under construction. */
typedef struct {
	einc_ctx *ctx;
	LLVMContextRef c;
	LLVMModuleRef m;
	LLVMBuilderRef b;
	LLVMTypeRef i8, i32, i64, ptr, elem; /* elem: cg_dtype_type(dtype) */
	einc_dtype dtype;
	const char *name;      /* the kernel's name */
	LLVMValueRef fn;       /* the function being built */
	int vector_bits;       /* the register blocks' vector width */
	int threads;           /* einc_options.threads */
	const loop_step *st;
	int overwrite;         /* the step sums nothing: store, do not accumulate */
	isl_ast_node *split;   /* the loop that runs from "lo" to "hi" (a task's chunk) */
	isl_ast_node *zeroing; /* the loop whose iterations each zero their "slab" */
	int64_t slab;          /* result elements (ir_loop_step_zero_slab) */
	LLVMValueRef lo, hi;
	LLVMValueRef base[4];  /* the result, arg0, arg1 of the current step, and
	                          a fused argument's second factor */
	LLVMValueRef next;     /* the start of the bytes its GETT call reads into
	                          the caches (loop_step's "next"), or NULL */
	int many_shapes;       /* the kernel has many step functions: small ones are
	                          optimised less, long nests unrolled less */
	int nfor;              /* the for loops emitted so far */
	int64_t inner_extent;  /* the extent of the last innermost loop emitted */
	LLVMValueRef in_result, in_args; /* alias scope lists: a step's result, its operands */
	int nvars, capvars;    /* the iterators in scope, innermost last */
	isl_id **ids;
	LLVMValueRef *vals;
	einc_status status;
} emitter;

/* emit_ast.c: records an internal failure in "e" once; returns NULL for
 * chaining. */
LLVMValueRef cg_fail(emitter *e, const char *what);

/* emit_ast.c: a block "name" that ends the current function's list. */
LLVMBasicBlockRef cg_block(emitter *e, const char *name);

/* emit_ast.c: fresh alias scopes for the current step (e->in_result,
 * e->in_args). */
void cg_alias_scopes(emitter *e);

/* emit_ast.c: emits "node" (keep) of the current step at the builder's
 * position; 0, or -1 with e->status set. */
int cg_emit_node(emitter *e, isl_ast_node *node);

/* emit_module.c: adds the enum attribute "name" at "index" of "fn". */
void cg_add_attr(emitter *e, LLVMValueRef fn, LLVMAttributeIndex index, const char *name);

/* emit_tasks.c: the nest of step "st" as the tasks of "st->par" through
 * einc_rt_parallel_for, called from the step's function e->fn; 0, or -1. */
int cg_emit_parallel(emitter *e, const loop_step *st);

/* emit_tasks.c: a new internal function NAME(ctx, task, scratch) that
 * returns nothing, as einc_rt_parallel_for calls its tasks, with the
 * target of e->fn. */
LLVMValueRef cg_task_function(emitter *e, const char *name);

/* emit_tasks.c: an array of the "n" pointers "v" on the stack at the
 * builder's position (a task's context). */
LLVMValueRef cg_pointer_array(emitter *e, const LLVMValueRef *v, int n, const char *name);

/* emit_tasks.c: the "n" pointers of "array" loaded into "v" at the
 * builder's position. */
void cg_load_pointers(emitter *e, LLVMValueRef array, int n, LLVMValueRef *v);

/* emit_tasks.c: a call of einc_rt_parallel_for at the builder's position
 * on e->threads threads: "task"(arg, t, scratch) for t = 0 .. ntasks-1,
 * the caller's scratch "scratch0", each worker's "scratch_bytes". */
void cg_call_parallel_for(emitter *e, int64_t ntasks, LLVMValueRef task, LLVMValueRef arg,
                          LLVMValueRef scratch0, int64_t scratch_bytes);

/* emit_tasks.c: a loop "for (x = 0; x < n; x++)" at the builder's
 * position: returns x with the builder in the body; "*latch" gets what
 * cg_end_loop needs. */
LLVMValueRef cg_begin_loop(emitter *e, int64_t n, LLVMBasicBlockRef latch[2]);

/* emit_tasks.c: ends the loop of "x" begun by cg_begin_loop; the builder
 * goes after it. */
void cg_end_loop(emitter *e, LLVMValueRef x, LLVMBasicBlockRef latch[2]);

/* emit_tasks.c: element "i" (an i64 value) of the "e->elem" array at
 * "base". */
LLVMValueRef cg_elem_at(emitter *e, LLVMValueRef base, LLVMValueRef i);

/* emit_transpose.c: when step "st" only copies its operand across layouts
 * (st->transposes) on one thread, of 4- or 8-byte elements, the call of
 * einc_rt_transpose_copy that runs it on e->base at the builder's
 * position, and 1; else 0, nothing emitted. The step's nest stays for the
 * dumps. */
int cg_emit_transpose_copy(emitter *e, const loop_step *st);

/* emit_transpose.c: in a task of such a copy split into row chunks
 * (ir_loop_step_runtime_copy, st->par), the call of
 * einc_rt_transpose_copy_rows on the task's chunk, iterations e->lo to
 * e->hi of its outermost loop. */
void cg_emit_transpose_rows(emitter *e, const loop_step *st);

/* emit_zero.c: zeroes the elements of an array at "base" with "rank" axes
 * of extents "dims" at element strides "strides" (any; axes at stride 0
 * are skipped, they hold the same elements), one by one in loops at the
 * builder's position. */
void cg_zero_strided(emitter *e, LLVMValueRef base, int rank, const int64_t *dims,
                     const int64_t *strides);

#endif
