/* plan.c - facts about plans. */
#include "plan.h"

#include <stddef.h>

const ir_plan_step *ir_plan_step_of(const ir_plan *p, int node)
{
	for (int s = 0; s < p->nsteps; s++)
		if (p->steps[s].node == node)
			return &p->steps[s];
	return NULL;
}
