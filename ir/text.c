/* text.c - tokens of the IR text forms, and quoted strings both ways. */
#include "text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

/* Whether byte "c" may start an identifier (UTF-8 is checked separately). */
static int ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == '.' || c >= 0x80;
}

/* Whether byte "c" is a decimal digit. */
static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* The value of hex digit "c", or -1. */
static int hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Checks the UTF-8 rules of RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
size_t text_utf8_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
	if (u[0] >= 0xC2 && u[0] <= 0xDF)
		len = 2;
	else if (u[0] >= 0xE0 && u[0] <= 0xEF)
		len = 3, lo = u[0] == 0xE0 ? 0xA0 : 0x80, hi = u[0] == 0xED ? 0x9F : 0xBF;
	else if (u[0] >= 0xF0 && u[0] <= 0xF4)
		len = 4, lo = u[0] == 0xF0 ? 0x90 : 0x80, hi = u[0] == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	if (n < len || u[1] < lo || u[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (u[i] < 0x80 || u[i] > 0xBF)
			return 0;
	return len;
}

/* Formats the message and records it with where:line:col and a caret. */
einc_status text_fail(text_lexer *lx, size_t off, einc_status status,
                      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = strbuf_vformat(fmt, ap);
	va_end(ap);
	if (!msg)
		return ctx_fail(lx->ctx, EINC_ENOMEM, lx->stage, "out of memory");
	ctx_fail_at(lx->ctx, status, lx->stage, lx->where, lx->text, off, "%s", msg);
	free(msg);
	return status;
}

/* Names the current token for "expected ..., found ..." messages. */
einc_status text_expected(text_lexer *lx, const char *what)
{
	const text_token *t = &lx->tok;
	switch (t->kind) {
	case TEXT_EOF:
		return text_fail(lx, t->off, EINC_ESYNTAX, "expected %s, found the end of the text", what);
	case TEXT_EOL:
		return text_fail(lx, t->off, EINC_ESYNTAX, "expected %s, found the end of the line", what);
	case TEXT_STRING:
		return text_fail(lx, t->off, EINC_ESYNTAX, "expected %s, found a string", what);
	default:
		return text_fail(lx, t->off, EINC_ESYNTAX, "expected %s, found '%.*s'", what,
		                 (int)t->len, lx->text + t->off);
	}
}

/* Reads the digits at "p" into "*value"; returns the end, or NULL (with the
 * error recorded) when the number does not fit in int64 or runs into
 * letters. */
static const char *lex_digits(text_lexer *lx, const char *p, size_t start,
                              int64_t *value)
{
	int64_t v = 0;
	for (; is_digit((unsigned char)*p); p++) {
		int d = *p - '0';
		if (v > (INT64_MAX - d) / 10) {
			text_fail(lx, start, EINC_EOVERFLOW, "number does not fit in 64 bits");
			return NULL;
		}
		v = v * 10 + d;
	}
	if (ident_start((unsigned char)*p)) {
		text_fail(lx, start, EINC_ESYNTAX, "malformed number");
		return NULL;
	}
	*value = v;
	return p;
}

/* Checks the string whose opening quote is at "p"; returns the byte after
 * the closing quote, or NULL with the error recorded. */
static const char *lex_string(text_lexer *lx, const char *p)
{
	const char *text = lx->text;
	for (p++;;) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c == '\0' || c == '\n') {
			text_fail(lx, (size_t)(p - text), EINC_ESYNTAX, "unterminated string");
			return NULL;
		}
		if (c == '\\') {
			char e = p[1];
			if (e == '"' || e == '\\' || e == 'n' || e == 't') {
				p += 2;
				continue;
			}
			if (e != 'x') {
				text_fail(lx, (size_t)(p - text), EINC_ESYNTAX,
				          "unknown escape (expected \\\" \\\\ \\n \\t or \\xHH)");
				return NULL;
			}
			int h = hex_value((unsigned char)p[2]), l = h < 0 ? -1 : hex_value((unsigned char)p[3]);
			if (l < 0) {
				text_fail(lx, (size_t)(p - text), EINC_ESYNTAX, "expected two hex digits after \\x");
				return NULL;
			}
			if (h == 0 && l == 0) {
				text_fail(lx, (size_t)(p - text), EINC_ESYNTAX, "a string cannot hold a NUL byte");
				return NULL;
			}
			p += 4;
			continue;
		}
		if (c < 0x20 || c == 0x7F) {
			text_fail(lx, (size_t)(p - text), EINC_ESYNTAX,
			          "control character in a string (write it as \\xHH)");
			return NULL;
		}
		size_t n = text_utf8_len(p, 4); /* stops at the NUL */
		if (n == 0) {
			text_fail(lx, (size_t)(p - text), EINC_ESYNTAX, "invalid UTF-8");
			return NULL;
		}
		p += n;
	}
}

/* Reads the identifier at "p"; returns its end, or NULL on bad UTF-8. */
static const char *lex_ident(text_lexer *lx, const char *p)
{
	while (ident_start((unsigned char)*p) || is_digit((unsigned char)*p)) {
		size_t n = text_utf8_len(p, 4); /* stops at the NUL */
		if (n == 0) {
			text_fail(lx, (size_t)(p - lx->text), EINC_ESYNTAX, "invalid UTF-8");
			return NULL;
		}
		p += n;
	}
	return p;
}

/* The punctuation marks, longest first. */
static const char *const puncts[] = {
	"->", "[", "]", "(", ")", "{", "}", "<", ">", ":", ",", "=", "+", "-", "*", "/", "@", "!",
};

/* Skips blanks and comments, then reads one token. */
einc_status text_next(text_lexer *lx)
{
	const char *text = lx->text, *p = text + lx->pos;
	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v' || *p == '\f')
			p++;
		else if (*p == ';')
			while (*p && *p != '\n')
				p++;
		else
			break;
	}
	text_token *t = &lx->tok;
	*t = (text_token){.off = (size_t)(p - text)};
	const char *end = p + 1;
	unsigned char c = (unsigned char)*p;
	if (c == '\0') {
		t->kind = TEXT_EOF;
		end = p;
	} else if (c == '\n') {
		t->kind = TEXT_EOL;
	} else if (is_digit(c)) {
		t->kind = TEXT_INT;
		end = lex_digits(lx, p, t->off, &t->num);
	} else if (c == '%') {
		t->kind = TEXT_NAME;
		if (!is_digit((unsigned char)p[1]))
			return text_fail(lx, t->off, EINC_ESYNTAX, "expected a number after '%%'");
		end = lex_digits(lx, p + 1, t->off, &t->num);
	} else if (c == '"') {
		t->kind = TEXT_STRING;
		end = lex_string(lx, p);
	} else if (ident_start(c)) {
		t->kind = TEXT_IDENT;
		end = lex_ident(lx, p);
	} else {
		t->kind = TEXT_PUNCT;
		end = NULL;
		for (size_t i = 0; i < sizeof puncts / sizeof puncts[0] && !end; i++)
			if (!strncmp(p, puncts[i], strlen(puncts[i])))
				end = p + strlen(puncts[i]);
		if (!end && c > 0x20 && c < 0x7F)
			return text_fail(lx, t->off, EINC_ESYNTAX, "unexpected character '%c'", c);
		if (!end)
			return text_fail(lx, t->off, EINC_ESYNTAX, "unexpected byte 0x%02X", c);
	}
	if (!end)
		return lx->ctx->status;
	t->len = (size_t)(end - p);
	lx->pos = (size_t)(end - text);
	return EINC_OK;
}

/* Points "lx" at the start of "text" and reads the first token. */
einc_status text_init(text_lexer *lx, einc_ctx *ctx, const char *text,
                      const char *where, const char *stage)
{
	*lx = (text_lexer){.ctx = ctx, .text = text, .where = where, .stage = stage};
	return text_next(lx);
}

/* Compares the current token with an identifier. */
int text_is_word(const text_lexer *lx, const char *word)
{
	return lx->tok.kind == TEXT_IDENT && lx->tok.len == strlen(word) &&
	       !memcmp(lx->text + lx->tok.off, word, lx->tok.len);
}

/* Compares the current token with a punctuation mark. */
int text_is_punct(const text_lexer *lx, const char *p)
{
	return lx->tok.kind == TEXT_PUNCT && lx->tok.len == strlen(p) &&
	       !memcmp(lx->text + lx->tok.off, p, lx->tok.len);
}

/* Moves past newlines to the next token that is not one. */
einc_status text_skip_eols(text_lexer *lx)
{
	einc_status st = EINC_OK;
	while (!st && lx->tok.kind == TEXT_EOL)
		st = text_next(lx);
	return st;
}

/* Copies the current token's bytes. */
char *text_token_str(const text_lexer *lx, arena *a)
{
	return arena_strndup(a, lx->text + lx->tok.off, lx->tok.len);
}

/* Decodes the escapes of a string the lexer has already checked. */
char *text_string(const text_lexer *lx, arena *a)
{
	const char *p = lx->text + lx->tok.off + 1, *end = lx->text + lx->tok.off + lx->tok.len - 1;
	char *s = arena_alloc(a, (size_t)(end - p) + 1), *q = s;
	if (!s)
		return NULL;
	while (p < end) {
		if (*p != '\\') {
			*q++ = *p++;
			continue;
		}
		char e = p[1];
		if (e == 'x') {
			*q++ = (char)(hex_value((unsigned char)p[2]) * 16 + hex_value((unsigned char)p[3]));
			p += 4;
		} else {
			*q++ = e == 'n' ? '\n' : e == 't' ? '\t' : e;
			p += 2;
		}
	}
	return s;
}

/* Escapes quotes, backslashes, control bytes and bytes that are not UTF-8. */
void text_print_string(strbuf *b, const char *s)
{
	strbuf_append(b, "\"", 1);
	for (size_t i = 0, n = strlen(s); i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = text_utf8_len(s + i, n - i);
		if (c == '"' || c == '\\')
			strbuf_printf(b, "\\%c", c);
		else if (c == '\n')
			strbuf_append(b, "\\n", 2);
		else if (c == '\t')
			strbuf_append(b, "\\t", 2);
		else if (c < 0x20 || c == 0x7F || len == 0)
			strbuf_printf(b, "\\x%02X", c);
		else {
			strbuf_append(b, s + i, len);
			i += len;
			continue;
		}
		i++;
	}
	strbuf_append(b, "\"", 1);
}
