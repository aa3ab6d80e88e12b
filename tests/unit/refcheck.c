/* refcheck.c - compiling for the tests, their generator and their random
 * inputs for a program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "refcheck.h"

einc_program *refcheck_compile(einc_ctx *ctx, const char *spec, const char *dims,
                               einc_dtype dtype)
{
	einc_options o;
	einc_options_init(&o);
	o.dtype = dtype;
	einc_program *p = NULL;
	if (einc_compile_text(ctx, spec, dims, NULL, &o, &p))
		fail_msg("%s: %s", spec, einc_ctx_message(ctx));
	return p;
}

uint64_t refcheck_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* Room for each input (one byte more: no malloc(0)), then the library's
 * values. */
void **refcheck_inputs(einc_ctx *ctx, const einc_program *p, uint64_t *s)
{
	int n = einc_program_num_inputs(p);
	size_t esize = einc_dtype_size(einc_program_dtype(p));
	void **in = calloc((size_t)n + 1, sizeof(void *));
	int ok = in != NULL;
	for (int k = 0; ok && k < n; k++)
		ok = (in[k] = malloc((size_t)einc_program_elems(p, k) * esize + 1)) != NULL;
	if (!ok || einc_program_random_inputs(ctx, p, refcheck_rand(s), in)) {
		refcheck_inputs_free(in);
		return NULL;
	}
	return in;
}

void refcheck_inputs_free(void **in)
{
	for (int k = 0; in && in[k]; k++)
		free(in[k]);
	free(in);
}
