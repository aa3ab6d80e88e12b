/* compile_flags.c - the flags einc and einc-mpi share (compile_flags.h). */
#include "compile_flags.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numarg.h"

/* The integer flags: their names, what the value is, and its range. */
static const struct {
	compile_flag flag;
	const char *name, *what;
	uint64_t min, max;
} integer_flags[] = {
	{FLAG_SEED, "--seed", "a seed", 0, UINT64_MAX},
	{FLAG_THREADS, "--threads", "a thread count", 0, 1024},
	{FLAG_BUDGET, "--budget", "a byte count", 0, INT64_MAX},
	{FLAG_MAX_INTERMEDIATE, "--max-intermediate", "an element count", 1, INT64_MAX},
	{FLAG_TARGET_SIZE, "--target-size", "a byte count", 1, INT64_MAX},
	{FLAG_TARGET_SLICES, "--target-slices", "a slice count", 1, INT64_MAX},
};

/* The methods --path names. */
static const struct {
	const char *name;
	einc_path path;
} path_names[] = {
	{"auto", EINC_PATH_AUTO}, {"exact", EINC_PATH_EXACT}, {"greedy", EINC_PATH_GREEDY},
	{"refine", EINC_PATH_REFINE}, {"ltr", EINC_PATH_LTR},
};

/* Fills "err" for "flag" with the message "fmt" of "val"; returns -1. */
static int refuse(flag_error *err, const char *flag, const char *fmt, const char *val)
{
	err->flag = flag;
	err->caret = 0;
	err->offset = 0;
	snprintf(err->message, sizeof err->message, fmt, val);
	return -1;
}

/* Reads integer flag "f" from "val" into its field of "*o"; 0 or -1. */
static int set_integer(einc_options *o, compile_flag f, const char *val, flag_error *err)
{
	size_t i = 0;
	while (integer_flags[i].flag != f)
		i++;
	uint64_t n;
	numarg_error e;
	if (numarg_parse(val, integer_flags[i].what, integer_flags[i].min, integer_flags[i].max,
	                 &n, &e)) {
		err->flag = integer_flags[i].name;
		err->caret = 1;
		err->offset = e.offset;
		snprintf(err->message, sizeof err->message, "%s", e.message);
		return -1;
	}
	switch (f) {
	case FLAG_SEED: o->seed = n; break;
	case FLAG_THREADS: o->threads = (int)n; break;
	case FLAG_BUDGET: o->budget = (int64_t)n; break;
	case FLAG_MAX_INTERMEDIATE: o->max_intermediate = (int64_t)n; break;
	case FLAG_TARGET_SIZE: o->target_size = (int64_t)n; break;
	default: o->target_slices = (int64_t)n; break;
	}
	return 0;
}

int compile_flag_set(einc_options *o, compile_flag f, const char *val, flag_error *err)
{
	switch (f) {
	case FLAG_SEED:
	case FLAG_THREADS:
	case FLAG_BUDGET:
	case FLAG_MAX_INTERMEDIATE:
	case FLAG_TARGET_SIZE:
	case FLAG_TARGET_SLICES:
		return set_integer(o, f, val, err);
	case FLAG_DTYPE:
		if (einc_dtype_parse(val, &o->dtype)) {
			refuse(err, "-t", "unknown dtype '%.100s'", val);
			size_t len = strlen(err->message);
			snprintf(err->message + len, sizeof err->message - len, " (expected %s)",
			         einc_dtype_names());
			return -1;
		}
		return 0;
	case FLAG_OPT_LEVEL:
		if (val[0] < '0' || val[0] > '3' || val[1])
			return refuse(err, "-O",
			              "unknown optimization level '-O%.100s' (expected -O0 .. -O3)", val);
		o->opt_level = val[0] - '0';
		return 0;
	case FLAG_CPU:
		o->cpu = val;
		return 0;
	case FLAG_PATH:
		for (size_t i = 0; i < sizeof path_names / sizeof path_names[0]; i++)
			if (strcmp(val, path_names[i].name) == 0) {
				o->path = path_names[i].path;
				return 0;
			}
		return refuse(err, "--path", "unknown method '%.100s' for --path "
		              "(expected auto, exact, greedy, refine or ltr)", val);
	case FLAG_SLICE:
		o->slice = val;
		return 0;
	case FLAG_MAX_OVERHEAD: {
		char *end;
		errno = 0;
		double ratio = strtod(val, &end);
		if (end == val || *end || errno || !(ratio >= 1) || ratio > 1e300)
			return refuse(err, "--max-overhead", "--max-overhead: '%.100s' is not a ratio "
			              "of at least 1 (expected a number as 1.5)", val);
		o->max_overhead = ratio;
		return 0;
	}
	case FLAG_NONE:
		break;
	}
	return refuse(err, "", "not a flag einc-mpi shares%s", "");
}
