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

/* Checks that code can be generated for the CPU of "o" (its name, the
 * host's features) and gives the vector width its register blocks use
 * into "*vector_bits" (cg_vector_bits). */
einc_status cg_target_check(einc_ctx *ctx, const einc_options *o, int *vector_bits);

#endif
