/*
 * net/trace.c - the trace writer (API in net/trace.h, layout in
 * doc/trace-format.md).
 *
 * msgpack-c packs each record straight into one memory buffer; the buffer
 * goes to zlib (gzwrite, level 6) when it passes 64 KiB and at close, so
 * zlib sees few large writes and a record costs a few byte stores and no
 * allocation. The buffer is allocated once, big enough for a full batch plus
 * the largest record, so it never grows while records are written (only a
 * very large header can grow it, once, at open). The header holds only what
 * the run was given (topology, seed, filter, source path) and zlib writes
 * mtime 0 in the gzip header, so the same run gives a byte-identical file.
 *
 * Units: times in ps, rates in bit/s, sizes in bytes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "net/engine.h"
#include "net/trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>
#include <zlib.h>

#include "net/net.h"
#include "net/rng.h"

#define TR_BATCH_BYTES (64u * 1024u)
/* A batch plus the largest record (17 elements of at most 9 bytes). */
#define TR_BUF_BYTES (TR_BATCH_BYTES + 1024u)

const char *const net_trace_kind_names[NET_TR_NKINDS] = {
	[NET_TR_ENQ] = "enq",
	[NET_TR_TX] = "tx",
	[NET_TR_RX] = "rx",
	[NET_TR_DROP] = "drop",
	[NET_TR_ECN] = "ecn",
	[NET_TR_PFC] = "pfc",
	[NET_TR_CNP] = "cnp",
	[NET_TR_MSG_START] = "msg_start",
	[NET_TR_MSG_DONE] = "msg_done",
	[NET_TR_MSG_DELIVERED] = "msg_delivered",
	[NET_TR_END] = "end",
	[NET_TR_COLL_START] = "coll_start",
	[NET_TR_COLL_END] = "coll_end",
	[NET_TR_COLL_MSG] = "coll_msg",
	[NET_TR_RATE] = "rate",
};

const char *const net_trace_pkt_type_names[NET_PKT_NTYPES] = {
	[NET_PKT_DATA] = "data",
	[NET_PKT_ACK] = "ack",
	[NET_PKT_NACK] = "nack",
	[NET_PKT_CNP] = "cnp",
	[NET_PKT_PFC] = "pfc",
};

const char *const net_trace_family_names[NET_TRF_N] = {
	[NET_TRF_PACKET] = "packet",
	[NET_TRF_MESSAGE] = "message",
	[NET_TRF_END] = "end",
	[NET_TRF_COLL] = "collective",
	[NET_TRF_COLL_MSG] = "coll_msg",
	[NET_TRF_RATE] = "rate",
};

static const char *const pkt_fields[] = {
	"kind", "t_ps", "node", "port", "id", "type", "flow", "psn", "src", "dst",
	"wire_bytes", "payload_bytes", "prio", "flags", "qbytes", "reason", "classes",
};
static const char *const msg_fields[] = { "kind", "t_ps", "node", "flow", "src", "dst", "bytes",
					  "sport" };
static const char *const end_fields[] = { "kind", "t_ps", "status", "records", "events" };
static const char *const coll_fields[] = { "kind", "t_ps", "coll", "op", "algorithm", "npus",
					   "bytes" };
static const char *const coll_msg_fields[] = { "kind", "t_ps", "node", "coll", "msg", "flow",
					       "chunk", "step", "after" };
static const char *const rate_fields[] = { "kind", "t_ps", "node", "flow", "rate_bps" };

const char *const *const net_trace_family_fields[NET_TRF_N] = {
	[NET_TRF_PACKET] = pkt_fields,
	[NET_TRF_MESSAGE] = msg_fields,
	[NET_TRF_END] = end_fields,
	[NET_TRF_COLL] = coll_fields,
	[NET_TRF_COLL_MSG] = coll_msg_fields,
	[NET_TRF_RATE] = rate_fields,
};
const unsigned net_trace_family_nfields[NET_TRF_N] = {
	[NET_TRF_PACKET] = sizeof(pkt_fields) / sizeof(pkt_fields[0]),
	[NET_TRF_MESSAGE] = sizeof(msg_fields) / sizeof(msg_fields[0]),
	[NET_TRF_END] = sizeof(end_fields) / sizeof(end_fields[0]),
	[NET_TRF_COLL] = sizeof(coll_fields) / sizeof(coll_fields[0]),
	[NET_TRF_COLL_MSG] = sizeof(coll_msg_fields) / sizeof(coll_msg_fields[0]),
	[NET_TRF_RATE] = sizeof(rate_fields) / sizeof(rate_fields[0]),
};

/* Bit i of enum net_pkt_flags; the header carries them so a reader can
 * decode flags without our headers. */
static const char *const flag_names[] = { "ect", "ce", "ackreq", "first", "last", "retx", "ece" };

struct tr_impl {
	gzFile gz;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char *path;
	char why[160];           /* the first I/O failure */
	/* Per-record filters (t->pkt_filter): */
	uint32_t *port_off;      /* [nnodes + 1]: node i's ports in port_ok[port_off[i]..] */
	uint8_t *port_ok;        /* NULL: every port */
	uint32_t *flows;         /* sorted; NULL: every flow */
	size_t nflows;
	uint32_t sample;         /* 1 data packet in `sample`; 0/1: all */
};

/* Record the first failure; zret is gzclose's result, or Z_OK to ask
 * zlib what the last gzwrite ran into. */
static void tr_fail(struct net_trace *t, struct tr_impl *w, int zret, int saved_errno)
{
	if (t->failed)
		return;
	t->failed = 1;
	const char *msg = NULL;
	int code = zret;
	if (code == Z_OK && w->gz)
		msg = gzerror(w->gz, &code);
	if (code == Z_ERRNO)
		snprintf(w->why, sizeof(w->why), "%s", strerror(saved_errno ? saved_errno : EIO));
	else if (code == Z_MEM_ERROR)
		snprintf(w->why, sizeof(w->why), "out of memory");
	else if (msg && *msg)
		snprintf(w->why, sizeof(w->why), "zlib: %s", msg);
	else
		snprintf(w->why, sizeof(w->why), "zlib error %d", code);
}

static void tr_flush(struct net_trace *t, struct tr_impl *w)
{
	if (w->sb.size && !t->failed) {
		errno = 0;
		int n = gzwrite(w->gz, w->sb.data, (unsigned)w->sb.size);
		if (n <= 0 || (size_t)n != w->sb.size)
			tr_fail(t, w, Z_OK, errno);
	}
	w->sb.size = 0;
}

/* A record is packed: count it, and compress once a batch is full. */
static inline void tr_counted(struct net_trace *t, struct tr_impl *w)
{
	t->records++;
	if (w->sb.size >= TR_BATCH_BYTES)
		tr_flush(t, w);
}

static int pack_cstr(msgpack_packer *pk, const char *s)
{
	return msgpack_pack_str_with_body(pk, s, strlen(s));
}

/* Kind names for the bits of mask, in kind order. */
static int pack_kind_names(msgpack_packer *pk, uint32_t mask)
{
	size_t n = 0;
	for (int k = 0; k < NET_TR_NKINDS; k++)
		n += (mask >> k) & 1u;
	int rc = msgpack_pack_array(pk, n);
	for (int k = 0; k < NET_TR_NKINDS; k++)
		if (mask & (1u << k))
			rc |= pack_cstr(pk, net_trace_kind_names[k]);
	return rc;
}

static int pack_names(msgpack_packer *pk, const char *const *names, size_t n)
{
	int rc = msgpack_pack_array(pk, n);
	for (size_t i = 0; i < n; i++)
		rc |= pack_cstr(pk, names[i]);
	return rc;
}

/* A link is written once, from the end with the smaller (node id, port
 * index), so the list does not depend on how net.c numbered links. */
static int port_owns_link(const struct net_node *node, const struct net_port *port)
{
	const struct net_port *peer = port->peer;
	if (!peer || !peer->node)
		return 0;
	if (node->id != peer->node->id)
		return node->id < peer->node->id;
	return port->index < peer->index;
}

static int pack_header(const struct net_trace *t, msgpack_packer *pk, const struct net *net,
		       uint64_t seed, const char *source)
{
	int rc = msgpack_pack_map(pk, 15);

	rc |= pack_cstr(pk, "format");
	rc |= pack_cstr(pk, NET_TRACE_FORMAT);
	rc |= pack_cstr(pk, "version");
	rc |= msgpack_pack_uint32(pk, NET_TRACE_VERSION);
	rc |= pack_cstr(pk, "time_unit");
	rc |= pack_cstr(pk, "ps");
	rc |= pack_cstr(pk, "seed");
	rc |= msgpack_pack_uint64(pk, seed);
	rc |= pack_cstr(pk, "source");
	rc |= source ? pack_cstr(pk, source) : msgpack_pack_nil(pk);

	rc |= pack_cstr(pk, "kinds");
	rc |= pack_names(pk, net_trace_kind_names, NET_TR_NKINDS);
	rc |= pack_cstr(pk, "kind_families");
	rc |= msgpack_pack_array(pk, NET_TR_NKINDS);
	for (int k = 0; k < NET_TR_NKINDS; k++)
		rc |= pack_cstr(pk, net_trace_family_names[net_trace_kind_family(k)]);
	rc |= pack_cstr(pk, "record_fields");
	rc |= msgpack_pack_map(pk, NET_TRF_N);
	for (int f = 0; f < NET_TRF_N; f++) {
		rc |= pack_cstr(pk, net_trace_family_names[f]);
		rc |= pack_names(pk, net_trace_family_fields[f], net_trace_family_nfields[f]);
	}
	rc |= pack_cstr(pk, "packet_types");
	rc |= pack_names(pk, net_trace_pkt_type_names, NET_PKT_NTYPES);
	rc |= pack_cstr(pk, "packet_flags");
	rc |= pack_names(pk, flag_names, sizeof(flag_names) / sizeof(flag_names[0]));
	rc |= pack_cstr(pk, "drop_reasons");
	rc |= pack_names(pk, net_drop_reason_names, NET_DROP_NREASONS);

	const struct tr_impl *w = t->impl;
	rc |= pack_cstr(pk, "filter");
	rc |= msgpack_pack_map(pk, 7);
	rc |= pack_cstr(pk, "kinds");
	rc |= pack_kind_names(pk, t->kinds);
	rc |= pack_cstr(pk, "nodes");
	if (t->want_node) {
		size_t n = 0;
		for (uint32_t i = 0; i < t->nnodes; i++)
			n += t->want_node[i] != 0;
		rc |= msgpack_pack_array(pk, n);
		for (uint32_t i = 0; i < t->nnodes; i++)
			if (t->want_node[i])
				rc |= msgpack_pack_uint32(pk, i);
	} else {
		rc |= msgpack_pack_nil(pk);
	}
	rc |= pack_cstr(pk, "start_ps");
	rc |= msgpack_pack_uint64(pk, t->start_ps);
	rc |= pack_cstr(pk, "end_ps");
	rc |= t->end_ps == NET_TIME_NEVER ? msgpack_pack_nil(pk)
					  : msgpack_pack_uint64(pk, t->end_ps);
	rc |= pack_cstr(pk, "ports");
	if (w->port_ok) {
		size_t n = 0;
		for (uint32_t i = 0; i < t->nnodes; i++)
			for (uint32_t j = w->port_off[i]; j < w->port_off[i + 1]; j++)
				n += w->port_ok[j] != 0;
		rc |= msgpack_pack_array(pk, n);
		for (uint32_t i = 0; i < t->nnodes; i++)
			for (uint32_t j = w->port_off[i]; j < w->port_off[i + 1]; j++)
				if (w->port_ok[j]) {
					rc |= msgpack_pack_array(pk, 2);
					rc |= msgpack_pack_uint32(pk, i);
					rc |= msgpack_pack_uint32(pk, j - w->port_off[i]);
				}
	} else {
		rc |= msgpack_pack_nil(pk);
	}
	rc |= pack_cstr(pk, "flows");
	if (w->flows) {
		rc |= msgpack_pack_array(pk, w->nflows);
		for (size_t i = 0; i < w->nflows; i++)
			rc |= msgpack_pack_uint32(pk, w->flows[i]);
	} else {
		rc |= msgpack_pack_nil(pk);
	}
	rc |= pack_cstr(pk, "sample");
	rc |= msgpack_pack_uint32(pk, w->sample > 1 ? w->sample : 1);

	uint32_t nnodes = net ? net->nnodes : 0;
	rc |= pack_cstr(pk, "nodes");
	rc |= msgpack_pack_array(pk, nnodes);
	for (uint32_t i = 0; i < nnodes; i++) {
		const struct net_node *nd = &net->nodes[i];
		rc |= msgpack_pack_map(pk, 3);
		rc |= pack_cstr(pk, "id");
		rc |= msgpack_pack_uint32(pk, nd->id);
		rc |= pack_cstr(pk, "kind");
		rc |= pack_cstr(pk, nd->kind == NET_SWITCH ? "switch" : "host");
		rc |= pack_cstr(pk, "ports");
		rc |= msgpack_pack_uint32(pk, nd->nports);
	}

	size_t nlinks = 0;
	for (uint32_t i = 0; i < nnodes; i++)
		for (uint32_t j = 0; j < net->nodes[i].nports; j++)
			nlinks += port_owns_link(&net->nodes[i], &net->nodes[i].ports[j]);
	rc |= pack_cstr(pk, "links");
	rc |= msgpack_pack_array(pk, nlinks);
	for (uint32_t i = 0; i < nnodes; i++) {
		const struct net_node *nd = &net->nodes[i];
		for (uint32_t j = 0; j < nd->nports; j++) {
			const struct net_port *a = &nd->ports[j];
			if (!port_owns_link(nd, a))
				continue;
			const struct net_port *b = a->peer;
			/* The common symmetric link keeps the 7 documented keys;
			 * the b->a direction is spelled out only when it differs. */
			int asym = b->rate_bps != a->rate_bps || b->delay_ps != a->delay_ps;
			rc |= msgpack_pack_map(pk, asym ? 9 : 7);
			rc |= pack_cstr(pk, "id");
			rc |= msgpack_pack_uint32(pk, a->link);
			rc |= pack_cstr(pk, "a");
			rc |= msgpack_pack_uint32(pk, nd->id);
			rc |= pack_cstr(pk, "a_port");
			rc |= msgpack_pack_uint32(pk, a->index);
			rc |= pack_cstr(pk, "b");
			rc |= msgpack_pack_uint32(pk, b->node->id);
			rc |= pack_cstr(pk, "b_port");
			rc |= msgpack_pack_uint32(pk, b->index);
			rc |= pack_cstr(pk, "rate_bps");
			rc |= msgpack_pack_uint64(pk, a->rate_bps);
			rc |= pack_cstr(pk, "delay_ps");
			rc |= msgpack_pack_uint64(pk, a->delay_ps);
			if (asym) {
				rc |= pack_cstr(pk, "b_rate_bps");
				rc |= msgpack_pack_uint64(pk, b->rate_bps);
				rc |= pack_cstr(pk, "b_delay_ps");
				rc |= msgpack_pack_uint64(pk, b->delay_ps);
			}
		}
	}
	/* Serialization covers wire_bytes plus this, so a reader can tell how
	 * long a transmission kept its port busy. */
	rc |= pack_cstr(pk, "wire_overhead_bytes");
	rc |= msgpack_pack_uint32(pk, net ? net->cfg.wire_overhead_bytes : 0);
	return rc;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int flow_listed(const struct tr_impl *w, uint32_t flow)
{
	return net_trace_listed(w->flows, w->nflows, flow);
}

/* The sample keeps a packet by (flow, PSN), not by packet id, so a kept
 * packet shows at every hop and its retransmissions are kept too. */
static int sampled(uint32_t sample, uint32_t flow, uint32_t psn)
{
	return net_mix64((uint64_t)flow << 32 | psn) % sample == 0;
}

static int tr_pkt_pass(const struct net_trace *t, uint32_t node, uint32_t port,
		       const struct net_pkt *p)
{
	const struct tr_impl *w = t->impl;
	if (w->port_ok && port != UINT32_MAX && !w->port_ok[w->port_off[node] + port])
		return 0;
	if (w->flows && p->type != NET_PKT_PFC && !flow_listed(w, p->flow))
		return 0;
	return w->sample <= 1 || p->type != NET_PKT_DATA || sampled(w->sample, p->flow, p->psn);
}

static void tr_free(struct net_trace *t)
{
	if (!t)
		return;
	struct tr_impl *w = t->impl;
	if (w) {
		msgpack_sbuffer_destroy(&w->sb);
		free(w->path);
		free(w->port_off);
		free(w->port_ok);
		free(w->flows);
		free(w);
	}
	free(t->want_node);
	free(t);
}

int net_trace_open(struct net_trace **out, const char *path, const struct net_trace_filter *f,
		   const struct net *net, uint64_t seed, const char *source, char *err,
		   size_t errlen)
{
	static const struct net_trace_filter no_filter = { .end_ps = NET_TIME_NEVER };
	uint32_t nnodes = net ? net->nnodes : 0;

	if (!out || !path || !*path) {
		net_fmt_err(err, errlen, "trace: no output path");
		return NET_ERR_INVAL;
	}
	*out = NULL;
	if (!f)
		f = &no_filter;
	if (f->kinds & ~(uint32_t)NET_TR_ALL) {
		net_fmt_err(err, errlen, "trace filter: unknown event kind bits 0x%x",
		       f->kinds & ~(uint32_t)NET_TR_ALL);
		return NET_ERR_INVAL;
	}
	if (f->start_ps > f->end_ps) {
		net_fmt_err(err, errlen, "trace filter: start %llu ps is after end %llu ps",
		       (unsigned long long)f->start_ps, (unsigned long long)f->end_ps);
		return NET_ERR_INVAL;
	}
	if (f->nnodes && !f->nodes) {
		net_fmt_err(err, errlen, "trace filter: %zu nodes but no node list", f->nnodes);
		return NET_ERR_INVAL;
	}
	for (size_t i = 0; i < f->nnodes; i++) {
		if (f->nodes[i] >= nnodes) {
			net_fmt_err(err, errlen,
			       "trace filter: node %u does not exist (the topology has %u nodes)",
			       f->nodes[i], nnodes);
			return NET_ERR_INVAL;
		}
	}

	if ((f->nports && !f->ports) || (f->nflows && !f->flows)) {
		net_fmt_err(err, errlen, "trace filter: a port or flow count without its list");
		return NET_ERR_INVAL;
	}
	for (size_t i = 0; i < f->nports; i++) {
		const struct net_trace_port *tp = &f->ports[i];
		if (tp->node >= nnodes) {
			net_fmt_err(err, errlen,
			       "trace filter: port %u:%u: node %u does not exist (the topology has "
			       "%u nodes)", tp->node, tp->port, tp->node, nnodes);
			return NET_ERR_INVAL;
		}
		if (tp->port >= net->nodes[tp->node].nports) {
			net_fmt_err(err, errlen,
			       "trace filter: port %u:%u does not exist (node %u has %u ports)",
			       tp->node, tp->port, tp->node, net->nodes[tp->node].nports);
			return NET_ERR_INVAL;
		}
	}

	struct net_trace *t = calloc(1, sizeof(*t));
	struct tr_impl *w = calloc(1, sizeof(*w));
	if (!t || !w) {
		free(t);
		free(w);
		net_fmt_err(err, errlen, "%s: out of memory opening the trace", path);
		return NET_ERR_NOMEM;
	}
	t->impl = w;
	/* END is always on: a reader needs it to tell complete from cut short. */
	t->kinds = (f->kinds ? f->kinds : NET_TR_ALL) | (1u << NET_TR_END);
	t->start_ps = f->start_ps;
	t->end_ps = f->end_ps;
	if (f->nnodes) {
		t->want_node = calloc(nnodes, 1);
		if (!t->want_node)
			goto nomem;
		for (size_t i = 0; i < f->nnodes; i++)
			t->want_node[f->nodes[i]] = 1;
	}
	t->nnodes = nnodes;
	if (f->nports) {
		w->port_off = calloc((size_t)nnodes + 1, sizeof(*w->port_off));
		if (!w->port_off)
			goto nomem;
		for (uint32_t i = 0; i < nnodes; i++)
			w->port_off[i + 1] = w->port_off[i] + net->nodes[i].nports;
		w->port_ok = calloc(w->port_off[nnodes] ? w->port_off[nnodes] : 1, 1);
		if (!w->port_ok)
			goto nomem;
		for (size_t i = 0; i < f->nports; i++)
			w->port_ok[w->port_off[f->ports[i].node] + f->ports[i].port] = 1;
	}
	if (f->nflows) {
		w->flows = malloc(f->nflows * sizeof(*w->flows));
		if (!w->flows)
			goto nomem;
		memcpy(w->flows, f->flows, f->nflows * sizeof(*w->flows));
		qsort(w->flows, f->nflows, sizeof(*w->flows), cmp_u32);
		size_t n = 0;
		for (size_t i = 0; i < f->nflows; i++)
			if (!n || w->flows[n - 1] != w->flows[i])
				w->flows[n++] = w->flows[i];
		w->nflows = n;
	}
	w->sample = f->sample;
	t->pkt_filter = w->port_ok || w->flows || w->sample > 1;
	w->path = strdup(path);
	msgpack_sbuffer_init(&w->sb);
	w->sb.data = malloc(TR_BUF_BYTES);
	if (!w->path || !w->sb.data)
		goto nomem;
	w->sb.alloc = TR_BUF_BYTES;
	msgpack_packer_init(&w->pk, &w->sb, msgpack_sbuffer_write);

	if (pack_header(t, &w->pk, net, seed, source) != 0)
		goto nomem;

	errno = 0;
	w->gz = gzopen(path, "wb6");
	if (!w->gz) {
		net_fmt_err(err, errlen, "%s: cannot open for writing: %s", path,
		       strerror(errno ? errno : ENOMEM));
		tr_free(t);
		return NET_ERR_IO;
	}
	tr_flush(t, w);
	if (t->failed) {
		net_fmt_err(err, errlen, "%s: write failed: %s", path, w->why);
		gzclose(w->gz);
		tr_free(t);
		return NET_ERR_IO;
	}
	*out = t;
	return NET_OK;

nomem:
	net_fmt_err(err, errlen, "%s: out of memory opening the trace", path);
	tr_free(t);
	return NET_ERR_NOMEM;
}

void net_trace_pkt(struct net_trace *t, enum net_trace_kind k, uint64_t t_ps, uint32_t node,
		   uint32_t port, const struct net_pkt *p, uint64_t qbytes, uint32_t reason)
{
	if (!t || t->failed || !p || net_trace_kind_family(k) != NET_TRF_PACKET)
		return;
	if (t->pkt_filter && !tr_pkt_pass(t, node, port, p))
		return;
	struct tr_impl *w = t->impl;
	msgpack_packer *pk = &w->pk;
	int pfc = p->type == NET_PKT_PFC;

	/* No return codes checked: the buffer has room for a whole record
	 * (TR_BUF_BYTES), so these appends cannot fail. */
	msgpack_pack_array(pk, pfc ? NET_TR_PKT_PFC_LEN
				   : k == NET_TR_DROP ? NET_TR_PKT_LEN + 1 : NET_TR_PKT_LEN);
	msgpack_pack_uint32(pk, (uint32_t)k);
	msgpack_pack_uint64(pk, t_ps);
	msgpack_pack_uint32(pk, node);
	if (port == UINT32_MAX)
		msgpack_pack_nil(pk);
	else
		msgpack_pack_uint32(pk, port);
	msgpack_pack_uint32(pk, p->id);
	msgpack_pack_uint32(pk, p->type);
	msgpack_pack_uint32(pk, p->flow);
	msgpack_pack_uint32(pk, p->psn);
	msgpack_pack_uint32(pk, p->src);
	msgpack_pack_uint32(pk, p->dst);
	msgpack_pack_uint32(pk, p->wire_bytes);
	msgpack_pack_uint32(pk, p->payload_bytes);
	msgpack_pack_uint32(pk, p->prio);
	msgpack_pack_uint32(pk, p->flags);
	msgpack_pack_uint64(pk, qbytes);
	if (k == NET_TR_DROP || pfc)
		msgpack_pack_uint32(pk, k == NET_TR_DROP ? reason : 0);
	if (pfc)
		msgpack_pack_uint32(pk, p->aux);
	tr_counted(t, w);
}

void net_trace_msg(struct net_trace *t, enum net_trace_kind k, uint64_t t_ps, uint32_t node,
		   uint32_t flow, uint32_t src, uint32_t dst, uint64_t bytes, uint32_t sport)
{
	if (!t || t->failed || net_trace_kind_family(k) != NET_TRF_MESSAGE)
		return;
	struct tr_impl *w = t->impl;
	if (w->flows && !flow_listed(w, flow))
		return;
	msgpack_packer *pk = &w->pk;

	msgpack_pack_array(pk, NET_TR_MSG_LEN_NOW);
	msgpack_pack_uint32(pk, (uint32_t)k);
	msgpack_pack_uint64(pk, t_ps);
	msgpack_pack_uint32(pk, node);
	msgpack_pack_uint32(pk, flow);
	msgpack_pack_uint32(pk, src);
	msgpack_pack_uint32(pk, dst);
	msgpack_pack_uint64(pk, bytes);
	msgpack_pack_uint32(pk, sport);
	tr_counted(t, w);
}

void net_trace_coll_msg(struct net_trace *t, uint64_t t_ps, uint32_t node, uint32_t coll,
			uint32_t msg, uint32_t flow, uint32_t chunk, uint32_t step,
			uint32_t after)
{
	if (!net_trace_want(t, NET_TR_COLL_MSG, node, t_ps) || t->failed)
		return;
	struct tr_impl *w = t->impl;
	if (w->flows && !flow_listed(w, flow))
		return;
	msgpack_packer *pk = &w->pk;

	msgpack_pack_array(pk, NET_TR_COLL_MSG_LEN);
	msgpack_pack_uint32(pk, NET_TR_COLL_MSG);
	msgpack_pack_uint64(pk, t_ps);
	msgpack_pack_uint32(pk, node);
	msgpack_pack_uint32(pk, coll);
	msgpack_pack_uint32(pk, msg);
	msgpack_pack_uint32(pk, flow);
	msgpack_pack_uint32(pk, chunk);
	msgpack_pack_uint32(pk, step);
	if (after == UINT32_MAX)
		msgpack_pack_nil(pk);
	else
		msgpack_pack_uint32(pk, after);
	tr_counted(t, w);
}

void net_trace_rate(struct net_trace *t, uint64_t t_ps, uint32_t node, uint32_t flow,
		    uint64_t rate_bps)
{
	if (!net_trace_want(t, NET_TR_RATE, node, t_ps) || t->failed)
		return;
	struct tr_impl *w = t->impl;
	if (w->flows && !flow_listed(w, flow))
		return;
	msgpack_packer *pk = &w->pk;

	msgpack_pack_array(pk, NET_TR_RATE_LEN);
	msgpack_pack_uint32(pk, NET_TR_RATE);
	msgpack_pack_uint64(pk, t_ps);
	msgpack_pack_uint32(pk, node);
	msgpack_pack_uint32(pk, flow);
	msgpack_pack_uint64(pk, rate_bps);
	tr_counted(t, w);
}

void net_trace_coll(struct net_trace *t, enum net_trace_kind k, uint64_t t_ps, uint32_t coll,
		    uint32_t op, uint32_t algo, uint32_t npus, uint64_t bytes)
{
	if (!t || t->failed || net_trace_kind_family(k) != NET_TRF_COLL ||
	    !(t->kinds & (1u << k)) || t_ps < t->start_ps || t_ps > t->end_ps)
		return;
	struct tr_impl *w = t->impl;
	msgpack_packer *pk = &w->pk;

	msgpack_pack_array(pk, NET_TR_COLL_LEN);
	msgpack_pack_uint32(pk, (uint32_t)k);
	msgpack_pack_uint64(pk, t_ps);
	msgpack_pack_uint32(pk, coll);
	msgpack_pack_uint32(pk, op);
	msgpack_pack_uint32(pk, algo);
	msgpack_pack_uint32(pk, npus);
	msgpack_pack_uint64(pk, bytes);
	tr_counted(t, w);
}

int net_trace_close(struct net_trace *t, int interrupted, uint64_t events, uint64_t end_ps,
		    char *err, size_t errlen)
{
	if (!t)
		return 0;
	struct tr_impl *w = t->impl;

	if (!t->failed) {
		msgpack_packer *pk = &w->pk;
		msgpack_pack_array(pk, NET_TR_END_LEN);
		msgpack_pack_uint32(pk, NET_TR_END);
		msgpack_pack_uint64(pk, end_ps);
		pack_cstr(pk, interrupted ? "interrupted" : "complete");
		msgpack_pack_uint64(pk, t->records);
		msgpack_pack_uint64(pk, events);
		t->records++;
		tr_flush(t, w);
	}
	errno = 0;
	int zr = gzclose(w->gz);
	int saved = errno;
	w->gz = NULL;
	if (zr != Z_OK)
		tr_fail(t, w, zr, saved);

	int rc = 0;
	if (t->failed) {
		net_fmt_err(err, errlen, "%s: write failed: %s", w->path, w->why);
		rc = -1;
	}
	tr_free(t);
	return rc;
}
