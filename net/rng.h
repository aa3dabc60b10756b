/*
 * net/rng.h - seeded random numbers with independent per-object streams.
 *
 * xoshiro256** (Blackman & Vigna) seeded through splitmix64 from
 * (simulation seed, stream id), so every object (a link's loss process, a
 * switch's ECMP salt, a flow) draws from its own stream: adding a flow does
 * not perturb any other object's draws. No global state.
 */
#ifndef PKTSIM_NET_RNG_H
#define PKTSIM_NET_RNG_H

#include <stdint.h>

struct net_rng {
	uint64_t s[4];
};

static inline uint64_t net_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A strong 64-bit mix (the splitmix64 finaliser); used for flow hashes. */
static inline uint64_t net_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Stream `stream` of simulation seed `seed`. */
static inline void net_rng_init(struct net_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = net_mix64(seed ^ 0x5851f42d4c957f2dull) ^ net_mix64(stream + 0x2545f4914f6cdd1dull);
	for (int i = 0; i < 4; i++)
		r->s[i] = net_splitmix64(&x);
}

static inline uint64_t net_rng_next(struct net_rng *r)
{
	uint64_t *s = r->s;
	uint64_t t = s[1] << 17;
	uint64_t x = s[1] * 5;
	uint64_t res = ((x << 7) | (x >> 57)) * 9;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return res;
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double net_rng_uniform(struct net_rng *r)
{
	return (double)(net_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
