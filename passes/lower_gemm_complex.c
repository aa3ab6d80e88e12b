/*
 * lower_gemm_complex.c - a complex GEMM-like step as a real one, BLIS's 1m
 * method: numpy's interleaved complex tensors are real tensors with one
 * more dim, the two parts. Each stride doubles (it counts parts); K gets
 * the parts of A (re, im along K) and N those of C, both innermost, and B,
 * packed by the runtime as 2 x 2 blocks [re im; -im re] per element
 * (runtime/gett.c's pack_c_T), turns the real product of A and B into the
 * complex one: C.re += A.re B.re - A.im B.im, C.im += A.re B.im + A.im B.re.
 * The real micro-kernel then does the complex step's 8 flops per
 * multiply-add at real speed, with nothing wasted on the complex form.
 */
#include "program.h"

/* Whether dim "d" is the innermost of its group in "g" (among "dims"). */
static int innermost(const loop_gemm *g, int first, int count, int d)
{
	return count > 0 && g->dims[first + count - 1] == d;
}

loop_gemm *lower_gemm_complex(arena *a, const loop_step *st, int64_t part_bytes,
                              int vector_bits, const cg_caches *caches, int64_t ws_bytes)
{
	/* the complex step's own GETT form says which argument is B */
	const loop_gemm *c = lower_gemm(a, st, 2 * part_bytes, vector_bits, caches, ws_bytes, 1);
	if (!c)
		return NULL;
	int n = st->ndims, kp = n, np = n + 1; /* the parts along K and along N */
	loop_step *v = arena_alloc(a, sizeof(*v));
	if (!v)
		return NULL;
	*v = *st;
	v->ndims = n + 2;
	v->sizes = arena_array(a, (size_t)n + 2, sizeof(int64_t));
	v->index = arena_array(a, (size_t)n + 2, sizeof(int));
	v->names = arena_array(a, (size_t)n + 2, sizeof(char *));
	loop_access *acc[3] = {&v->result, &v->args[0], &v->args[1]};
	for (int t = 0; t < 3; t++)
		acc[t]->strides = arena_array(a, (size_t)n + 2, sizeof(int64_t));
	if (!v->sizes || !v->index || !v->names || !acc[0]->strides || !acc[1]->strides ||
	    !acc[2]->strides)
		return NULL;
	const loop_access *from[3] = {&st->result, &st->args[0], &st->args[1]};
	for (int d = 0; d < n; d++) {
		v->sizes[d] = st->sizes[d];
		v->index[d] = st->index[d];
		v->names[d] = st->names[d];
		for (int t = 0; t < 3; t++)
			acc[t]->strides[d] = 2 * from[t]->strides[d];
	}
	/* the parts: A's along K, C's along N; B's stride 1 on both makes them
	 * K and N dims (its packing reads the parts at even offsets only) */
	loop_access *ra = acc[1 + c->a], *rb = acc[2 - c->a], *rc = acc[0];
	v->sizes[kp] = v->sizes[np] = 2;
	v->index[kp] = v->index[np] = -1;
	v->names[kp] = "k.part";
	v->names[np] = "n.part";
	ra->strides[kp] = 1, rb->strides[kp] = 1, rc->strides[kp] = 0;
	ra->strides[np] = 0, rb->strides[np] = 1, rc->strides[np] = 1;
	loop_gemm *g = lower_gemm(a, v, part_bytes, vector_bits, caches, ws_bytes, 1);
	/* the real form keeps the sides, and the parts innermost (even blocks) */
	if (!g || g->a != c->a || !innermost(g, g->nb + g->nm, g->nn, np) ||
	    !innermost(g, g->nb + g->nm + g->nn, g->nk, kp) || g->kc % 2 || g->nc % 2 || g->nr % 2)
		return NULL;
	return g;
}
