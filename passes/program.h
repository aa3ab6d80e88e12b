/*
 * program.h - what einc_compile produces: the arena of the compilation and
 * the IR of every stage computed so far.
 */
#ifndef EINC_PROGRAM_H
#define EINC_PROGRAM_H

#include "arena.h"
#include "einc.h"
#include "graph.h"

struct einc_program {
	arena *arena;    /* owns everything below */
	einc_options options;
	ir_graph *graph;
};

#endif
