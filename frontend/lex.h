/*
 * lex.h - tokens of an einsum spec: labels (one code point each, given as
 * UTF-8: a-z, A-Z or any character beyond ASCII but spaces and controls),
 * ',', '->', '...'; spaces and tabs between tokens are skipped.
 * Every token carries its byte offset into the spec, for caret messages.
 */
#ifndef EINC_FE_LEX_H
#define EINC_FE_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "einc.h"

typedef enum {
	FE_TOK_END,      /* the end of the spec */
	FE_TOK_LABEL,    /* one letter: "cp" holds its code point */
	FE_TOK_COMMA,    /* ',' */
	FE_TOK_ARROW,    /* '->' */
	FE_TOK_ELLIPSIS, /* '...' */
} fe_tok_kind;

typedef struct {
	fe_tok_kind kind;
	size_t off, len; /* bytes of the spec the token spans */
	uint32_t cp;     /* FE_TOK_LABEL: the code point */
} fe_token;

typedef struct {
	einc_ctx *ctx;    /* where errors go (stage "parse", input "spec") */
	const char *text; /* keep: the spec, NUL-terminated */
	size_t pos;       /* byte offset of the next unread character */
} fe_lexer;

/* A lexer at the start of "text" reporting into "ctx". */
void fe_lex_init(fe_lexer *lx, einc_ctx *ctx, const char *text);

/* Reads the next token of "lx" into "*tok"; EINC_ESYNTAX (with a caret
 * message in the context) for a character that starts no token. */
einc_status fe_lex_next(fe_lexer *lx, fe_token *tok);

/* Decodes the UTF-8 character at "s" into "*cp": returns its length in
 * bytes (1 to 4), or 0 when the bytes there are not valid UTF-8 (overlong,
 * surrogate, beyond U+10FFFF, truncated, a stray continuation byte). */
int fe_utf8_decode(const char *s, uint32_t *cp);

/* Whether code point "cp" may be a label (see lex.c for the exact set). */
int fe_is_label(uint32_t cp);

/* FE_LABEL_COUNT labels exist: the "k"-th of them (k below that) in
 * code-point order, A-Z and a-z first; k < l gives a smaller code point. */
#define FE_LABEL_COUNT (52 + (0x10FFFF + 1 - 0xA1) - 0x800 - 17)
uint32_t fe_label_at(uint32_t k);

/* Writes the UTF-8 form of code point "cp" (at most U+10FFFF, no
 * surrogate) into "s", which has room for 4 bytes; returns its length. */
int fe_utf8_encode(uint32_t cp, char *s);

#endif
