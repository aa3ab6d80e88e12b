/*
 * ctx.h - the context behind einc_ctx: the status of the last call and one
 * message naming the stage, the position (with the input echoed and a caret)
 * and what was expected.
 */
#ifndef EINC_CTX_H
#define EINC_CTX_H

#include <stddef.h>

#include "einc.h"

struct einc_ctx {
	einc_status status;
	const char *stage; /* static string */
	char *message;     /* heap, or NULL for "" */
	einc_log_fn *log;  /* receives progress lines, or NULL */
	void *log_user;
};

/* Marks "ctx" successful and clears its message; returns EINC_OK. */
einc_status ctx_ok(einc_ctx *ctx);

/* Records a failure of "stage" with the printf-style message "fmt";
 * returns "status". */
einc_status ctx_fail(einc_ctx *ctx, einc_status status, const char *stage,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Records a failure of "stage" at byte "offset" of "text", an input called
 * "where" ("spec", "dims", a file name): the message starts with
 * where:LINE:COL (COL counts characters, not bytes), then the line of "text"
 * and a caret under the culprit. Returns "status".
 */
einc_status ctx_fail_at(einc_ctx *ctx, einc_status status, const char *stage,
                        const char *where, const char *text, size_t offset,
                        const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Sends the printf-style line "fmt" to the log function of "ctx" (none:
 * nothing happens; out of memory: the line is dropped). */
void ctx_log(const einc_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
