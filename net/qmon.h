/*
 * net/qmon.h - the HPCC ns-3 code's queue-length monitor (its QLEN_MON_FILE):
 * from `start` on, every 100 ns until the first tick at or after `end`, each
 * switch port's egress bytes (all classes but the control queue) are
 * counted into a histogram of 1000-byte buckets; the histograms are
 * cumulative and written at every tick that falls on a whole 100 ms:
 *
 *   time: T_NS
 *   SWITCH PORT COUNT_0 COUNT_1 ...        (one line per switch port; PORT
 *                                           from 1, as ns-3 numbers devices)
 *
 * The counts are computed from the queue's changes, not by sampling: the
 * ticks between two changes all saw the depth that held (a tick at the
 * instant of a change sees the depth after it). Cost: O(1) per queue change
 * while the monitor runs, O(ports) per dump.
 */
#ifndef PKTSIM_NET_QMON_H
#define PKTSIM_NET_QMON_H

#include <stdint.h>
#include <stdio.h>

#include "net/engine.h"

struct net;
struct net_port;

#define NET_QMON_TICK_PS (100 * 1000ull)          /* 100 ns */
#define NET_QMON_DUMP_PS (100 * 1000000000ull)    /* 100 ms */
#define NET_QMON_BUCKET 1000u                     /* bytes */

struct net_qmon_port {
	uint64_t last_ps;            /* ticks before this are counted */
	uint64_t *count;             /* [nb] */
	uint32_t nb;
};

struct net_qmon {
	uint64_t start_ps, last_tick_ps;   /* first and last tick */
	FILE *out;
	struct net_qmon_port *port;        /* [net->nports] */
	struct net_event dump_ev;
	int failed;                        /* out of memory: counts stop */
};

/* Start the monitor on net, writing to out (not closed here); an end
 * before the start samples once, at the start. 0, or NET_ERR_NOMEM with the
 * engine error set. */
int net_qmon_start(struct net *net, uint64_t start_ps, uint64_t end_ps, FILE *out);
void net_qmon_stop(struct net *net);
/* Before a switch port's egress depth changes (net.c calls it). */
void net_qmon_note(struct net *net, struct net_port *port, uint64_t now_ps);

#endif
