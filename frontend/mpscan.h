/*
 * frontend/mpscan.h - where a msgpack object ends, found from its bytes with
 * limits, before msgpack-c parses it: given a damaged or hostile count,
 * msgpack-c would first allocate 24 bytes per claimed element (a 5-byte
 * array header can ask for 96 GB), and a streaming parse would wait for the
 * elements. The trace reader and the server check every object this way.
 */
#ifndef PKTSIM_FE_MPSCAN_H
#define PKTSIM_FE_MPSCAN_H

#include <stddef.h>
#include <stdint.h>

struct mp_limits {
	uint32_t elems;              /* per array or map */
	uint32_t str;                /* bytes per string, binary or extension */
	int depth;                   /* nesting of containers (at most 16) */
	size_t bytes;                /* the whole object */
};

/* The extent of the msgpack object at p[0..avail): 1 with its size in *n,
 * 0 if it continues past avail, -1 if it breaks a limit or uses the unused
 * type byte 0xc1 (why says how). */
int mp_extent(const unsigned char *p, size_t avail, const struct mp_limits *lim, size_t *n,
	      char *why, size_t whylen);

/* n (1..8) big-endian bytes as an integer. */
uint64_t mp_be(const unsigned char *p, int n);

#endif
