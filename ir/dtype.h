/*
 * dtype.h - what the library knows of each element type, in one table
 * (dtype.c): its name (the -t spelling and the text forms'), its bytes,
 * the C type generated headers declare, and the relative tolerance of a
 * result check. Everywhere else asks here instead of decoding the enum;
 * codegen maps the dtype to its LLVM type in one function
 * (cg_dtype_type). A new dtype starts with a row of this table.
 */
#ifndef EINC_DTYPE_H
#define EINC_DTYPE_H

#include <stddef.h>

#include "einc.h"

typedef struct {
	const char *name;   /* "f32" */
	const char *c_type; /* "float" */
	int bytes;          /* one element */
	double tolerance;   /* a result element may differ from the reference by
	                       this much times the sum of |products| behind it */
} ir_dtype_info;

/* The facts of "t"; NULL when "t" is not a dtype. keep. */
const ir_dtype_info *ir_dtype(einc_dtype t);

/* The dtype named by the "len" bytes at "name" into "*out"; -1 when none. */
int ir_dtype_from_name(const char *name, size_t len, einc_dtype *out);

/* The names of all dtypes for messages: "f32 or f64". keep. */
const char *ir_dtype_names(void);

#endif
