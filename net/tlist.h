/*
 * net/tlist.h - timers that all share one period.
 *
 * When every timer of a kind has the same length (a transport's RTO, a
 * congestion-control algorithm's alpha or rate-increase timer), arming one
 * always puts it last: a FIFO ordered by deadline, with a single engine event
 * for its head, does the job in O(1) per (re)arm and keeps the event heap
 * small however many flows there are. The event may sit at an older head's
 * deadline; it re-arms itself at the current head when it fires. Each timer
 * is an intrusive node embedded in its owner (container_of style).
 */
#ifndef PKTSIM_NET_TLIST_H
#define PKTSIM_NET_TLIST_H

#include <stdint.h>

#include "net/engine.h"

struct net_tnode;
typedef void (*net_tnode_fn)(struct net_tnode *n);

struct net_tnode {
	struct net_tnode *next, *prev;
	uint64_t deadline_ps;        /* NET_TIME_NEVER when not armed */
	net_tnode_fn fn;             /* runs at the deadline (the node is disarmed) */
};

struct net_tlist {
	struct net_engine *eng;
	uint64_t period_ps;
	struct net_tnode *head, *tail;
	struct net_event ev;
};

static inline void net_tnode_init(struct net_tnode *n, net_tnode_fn fn)
{
	n->next = n->prev = NULL;
	n->deadline_ps = NET_TIME_NEVER;
	n->fn = fn;
}

static inline int net_tnode_armed(const struct net_tnode *n)
{
	return n->deadline_ps != NET_TIME_NEVER;
}

void net_tlist_init(struct net_tlist *l, struct net_engine *eng, uint64_t period_ps);
/* Cancels the list's event; armed nodes are simply forgotten. */
void net_tlist_fini(struct net_tlist *l);
/* (Re)arm n for now + period (saturating). */
void net_tlist_arm(struct net_tlist *l, struct net_tnode *n);
void net_tlist_disarm(struct net_tlist *l, struct net_tnode *n);

#endif
