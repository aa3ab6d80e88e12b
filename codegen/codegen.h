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

#include <stdint.h>

/* The data caches one core of a target sees, in bytes: L1 data, L2, and
 * its share of L3 (L3 over the cores that share it). */
typedef struct {
	int64_t l1, l2, l3;
} cg_caches;

/* Checks that code can be generated for the CPU of "o" (its name, the
 * host's features) and gives the vector width its register blocks use
 * into "*vector_bits" (cg_vector_bits), its caches into "*caches"
 * (cg_target_caches). */
einc_status cg_target_check(einc_ctx *ctx, const einc_options *o, int *vector_bits,
                            cg_caches *caches);

/* target_caches.c: the caches of CPU "cpu" from a table of named CPUs
 * (one of a small recent core for others), or of the host for NULL:
 * sysfs's figures for CPU 0 where it has them, else the table's for
 * LLVM's name of the host CPU. */
cg_caches cg_target_caches(const char *cpu);

/* target_caches.c: overwrites the levels of "*c" that the sysfs cache
 * directory "dir" (.../cpu0/cache: index0, index1, ... each with level,
 * type, size, shared_cpu_list) describes; L3 is divided by the CPUs that
 * share it. */
void cg_caches_from_sysfs(const char *dir, cg_caches *c);

/* target_caches.c: the bytes of a sysfs cache size ("32K", "1M", "512"):
 * 0 when it is not one positive number with an optional K, M or G. */
int64_t cg_cache_size_bytes(const char *text);

/* target_caches.c: the CPUs of a sysfs CPU list ("0-3,8,10-11"): 0 when
 * it is not one. */
int cg_cpu_list_count(const char *text);

#endif
