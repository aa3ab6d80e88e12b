/*
 * parts.h - the parts of einc's elements read as doubles, for the tools'
 * checksums and comparisons (parts.c): a real or an integer is one part,
 * a complex two (real first, as numpy lays them out).
 */
#ifndef EINC_PARTS_H
#define EINC_PARTS_H

#include <stddef.h>

#include "einc.h"

/* The parts of "elems" elements of "t"; each part's bytes into "*bytes". */
size_t parts_count(einc_dtype t, size_t elems, size_t *bytes);

/* Part "i" of "buf" of dtype "t" as double: element i of a real or an
 * integer, part i % 2 of complex element i / 2. */
double parts_value(const void *buf, einc_dtype t, size_t i);

/* Prints "checksum: sum=S abs=A elements=N": the sum and the sum of
 * absolute values of every part of the "elems" elements of "t" at "buf". */
void parts_print_checksum(const void *buf, einc_dtype t, size_t elems);

#endif
