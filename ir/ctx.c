/* ctx.c - einc_ctx: status, stage and message of the last call. */
#include "ctx.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static const char oom_message[] = "error: out of memory while reporting an error";

/* A new context in the success state. */
einc_ctx *einc_ctx_new(void)
{
	einc_ctx *ctx = calloc(1, sizeof(*ctx));
	if (ctx)
		ctx->stage = "";
	return ctx;
}

/* Frees "ctx" and its message. */
void einc_ctx_free(einc_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->message);
	free(ctx);
}

einc_status einc_ctx_status(const einc_ctx *ctx)
{
	return ctx ? ctx->status : EINC_EINVAL;
}

const char *einc_ctx_message(const einc_ctx *ctx)
{
	if (!ctx)
		return "error: no context";
	if (ctx->message)
		return ctx->message;
	return ctx->status == EINC_OK ? "" : oom_message;
}

const char *einc_ctx_stage(const einc_ctx *ctx)
{
	return ctx ? ctx->stage : "";
}

/* Sets where the progress lines of "ctx" go. */
void einc_ctx_set_log(einc_ctx *ctx, einc_log_fn *fn, void *user)
{
	if (!ctx)
		return;
	ctx->log = fn;
	ctx->log_user = user;
}

/* Formats the line and hands it to the log function. */
void ctx_log(const einc_ctx *ctx, const char *fmt, ...)
{
	if (!ctx || !ctx->log)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *line = strbuf_vformat(fmt, ap);
	va_end(ap);
	if (line)
		ctx->log(ctx->log_user, line);
	free(line);
}

/* Clears the message and status of "ctx". */
einc_status ctx_ok(einc_ctx *ctx)
{
	free(ctx->message);
	ctx->message = NULL;
	ctx->stage = "";
	ctx->status = EINC_OK;
	return EINC_OK;
}

/* Stores the message of "b" (or the out-of-memory text) in "ctx". */
static einc_status ctx_store(einc_ctx *ctx, strbuf *b, einc_status status,
                             const char *stage)
{
	free(ctx->message);
	ctx->message = strbuf_take(b);
	ctx->status = status;
	ctx->stage = stage;
	return status;
}

/* Records "stage: message" as the failure of "ctx". */
einc_status ctx_fail(einc_ctx *ctx, einc_status status, const char *stage,
                     const char *fmt, ...)
{
	strbuf b = {0};
	va_list ap;
	strbuf_printf(&b, "error: %s: ", stage);
	va_start(ap, fmt);
	strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	return ctx_store(ctx, &b, status, stage);
}

/* Whether "c" starts a UTF-8 character (is not a continuation byte). */
static int utf8_lead(unsigned char c)
{
	return (c & 0xC0) != 0x80;
}

/* Records the failure with where:line:col, the offending line and a caret. */
einc_status ctx_fail_at(einc_ctx *ctx, einc_status status, const char *stage,
                        const char *where, const char *text, size_t offset,
                        const char *fmt, ...)
{
	size_t len = strlen(text);
	if (offset > len)
		offset = len;
	size_t bol = offset, eol = offset, line = 1;
	while (bol > 0 && text[bol - 1] != '\n')
		bol--;
	while (eol < len && text[eol] != '\n' && text[eol] != '\r')
		eol++;
	for (size_t i = 0; i < bol; i++)
		line += text[i] == '\n';
	size_t col = 1;
	for (size_t i = bol; i < offset; i++)
		col += utf8_lead((unsigned char)text[i]);

	strbuf b = {0};
	va_list ap;
	strbuf_printf(&b, "%s:%zu:%zu: error: %s: ", where, line, col, stage);
	va_start(ap, fmt);
	strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	strbuf_printf(&b, "\n  %.*s\n  ", (int)(eol - bol), text + bol);
	for (size_t i = bol; i < offset; i++)
		if (utf8_lead((unsigned char)text[i]))
			strbuf_printf(&b, "%c", text[i] == '\t' ? '\t' : ' ');
	strbuf_printf(&b, "^");
	return ctx_store(ctx, &b, status, stage);
}

const char *einc_status_name(einc_status status)
{
	switch (status) {
#define EINC_STATUS_CASE(name, text) case EINC_##name: return text;
	EINC_STATUS_MAP(EINC_STATUS_CASE)
#undef EINC_STATUS_CASE
	}
	return "unknown status";
}

unsigned einc_version_number(void)
{
	return EINC_VERSION_NUMBER;
}
