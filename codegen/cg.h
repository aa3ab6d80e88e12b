/*
 * cg.h - codegen/'s own interface: the target machine, the IR emitter and
 * the header writer. The only header in the project that includes LLVM.
 */
#ifndef EINC_CG_H
#define EINC_CG_H

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

#include "program.h"

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

/* target.c: whether "name" is a C identifier usable as a symbol. */
int cg_name_ok(const char *name);

/*
 * emit_llvm.c: the module of "p" in "c" for "tm" (NULL: no target, as for
 * dumps), verified, into "*out" (give, LLVMDisposeModule). It defines
 *   int NAME(T *out, const T *in0, ..., void *workspace)
 * and, when "argv_entry" is set, int NAME.argv(T *out, const T **in, void *ws).
 */
einc_status cg_emit_module(einc_ctx *ctx, const einc_program *p, LLVMContextRef c,
                           LLVMTargetMachineRef tm, const char *name,
                           int argv_entry, LLVMModuleRef *out);

/* header.c: the text of NAME.h for "p" (give, free()); NULL when out of memory. */
char *cg_header_text(const einc_program *p, const char *name);

#endif
