/*
 * parse.h - an einsum spec as terms: the numpy grammar
 *
 *   spec   := inputs [ '->' term ]
 *   inputs := term { ',' term }
 *   term   := { label | '...' }      (at most one '...'; may be empty: a scalar)
 *
 * with spaces allowed between tokens ("" and "->" are one scalar operand,
 * as in numpy). Without '->' the output is implicit:
 * the labels that appear exactly once in the inputs, sorted by code point,
 * after '...' when any input has one (numpy's rule). The parser checks what
 * the spec alone decides (syntax, repeated or unknown output labels); sizes
 * come later (bind.c).
 */
#ifndef EINC_FE_PARSE_H
#define EINC_FE_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "einc.h"

/* The most operands a spec may have. */
#define FE_MAX_OPERANDS 4096

/* The longest spec, dims or shapes text accepted, in bytes. */
#define FE_MAX_TEXT (1 << 20)

typedef struct {
	uint32_t cp;     /* code point */
	size_t off, len; /* its bytes in the spec */
} fe_label;

typedef struct {
	int nlabels;
	fe_label *labels;  /* in spec order, '...' left out */
	int ellipsis;      /* -1, or how many labels precede the '...' */
	size_t ell_off;    /* byte offset of the '...' */
	size_t off;        /* byte offset of the term (where it would be if empty) */
} fe_term;

typedef struct {
	const char *text;    /* keep: the spec */
	int nops;
	fe_term *ops;        /* the inputs */
	int explicit_output; /* whether the spec has '->' */
	size_t arrow_off;    /* byte offset of '->' */
	fe_term out;         /* the output, given or implied; an implied output's
	                        labels point at their place in the inputs */
	int ellipsis_op;     /* the first input with '...', or -1 */
	size_t ninput_labels; /* label occurrences over all inputs */
} fe_spec;

/* Parses "spec" into "*out", allocated in "a". Errors are stage "parse",
 * EINC_ESYNTAX (EINC_EINVAL for a spec beyond FE_MAX_TEXT). */
einc_status fe_parse_spec(einc_ctx *ctx, arena *a, const char *spec, fe_spec **out);

#endif
