/*
 * net/pkt.c - the slab packet pool (see pkt.h).
 */
#include "net/pkt.h"

#include <stdlib.h>
#include <string.h>

void net_pool_init(struct net_pkt_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
}

int net_pool_grow(struct net_pkt_pool *pool)
{
	if (pool->nslabs == pool->cap_slabs) {
		size_t ncap = pool->cap_slabs ? pool->cap_slabs * 2 : 16;
		void **ns = realloc(pool->slabs, ncap * sizeof(*ns));
		if (!ns)
			return -1;
		pool->slabs = ns;
		pool->cap_slabs = ncap;
	}
	struct net_pkt *slab = malloc(NET_POOL_SLAB * sizeof(*slab));
	if (!slab)
		return -1;
	pool->slabs[pool->nslabs++] = slab;
	/* Thread the slab so the lowest address is handed out first. */
	for (size_t i = 0; i + 1 < NET_POOL_SLAB; i++)
		slab[i].next = &slab[i + 1];
	slab[NET_POOL_SLAB - 1].next = pool->free;
	pool->free = slab;
	return 0;
}

void net_pool_fini(struct net_pkt_pool *pool)
{
	for (size_t i = 0; i < pool->nslabs; i++)
		free(pool->slabs[i]);
	free(pool->slabs);
	memset(pool, 0, sizeof(*pool));
}
