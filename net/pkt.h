/*
 * net/pkt.h - packets and the packet pool.
 *
 * A packet carries sizes and ids, never payload bytes. It is a fixed 64-byte
 * struct with the fields the forwarding path touches first. Packets come from
 * a pool that grows in slabs of NET_POOL_SLAB and never returns memory until
 * teardown, so the hot path never calls malloc. The pool counts every packet
 * created and freed, which is how conservation is checked at the end of a run.
 */
#ifndef PKTSIM_NET_PKT_H
#define PKTSIM_NET_PKT_H

#include <stddef.h>
#include <stdint.h>

enum net_pkt_type {
	NET_PKT_DATA = 0,
	NET_PKT_ACK = 1,
	NET_PKT_NACK = 2,
	NET_PKT_CNP = 3,
	NET_PKT_PFC = 4,
	NET_PKT_NTYPES
};

enum net_pkt_flags {
	NET_PKT_F_ECT = 1u << 0,     /* ECN-capable transport (IP ECN = 10) */
	NET_PKT_F_CE = 1u << 1,      /* congestion experienced (IP ECN = 11) */
	NET_PKT_F_ACKREQ = 1u << 2,  /* BTH ack-request: last packet of a message */
	NET_PKT_F_FIRST = 1u << 3,   /* first packet of a message */
	NET_PKT_F_LAST = 1u << 4,    /* last packet of a message */
	NET_PKT_F_RETX = 1u << 5,    /* a retransmission */
	NET_PKT_F_ECE = 1u << 6,     /* ACK echoes a CE mark */
};

#define NET_NPRIO 8

struct net_pkt {
	struct net_pkt *next;        /* queue / pipe / free-list link */
	uint64_t t_ps;               /* in a pipe: when the NEXT packet's last bit arrives
				      * (the head's own time is in the pipe's event), so an
				      * arrival never has to touch its cold successor */
	uint32_t src, dst;           /* host node ids */
	uint32_t flow;               /* QP / flow id */
	uint32_t psn;                /* data: PSN; ACK/NACK: the PSN acknowledged or expected */
	uint32_t wire_bytes;         /* frame size on the wire (headers included) */
	uint32_t payload_bytes;
	uint32_t hash;               /* ECMP flow hash */
	uint16_t sport;              /* UDP source port (per-QP entropy) */
	uint16_t in_port;            /* ingress port index at the current node */
	uint8_t type;                /* enum net_pkt_type */
	uint8_t prio;                /* traffic class 0..7, 7 highest */
	uint8_t flags;               /* enum net_pkt_flags */
	uint8_t aux;                 /* PFC: class-enable vector */
	uint32_t id;                 /* unique per simulation (wraps at 2^32) */
};

#define NET_POOL_SLAB 4096

struct net_pkt_pool {
	struct net_pkt *free;
	void **slabs;
	size_t nslabs, cap_slabs;
	uint64_t created;            /* packets handed out, ever */
	uint64_t freed;              /* packets returned, ever */
	uint32_t next_id;
};

void net_pool_init(struct net_pkt_pool *pool);
void net_pool_fini(struct net_pkt_pool *pool);
int net_pool_grow(struct net_pkt_pool *pool);

/* A zeroed packet with a fresh id, or NULL when memory is exhausted. */
static inline struct net_pkt *net_pkt_alloc(struct net_pkt_pool *pool)
{
	if (!pool->free && net_pool_grow(pool) != 0)
		return NULL;
	struct net_pkt *p = pool->free;
	pool->free = p->next;
	*p = (struct net_pkt){ .id = pool->next_id++ };
	pool->created++;
	return p;
}

/* Consumes p. */
static inline void net_pkt_free(struct net_pkt_pool *pool, struct net_pkt *p)
{
	p->next = pool->free;
	pool->free = p;
	pool->freed++;
}

static inline uint64_t net_pool_in_use(const struct net_pkt_pool *pool)
{
	return pool->created - pool->freed;
}

#endif
