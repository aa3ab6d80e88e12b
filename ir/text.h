/*
 * text.h - the lexical layer shared by the IR text forms (graph, tree, plan):
 * a tokenizer with byte offsets and caret errors, and the matching writer for
 * quoted strings.
 *
 * Tokens: identifiers (letters, digits, '_', '.' and any UTF-8 character
 * from U+0080 up, not starting with a digit: "b", "α", ".0", "dtype"), names
 * "%N", decimal integers (int64, overflow checked), double-quoted strings
 * (escapes \" \\ \n \t \xHH), punctuation ("[ ] ( ) { } < > : , = + - * / @ !"
 * and "->"), and the end of each line. Blanks (space, tab, CR, VT, FF)
 * separate tokens; ';' starts a comment that runs to the end of the line.
 */
#ifndef EINC_TEXT_H
#define EINC_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "einc.h"
#include "strbuf.h"

typedef enum {
	TEXT_EOF,    /* the end of the text */
	TEXT_EOL,    /* a newline */
	TEXT_IDENT,  /* an identifier */
	TEXT_NAME,   /* %N; "num" holds N */
	TEXT_INT,    /* a decimal integer; "num" holds it */
	TEXT_STRING, /* a quoted string; text_string decodes it */
	TEXT_PUNCT,  /* one of the punctuation marks above */
} text_kind;

typedef struct {
	text_kind kind;
	size_t off, len; /* the token's bytes in the text */
	int64_t num;     /* TEXT_NAME, TEXT_INT */
} text_token;

typedef struct {
	einc_ctx *ctx;     /* errors go here */
	const char *text;  /* keep: the whole input, NUL-terminated */
	const char *where; /* the input's name in messages ("graph", a file) */
	const char *stage; /* the stage in messages ("graph", "tree") */
	size_t pos;        /* the byte after the current token */
	text_token tok;    /* the current token */
} text_lexer;

/* Starts "lx" on "text" and reads the first token into lx->tok; returns
 * EINC_OK or the status of a lexical error (recorded in "ctx"). */
einc_status text_init(text_lexer *lx, einc_ctx *ctx, const char *text,
                      const char *where, const char *stage);

/* Reads the next token into lx->tok; EINC_OK or a lexical error. */
einc_status text_next(text_lexer *lx);

/* Records a syntax-level failure at byte "off" of the text, with a caret;
 * returns "status". */
einc_status text_fail(text_lexer *lx, size_t off, einc_status status,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Records "expected WHAT, found <the current token>" at the current token;
 * returns EINC_ESYNTAX. */
einc_status text_expected(text_lexer *lx, const char *what);

/* Whether the current token is the identifier "word". */
int text_is_word(const text_lexer *lx, const char *word);

/* Whether the current token is the punctuation "p" ("[", "->"). */
int text_is_punct(const text_lexer *lx, const char *p);

/* Skips end-of-line tokens; EINC_OK or a lexical error. */
einc_status text_skip_eols(text_lexer *lx);

/* A NUL-terminated copy of the current token's bytes in "a" (NULL when out
 * of memory). */
char *text_token_str(const text_lexer *lx, arena *a);

/* The decoded contents of the current TEXT_STRING token in "a" (NULL when
 * out of memory). */
char *text_string(const text_lexer *lx, arena *a);

/* The length (1..4) of the well-formed UTF-8 character that starts the "n"
 * bytes at "s", or 0 when they do not start one. Reads no byte past a NUL. */
size_t text_utf8_len(const char *s, size_t n);

/* Appends "s" to "b" as a quoted string that text_string reads back to the
 * same bytes. */
void text_print_string(strbuf *b, const char *s);

#endif
