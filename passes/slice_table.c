/* slice_table.c - the table runtime/slices.h runs the slices of a program with. */
#include <stdlib.h>

#include "dtype.h"
#include "slice.h"
#include "slices.h"

/* Whether index "i" is one of the sliced indices of "s" (NULL: none). */
static int is_sliced(const slicing *s, int i)
{
	for (int x = 0; s && x < s->n; x++)
		if (s->index[x] == i)
			return 1;
	return 0;
}

int64_t *slice_table(const ir_graph *g, const slicing *s, size_t *len)
{
	int n = g->ninputs, nl = s ? s->n : 0, r = s ? 0 : 1; /* unsliced: one flat part */
	for (int x = 0; s && x < g->output.rank; x++)
		r += !is_sliced(s, g->output.index[x]);
	*len = SLICES_HEAD + 2 * (size_t)r + (size_t)nl * (2 + (size_t)n);
	int64_t *t = malloc(sizeof(int64_t) * *len);
	int64_t *st = malloc(sizeof(int64_t) * (2 * (size_t)g->nindices + 1));
	if (!t || !st) {
		free(t);
		free(st);
		return NULL;
	}
	int64_t *ks = st + g->nindices; /* an input's strides */
	int64_t elems = 1, *at = t + SLICES_HEAD;
	ir_graph_memory_strides(g, -1, st);
	if (!s) { /* the whole output as it is, empty (a label of size 0) included */
		at[0] = elems = ir_graph_elems(g, -1);
		at[1] = 1;
		at++;
		if (g->strides && g->strides[n])
			elems = -1; /* no dense part: the kernel writes the strided output */
	}
	for (int x = 0; s && x < g->output.rank; x++)
		if (!is_sliced(s, g->output.index[x])) {
			at[0] = g->output.dims[x];
			at[r] = st[g->output.index[x]];
			elems *= at[0];
			at++;
		}
	at += r;
	for (int l = 0; l < nl; l++, at += 2 + n) {
		int i = s->index[l];
		at[0] = g->indices[i].size;
		at[1] = st[i];
		for (int k = 0; k < n; k++) {
			ir_graph_memory_strides(g, k, ks);
			at[2 + k] = ks[i];
		}
	}
	t[SLICES_VERSION] = EINC_RT_SLICES_V2;
	t[SLICES_ESIZE] = ir_dtype(g->dtype)->bytes;
	t[SLICES_NIN] = n;
	t[SLICES_NLAB] = nl;
	t[SLICES_NSUM] = s ? s->nsummed : 0;
	t[SLICES_RANK] = r;
	t[SLICES_ELEMS] = elems;
	t[SLICES_KIND] = ir_dtype(g->dtype)->kind; /* einc_dtype_kind_t: EINC_RT_'s values */
	free(st);
	return t;
}
