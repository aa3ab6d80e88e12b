/*
 * compile_flags.h - the flags einc and einc-mpi share, each setting a field
 * of einc_options: -t, -O, -march/-mcpu, --path, --seed, --threads,
 * --budget, --max-intermediate and the slicing flags. Each tool matches
 * the flag's name its own way (an option table, getopt) and prints the
 * error its own way; the values are read and checked here, once.
 */
#ifndef EINC_COMPILE_FLAGS_H
#define EINC_COMPILE_FLAGS_H

#include <stddef.h>

#include "einc.h"

typedef enum {
	FLAG_NONE,             /* none: a tool's own option, in a table of both */
	FLAG_DTYPE,            /* -t NAME */
	FLAG_OPT_LEVEL,        /* -O0 .. -O3: the value is the digit */
	FLAG_CPU,              /* -march=CPU, -mcpu=CPU: the value is CPU */
	FLAG_PATH,             /* --path=METHOD */
	FLAG_SEED,             /* --seed N */
	FLAG_THREADS,          /* --threads N (0: the default) */
	FLAG_BUDGET,           /* --budget BYTES */
	FLAG_MAX_INTERMEDIATE, /* --max-intermediate N */
	FLAG_SLICE,            /* --slice=auto|LABELS */
	FLAG_TARGET_SIZE,      /* --target-size BYTES */
	FLAG_TARGET_SLICES,    /* --target-slices N */
	FLAG_MAX_OVERHEAD,     /* --max-overhead X */
} compile_flag;

/* Why a value was refused. "flag" is the flag's long name ("--budget");
 * where "caret" is set, "offset" is the culprit's byte in the value. */
typedef struct {
	const char *flag;
	int caret;
	size_t offset;
	char message[256];
} flag_error;

/*
 * Reads "val" as the value of flag "f" into its field of "*o" (which
 * keeps a pointer to "val" for -march and --slice). Returns 0, or -1 with
 * "*err" filled and "*o" untouched.
 */
int compile_flag_set(einc_options *o, compile_flag f, const char *val, flag_error *err);

#endif
