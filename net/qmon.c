/*
 * net/qmon.c - the HPCC ns-3 code's queue-length monitor (see qmon.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "net/qmon.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

/* Ticks start + k x TICK (k >= 0, up to the last tick) in [a, b). */
static uint64_t ticks_in(const struct net_qmon *m, uint64_t a, uint64_t b)
{
	if (b > m->last_tick_ps + 1)
		b = m->last_tick_ps + 1;
	if (a < m->start_ps)
		a = m->start_ps;
	if (a >= b)
		return 0;
	uint64_t k0 = (a - m->start_ps + NET_QMON_TICK_PS - 1) / NET_QMON_TICK_PS;
	uint64_t k1 = (b - m->start_ps + NET_QMON_TICK_PS - 1) / NET_QMON_TICK_PS;
	return k1 - k0;
}

static uint64_t depth_of(const struct net_port *p)
{
	return p->queued_bytes - p->q[NET_CTRL_Q].bytes;
}

/* Count the ticks in [last, until) at the port's current depth. */
static void charge(struct net_qmon *m, struct net_port *port, uint64_t until)
{
	struct net_qmon_port *qp = &m->port[port - port->node->net->ports];
	uint64_t n = ticks_in(m, qp->last_ps, until);
	if (until > qp->last_ps)
		qp->last_ps = until;
	if (!n || m->failed)
		return;
	uint64_t b = depth_of(port) / NET_QMON_BUCKET;
	if (b >= qp->nb) {
		uint32_t nb = qp->nb ? qp->nb : 8;
		while (nb <= b)
			nb *= 2;
		uint64_t *c = realloc(qp->count, nb * sizeof(*c));
		if (!c) {
			m->failed = 1;
			return;
		}
		memset(c + qp->nb, 0, (nb - qp->nb) * sizeof(*c));
		qp->count = c;
		qp->nb = nb;
	}
	qp->count[b] += n;
}

void net_qmon_note(struct net *net, struct net_port *port, uint64_t now_ps)
{
	if (port->node->kind == NET_SWITCH)
		charge(net->qmon, port, now_ps);
}

static void dump_event(struct net_engine *eng, struct net_event *ev)
{
	struct net *net = ev->arg;
	struct net_qmon *m = net->qmon;
	uint64_t t = eng->now_ps;
	fprintf(m->out, "time: %" PRIu64 "\n", t / 1000);
	for (uint32_t i = 0; i < net->nnodes; i++) {
		struct net_node *n = &net->nodes[i];
		if (n->kind != NET_SWITCH)
			continue;
		for (uint32_t j = 0; j < n->nports; j++) {
			struct net_port *p = &n->ports[j];
			charge(m, p, t + 1);
			const struct net_qmon_port *qp = &m->port[p - net->ports];
			uint32_t used = qp->nb;
			while (used && !qp->count[used - 1])
				used--;
			fprintf(m->out, "%" PRIu32 " %" PRIu32, n->id, j + 1);
			for (uint32_t b = 0; b < used; b++)
				fprintf(m->out, " %" PRIu64, qp->count[b]);
			fputc('\n', m->out);
		}
	}
	if (t + NET_QMON_DUMP_PS <= m->last_tick_ps)
		net_event_schedule(eng, ev, t + NET_QMON_DUMP_PS);
}

int net_qmon_start(struct net *net, uint64_t start_ps, uint64_t end_ps, FILE *out)
{
	if (end_ps < start_ps)
		end_ps = start_ps;                 /* one sample, at the start */
	struct net_qmon *m = calloc(1, sizeof(*m));
	if (!m || !(m->port = calloc(net->nports ? net->nports : 1, sizeof(*m->port)))) {
		free(m);
		net_seterr(net->eng, "out of memory starting the queue monitor");
		return NET_ERR_NOMEM;
	}
	m->start_ps = start_ps;
	/* The first tick at or after the end is the last. */
	uint64_t k = (end_ps - start_ps + NET_QMON_TICK_PS - 1) / NET_QMON_TICK_PS;
	m->last_tick_ps = start_ps + k * NET_QMON_TICK_PS;
	m->out = out;
	net_event_init(&m->dump_ev, dump_event, net);
	/* Dumps fall on ticks that are whole multiples of 100 ms. */
	uint64_t d = (start_ps + NET_QMON_DUMP_PS - 1) / NET_QMON_DUMP_PS * NET_QMON_DUMP_PS;
	net->qmon = m;
	if ((d - start_ps) % NET_QMON_TICK_PS == 0 && d <= m->last_tick_ps &&
	    net_event_schedule(net->eng, &m->dump_ev, d)) {
		net_qmon_stop(net);
		return NET_ERR_NOMEM;
	}
	return NET_OK;
}

void net_qmon_stop(struct net *net)
{
	struct net_qmon *m = net->qmon;
	if (!m)
		return;
	net_event_cancel(net->eng, &m->dump_ev);
	for (uint32_t i = 0; i < net->nports; i++)
		free(m->port[i].count);
	free(m->port);
	free(m);
	net->qmon = NULL;
}
