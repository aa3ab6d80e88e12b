/*
 * fuzz_plan_svg.c - libFuzzer target: arbitrary bytes as a plan's text
 * drawn by einc_plan_svg. A failure must leave a message and no SVG; a
 * success must give an SVG document, the same bytes when drawn again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "einc.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Draws the text twice; checks a failure's message or the SVG. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	einc_ctx *ctx = einc_ctx_new();
	if (!ctx)
		abort();
	char *svg = NULL, *again = NULL;
	if (einc_plan_svg(ctx, text, "fuzz", &svg) != EINC_OK) {
		if (svg || !*einc_ctx_message(ctx)) {
			fprintf(stderr, "a failed drawing must give no SVG and a message\n");
			abort();
		}
	} else if (!strstr(svg, "<svg ") || !strstr(svg, "</svg>") ||
	           einc_plan_svg(ctx, text, "fuzz", &again) || strcmp(svg, again) != 0) {
		fprintf(stderr, "a valid plan must draw as the same SVG twice\n");
		abort();
	}
	einc_free(svg);
	einc_free(again);
	einc_ctx_free(ctx);
	free(text);
	return 0;
}
