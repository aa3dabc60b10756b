/*
 * frontend/mpscan.c - bounded msgpack object extents (see mpscan.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/mpscan.h"

#include <inttypes.h>

#include "net/engine.h"

#define MP_MAX_DEPTH 16

uint64_t mp_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The extent of the msgpack object at p[0..avail): 1 with its size in *n,
 * 0 if it continues past avail, -1 if it breaks a limit or uses the unused
 * type byte 0xc1 (why says how). */
int mp_extent(const unsigned char *p, size_t avail, const struct mp_limits *lim, size_t *n,
	      char *why, size_t whylen)
{
	uint64_t left[MP_MAX_DEPTH + 1]; /* objects still to read at each level */
	int d = 0;
	size_t i = 0;
	left[0] = 1;
	for (;;) {
		while (d >= 0 && left[d] == 0)
			d--;
		if (d < 0) {
			*n = i;
			return 1;
		}
		left[d]--;
		if (i >= avail)
			return 0;
		unsigned c = p[i++];
		int lenbytes = 0, cont = 0, mult = 1;
		uint64_t skip = 0, count = 0;
		if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3) {
			/* fixint, nil, bool */
		} else if (c <= 0x8f) {
			cont = 1, count = c & 0x0f, mult = 2;
		} else if (c <= 0x9f) {
			cont = 1, count = c & 0x0f;
		} else if (c <= 0xbf) {
			skip = c & 0x1f;
			if (skip > lim->str)
				goto too_long;
		} else {
			switch (c) {
			case 0xc4: case 0xd9: lenbytes = 1; break;   /* bin8, str8 */
			case 0xc5: case 0xda: lenbytes = 2; break;
			case 0xc6: case 0xdb: lenbytes = 4; break;
			case 0xc7: lenbytes = 1, skip = 1; break;    /* ext: + type */
			case 0xc8: lenbytes = 2, skip = 1; break;
			case 0xc9: lenbytes = 4, skip = 1; break;
			case 0xca: skip = 4; break;                  /* float32 */
			case 0xcb: skip = 8; break;
			case 0xcc: case 0xd0: skip = 1; break;       /* ints */
			case 0xcd: case 0xd1: skip = 2; break;
			case 0xce: case 0xd2: skip = 4; break;
			case 0xcf: case 0xd3: skip = 8; break;
			case 0xd4: skip = 2; break;                  /* fixext */
			case 0xd5: skip = 3; break;
			case 0xd6: skip = 5; break;
			case 0xd7: skip = 9; break;
			case 0xd8: skip = 17; break;
			case 0xdc: cont = 1, lenbytes = 2; break;    /* array */
			case 0xdd: cont = 1, lenbytes = 4; break;
			case 0xde: cont = 1, lenbytes = 2, mult = 2; break; /* map */
			case 0xdf: cont = 1, lenbytes = 4, mult = 2; break;
			default:
				net_fmt_err(why, whylen, "the unused type byte 0xc1");
				return -1;
			}
		}
		if (lenbytes) {
			if (avail - i < (size_t)lenbytes)
				goto more;
			uint64_t v = mp_be(p + i, lenbytes);
			i += (size_t)lenbytes;
			if (cont) {
				count = v;
			} else {
				if (v > lim->str)
					goto too_long;
				skip += v;
			}
		}
		if (cont) {
			if (count > lim->elems) {
				net_fmt_err(why, whylen, "%s of %" PRIu64 " entries (at most %" PRIu32 ")",
					    mult == 2 ? "a map" : "an array", count, lim->elems);
				return -1;
			}
			if (count) {
				if (d + 1 > lim->depth) {
					net_fmt_err(why, whylen, "containers nested more than %d deep",
						    lim->depth);
					return -1;
				}
				left[++d] = count * (uint64_t)mult;
			}
		}
		if (skip > avail - i)
			goto more;
		i += (size_t)skip;
		continue;
too_long:
		net_fmt_err(why, whylen, "a string or binary field longer than %" PRIu32 " bytes",
			    lim->str);
		return -1;
more:
		if (avail >= lim->bytes)
			break;
		return 0;
	}
	net_fmt_err(why, whylen, "an object longer than %zu bytes", lim->bytes);
	return -1;
}

