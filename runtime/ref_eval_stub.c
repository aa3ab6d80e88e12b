/* TEMPORARY stub until the reference evaluator lands. */
#include "einc_rt.h"
int rt_ref_eval(const rt_ref_problem *p, int is_f64, void *out, const void *const in[])
{ (void)p; (void)is_f64; (void)out; (void)in; return -1; }
