/*
 * hash.h - the bit mixer the path and plan searches share, header only:
 * mix64, the first half of MurmurHash3's fmix64 finaliser, spreads a
 * 64-bit key's bits for an open-addressing hash table's slot. It is a
 * pure function of its input, so what uses it stays deterministic.
 */
#ifndef EINC_HASH_H
#define EINC_HASH_H

#include <stdint.h>

/* "x" with its bits mixed so that each input bit reaches the low bits a
 * power-of-two table masks: x ^= x >> 33, x *= 0xff51afd7ed558ccd, x ^=
 * x >> 33. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

#endif
