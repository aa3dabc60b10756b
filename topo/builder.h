/*
 * topo/builder.h - what the generated-topology builders (ring,
 * fully-connected, fat-tree, leaf-spine, torus, multi-dim) share: size
 * limits, link-class defaults and overflow-safe arithmetic. Private to topo/.
 *
 * Rates are bits/s, delays ps. A link class whose rate_bps is 0 stands for
 * the default link (p->rate_bps, p->delay_ps), delay included: the class is
 * taken whole or not at all, so a class delay given without a class rate is
 * not used.
 */
#ifndef PKTSIM_TOPO_BUILDER_H
#define PKTSIM_TOPO_BUILDER_H

#include <stdint.h>
#include <stdio.h>

#include "net/engine.h"
#include "topo/topo.h"

/* Hosts a builder accepts: the same bound as the switch builder, so that
 * every node count fits in uint32 with room to spare. */
#define TOPO_BUILD_MAX_HOSTS 1000000u
/* Links a builder accepts: the largest fat-tree (k = 158) and a 1,000,000
 * host 3-D torus need about 3,000,000; the cap keeps a dense fabric
 * (fully-connected, a wide FullyConnected dimension) from asking for
 * gigabytes of links and ports. */
#define TOPO_BUILD_MAX_LINKS 4000000u

static inline struct topo_linkspec topo_link_default(const struct topo_params *p)
{
	return (struct topo_linkspec){ .rate_bps = p->rate_bps, .delay_ps = p->delay_ps };
}

static inline struct topo_linkspec topo_class_resolve(const struct topo_params *p,
						      struct topo_linkspec c)
{
	return c.rate_bps ? c : topo_link_default(p);
}

/* Check a resolved link class; `what` names it as the experiment file does
 * ("link", "tiers.agg", "dims[1]"). 0 or NET_ERR_INVAL with a message. */
static inline int topo_class_check(const char *builder, const char *what, struct topo_linkspec c,
				   char *err, size_t errlen)
{
	if (c.rate_bps == 0) {
		snprintf(err, errlen, "%s: %s rate must be positive, like 100Gbps (give it there "
			 "or in link)", builder, what);
		return NET_ERR_INVAL;
	}
	if (c.delay_ps > TOPO_MAX_DELAY_PS) {
		snprintf(err, errlen, "%s: %s delay must be at most 1s", builder, what);
		return NET_ERR_INVAL;
	}
	return NET_OK;
}

/* a x b, or UINT64_MAX when the product does not fit: bisection figures of
 * absurd fabrics saturate instead of wrapping to small numbers. */
static inline uint64_t topo_mul_sat(uint64_t a, uint64_t b)
{
	if (a != 0 && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

#endif
