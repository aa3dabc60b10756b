/*
 * frontend/trace_conv.h - what the trace converters (`pktsim trace pcap`,
 * `perfetto`, `stats`, `plot`) share: the topology as the trace header
 * describes it, the record filters they take on the command line, an output
 * file that is gzip-compressed when its name ends in .gz and removed when a
 * conversion fails, and the read loop that stops at damage or, with
 * --salvage, converts what precedes it.
 *
 * Everything streams: one record at a time, memory proportional to the
 * topology and the number of flows, never to the number of records.
 */
#ifndef PKTSIM_FE_TRACE_CONV_H
#define PKTSIM_FE_TRACE_CONV_H

#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <zlib.h>

#include "frontend/trace_read.h"
#include "net/engine.h"
#include "net/net.h"

/* The topology from the header's nodes and links. Ports of node n are
 * port_off[n] .. port_off[n + 1] - 1 in the per-port arrays. */
struct fe_ttopo {
	uint32_t nnodes;
	uint32_t nhosts;             /* hosts are 0..nhosts-1 */
	uint8_t *is_switch;          /* [nnodes] */
	uint32_t *port_off;          /* [nnodes + 1] */
	uint32_t nports;             /* total */
	uint32_t *peer_node, *peer_port; /* [nports]; UINT32_MAX when unconnected */
	uint64_t *rate_bps;          /* [nports]: egress rate of the port */
	uint64_t *delay_ps;          /* [nports]: propagation delay to the peer */
	uint32_t wire_overhead_bytes;/* serialized per frame beyond wire_bytes */
};

/* How long a frame of wire_bytes keeps global port g busy. */
static inline uint64_t fe_ttopo_ser_ps(const struct fe_ttopo *t, uint32_t g, uint32_t wire_bytes)
{
	return t->rate_bps[g] ? net_ser_ps((uint64_t)wire_bytes + t->wire_overhead_bytes,
					   t->rate_bps[g])
			      : 0;
}

int fe_ttopo_load(const msgpack_object *hdr, struct fe_ttopo *t, char *err, size_t errlen);
void fe_ttopo_free(struct fe_ttopo *t);
/* The global port index of (node, port), or UINT32_MAX if there is none. */
static inline uint32_t fe_ttopo_port(const struct fe_ttopo *t, uint32_t node, uint32_t port)
{
	if (node >= t->nnodes || port >= t->port_off[node + 1] - t->port_off[node])
		return UINT32_MAX;
	return t->port_off[node] + port;
}
/* The node that owns global port index g (< t->nports). */
uint32_t fe_ttopo_node_of(const struct fe_ttopo *t, uint32_t g);
/* "host3" / "switch9" */
void fe_ttopo_node_name(const struct fe_ttopo *t, uint32_t node, char *buf, size_t len);

/* A port's queue rebuilt from its enq and tx records: each record reports
 * its class's depth after the event; PFC frames wait in the control queue,
 * whose depth records do not carry, so it is counted by frame size. */
struct fe_tqueue {
	uint64_t cls[NET_NPRIO + 1]; /* [NET_NPRIO]: the control queue */
	uint64_t total;
};

static inline uint64_t fe_tqueue_update(struct fe_tqueue *q, const struct fe_trace_rec *r)
{
	int pfc = r->type == NET_PKT_PFC;
	uint32_t c = pfc ? NET_NPRIO : r->prio % NET_NPRIO;
	uint64_t now;
	if (!pfc)
		now = r->qbytes;
	else if (r->kind == NET_TR_ENQ)
		now = q->cls[c] + r->wire_bytes;
	else
		now = q->cls[c] > r->wire_bytes ? q->cls[c] - r->wire_bytes : 0;
	q->total = q->total - q->cls[c] + now;
	q->cls[c] = now;
	return q->total;
}

/* Command-line filters on records: --nodes, --flows, --start, --end. */
struct fe_tfilter {
	uint8_t *node_ok;            /* NULL: all */
	uint32_t node_cap;
	uint32_t *flows;             /* sorted; NULL: all */
	size_t nflows;
	uint64_t start_ps, end_ps;
	int has_end;                 /* --end given (0 is a valid end) */
};

/* Parse argv[*i] if it is a filter option (consuming its value): 1 if it
 * was, 0 if not, -1 with err set on a bad value. */
int fe_tfilter_arg(struct fe_tfilter *f, int argc, char **argv, int *i, char *err,
		   size_t errlen);
/* Node ids in --nodes must exist: checked once the header is read. */
int fe_tfilter_check(const struct fe_tfilter *f, const struct fe_ttopo *t, char *err,
		     size_t errlen);
/* A record passes when its time is in the window and, for records at a
 * node, the node is listed, and, for records of a flow, the flow is. PFC
 * frames belong to no flow, collectives to no node; END always passes. */
int fe_tfilter_pass(const struct fe_tfilter *f, const struct fe_trace_rec *r);
void fe_tfilter_free(struct fe_tfilter *f);
/* The help text for the filter options, for usage messages. */
extern const char fe_tfilter_help[];

/* An output file; gzip (level 1) when the path ends in ".gz". */
struct fe_tout {
	gzFile gz;
	char *path;
	int failed;
	char why[160];
};

int fe_tout_open(struct fe_tout *o, const char *path, char *err, size_t errlen);
void fe_tout_write(struct fe_tout *o, const void *p, size_t n);
void fe_tout_printf(struct fe_tout *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fe_tout_vprintf(struct fe_tout *o, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Close; on failure (or discard) remove the file. Returns 0 or -1 with err. */
int fe_tout_close(struct fe_tout *o, int discard, char *err, size_t errlen);

/* Per-id state (flows, collectives, messages): elements of one size kept
 * densely in order of first sight, found by id through a hash table, so
 * memory follows the ids a trace uses, not the largest (a damaged record
 * with flow 4,000,000,000 costs one element). Pointers into the table stay
 * valid until the next fe_idtab_get. */
struct fe_idtab {
	size_t size;                 /* bytes per element */
	char *vals;                  /* [n] */
	uint32_t *ids;               /* [n] */
	size_t n, cap;
	uint32_t *slot;              /* [hcap]: dense index + 1, 0 = empty */
	size_t hcap;                 /* a power of 2, at least 2n */
};

void fe_idtab_init(struct fe_idtab *t, size_t size);
/* The element of id, added zeroed (*added = 1) if new; NULL out of memory. */
void *fe_idtab_get(struct fe_idtab *t, uint32_t id, int *added);
/* The element of id, or NULL. */
void *fe_idtab_find(const struct fe_idtab *t, uint32_t id);
static inline void *fe_idtab_at(const struct fe_idtab *t, size_t i)
{
	return t->vals + i * t->size;
}
/* The dense indices in order of id (malloc'd, n entries; NULL out of
 * memory, or when n is 0). */
size_t *fe_idtab_order(const struct fe_idtab *t);
void fe_idtab_free(struct fe_idtab *t);

int fe_ends_with(const char *s, const char *suffix);

/* The default output path: the trace's name without ".gz" and ".trace",
 * plus ext. Returns a malloc'd string or NULL. */
char *fe_tout_default(const char *trace, const char *ext);

/* After opening the reader: load the topology, check the filter against
 * it, and make sure `out` (may be NULL) is not the trace itself. Errors
 * name the trace. */
int fe_tconv_begin(struct fe_trace_reader *r, const char *trace, const char *out,
		   const struct fe_tfilter *f, struct fe_ttopo *t, char *err, size_t errlen);

/* Read-loop ending: after fe_trace_reader_next_rec returned -1, either fail
 * (return -1 with the reader's message in err) or, with salvage, print a
 * warning saying how much was kept and return 0. */
int fe_tconv_damage(struct fe_trace_reader *r, int salvage, const char *what, char *err,
		    size_t errlen);

#endif
