/*
 * dtype.h - what the library knows of each element type, in one table
 * (dtype.c): its name (the -t spelling and the text forms'), its bytes,
 * the C type generated headers declare, and the relative tolerance of a
 * result check, and what an element holds (a real, a complex as two
 * interleaved parts, an integer) and each part's bytes. Everywhere else
 * asks here instead of decoding the enum and works from kind and part
 * bytes; codegen maps them to LLVM types and arithmetic in one file
 * (codegen/elem.c). A new dtype starts with a row of this table.
 */
#ifndef EINC_DTYPE_H
#define EINC_DTYPE_H

#include <stddef.h>

#include "einc.h"

typedef struct {
	const char *name;   /* "f32" */
	const char *c_type; /* "float" */
	int bytes;          /* one element */
	einc_dtype_kind_t kind; /* real, complex (two parts) or integer */
	int part_bytes;     /* one part: bytes, or half of them when complex */
	double tolerance;   /* a result element may differ from the reference by
	                       this much times the sum of |products| behind it
	                       (0: exactly equal) */
} ir_dtype_info;

/* The facts of "t"; NULL when "t" is not a dtype. keep. */
const ir_dtype_info *ir_dtype(einc_dtype t);

/* The dtype named by the "len" bytes at "name" into "*out"; -1 when none. */
int ir_dtype_from_name(const char *name, size_t len, einc_dtype *out);

/* The names of all dtypes for messages: "f32, f64, ... or i64". keep. */
const char *ir_dtype_names(void);

#endif
