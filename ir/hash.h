/*
 * hash.h - the bit mixers and generators the path, plan and slice
 * searches share, header only: mix64, the first half of MurmurHash3's
 * fmix64 finaliser, spreads a 64-bit key's bits for an open-addressing
 * hash table's slot; splitmix64 (Steele, Lea and Flood) and lcg64 (a
 * linear congruential generator) step seeded generators for reproducible
 * pseudo-random draws. All are pure functions of their input, so what
 * uses them stays deterministic.
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

/* The next output of the splitmix64 generator of state "*s", which it
 * advances by one step. */
static inline uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The next state of the 64-bit linear congruential generator of state
 * "*s" (Knuth's MMIX constants), which it advances by one step; its high
 * bits are the better ones (the lowest has period 2). */
static inline uint64_t lcg64(uint64_t *s)
{
	return *s = *s * 6364136223846793005ull + 1442695040888963407ull;
}

#endif
