/*
 * lower_copies.c - the plan's spills and reloads as copies before the
 * steps (loop_copy), and the slots of the slow buffer they copy to: one per
 * spilled tree node, in node order (docs/ir.md, "Einsums under a budget").
 */
#include "program.h"

/*
 * The slow-buffer slot of every tree node that some range of "p" spills
 * into "slot" (-1 for the others): one slot per node, in node order, each
 * its arena size, so that a node reloaded several times is stored once.
 * Returns the slow buffer's size.
 */
int64_t lower_slow_slots(const ir_plan *p, int nnodes, int64_t *slot)
{
	for (int x = 0; x < nnodes; x++)
		slot[x] = -1;
	for (int r = 0; r < p->nranges; r++)
		if (p->ranges[r].spill)
			slot[p->ranges[r].tensor] = 0;
	int64_t size = 0;
	for (int x = 0; x < nnodes; x++)
		if (slot[x] == 0) {
			slot[x] = size;
			size += ir_plan_size(p->dag, p->mode, x);
		}
	return size;
}

/* Whether range "x" copies before step "s": in the first pass a spill of
 * a stay that ended at step s - 1, in the second a reload starting at s. */
static int copies_before(const ir_plan_range *x, int s, int reload)
{
	return reload ? x->load && x->first == s : x->spill && x->last == s - 1;
}

/* The copies before step "s" of "p" into "st" (spills first, so that a
 * reload may reuse the space they free), their bytes added to "*moved";
 * EINC_EINTERNAL when a reload finds no slot. */
einc_status lower_copies(arena *a, const ir_plan *p, const int64_t *slot, int s,
                          loop_step *st, int64_t *moved)
{
	int n = 0;
	for (int r = 0; r < p->nranges; r++)
		n += copies_before(&p->ranges[r], s, 0) + copies_before(&p->ranges[r], s, 1);
	if (!n)
		return EINC_OK;
	if (!(st->copies = arena_array(a, (size_t)n, sizeof(loop_copy))))
		return EINC_ENOMEM;
	for (int reload = 0; reload < 2; reload++)
		for (int r = 0; r < p->nranges; r++) {
			const ir_plan_range *x = &p->ranges[r];
			if (!copies_before(x, s, reload))
				continue;
			if (slot[x->tensor] < 0)
				return EINC_EINTERNAL;
			loop_copy *c = &st->copies[st->ncopies++];
			c->reload = reload;
			c->node = x->tensor;
			c->offset = x->offset;
			c->slow = slot[x->tensor];
			c->bytes = ir_plan_size(p->dag, p->mode, x->tensor);
			*moved += c->bytes;
		}
	return EINC_OK;
}
