/*
 * codegen.h - what the rest of the library asks of codegen/ without seeing
 * LLVM (the public emit and JIT calls are declared in einc.h).
 */
#ifndef EINC_CODEGEN_H
#define EINC_CODEGEN_H

#include "einc.h"

/* The LLVM IR of "program" before optimization, as text, into "*text"
 * (give, free()). The function is named "einc_kernel". */
einc_status cg_dump_llvm(einc_ctx *ctx, const einc_program *program, char **text);

#endif
