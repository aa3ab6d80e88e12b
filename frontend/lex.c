/*
 * lex.c - the einsum spec lexer: labels, ',', '->', '...'.
 *
 * Which code points are labels: every one that is not a separator or a
 * control character, so that opt_einsum's whole get_symbol range (a-z,
 * A-Z, then U+00C0 upwards, '×' and '÷' included) is accepted:
 *   - ASCII letters a-z and A-Z (digits and ASCII punctuation stay errors,
 *     as in numpy: the size texts and the IR text forms use them);
 *   - every code point from U+00A0 up except Unicode's White_Space ones
 *     (U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
 *     U+3000); combining marks, symbols, noncharacters included.
 * Controls (U+0000..U+001F, U+007F..U+009F) are not labels; surrogates are
 * not valid UTF-8.
 */
#include "lex.h"

#include <stdio.h>
#include <string.h>

#include "ctx.h"

/* Fails the lexer at byte "off" with a parse error. */
#define LEX_FAIL(lx, off, ...) \
	ctx_fail_at((lx)->ctx, EINC_ESYNTAX, "parse", "spec", (lx)->text, (off), __VA_ARGS__)

/* A lexer reading "text" from its first byte. */
void fe_lex_init(fe_lexer *lx, einc_ctx *ctx, const char *text)
{
	lx->ctx = ctx;
	lx->text = text;
	lx->pos = 0;
}

/* The code point and length of the UTF-8 sequence at "s"; 0 if invalid. */
int fe_utf8_decode(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	int n;
	uint32_t c, min;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	} else if ((u[0] & 0xE0) == 0xC0) {
		n = 2, c = u[0] & 0x1F, min = 0x80;
	} else if ((u[0] & 0xF0) == 0xE0) {
		n = 3, c = u[0] & 0x0F, min = 0x800;
	} else if ((u[0] & 0xF8) == 0xF0) {
		n = 4, c = u[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (int i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0; /* also stops at the NUL terminator */
		c = c << 6 | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* Whether "cp" is Unicode White_Space above ASCII. */
static int is_unicode_space(uint32_t cp)
{
	return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Whether "cp" is a label: the set in the comment at the top. */
int fe_is_label(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	if (cp < 0xA0 || is_unicode_space(cp))
		return 0;
	return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

/* The "k"-th label in code-point order (A-Z, a-z, then U+00A1 up): the
 * code points before it that are no labels are skipped, range by range. */
uint32_t fe_label_at(uint32_t k)
{
	static const uint32_t gaps[][2] = {
		{0x1680, 1}, {0x2000, 11}, {0x2028, 2}, {0x202F, 1}, {0x205F, 1},
		{0x3000, 1}, {0xD800, 0x800},
	};
	if (k < 52)
		return k < 26 ? 'A' + k : 'a' + (k - 26);
	uint32_t cp = 0xA1 + (k - 52);
	for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++)
		if (cp >= gaps[g][0])
			cp += gaps[g][1];
	return cp;
}

/* The UTF-8 bytes of "cp" into "s" (room for 4); returns how many. */
int fe_utf8_encode(uint32_t cp, char *s)
{
	unsigned char *u = (unsigned char *)s;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	u[0] = (unsigned char)(0xF0 | cp >> 18);
	u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	u[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Reports the character at "off" (code point "cp", "n" bytes) as no label. */
static einc_status lex_not_label(fe_lexer *lx, size_t off, uint32_t cp, int n)
{
	if (cp > 0x20 && cp < 0x7F)
		return LEX_FAIL(lx, off, "'%c' is not a label: labels are a-z, A-Z or a "
		                "character beyond ASCII", (int)cp);
	if (cp >= 0xA0)
		return LEX_FAIL(lx, off, "'%.*s' (U+%04X) is a space, not a label", n,
		                lx->text + off, (unsigned)cp);
	return LEX_FAIL(lx, off, "character U+%04X is a control character, not a label",
	                (unsigned)cp);
}

/* Reports the '.' at "off" that does not start a '...'. */
static einc_status lex_bad_dot(fe_lexer *lx, size_t off)
{
	const char *t = lx->text;
	if (off >= 3 && memcmp(t + off - 3, "...", 3) == 0)
		return LEX_FAIL(lx, off, "too many dots: an ellipsis is exactly '...'");
	if (t[off + 1] == '.')
		return LEX_FAIL(lx, off, "expected '...' (three dots), found '..'");
	return LEX_FAIL(lx, off, "expected '...' (three dots), found a lone '.'");
}

/* The next token: skips spaces and tabs, then reads one token. */
einc_status fe_lex_next(fe_lexer *lx, fe_token *tok)
{
	const char *t = lx->text;
	while (t[lx->pos] == ' ' || t[lx->pos] == '\t')
		lx->pos++;
	size_t off = lx->pos;
	memset(tok, 0, sizeof(*tok));
	tok->off = off;
	switch (t[off]) {
	case '\0':
		tok->kind = FE_TOK_END;
		return EINC_OK;
	case ',':
		tok->kind = FE_TOK_COMMA;
		tok->len = 1;
		break;
	case '-':
		if (t[off + 1] != '>')
			return LEX_FAIL(lx, off, "expected '->', found a '-' without '>'");
		tok->kind = FE_TOK_ARROW;
		tok->len = 2;
		break;
	case '>':
		return LEX_FAIL(lx, off, "expected '->', found a '>' without '-'");
	case '.':
		if (t[off + 1] != '.' || t[off + 2] != '.')
			return lex_bad_dot(lx, off);
		tok->kind = FE_TOK_ELLIPSIS;
		tok->len = 3;
		break;
	default: {
		uint32_t cp;
		int n = fe_utf8_decode(t + off, &cp);
		if (n == 0)
			return LEX_FAIL(lx, off, "invalid UTF-8 (byte 0x%02X): labels are letters "
			                "written in UTF-8", (unsigned)(unsigned char)t[off]);
		if (!fe_is_label(cp))
			return lex_not_label(lx, off, cp, n);
		tok->kind = FE_TOK_LABEL;
		tok->len = (size_t)n;
		tok->cp = cp;
		break;
	}
	}
	lx->pos = off + tok->len;
	return EINC_OK;
}
