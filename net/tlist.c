/*
 * net/tlist.c - same-period timer lists (see tlist.h).
 */
#include "net/tlist.h"

#include <stddef.h>

static void tlist_event(struct net_engine *eng, struct net_event *ev)
{
	struct net_tlist *l = ev->arg;
	struct net_tnode *n;
	while ((n = l->head) && n->deadline_ps <= eng->now_ps) {
		net_tlist_disarm(l, n);
		n->fn(n);
	}
	/* Unconditionally: a callback that re-armed its node put the event at
	 * that node's new deadline, later than an older one still queued. */
	if (l->head)
		net_event_schedule(eng, &l->ev, l->head->deadline_ps);
}

void net_tlist_init(struct net_tlist *l, struct net_engine *eng, uint64_t period_ps)
{
	l->eng = eng;
	l->period_ps = period_ps;
	l->head = l->tail = NULL;
	net_event_init(&l->ev, tlist_event, l);
}

void net_tlist_fini(struct net_tlist *l)
{
	if (l->eng)
		net_event_cancel(l->eng, &l->ev);
	l->head = l->tail = NULL;
}

void net_tlist_disarm(struct net_tlist *l, struct net_tnode *n)
{
	if (n->deadline_ps == NET_TIME_NEVER)
		return;
	if (n->prev)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->next = n->prev = NULL;
	n->deadline_ps = NET_TIME_NEVER;
	/* No timer left: a stale event must not outlive the traffic (it would
	 * stretch the run's end time). */
	if (!l->head)
		net_event_cancel(l->eng, &l->ev);
}

void net_tlist_arm(struct net_tlist *l, struct net_tnode *n)
{
	net_tlist_disarm(l, n);
	uint64_t now = l->eng->now_ps;
	n->deadline_ps = l->period_ps < NET_TIME_NEVER - now ? now + l->period_ps : NET_TIME_NEVER - 1;
	n->prev = l->tail;
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
	if (!net_event_pending(&l->ev))
		net_event_schedule(l->eng, &l->ev, n->deadline_ps);
}
