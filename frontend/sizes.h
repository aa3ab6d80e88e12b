/*
 * sizes.h - sizes as the front end reads them: per-operand shapes (numeric
 * from the C API, or the text "8x512,512x64") and per-label dims (the text
 * "b=8,i=512"). Both texts allow spaces between tokens.
 *
 *   shapes := shape { ',' shape }     shape := "" | size { 'x' size }
 *   dims   := "" | dim { ',' dim }    dim   := label '=' size
 *   size   := decimal digits, 0 .. 2^63-1 (0: numpy's empty axis)
 *
 * An empty shape is a scalar operand: "-s ,3" sizes the spec ",i", "-s 3,"
 * sizes "i,", and "-s ," sizes ",". A label in the dims is one letter, as in
 * the spec (UTF-8 allowed).
 */
#ifndef EINC_FE_SIZES_H
#define EINC_FE_SIZES_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "einc.h"
#include "parse.h"

typedef struct {
	int nops;
	int *rank;
	const int64_t **dims; /* nops arrays of rank[k] sizes (unchecked if numeric) */
	const char *text;  /* keep: the shapes text, or NULL for numeric shapes */
	size_t *op_off;    /* text: byte offset of each shape */
	size_t **dim_off;  /* text: byte offset of each size */
} fe_shapes;

typedef struct {
	int n;
	fe_label *labels;  /* n labels, offsets into "text" */
	int64_t *size;
	size_t *size_off;  /* byte offset of each size */
	const char *text;  /* keep: the dims text */
} fe_dims;

/* Parses the shapes text "text" into "*out" (in "a"). Errors are stage
 * "bind" with a caret into "shapes". */
einc_status fe_parse_shapes(einc_ctx *ctx, arena *a, const char *text, fe_shapes **out);

/* Wraps the C API's numeric shapes ("nops" ranks and dims arrays, kept by
 * reference) into "*out"; rejects negative ranks and NULL arrays. */
einc_status fe_shapes_numeric(einc_ctx *ctx, arena *a, int nops, const int *ranks,
                              const int64_t *const *shapes, fe_shapes **out);

/* Parses the dims text "text" into "*out" (in "a"). Errors are stage "bind"
 * with a caret into "dims". */
einc_status fe_parse_dims(einc_ctx *ctx, arena *a, const char *text, fe_dims **out);

#endif
