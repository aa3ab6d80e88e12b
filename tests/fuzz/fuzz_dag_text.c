/*
 * fuzz_dag_text.c - libFuzzer target: arbitrary bytes as an op DAG
 * (.dag text), parsed and linked; a small one that links is planned by
 * einc_plan_dag (with and without a budget taken from its size) and its
 * plan must draw with einc_plan_svg. A failure must leave a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "fuzz_common.h"
#include "dag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The most ops a DAG may have to be planned here (the planner's ILP makes
 * larger ones slow to fuzz). */
#define PLAN_MAX_OPS 12

/* Plans "text" under "budget"; a plan must draw, a failure say why. */
static void plan(einc_ctx *ctx, const char *text, int64_t budget, int staging)
{
	char *p = NULL, *svg = NULL;
	if (einc_plan_dag(ctx, text, "fuzz", budget, staging, &p) != EINC_OK) {
		if (p || !*einc_ctx_message(ctx))
			fuzz_die("a failed plan must give no plan and a message", ctx);
		return;
	}
	if (einc_plan_svg(ctx, p, "plan", &svg) != EINC_OK)
		fuzz_die("the planner's plan must draw", ctx);
	einc_free(svg);
	einc_free(p);
}

/* Parses and links "data"; plans it when small. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_case c = fuzz_case_open(data, size);
	einc_ctx *ctx = c.ctx;
	ir_dag *d = NULL;
	if (ir_dag_parse(ctx, c.a, c.text, "fuzz", &d) != EINC_OK) {
		if (!*einc_ctx_message(ctx))
			fuzz_die("a failed parse must leave a message", ctx);
	} else if (d->nops <= PLAN_MAX_OPS) {
		plan(ctx, c.text, 0, size % 2);
		plan(ctx, c.text, (int64_t)(size * 16), size % 2);
	}
	fuzz_case_close(&c);
	return 0;
}
