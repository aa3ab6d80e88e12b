/*
 * strbuf.h - a growing heap string for printers and messages. A failed
 * append marks the buffer broken; later appends do nothing, and the owner
 * checks "broken" once at the end.
 */
#ifndef EINC_STRBUF_H
#define EINC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *s;      /* NUL-terminated once anything was appended; heap */
	size_t len, cap;
	int broken;   /* an append failed (out of memory) */
} strbuf;

/* Appends printf-style text to "b". */
void strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap);

/* printf-style text in a new heap string (give, free()); NULL when out of
 * memory. */
char *strbuf_vformat(const char *fmt, va_list ap);

/* Appends the "n" bytes at "s" to "b". */
void strbuf_append(strbuf *b, const char *s, size_t n);

/* Hands the string of "b" to the caller (give, free()), or NULL when "b" is
 * broken; "b" is empty afterwards. An empty buffer gives "". */
char *strbuf_take(strbuf *b);

#endif
