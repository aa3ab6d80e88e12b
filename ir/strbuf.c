/* strbuf.c - a growing heap string. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for "n" more bytes plus a NUL; returns 0 or -1 (then broken). */
static int strbuf_reserve(strbuf *b, size_t n)
{
	if (b->broken)
		return -1;
	if (n >= ((size_t)-1) / 4 - b->len) {
		b->broken = 1;
		return -1;
	}
	if (b->len + n + 1 <= b->cap)
		return 0;
	size_t cap = (b->len + n + 1) * 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->broken = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

/* Appends printf-style text, measuring it first. */
void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->broken = 1;
		return;
	}
	if (strbuf_reserve(b, (size_t)n) < 0)
		return;
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void strbuf_printf(strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *strbuf_vformat(const char *fmt, va_list ap)
{
	strbuf b = {0};
	strbuf_vprintf(&b, fmt, ap);
	return strbuf_take(&b);
}

void strbuf_append(strbuf *b, const char *s, size_t n)
{
	if (strbuf_reserve(b, n) < 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* The string, or NULL (freeing it) when broken. */
char *strbuf_take(strbuf *b)
{
	char *s = b->s;
	if (b->broken) {
		free(s);
		s = NULL;
	} else if (!s) {
		s = calloc(1, 1);
	}
	*b = (strbuf){0};
	return s;
}
