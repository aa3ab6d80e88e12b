/* sizes.c - the shapes text, the dims text and numeric shapes (sizes.h). */
#include "sizes.h"

#include <string.h>

#include "ctx.h"
#include "labels.h"
#include "lex.h"

/* A scanner over one size text ("shapes" or "dims"), stage "bind". */
typedef struct {
	einc_ctx *ctx;
	const char *text, *where;
	size_t pos;
} scanner;

/* Fails at byte "off" of the scanned text. */
#define SCAN_FAIL(s, status, off, ...) \
	ctx_fail_at((s)->ctx, (status), "bind", (s)->where, (s)->text, (off), __VA_ARGS__)

/* An out-of-memory failure. */
static einc_status sizes_oom(einc_ctx *ctx)
{
	return ctx_fail(ctx, EINC_ENOMEM, "bind", "out of memory");
}

/* Skips spaces and tabs. */
static void scan_space(scanner *s)
{
	while (s->text[s->pos] == ' ' || s->text[s->pos] == '\t')
		s->pos++;
}

/* Reports that "expected" was wanted where the scanner stands. */
static einc_status scan_expected(scanner *s, const char *expected)
{
	const char *t = s->text + s->pos;
	uint32_t cp;
	int n = fe_utf8_decode(t, &cp);
	if (*t == '\0')
		return SCAN_FAIL(s, EINC_ESYNTAX, s->pos, "expected %s, found the end of the %s",
		                 expected, s->where);
	if (n == 0)
		return SCAN_FAIL(s, EINC_ESYNTAX, s->pos, "expected %s, found invalid UTF-8 "
		                 "(byte 0x%02X)", expected, (unsigned)(unsigned char)*t);
	if (cp < 0x20 || cp == 0x7F)
		return SCAN_FAIL(s, EINC_ESYNTAX, s->pos, "expected %s, found character U+%04X",
		                 expected, (unsigned)cp);
	return SCAN_FAIL(s, EINC_ESYNTAX, s->pos, "expected %s, found '%.*s'", expected, n, t);
}

/* Reads a size (decimal, 1 .. INT64_MAX) into "*v", its offset into "*off". */
static einc_status scan_size(scanner *s, int64_t *v, size_t *off)
{
	scan_space(s);
	*off = s->pos;
	const char *t = s->text;
	if (t[s->pos] < '0' || t[s->pos] > '9')
		return scan_expected(s, "a size (a positive integer)");
	int64_t x = 0;
	int over = 0;
	for (; t[s->pos] >= '0' && t[s->pos] <= '9'; s->pos++) {
		int d = t[s->pos] - '0';
		if (x > (INT64_MAX - d) / 10)
			over = 1;
		else
			x = x * 10 + d;
	}
	if (over)
		return SCAN_FAIL(s, EINC_EOVERFLOW, *off, "size %.*s does not fit in int64",
		                 (int)(s->pos - *off), t + *off);
	*v = x;
	return EINC_OK;
}

/* Steps past the ',' after an entry of the size text (spaces skipped):
 * "*end" set at the text's end, else a ',' stepped over, else a failure
 * that "expected" was wanted. */
static einc_status scan_comma(scanner *s, const char *expected, int *end)
{
	scan_space(s);
	*end = s->text[s->pos] == '\0';
	if (*end)
		return EINC_OK;
	if (s->text[s->pos] != ',')
		return scan_expected(s, expected);
	s->pos++;
	return EINC_OK;
}

/* How many "c" bytes "text" has before the first "stop" (or the end). */
static size_t count_until(const char *text, char c, char stop)
{
	size_t n = 0;
	for (; *text && *text != stop; text++)
		n += *text == c;
	return n;
}

/* Starts "*s" on the size text "text" ("where": "shapes" or "dims"),
 * refusing one longer than FE_MAX_TEXT; "*items" gets the most entries it
 * can hold: its ',' plus one. */
static einc_status scan_start(einc_ctx *ctx, const char *text, const char *where, scanner *s,
                              size_t *items)
{
	if (strlen(text) > FE_MAX_TEXT)
		return ctx_fail(ctx, EINC_EINVAL, "bind", "the %s are longer than %d bytes", where,
		                FE_MAX_TEXT);
	*s = (scanner){ctx, text, where, 0};
	*items = count_until(text, ',', '\0') + 1;
	return EINC_OK;
}

/* Reads one shape at the scanner into operand "k" of "sh". */
static einc_status scan_shape(scanner *s, arena *a, fe_shapes *sh, int k)
{
	scan_space(s);
	sh->op_off[k] = s->pos;
	size_t cap = count_until(s->text + s->pos, 'x', ',') + 1;
	int64_t *dims = arena_array(a, cap, sizeof(*dims));
	size_t *off = arena_array(a, cap, sizeof(*off));
	if (!dims || !off)
		return sizes_oom(s->ctx);
	sh->dims[k] = dims;
	sh->dim_off[k] = off;
	sh->rank[k] = 0;
	if (s->text[s->pos] == ',' || s->text[s->pos] == '\0')
		return EINC_OK; /* a scalar */
	for (;;) {
		einc_status st = scan_size(s, &dims[sh->rank[k]], &off[sh->rank[k]]);
		if (st)
			return st;
		sh->rank[k]++;
		scan_space(s);
		if (s->text[s->pos] != 'x')
			return EINC_OK;
		s->pos++;
	}
}

/* The shapes text: shapes separated by ','. */
einc_status fe_parse_shapes(einc_ctx *ctx, arena *a, const char *text, fe_shapes **out)
{
	*out = NULL;
	scanner s;
	size_t nops;
	einc_status st = scan_start(ctx, text, "shapes", &s, &nops);
	if (st)
		return st;
	fe_shapes *sh = arena_alloc(a, sizeof(*sh));
	if (!sh)
		return sizes_oom(ctx);
	sh->text = text;
	sh->rank = arena_array(a, nops, sizeof(*sh->rank));
	sh->dims = arena_array(a, nops, sizeof(*sh->dims));
	sh->op_off = arena_array(a, nops, sizeof(*sh->op_off));
	sh->dim_off = arena_array(a, nops, sizeof(*sh->dim_off));
	if (!sh->rank || !sh->dims || !sh->op_off || !sh->dim_off)
		return sizes_oom(ctx);
	for (int end = 0; !end;) {
		if (sh->nops == FE_MAX_OPERANDS)
			return SCAN_FAIL(&s, EINC_EINVAL, s.pos, "too many shapes: at most %d operands "
			                 "are supported", FE_MAX_OPERANDS);
		if ((st = scan_shape(&s, a, sh, sh->nops)))
			return st;
		sh->nops++;
		if ((st = scan_comma(&s, "'x', ',' or the end of the shapes", &end)))
			return st;
	}
	*out = sh;
	return EINC_OK;
}

/* Numeric shapes, kept by reference. */
einc_status fe_shapes_numeric(einc_ctx *ctx, arena *a, int nops, const int *ranks,
                              const int64_t *const *shapes, fe_shapes **out)
{
	*out = NULL;
	fe_shapes *sh = arena_alloc(a, sizeof(*sh));
	if (!sh || !(sh->rank = arena_array(a, (size_t)nops + 1, sizeof(*sh->rank))) ||
	    !(sh->dims = arena_array(a, (size_t)nops + 1, sizeof(*sh->dims))))
		return sizes_oom(ctx);
	sh->nops = nops;
	for (int k = 0; k < nops; k++) {
		if (ranks[k] < 0)
			return ctx_fail(ctx, EINC_EINVAL, "bind", "shape %d has rank %d; ranks must "
			                "be >= 0", k, ranks[k]);
		if (ranks[k] > 0 && !shapes[k])
			return ctx_fail(ctx, EINC_EINVAL, "bind", "shape %d has rank %d but its dims "
			                "are NULL", k, ranks[k]);
		sh->rank[k] = ranks[k];
		sh->dims[k] = shapes[k];
	}
	*out = sh;
	return EINC_OK;
}

/* Reads one "label=size" at the scanner into entry "k" of "d", rejecting a
 * label given before (tracked in "seen"). */
static einc_status scan_dim(scanner *s, fe_dims *d, int k, fe_labelmap *seen)
{
	scan_space(s);
	const char *t = s->text;
	uint32_t cp;
	int n = fe_utf8_decode(t + s->pos, &cp);
	if (n == 0 || !fe_is_label(cp) || t[s->pos] == '\0')
		return scan_expected(s, "a label (a letter)");
	fe_label *l = &d->labels[k];
	*l = (fe_label){cp, s->pos, (size_t)n};
	int *first = fe_labelmap_slot(seen, cp, k);
	if (*first != k)
		return SCAN_FAIL(s, EINC_ESYNTAX, l->off, "label '%.*s' is given twice", n,
		                 t + l->off);
	s->pos += (size_t)n;
	scan_space(s);
	if (t[s->pos] != '=') {
		if (fe_utf8_decode(t + s->pos, &cp) && fe_is_label(cp))
			return SCAN_FAIL(s, EINC_ESYNTAX, s->pos, "expected '=' after '%.*s' "
			                 "(a label is one letter)", n, t + l->off);
		return scan_expected(s, "'='");
	}
	s->pos++;
	return scan_size(s, &d->size[k], &d->size_off[k]);
}

/* The dims text: "label=size" entries separated by ','; "" gives none. */
einc_status fe_parse_dims(einc_ctx *ctx, arena *a, const char *text, fe_dims **out)
{
	*out = NULL;
	scanner s;
	size_t cap;
	einc_status st = scan_start(ctx, text, "dims", &s, &cap);
	if (st)
		return st;
	fe_dims *d = arena_alloc(a, sizeof(*d));
	fe_labelmap seen;
	if (!d || fe_labelmap_init(&seen, a, cap) ||
	    !(d->labels = arena_array(a, cap, sizeof(*d->labels))) ||
	    !(d->size = arena_array(a, cap, sizeof(*d->size))) ||
	    !(d->size_off = arena_array(a, cap, sizeof(*d->size_off))))
		return sizes_oom(ctx);
	d->text = text;
	scan_space(&s);
	for (int end = text[s.pos] == '\0'; !end;) {
		if ((st = scan_dim(&s, d, d->n, &seen)))
			return st;
		d->n++;
		if ((st = scan_comma(&s, "',' or the end of the dims", &end)))
			return st;
	}
	*out = d;
	return EINC_OK;
}
