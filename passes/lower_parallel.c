/*
 * lower_parallel.c - the rule that splits a plain nest over the thread
 * pool (loop_par): which nests run as tasks, over which loop, in how many
 * chunks. Codegen (emit_tasks.c) only carries it out.
 */
#include "program.h"

/* Plain nests of at least this many iterations run in parallel, in at most
 * PAR_TASKS chunks of their outermost loop; chunks of a summed loop keep
 * their partial results on the caller's stack, PAR_PARTIAL_BYTES at most. */
enum { PAR_MIN_WORK = 1 << 16, PAR_TASKS = 64, PAR_PARTIAL_BYTES = 16 << 10 };

/*
 * Row chunks need more than one thread ("threads" as einc_options; 0: the
 * pool's default); summed chunks do not depend on the threads (the partial
 * sums are then added in the same order on any number of threads) and need
 * room for two partial results or more of "esize"-byte elements.
 */
void lower_parallel(loop_step *st, int threads, int64_t esize)
{
	st->par = (loop_par){LOOP_PAR_NONE, 0, 0, 0, 0, 0};
	const loop_iter *outer = ir_loop_step_outer(st);
	int64_t work = 1;
	for (int d = 0; d < st->ndims; d++)
		work *= st->sizes[d];
	if (!outer || work < PAR_MIN_WORK)
		return;
	int64_t tile = outer->role == LOOP_TILE ? st->tile : outer->role == LOOP_WHOLE ? 1 : 2;
	int64_t extent = (st->sizes[outer->dim] + tile - 1) / tile, most = PAR_TASKS;
	loop_par_mode mode = LOOP_PAR_ROWS;
	if (!st->result.strides[outer->dim]) {
		if (st->strided_out) /* partial results are dense */
			return;
		mode = LOOP_PAR_SUMS;
		most = PAR_PARTIAL_BYTES / (st->result_elems * esize);
	} else if (threads == 1) {
		return;
	}
	if (most > PAR_TASKS)
		most = PAR_TASKS;
	if (most > extent)
		most = extent;
	if (most < 2)
		return;
	int64_t chunk = (extent + most - 1) / most;
	st->par = (loop_par){mode, extent, (extent + chunk - 1) / chunk, chunk, outer->dim, tile};
}
