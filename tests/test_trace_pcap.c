/*
 * tests/test_trace_pcap.c - `pktsim trace pcap` (frontend/trace_pcap.c): the
 * RoCEv2 and PFC frames it rebuilds from a trace, the pcap and pcapng files
 * around them, the command-line filters, and damaged traces.
 *
 * The ICRC is anchored by a known answer, a CNP captured from a real NIC.
 * The expected frames are built here, field by field, from the definitions
 * (doc/trace-format.md, "Converting to pcap"; the InfiniBand and 802.1Qbb
 * layouts), with a mask of the bits those definitions fix, and
 * the capture files are parsed here too, so neither the converter's frame
 * code nor its container code checks itself.
 *
 * Traces are written with the net_trace API on hand-wired stars: hosts
 * 0..H-1, each with one port, on ports 0..H-1 of switch H (H = 2 is the
 * h0 -- sw -- h1 of tests/test_trace.c). Files live in a mkdtemp directory
 * under /tmp, removed at the end of each test.
 */
#include "tests/unit_main.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <msgpack.h>
#include <zlib.h>

#include "frontend/trace_conv.h"
#include "frontend/trace_pcap.h"
#include "frontend/trace_read.h"
#include "net/net.h"
#include "net/trace.h"
#include "tests/trace_util.h"

/* ---- files ---- */

static void tmp_dir(char *buf)
{
	strcpy(buf, "/tmp/pktsim-pcap-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(buf) != NULL);
}

static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	char p[512];
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* A gzip file's whole content, through zlib's own reader. */
static uint8_t *gz_slurp(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	*len = 0;
	if (!gz)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	int got;
	while (buf && (got = gzread(gz, buf + n, (unsigned)(cap - n))) > 0) {
		n += (size_t)got;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	gzclose(gz);
	*len = n;
	return buf;
}

static void gz_spit(const char *path, const void *data, size_t len)
{
	gzFile gz = gzopen(path, "wb6");
	CU_ASSERT_FATAL(gz != NULL);
	CU_ASSERT(gzwrite(gz, data, (unsigned)len) == (int)len);
	CU_ASSERT(gzclose(gz) == Z_OK);
}

/* stderr into a file for the duration of a call (the salvage warning). */
static int saved_stderr = -1;

static void stderr_to(const char *path)
{
	fflush(stderr);
	saved_stderr = dup(2);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(saved_stderr >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
}

static void stderr_back(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	saved_stderr = -1;
}

/* ---- a hand-wired star: hosts 0..h-1, switch h ---- */

struct star {
	struct net net;
	struct net_node *nodes;
	struct net_port *ports;      /* host i: [i]; switch port i: [h + i] */
	uint32_t h;
};

static void star_init(struct star *s, uint32_t h)
{
	memset(s, 0, sizeof(*s));
	s->h = h;
	s->nodes = calloc((size_t)h + 1, sizeof(*s->nodes));
	s->ports = calloc(2 * (size_t)h, sizeof(*s->ports));
	CU_ASSERT_FATAL(s->nodes && s->ports);
	for (uint32_t i = 0; i <= h; i++) {
		struct net_node *nd = &s->nodes[i];
		nd->id = i;
		nd->kind = i == h ? NET_SWITCH : NET_HOST;
		nd->nports = i == h ? h : 1;
		nd->ports = i == h ? s->ports + h : s->ports + i;
		for (uint32_t j = 0; j < nd->nports; j++) {
			nd->ports[j].node = nd;
			nd->ports[j].index = j;
		}
	}
	for (uint32_t i = 0; i < h; i++) {
		struct net_port *a = &s->ports[i], *b = &s->ports[h + i];
		a->peer = b;
		b->peer = a;
		a->link = b->link = i;
		a->rate_bps = b->rate_bps = i == 1 ? 25000000000ull : 100000000000ull;
		a->delay_ps = b->delay_ps = 1000000;
	}
	s->net.nodes = s->nodes;
	s->net.nnodes = h + 1;
	s->net.nhosts = h;
	s->net.nlinks = h;
}

static void star_free(struct star *s)
{
	free(s->nodes);
	free(s->ports);
}

/* The node at the other end of (node, port). */
static uint32_t star_peer(uint32_t h, uint32_t node, uint32_t port)
{
	return node < h ? h : port;
}

static void node_name(uint32_t h, uint32_t node, char *buf, size_t len)
{
	snprintf(buf, len, "%s%" PRIu32, node == h ? "switch" : "host", node);
}

/* ---- events, written as a simulator writes them ---- */

struct ev {
	enum net_trace_kind kind;
	uint64_t t_ps;
	uint32_t node, port;
	struct net_pkt p;            /* packet family; aux = PFC classes */
	uint32_t flow;               /* message family */
	uint64_t bytes;
	uint32_t sport;
};

#define NO_PORT UINT32_MAX
#define F_ECT NET_PKT_F_ECT
#define F_CE NET_PKT_F_CE
#define F_AR NET_PKT_F_ACKREQ
#define F_FIRST NET_PKT_F_FIRST
#define F_LAST NET_PKT_F_LAST

static struct ev pkt(enum net_trace_kind k, uint64_t t_ps, uint32_t node, uint32_t port,
		     uint8_t type, uint32_t flow, uint32_t psn, uint32_t src, uint32_t dst,
		     uint32_t payload, uint8_t prio, uint8_t flags)
{
	struct ev e = { .kind = k, .t_ps = t_ps, .node = node, .port = port };
	e.p.id = (uint32_t)(t_ps * 7 + 1);
	e.p.type = type;
	e.p.flow = flow;
	e.p.psn = psn;
	e.p.src = src;
	e.p.dst = dst;
	e.p.payload_bytes = payload;
	e.p.wire_bytes = payload + 62;
	e.p.prio = prio;
	e.p.flags = flags;
	return e;
}

static struct ev pfc(enum net_trace_kind k, uint64_t t_ps, uint32_t node, uint32_t port,
		     uint8_t classes, uint32_t quanta)
{
	struct ev e = pkt(k, t_ps, node, port, NET_PKT_PFC, 0, quanta, 0, 0, 0, 7, 0);
	e.p.aux = classes;
	e.p.wire_bytes = 64;
	return e;
}

static struct ev msg(enum net_trace_kind k, uint64_t t_ps, uint32_t node, uint32_t flow,
		     uint32_t src, uint32_t dst, uint64_t bytes, uint32_t sport)
{
	struct ev e = { .kind = k, .t_ps = t_ps, .node = node, .port = NO_PORT, .flow = flow,
			.bytes = bytes, .sport = sport };
	e.p.src = src;
	e.p.dst = dst;
	return e;
}

static void write_trace(const char *path, const struct star *s, const struct ev *evs, size_t n)
{
	struct net_trace *t = NULL;
	char err[256] = "";
	int rc = net_trace_open(&t, path, NULL, &s->net, 3, "pcap.yaml", err, sizeof(err));
	if (rc)
		printf("\n    net_trace_open: %s\n    ", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	for (size_t i = 0; i < n; i++) {
		const struct ev *e = &evs[i];
		if (e->kind == NET_TR_RATE)
			net_trace_rate(t, e->t_ps, e->node, e->flow, 25000000000ull);
		else if (net_trace_kind_family(e->kind) == NET_TRF_MESSAGE)
			net_trace_msg(t, e->kind, e->t_ps, e->node, e->flow, e->p.src, e->p.dst,
				      e->bytes, e->sport);
		else
			net_trace_pkt(t, e->kind, e->t_ps, e->node, e->port, &e->p, 0, 0);
	}
	uint64_t end = n ? evs[n - 1].t_ps + 1 : 1;
	CU_ASSERT_EQUAL_FATAL(net_trace_close(t, 0, n, end, err, sizeof(err)), 0);
}

/*
 * Every frame shape on h0 -- sw(2) -- h1: a 3-packet WRITE of flow 5 (First,
 * Middle, Last) and a WRITE Only of flow 9, each with its msg_start; a
 * Middle packet of flow 12, whose msg_start is not in the trace; ECT and CE,
 * the ack-request bit, every class; ACKs, a NAK, a CNP; PFC frames pausing
 * two classes, resuming one, pausing class 7; rx records for --ingress; and
 * records of other kinds, which make no frame. Times cross whole seconds
 * and 2^32 ns, and some are not whole nanoseconds.
 */
#define SEC 1000000000000ull         /* ps */

static size_t sample_events(struct ev *e)
{
	size_t n = 0;
	e[n++] = msg(NET_TR_MSG_START, 0, 0, 5, 0, 1, 3000, 0xc0de);
	e[n++] = msg(NET_TR_MSG_START, 150, 1, 9, 1, 0, 1024, 50001);
	e[n++] = pkt(NET_TR_ENQ, 200, 0, 0, NET_PKT_DATA, 5, 0, 0, 1, 1000, 3, F_FIRST | F_ECT);
	e[n++] = pkt(NET_TR_TX, 1234, 0, 0, NET_PKT_DATA, 5, 0, 0, 1, 1000, 3, F_FIRST | F_ECT);
	e[n++] = pkt(NET_TR_RX, SEC - 1, 2, 0, NET_PKT_DATA, 5, 0, 0, 1, 1000, 3,
		     F_FIRST | F_ECT);
	e[n++] = pkt(NET_TR_ECN, SEC - 1, 2, 1, NET_PKT_DATA, 5, 0, 0, 1, 1000, 3,
		     F_FIRST | F_ECT | F_CE);
	e[n++] = pkt(NET_TR_TX, SEC, 2, 1, NET_PKT_DATA, 5, 0, 0, 1, 1000, 3,
		     F_FIRST | F_ECT | F_CE);
	e[n++] = pkt(NET_TR_RX, SEC + 999, 1, 0, NET_PKT_DATA, 5, 0, 0, 1, 1000, 3,
		     F_FIRST | F_ECT | F_CE);
	e[n++] = pkt(NET_TR_TX, SEC + 5000, 0, 0, NET_PKT_DATA, 5, 1, 0, 1, 1001, 5, F_ECT);
	e[n++] = pkt(NET_TR_TX, 2 * SEC + 7, 0, 0, NET_PKT_DATA, 5, 2, 0, 1, 999, 0,
		     F_LAST | F_AR | F_ECT);
	e[n++] = pkt(NET_TR_TX, 2 * SEC + 8000, 1, 0, NET_PKT_DATA, 9, 0, 1, 0, 1024, 7,
		     F_FIRST | F_LAST | F_AR);
	e[n++] = pkt(NET_TR_TX, 3 * SEC, 2, 0, NET_PKT_DATA, 9, 0, 1, 0, 1024, 7,
		     F_FIRST | F_LAST | F_AR | F_CE);
	/* a PSN past 24 bits keeps its low 24 */
	e[n++] = pkt(NET_TR_TX, 3 * SEC + 1, 0, 0, NET_PKT_DATA, 12, 0x1234567, 0, 1, 4, 1, 0);
	/* ACK of flow 5 (next expected 3) from h1, forwarded by the switch */
	e[n++] = pkt(NET_TR_TX, 4 * SEC, 1, 0, NET_PKT_ACK, 5, 3, 1, 0, 0, 6, NET_PKT_F_ECE);
	e[n++] = pkt(NET_TR_RX, 4 * SEC + 100, 2, 1, NET_PKT_ACK, 5, 3, 1, 0, 0, 6,
		     NET_PKT_F_ECE);
	e[n++] = pkt(NET_TR_TX, 4 * SEC + 200, 2, 0, NET_PKT_ACK, 5, 3, 1, 0, 0, 6,
		     NET_PKT_F_ECE);
	e[n++] = pkt(NET_TR_RX, 4 * SEC + 300, 0, 0, NET_PKT_ACK, 5, 3, 1, 0, 0, 6,
		     NET_PKT_F_ECE);
	e[n++] = pkt(NET_TR_TX, 4 * SEC + 400, 1, 0, NET_PKT_NACK, 5, 1, 1, 0, 0, 6, 0);
	e[n++] = pkt(NET_TR_CNP, 4 * SEC + 500, 1, NO_PORT, NET_PKT_DATA, 5, 0, 0, 1, 1000, 3,
		     F_FIRST | F_ECT | F_CE);
	e[n++] = pkt(NET_TR_TX, 4 * SEC + 600, 1, 0, NET_PKT_CNP, 5, 0, 1, 0, 0, 6, 0);
	e[n++] = pkt(NET_TR_TX, 4 * SEC + 700, 2, 0, NET_PKT_CNP, 5, 0, 1, 0, 0, 6, 0);
	e[n++] = pfc(NET_TR_PFC, 5 * SEC, 2, 0, 0x28, 0xffff);
	e[n++] = pfc(NET_TR_TX, 5 * SEC, 2, 0, 0x28, 0xffff);
	e[n++] = pfc(NET_TR_RX, 5 * SEC + 10, 0, 0, 0x28, 0xffff);
	e[n++] = pfc(NET_TR_TX, 5 * SEC + 20, 0, 0, 0x01, 0);
	e[n++] = pfc(NET_TR_TX, 5 * SEC + 30, 1, 0, 0x80, 300);
	e[n++] = pkt(NET_TR_DROP, 6 * SEC, 2, 1, NET_PKT_DATA, 5, 1, 0, 1, 1001, 5, F_ECT);
	e[n++] = msg(NET_TR_MSG_DONE, 6 * SEC + 1, 0, 5, 0, 1, 3000, 0xc0de);
	e[n++] = msg(NET_TR_MSG_DELIVERED, 6 * SEC + 2, 1, 5, 0, 1, 3000, 0xc0de);
	struct ev r = { .kind = NET_TR_RATE, .t_ps = 6 * SEC + 3, .node = 0, .port = NO_PORT,
			.flow = 5 };
	e[n++] = r;
	return n;
}
#define MAX_SAMPLE 40

/* ---- the expected frame ---- */

#define MAXF 8192

struct want {
	uint8_t b[MAXF];
	uint8_t care[MAXF];          /* the bits the definitions fix */
	size_t len;
	int roce;                    /* IPv4 at 18, an ICRC at the end */
};

static void w8(struct want *w, size_t at, uint32_t v, uint8_t mask)
{
	w->b[at] = (uint8_t)((w->b[at] & ~mask) | (v & mask));
	w->care[at] |= mask;
}

static void w16(struct want *w, size_t at, uint32_t v)
{
	w8(w, at, v >> 8, 0xff);
	w8(w, at + 1, v, 0xff);
}

static void w24(struct want *w, size_t at, uint32_t v)
{
	w8(w, at, v >> 16, 0xff);
	w16(w, at + 1, v);
}

static void w32(struct want *w, size_t at, uint32_t v)
{
	w16(w, at, v >> 16);
	w16(w, at + 2, v);
}

static void wmac(struct want *w, size_t at, uint32_t node)
{
	w8(w, at, 0x02, 0xff);
	w8(w, at + 1, 0, 0xff);
	w8(w, at + 2, 0, 0xff);
	w24(w, at + 3, node);
}

/* Message facts a frame takes from its flow's latest msg_start. */
struct flowfacts {
	uint32_t sport;
	uint64_t bytes;
	int seen;
};

struct ftab {
	struct flowfacts *f;
	uint32_t n;
};

static void ftab_note(struct ftab *t, const struct ev *e)
{
	if (e->flow >= t->n) {
		uint32_t n = e->flow + 1;
		struct flowfacts *nf = realloc(t->f, n * sizeof(*nf));
		CU_ASSERT_FATAL(nf != NULL);
		memset(nf + t->n, 0, (n - t->n) * sizeof(*nf));
		t->f = nf;
		t->n = n;
	}
	t->f[e->flow] = (struct flowfacts){ e->sport, e->bytes, 1 };
}

static struct flowfacts ftab_get(const struct ftab *t, uint32_t flow)
{
	if (flow < t->n && t->f[flow].seen)
		return t->f[flow];
	/* No msg_start: the port derived from the flow (trace_pcap.c, sport_of). */
	return (struct flowfacts){ 49152 + flow % 16384, 0, 0 };
}

static void want_frame(struct want *w, const struct ev *e, uint32_t txn, uint32_t rxn,
		       struct flowfacts ff, int send)
{
	const struct net_pkt *p = &e->p;
	memset(w, 0, sizeof(*w));
	wmac(w, 6, txn);
	if (p->type == NET_PKT_PFC) {
		/* 802.1Qbb: MAC control to 01:80:c2:00:00:01, opcode 0x0101, the
		 * class-enable vector, 8 pause times; padded to the minimum frame
		 * (60 bytes without the FCS). */
		static const uint8_t mc[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x01 };
		for (int i = 0; i < 6; i++)
			w8(w, (size_t)i, mc[i], 0xff);
		w16(w, 12, 0x8808);
		w16(w, 14, 0x0101);
		w16(w, 16, p->aux);
		for (int k = 0; k < 8; k++)
			w16(w, 18 + 2 * (size_t)k, (p->aux >> k & 1) ? p->psn : 0);
		for (size_t i = 34; i < 60; i++)
			w8(w, i, 0, 0xff);
		w->len = 60;
		return;
	}
	int data = p->type == NET_PKT_DATA, ack = p->type == NET_PKT_ACK;
	int cnp = p->type == NET_PKT_CNP;
	int first = (p->flags & F_FIRST) != 0, last = (p->flags & F_LAST) != 0;
	uint32_t payload = data ? p->payload_bytes : 0, pad = (4 - payload % 4) % 4;
	size_t ext = data ? (!send && first ? 16 : 0) : cnp ? 16 : 4;
	size_t len = 14 + 4 + 20 + 8 + 12 + ext + payload + pad + 4;
	if (!data)
		CU_ASSERT_EQUAL(len, cnp ? 78u : 66u);
	w->len = len;
	w->roce = 1;

	wmac(w, 0, rxn);
	w16(w, 12, 0x8100);
	w16(w, 14, (uint32_t)p->prio << 13);       /* PCP; DEI 0, VLAN 0 */
	w16(w, 16, 0x0800);

	const size_t ip = 18, udp = 38, bth = 46, x = 58;
	uint32_t ecn = (p->flags & F_CE) ? 3 : (p->flags & F_ECT) ? 2 : 0;
	w8(w, ip, 0x45, 0xff);
	w8(w, ip + 1, (uint32_t)p->prio << 5 | ecn, 0xff);
	w16(w, ip + 2, (uint32_t)(len - 18));
	w16(w, ip + 4, p->id & 0xffff);
	w16(w, ip + 6, 0x4000);                    /* don't fragment */
	w8(w, ip + 8, 64, 0xff);
	w8(w, ip + 9, 17, 0xff);
	w32(w, ip + 12, 11u << 24 | (p->src / 256) << 16 | (p->src % 256) << 8 | 1);
	w32(w, ip + 16, 11u << 24 | (p->dst / 256) << 16 | (p->dst % 256) << 8 | 1);

	w16(w, udp, ff.sport);
	w16(w, udp + 2, 4791);
	w16(w, udp + 4, (uint32_t)(len - 38));
	w16(w, udp + 6, 0);

	uint32_t op;
	if (data && send)
		op = first && last ? 0x04 : first ? 0x00 : last ? 0x02 : 0x01;
	else if (data)
		op = first && last ? 0x0a : first ? 0x06 : last ? 0x08 : 0x07;
	else
		op = cnp ? 0x81 : 0x11;
	w8(w, bth, op, 0xff);
	w8(w, bth + 1, pad << 4, 0x3f);            /* PadCnt, TVer 0 */
	w16(w, bth + 2, 0xffff);
	if (cnp)
		w8(w, bth + 4, 0x40, 0xff);        /* BECN */
	else
		w8(w, bth + 4, 0, 0x3f);           /* reserved */
	w24(w, bth + 5, p->flow + 2);
	w8(w, bth + 8, data && (p->flags & F_AR) ? 0x80 : 0, 0xff);
	if (data)
		w24(w, bth + 9, p->psn & 0xffffff);
	else if (cnp)
		w24(w, bth + 9, 0);
	else
		w24(w, bth + 9, (ack ? p->psn - 1 : p->psn) & 0xffffff);

	if (data && ext) {
		/* RETH: virtual address 0, R_Key 0, DMA length = the message */
		for (size_t i = 0; i < 12; i++)
			w8(w, x + i, 0, 0xff);
		w32(w, x + 12, (uint32_t)ff.bytes);
	} else if (cnp) {
		for (size_t i = 0; i < 16; i++)
			w8(w, x + i, 0, 0xff);
	} else if (!data) {
		w8(w, x, ack ? 0x1f : 0x60, 0xff);     /* AETH syndrome, MSN 0 */
		w24(w, x + 1, 0);
	}
	for (size_t i = x + ext; i < len - 4; i++)     /* zero payload and pad */
		w8(w, i, 0, 0xff);
}

/* The RoCEv2 ICRC from its definition (IBA Annex A17): CRC-32 over 8 bytes
 * of ones standing for the LRH, then IP, UDP and BTH with the variant fields
 * set to ones, then the rest up to the ICRC. ip: where IPv4 starts. */
static uint32_t ref_icrc(const uint8_t *f, size_t len, size_t ip)
{
	uint8_t h[40];
	static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	memcpy(h, f + ip, sizeof(h));
	h[1] = h[8] = h[10] = h[11] = h[26] = h[27] = h[32] = 0xff;
	uLong c = crc32(0, ones, 8);
	c = crc32(c, h, sizeof(h));
	return (uint32_t)crc32(c, f + ip + 40, (uInt)(len - ip - 44));
}

static int ip_sum_ok(const uint8_t *ip)
{
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* ---- capture files, parsed here ---- */

struct frame {
	uint64_t ns;
	uint32_t caplen, origlen;
	const uint8_t *data;
	uint32_t ifc;                /* pcapng interface id */
	size_t end;                  /* file offset after the frame's record */
};

#define MAX_IFS 64

struct capture {
	uint8_t *buf;
	size_t len;
	struct frame *fr;
	size_t n;
	uint32_t snaplen;            /* pcap header, or the largest IDB one */
	char ifname[MAX_IFS][40];
	uint32_t nifs;
};

static void capture_free(struct capture *c)
{
	free(c->buf);
	free(c->fr);
	memset(c, 0, sizeof(*c));
}

static void add_frame(struct capture *c, struct frame f)
{
	if ((c->n & (c->n - 1)) == 0 || c->n == 0) {
		struct frame *nf = realloc(c->fr, (c->n ? 2 * c->n : 1) * sizeof(*nf));
		CU_ASSERT_FATAL(nf != NULL);
		c->fr = nf;
	}
	c->fr[c->n++] = f;
}

/* Little-endian pcap with nanosecond timestamps, Ethernet. Returns 0 when the
 * file is well formed to its last byte. */
static int parse_pcap(struct capture *c)
{
	const uint8_t *b = c->buf;
	if (c->len < 24) {
		CU_FAIL("pcap shorter than its header");
		return -1;
	}
	CU_ASSERT_EQUAL(le32(b), 0xa1b23c4du);
	CU_ASSERT_EQUAL(le16(b + 4), 2u);
	CU_ASSERT_EQUAL(le16(b + 6), 4u);
	CU_ASSERT_EQUAL(le32(b + 8), 0u);
	CU_ASSERT_EQUAL(le32(b + 12), 0u);
	c->snaplen = le32(b + 16);
	CU_ASSERT_EQUAL(le32(b + 20), 1u);
	size_t at = 24;
	while (at < c->len) {
		if (c->len - at < 16) {
			CU_FAIL("pcap record header cut short");
			return -1;
		}
		struct frame f = { .caplen = le32(b + at + 8), .origlen = le32(b + at + 12) };
		uint32_t ns = le32(b + at + 4);
		CU_ASSERT(ns < 1000000000u);
		f.ns = (uint64_t)le32(b + at) * 1000000000u + ns;
		CU_ASSERT(f.caplen <= f.origlen);
		CU_ASSERT(f.caplen <= c->snaplen);
		if (c->len - at - 16 < f.caplen) {
			CU_FAIL("pcap frame cut short");
			return -1;
		}
		f.data = b + at + 16;
		at += 16 + f.caplen;
		f.end = at;
		add_frame(c, f);
	}
	return 0;
}

/* pcapng: a section header, interface descriptions, enhanced packet blocks.
 * Each interface is described just before the first frame that uses it. */
static int parse_pcapng(struct capture *c)
{
	const uint8_t *b = c->buf;
	size_t at = 0;
	int nblocks = 0;
	int64_t pending = -1;        /* an IDB not yet used by a frame */
	while (at < c->len) {
		if (c->len - at < 12) {
			CU_FAIL("pcapng block cut short");
			return -1;
		}
		uint32_t type = le32(b + at), total = le32(b + at + 4);
		if (total < 12 || total % 4 || total > c->len - at) {
			printf("\n    block %d at %zu: length %" PRIu32 "\n    ", nblocks, at,
			       total);
			CU_FAIL("pcapng block length");
			return -1;
		}
		CU_ASSERT_EQUAL(le32(b + at + total - 4), total);
		const uint8_t *body = b + at + 8;
		uint32_t blen = total - 12;
		if (nblocks == 0) {
			CU_ASSERT_EQUAL(type, 0x0a0d0d0au);
			CU_ASSERT_FATAL(blen >= 16);
			CU_ASSERT_EQUAL(le32(body), 0x1a2b3c4du);
			CU_ASSERT_EQUAL(le16(body + 4), 1u);
			CU_ASSERT_EQUAL(le16(body + 6), 0u);
		} else if (type == 1) {
			CU_ASSERT_EQUAL(pending, -1);  /* the previous one was used */
			CU_ASSERT_FATAL(blen >= 8 && c->nifs < MAX_IFS);
			CU_ASSERT_EQUAL(le16(body), 1u);
			uint32_t snap = le32(body + 4);
			if (snap > c->snaplen)
				c->snaplen = snap;
			char *name = c->ifname[c->nifs];
			name[0] = '\0';
			int tsresol = -1;
			size_t o = 8;
			while (o + 4 <= blen) {
				uint32_t code = le16(body + o), olen = le16(body + o + 2);
				if (code == 0)
					break;
				CU_ASSERT_FATAL(o + 4 + olen <= blen);
				if (code == 2 && olen < sizeof(c->ifname[0])) {
					memcpy(name, body + o + 4, olen);
					name[olen] = '\0';
				}
				if (code == 9 && olen == 1)
					tsresol = body[o + 4];
				o += 4 + (olen + 3) / 4 * 4;
			}
			CU_ASSERT_EQUAL(tsresol, 9);
			pending = c->nifs++;
		} else if (type == 6) {
			CU_ASSERT_FATAL(blen >= 20);
			struct frame f = { .ifc = le32(body), .caplen = le32(body + 12),
					   .origlen = le32(body + 16), .data = body + 20 };
			f.ns = (uint64_t)le32(body + 4) << 32 | le32(body + 8);
			CU_ASSERT(f.ifc < c->nifs);
			if (pending >= 0)
				CU_ASSERT_EQUAL(f.ifc, (uint32_t)pending);
			pending = -1;
			CU_ASSERT(f.caplen <= f.origlen);
			CU_ASSERT_FATAL(20 + (f.caplen + 3) / 4 * 4 <= blen);
			f.end = at + total;
			add_frame(c, f);
		} else {
			printf("\n    unexpected block type %#" PRIx32 "\n    ", type);
			CU_FAIL("pcapng block type");
		}
		nblocks++;
		at += total;
	}
	CU_ASSERT(nblocks >= 1);
	CU_ASSERT_EQUAL(pending, -1);
	/* one interface per port */
	for (uint32_t i = 0; i < c->nifs; i++)
		for (uint32_t j = i + 1; j < c->nifs; j++)
			CU_ASSERT(strcmp(c->ifname[i], c->ifname[j]) != 0);
	return 0;
}

static int load_capture(const char *path, int ng, struct capture *c)
{
	memset(c, 0, sizeof(*c));
	size_t pl = strlen(path);
	if (pl > 3 && !strcmp(path + pl - 3, ".gz"))
		c->buf = gz_slurp(path, &c->len);
	else
		c->buf = slurp(path, &c->len);
	if (!c->buf) {
		printf("\n    cannot read %s\n    ", path);
		CU_FAIL("capture file missing");
		return -1;
	}
	return ng ? parse_pcapng(c) : parse_pcap(c);
}

/* ---- conversions ---- */

static int convert(const char *trace, const char *out, struct fe_pcap_opts *o, char *err,
		   size_t errlen)
{
	err[0] = '\0';
	o->out = out;
	if (out)
		unlink(out);
	return fe_trace_pcap(trace, o, NULL, err, errlen);
}

static int keep_all(const struct ev *e, const void *arg)
{
	(void)e;
	(void)arg;
	return 1;
}

/* The capture holds exactly one frame per event of the converted kind that
 * keep() accepts, in order, each as its definition says. */
static void check_capture(const struct capture *c, const struct ev *evs, size_t n, uint32_t h,
			  const struct fe_pcap_opts *o, int ng,
			  int (*keep)(const struct ev *, const void *), const void *arg)
{
	enum net_trace_kind kind = o->ingress ? NET_TR_RX : NET_TR_TX;
	size_t k = 0;
	struct want *w = malloc(sizeof(*w));
	struct ftab ft = { NULL, 0 };
	CU_ASSERT_FATAL(w != NULL);
	for (size_t i = 0; i < n; i++) {
		const struct ev *e = &evs[i];
		/* whatever the filters: the message's facts are the message's */
		if (e->kind == NET_TR_MSG_START)
			ftab_note(&ft, e);
		if (e->kind != kind || !keep(e, arg))
			continue;
		if (k >= c->n) {
			printf("\n    no frame for event %zu\n    ", i);
			CU_FAIL("frame missing");
			break;
		}
		const struct frame *f = &c->fr[k++];
		uint32_t peer = star_peer(h, e->node, e->port);
		uint32_t txn = o->ingress ? peer : e->node, rxn = o->ingress ? e->node : peer;
		want_frame(w, e, txn, rxn, ftab_get(&ft, e->p.flow), o->send);
		uint32_t cap = o->snaplen && o->snaplen < w->len ? o->snaplen : (uint32_t)w->len;

		CU_ASSERT_EQUAL(f->ns, e->t_ps / 1000);
		CU_ASSERT_EQUAL(f->origlen, w->len);
		CU_ASSERT_EQUAL(f->caplen, cap);
		size_t m = f->caplen < w->len ? f->caplen : w->len;
		for (size_t j = 0; j < m; j++)
			if ((f->data[j] ^ w->b[j]) & w->care[j]) {
				printf("\n    event %zu (frame %zu), byte %zu: %02x, expected %02x "
				       "(bits %02x)\n    ", i, k - 1, j, f->data[j], w->b[j],
				       w->care[j]);
				CU_FAIL("frame byte");
				break;
			}
		if (w->roce && f->caplen >= 38)
			CU_ASSERT(ip_sum_ok(f->data + 18));
		if (w->roce && f->caplen == w->len) {
			uint32_t icrc = le32(f->data + w->len - 4);
			CU_ASSERT_EQUAL(icrc, fe_roce_icrc(f->data, w->len));
			CU_ASSERT_EQUAL(icrc, ref_icrc(f->data, w->len, 18));
		}
		if (ng) {
			char name[64], want_name[80];
			node_name(h, e->node, name, sizeof(name));
			snprintf(want_name, sizeof(want_name), "%s.p%" PRIu32, name, e->port);
			CU_ASSERT_FATAL(f->ifc < c->nifs);
			if (strcmp(c->ifname[f->ifc], want_name))
				printf("\n    event %zu: interface \"%s\", expected \"%s\"\n    ",
				       i, c->ifname[f->ifc], want_name);
			CU_ASSERT_STRING_EQUAL(c->ifname[f->ifc], want_name);
		}
	}
	CU_ASSERT_EQUAL(k, c->n);
	/* pcap's header, or every pcapng interface, states the snap length */
	if (ng && !c->nifs) {
		/* no interface, nothing to say */
	} else if (!o->snaplen) {
		CU_ASSERT(c->snaplen >= 65535);
	} else {
		CU_ASSERT_EQUAL(c->snaplen, o->snaplen);
	}
	free(ft.f);
	free(w);
}

/* Convert the sample trace with o to name (in dir) and check the result. */
static void convert_and_check(const char *dir, const char *trace, const char *name,
			      struct fe_pcap_opts *o, const struct ev *evs, size_t n,
			      int (*keep)(const struct ev *, const void *), const void *arg)
{
	char out[256], err[512];
	snprintf(out, sizeof(out), "%s/%s", dir, name);
	int rc = convert(trace, out, o, err, sizeof(err));
	if (rc)
		printf("\n    %s: %s\n    ", name, err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	int ng = strstr(name, ".pcapng") != NULL;
	struct capture c;
	if (load_capture(out, ng, &c) == 0)
		check_capture(&c, evs, n, 2, o, ng, keep, arg);
	capture_free(&c);
}

/* ---- the ICRC ---- */

/* A RoCEv2 CNP from a Mellanox ConnectX-4 Lx, untagged. The BTH is opcode
 * 0x81, flags 0, P_Key 0xffff, BECN (0x40), dest QP 0x000118, 0, PSN 0;
 * 16 reserved bytes follow, then the ICRC as sent, low byte first. */
static const char cnp_hex[] =
	"e41d2dab2bc2" "7cfe90643b32" "0800"
	"45c2003c718c40004011" "9161" "0a001101" "0a001201"
	"000012b700280000"
	"8100ffff" "40000118" "00000000"
	"00000000000000000000000000000000"
	"82fd002a";

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	for (; s[0] && s[1]; s += 2) {
		unsigned v;
		CU_ASSERT_FATAL(sscanf(s, "%2x", &v) == 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void test_icrc_known_answer(void)
{
	uint8_t f[128];
	size_t len = unhex(cnp_hex, f);
	/* IP total length 60 and UDP length 40 both say 74 bytes. */
	CU_ASSERT_EQUAL_FATAL(len, 74u);
	CU_ASSERT_EQUAL(14u + (f[16] << 8 | f[17]), len);
	CU_ASSERT_EQUAL(34u + (f[38] << 8 | f[39]), len);
	CU_ASSERT(ip_sum_ok(f + 14));
	uint32_t icrc = fe_roce_icrc(f, len);
	uint8_t le[4] = { (uint8_t)icrc, (uint8_t)(icrc >> 8), (uint8_t)(icrc >> 16),
			  (uint8_t)(icrc >> 24) };
	if (memcmp(le, f + 70, 4))
		printf("\n    ICRC %02x %02x %02x %02x, expected 82 fd 00 2a\n    ", le[0], le[1],
		       le[2], le[3]);
	CU_ASSERT_EQUAL(memcmp(le, f + 70, 4), 0);
	CU_ASSERT_EQUAL(ref_icrc(f, len, 14), icrc);

	/* Fields routers rewrite are outside the invariant CRC: TOS, TTL, the IP
	 * checksum, the UDP checksum, the BTH byte of FECN and BECN. So is the
	 * Ethernet header. */
	static const size_t masked[] = { 15, 22, 24, 25, 40, 41, 46, 0, 5, 6, 11 };
	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		uint8_t g[128];
		memcpy(g, f, len);
		g[masked[i]] ^= 0xff;
		if (fe_roce_icrc(g, len) != icrc)
			printf("\n    flipping byte %zu changed the ICRC\n    ", masked[i]);
		CU_ASSERT_EQUAL(fe_roce_icrc(g, len), icrc);
	}
	/* Everything else is inside: the BTH destination QP first of all, then
	 * opcode, P_Key, PSN, addresses, lengths, ports, the reserved bytes. */
	static const size_t covered[] = { 47, 48, 49, 42, 44, 50, 53, 14, 16, 17, 18, 23, 26,
					  33, 34, 37, 38, 56, 69 };
	for (size_t i = 0; i < sizeof(covered) / sizeof(covered[0]); i++) {
		uint8_t g[128];
		memcpy(g, f, len);
		g[covered[i]] ^= 0x01;
		if (fe_roce_icrc(g, len) == icrc)
			printf("\n    flipping byte %zu left the ICRC\n    ", covered[i]);
		CU_ASSERT_NOT_EQUAL(fe_roce_icrc(g, len), icrc);
	}

	/* An 802.1Q tag (what the converter writes) is not covered either. */
	uint8_t t[128];
	memcpy(t, f, 12);
	t[12] = 0x81;
	t[13] = 0x00;
	t[14] = 0xa0;                /* PCP 5 */
	t[15] = 0x00;
	memcpy(t + 16, f + 12, len - 12);
	CU_ASSERT_EQUAL(fe_roce_icrc(t, len + 4), icrc);
}

/* ---- frames, field by field ---- */

static void test_pcap_frames_from_tx_records(void)
{
	char dir[64], trace[128];
	tmp_dir(dir);
	snprintf(trace, sizeof(trace), "%s/run.trace", dir);
	struct star s;
	star_init(&s, 2);
	struct ev evs[MAX_SAMPLE];
	size_t n = sample_events(evs);
	CU_ASSERT_FATAL(n <= MAX_SAMPLE);
	write_trace(trace, &s, evs, n);

	/* whole frames, the default 128 bytes, a cut inside the BTH, one byte */
	static const uint32_t snaps[] = { 0, FE_PCAP_SNAPLEN, 50, 1, 65535 };
	for (size_t i = 0; i < sizeof(snaps) / sizeof(snaps[0]); i++) {
		struct fe_pcap_opts o = { .snaplen = snaps[i] };
		convert_and_check(dir, trace, "a.pcap", &o, evs, n, keep_all, NULL);
	}
	/* 15 frames: 7 data, 2 ACKs, a NAK, 2 CNPs, 3 PFC */
	struct fe_pcap_opts o = { .snaplen = 0 };
	char out[256], err[512];
	snprintf(out, sizeof(out), "%s/a.pcap", dir);
	CU_ASSERT_EQUAL_FATAL(convert(trace, out, &o, err, sizeof(err)), 0);
	struct capture c;
	CU_ASSERT_EQUAL(load_capture(out, 0, &c), 0);
	CU_ASSERT_EQUAL(c.n, 15u);
	capture_free(&c);

	star_free(&s);
	rm_dir(dir);
}

static void test_send_opcodes_have_no_reth(void)
{
	char dir[64], trace[128];
	tmp_dir(dir);
	snprintf(trace, sizeof(trace), "%s/run.trace", dir);
	struct star s;
	star_init(&s, 2);
	struct ev evs[MAX_SAMPLE];
	size_t n = sample_events(evs);
	write_trace(trace, &s, evs, n);
	struct fe_pcap_opts o = { .snaplen = 0, .send = 1 };
	convert_and_check(dir, trace, "send.pcap", &o, evs, n, keep_all, NULL);
	o.snaplen = 60;
	convert_and_check(dir, trace, "send.pcapng", &o, evs, n, keep_all, NULL);
	star_free(&s);
	rm_dir(dir);
}

static void test_ingress_frames_from_rx_records(void)
{
	char dir[64], trace[128];
	tmp_dir(dir);
	snprintf(trace, sizeof(trace), "%s/run.trace", dir);
	struct star s;
	star_init(&s, 2);
	struct ev evs[MAX_SAMPLE];
	size_t n = sample_events(evs);
	write_trace(trace, &s, evs, n);
	struct fe_pcap_opts o = { .snaplen = 0, .ingress = 1 };
	convert_and_check(dir, trace, "in.pcap", &o, evs, n, keep_all, NULL);
	convert_and_check(dir, trace, "in.pcapng", &o, evs, n, keep_all, NULL);

	/* the data frame arriving at the switch: sent by host 0, to switch 2 */
	char out[256], err[512];
	snprintf(out, sizeof(out), "%s/in.pcap", dir);
	CU_ASSERT_EQUAL_FATAL(convert(trace, out, &o, err, sizeof(err)), 0);
	struct capture c;
	CU_ASSERT_EQUAL(load_capture(out, 0, &c), 0);
	CU_ASSERT_FATAL(c.n == 5);
	static const uint8_t sw[6] = { 2, 0, 0, 0, 0, 2 }, h0[6] = { 2, 0, 0, 0, 0, 0 };
	CU_ASSERT_EQUAL(memcmp(c.fr[0].data, sw, 6), 0);
	CU_ASSERT_EQUAL(memcmp(c.fr[0].data + 6, h0, 6), 0);
	/* the PFC frame arriving at host 0 comes from the switch */
	CU_ASSERT_EQUAL(memcmp(c.fr[4].data + 6, sw, 6), 0);
	capture_free(&c);
	star_free(&s);
	rm_dir(dir);
}

/* Host ids past 255 use the third octet: 11.x.y.1, x.y = id / 256, id % 256;
 * node ids take 24 bits of the MAC. */
static void test_addresses_past_255(void)
{
	char dir[64], trace[128];
	tmp_dir(dir);
	snprintf(trace, sizeof(trace), "%s/big.trace", dir);
	struct star s;
	const uint32_t h = 300;
	star_init(&s, h);
	struct ev evs[4];
	size_t n = 0;
	evs[n++] = msg(NET_TR_MSG_START, 10, 299, 70000, 299, 256, 8192, 60000);
	evs[n++] = pkt(NET_TR_TX, 20, 299, 0, NET_PKT_DATA, 70000, 0, 299, 256, 4096, 2,
		       F_FIRST | F_ECT);
	evs[n++] = pkt(NET_TR_TX, 30, h, 256, NET_PKT_DATA, 70000, 0, 299, 256, 4096, 2,
		       F_FIRST | F_ECT);
	evs[n++] = pkt(NET_TR_TX, 40, 256, 0, NET_PKT_ACK, 70000, 1, 256, 299, 0, 2, 0);
	write_trace(trace, &s, evs, n);

	struct fe_pcap_opts o = { .snaplen = 0 };
	char out[256], err[512];
	snprintf(out, sizeof(out), "%s/big.pcapng", dir);
	int rc = convert(trace, out, &o, err, sizeof(err));
	if (rc)
		printf("\n    %s\n    ", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	struct capture c;
	if (load_capture(out, 1, &c) == 0) {
		check_capture(&c, evs, n, h, &o, 1, keep_all, NULL);
		CU_ASSERT_FATAL(c.n == 3);
		/* host 299 = 11.1.43.1 to host 256 = 11.1.0.1 */
		static const uint8_t ips[8] = { 11, 1, 43, 1, 11, 1, 0, 1 };
		CU_ASSERT_EQUAL(memcmp(c.fr[0].data + 30, ips, 8), 0);
		/* switch 300 = 0x12c to host 256 = 0x100 */
		static const uint8_t macs[12] = { 2, 0, 0, 0, 1, 0, 2, 0, 0, 0, 1, 0x2c };
		CU_ASSERT_EQUAL(memcmp(c.fr[1].data, macs, 12), 0);
		CU_ASSERT_STRING_EQUAL(c.ifname[1], "switch300.p256");
	}
	capture_free(&c);
	star_free(&s);
	rm_dir(dir);
}

/* ---- containers ---- */

static void test_pcapng_blocks_and_interfaces(void)
{
	char dir[64], trace[128];
	tmp_dir(dir);
	snprintf(trace, sizeof(trace), "%s/run.trace.gz", dir);
	struct star s;
	star_init(&s, 2);
	struct ev evs[MAX_SAMPLE];
	size_t n = sample_events(evs);
	write_trace(trace, &s, evs, n);
	struct fe_pcap_opts o = { .snaplen = 0 };
	convert_and_check(dir, trace, "a.pcapng", &o, evs, n, keep_all, NULL);
	o.snaplen = 128;
	convert_and_check(dir, trace, "b.pcapng.gz", &o, evs, n, keep_all, NULL);

	/* The ports that carry frames, in the order they first do. */
	char out[256], err[512];
	snprintf(out, sizeof(out), "%s/a.pcapng", dir);
	o.snaplen = 0;
	CU_ASSERT_EQUAL_FATAL(convert(trace, out, &o, err, sizeof(err)), 0);
	struct capture c;
	CU_ASSERT_EQUAL(load_capture(out, 1, &c), 0);
	static const char *const want[] = { "host0.p0", "switch2.p1", "host1.p0", "switch2.p0" };
	CU_ASSERT_EQUAL(c.nifs, 4u);
	for (uint32_t i = 0; i < c.nifs && i < 4; i++)
		CU_ASSERT_STRING_EQUAL(c.ifname[i], want[i]);
	capture_free(&c);

	/* --format pcapng whatever the name; pcap whatever the name */
	snprintf(out, sizeof(out), "%s/x.cap", dir);
	o.format = FE_PCAP_PCAPNG;
	CU_ASSERT_EQUAL_FATAL(convert(trace, out, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(load_capture(out, 1, &c), 0);
	CU_ASSERT_EQUAL(c.n, 15u);
	capture_free(&c);
	snprintf(out, sizeof(out), "%s/x.pcapng", dir);
	o.format = FE_PCAP_PCAP;
	CU_ASSERT_EQUAL_FATAL(convert(trace, out, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(load_capture(out, 0, &c), 0);
	CU_ASSERT_EQUAL(c.n, 15u);
	capture_free(&c);
	star_free(&s);
	rm_dir(dir);
}

static void test_pcap_gz_is_the_pcap_compressed(void)
{
	char dir[64], trace[128], a[256], b[256], err[512];
	tmp_dir(dir);
	snprintf(trace, sizeof(trace), "%s/run.trace", dir);
	struct star s;
	star_init(&s, 2);
	struct ev evs[MAX_SAMPLE];
	size_t n = sample_events(evs);
	write_trace(trace, &s, evs, n);
	const char *ext[2][2] = { { "a.pcap", "a.pcap.gz" }, { "b.pcapng", "b.pcapng.gz" } };
	for (int k = 0; k < 2; k++) {
		struct fe_pcap_opts o = { .snaplen = FE_PCAP_SNAPLEN };
		snprintf(a, sizeof(a), "%s/%s", dir, ext[k][0]);
		snprintf(b, sizeof(b), "%s/%s", dir, ext[k][1]);
		CU_ASSERT_EQUAL_FATAL(convert(trace, a, &o, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL_FATAL(convert(trace, b, &o, err, sizeof(err)), 0);
		size_t la, lb, lraw;
		uint8_t *pa = slurp(a, &la), *pb = gz_slurp(b, &lb), *raw = slurp(b, &lraw);
		CU_ASSERT_FATAL(pa && pb && raw);
		CU_ASSERT(lraw >= 2 && raw[0] == 0x1f && raw[1] == 0x8b);
		CU_ASSERT_EQUAL(la, lb);
		CU_ASSERT(la == lb && memcmp(pa, pb, la) == 0);
		free(pa);
		free(pb);
		free(raw);
	}
	star_free(&s);
	rm_dir(dir);
}

/* ---- filters ---- */

struct fspec {
	const char *argv[8];
	/* the definition, restated */
	int node;                    /* -1: any */
	uint32_t flow;               /* UINT32_MAX: any */
	uint64_t start, end;         /* inclusive; end UINT64_MAX: none */
};

static int keep_spec(const struct ev *e, const void *arg)
{
	const struct fspec *f = arg;
	if (e->t_ps < f->start || e->t_ps > f->end)
		return 0;
	if (f->node >= 0 && e->node != (uint32_t)f->node)
		return 0;
	if (f->flow != UINT32_MAX && e->p.type != NET_PKT_PFC && e->p.flow != f->flow)
		return 0;
	return 1;
}

static int parse_filter(struct fe_tfilter *f, const char *const *args, char *err,
			size_t errlen)
{
	int argc = 0;
	char *argv[8];
	while (args[argc]) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	for (int i = 0; i < argc; i++) {
		int rc = fe_tfilter_arg(f, argc, argv, &i, err, errlen);
		if (rc <= 0)
			return rc < 0 ? -1 : -2;
	}
	return 0;
}

static void test_filters_keep_the_right_frames(void)
{
	char dir[64], trace[128];
	tmp_dir(dir);
	snprintf(trace, sizeof(trace), "%s/run.trace", dir);
	struct star s;
	star_init(&s, 2);
	struct ev evs[MAX_SAMPLE];
	size_t n = sample_events(evs);
	write_trace(trace, &s, evs, n);

	static const struct fspec specs[] = {
		{ { "--nodes", "2", NULL }, 2, UINT32_MAX, 0, UINT64_MAX },
		{ { "--nodes", "1", NULL }, 1, UINT32_MAX, 0, UINT64_MAX },
		{ { "--flows", "5", NULL }, -1, 5, 0, UINT64_MAX },
		{ { "--flows", "9", "--nodes", "2", NULL }, 2, 9, 0, UINT64_MAX },
		{ { "--start", "1s", NULL }, -1, UINT32_MAX, SEC, UINT64_MAX },
		{ { "--start", "1s", "--end", "3s", NULL }, -1, UINT32_MAX, SEC, 3 * SEC },
		{ { "--end", "1234ps", NULL }, -1, UINT32_MAX, 0, 1234 },
		{ { "--start", "4000000000200ps", "--end", "5s", "--nodes", "2", NULL }, 2,
		  UINT32_MAX, 4 * SEC + 200, 5 * SEC },
	};
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		for (int ingress = 0; ingress <= 1; ingress++) {
			struct fe_pcap_opts o = { .snaplen = 0, .ingress = ingress };
			char err[256] = "";
			int rc = parse_filter(&o.filter, specs[i].argv, err, sizeof(err));
			if (rc)
				printf("\n    filter %zu: %s\n    ", i, err);
			CU_ASSERT_EQUAL_FATAL(rc, 0);
			convert_and_check(dir, trace, ingress ? "f.pcapng" : "f.pcap", &o, evs, n,
					  keep_spec, &specs[i]);
			fe_tfilter_free(&o.filter);
		}
	}
	star_free(&s);
	rm_dir(dir);
}

/* --end 0 keeps what happened at time 0 and nothing after. */
static void test_filter_end_zero(void)
{
	char dir[64], trace[128];
	tmp_dir(dir);
	snprintf(trace, sizeof(trace), "%s/run.trace", dir);
	struct star s;
	star_init(&s, 2);
	struct ev evs[3];
	evs[0] = pkt(NET_TR_TX, 0, 0, 0, NET_PKT_DATA, 1, 0, 0, 1, 100, 0, F_FIRST | F_LAST);
	evs[1] = pkt(NET_TR_TX, 1000, 2, 1, NET_PKT_DATA, 1, 0, 0, 1, 100, 0, F_FIRST | F_LAST);
	evs[2] = pkt(NET_TR_TX, 2000, 1, 0, NET_PKT_ACK, 1, 1, 1, 0, 0, 0, 0);
	write_trace(trace, &s, evs, 3);
	static const struct fspec spec = { { "--end", "0", NULL }, -1, UINT32_MAX, 0, 0 };
	struct fe_pcap_opts o = { .snaplen = 0 };
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(parse_filter(&o.filter, spec.argv, err, sizeof(err)), 0);
	convert_and_check(dir, trace, "z.pcap", &o, evs, 3, keep_spec, &spec);
	fe_tfilter_free(&o.filter);
	star_free(&s);
	rm_dir(dir);
}

static void test_filter_errors(void)
{
	char dir[64], trace[128], out[256], err[512];
	tmp_dir(dir);
	snprintf(trace, sizeof(trace), "%s/run.trace", dir);
	snprintf(out, sizeof(out), "%s/f.pcap", dir);
	struct star s;
	star_init(&s, 2);
	struct ev evs[MAX_SAMPLE];
	size_t n = sample_events(evs);
	write_trace(trace, &s, evs, n);

	/* nodes 0..2 exist; 3 does not */
	static const char *const bad_node[] = { "--nodes", "0,3", NULL };
	struct fe_pcap_opts o = { .snaplen = 0 };
	CU_ASSERT_EQUAL_FATAL(parse_filter(&o.filter, bad_node, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(convert(trace, out, &o, err, sizeof(err)), -1);
	if (!strstr(err, "node 3"))
		printf("\n    %s\n    ", err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "node 3"));
	CU_ASSERT(!exists(out));
	fe_tfilter_free(&o.filter);

	static const char *const ok_node[] = { "--nodes", "0-2", NULL };
	CU_ASSERT_EQUAL_FATAL(parse_filter(&o.filter, ok_node, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(convert(trace, out, &o, err, sizeof(err)), 0);
	fe_tfilter_free(&o.filter);

	/* bad values are refused when parsed */
	const char *const *const bad[] = {
		(const char *const[]){ "--nodes", "x", NULL },
		(const char *const[]){ "--nodes", "3-1", NULL },
		(const char *const[]){ "--flows", "", NULL },
		(const char *const[]){ "--flows", NULL },
		(const char *const[]){ "--start", "soon", NULL },
		(const char *const[]){ "--start", "2us", "--end", "1us", NULL },
		(const char *const[]){ "--end", "1us", "--start", "2us", NULL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fe_tfilter f = { 0 };
		err[0] = '\0';
		int rc = parse_filter(&f, bad[i], err, sizeof(err));
		if (rc != -1)
			printf("\n    filter %zu (%s %s) accepted\n    ", i, bad[i][0],
			       bad[i][1] ? bad[i][1] : "");
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT(err[0] != '\0');
		fe_tfilter_free(&f);
	}
	star_free(&s);
	rm_dir(dir);
}

/* A tx record at a port the header's topology does not have. */
static void test_record_at_unknown_port(void)
{
	char dir[64], trace[128], out[256], err[512];
	tmp_dir(dir);
	snprintf(trace, sizeof(trace), "%s/run.trace", dir);
	snprintf(out, sizeof(out), "%s/p.pcap", dir);
	struct star s;
	star_init(&s, 2);
	struct ev evs[3];
	evs[0] = pkt(NET_TR_TX, 10, 0, 0, NET_PKT_DATA, 1, 0, 0, 1, 100, 0, F_FIRST);
	evs[1] = pkt(NET_TR_TX, 20, 2, 1, NET_PKT_DATA, 1, 0, 0, 1, 100, 0, F_FIRST);
	evs[2] = pkt(NET_TR_TX, 30, 0, 1, NET_PKT_DATA, 1, 1, 0, 1, 100, 0, F_LAST);
	write_trace(trace, &s, evs, 3);
	for (int salvage = 0; salvage <= 1; salvage++) {
		struct fe_pcap_opts o = { .snaplen = 0, .salvage = salvage };
		CU_ASSERT_EQUAL(convert(trace, out, &o, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, trace));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "record index 2"));
		CU_ASSERT(!exists(out));
	}
	star_free(&s);
	rm_dir(dir);
}

/* ---- damaged traces ---- */

static uint64_t xs_state;

static uint32_t xs(void)
{
	xs_state ^= xs_state << 13;
	xs_state ^= xs_state >> 7;
	xs_state ^= xs_state << 17;
	return (uint32_t)(xs_state >> 11);
}

/* A busy run on the 3-node star: packets of every type at every port, rx
 * and enq records between, messages starting; fields vary enough that the
 * trace spans several of the writer's 64 KiB batches. */
#define NBIG 15000

static size_t big_events(struct ev *e)
{
	xs_state = 0x9e3779b97f4a7c15ull;
	uint64_t t = 0;
	for (size_t i = 0; i < NBIG; i++) {
		t += 1 + xs() % 5000;
		uint32_t node = xs() % 3, port = node == 2 ? xs() % 2 : 0;
		uint32_t r = xs() % 100, flow = xs() % 40;
		if (r < 4) {
			e[i] = msg(NET_TR_MSG_START, t, node == 2 ? 0 : node, flow, 0, 1,
				   1 + xs() % 1000000, 49152 + xs() % 16384);
			continue;
		}
		enum net_trace_kind k = r < 60 ? NET_TR_TX : r < 80 ? NET_TR_RX : NET_TR_ENQ;
		uint32_t ty = xs() % 100;
		uint8_t type = ty < 70 ? NET_PKT_DATA : ty < 88 ? NET_PKT_ACK
			       : ty < 91 ? NET_PKT_NACK : ty < 95 ? NET_PKT_CNP : NET_PKT_PFC;
		if (type == NET_PKT_PFC) {
			e[i] = pfc(k, t, node, port, (uint8_t)(1 + xs() % 255), xs() % 65536);
			continue;
		}
		e[i] = pkt(k, t, node, port, type, flow, xs() % 100000, xs() % 2, xs() % 2,
			   type == NET_PKT_DATA ? xs() % 4097 : 0, (uint8_t)(xs() % 8),
			   (uint8_t)(xs() % 128));
	}
	return NBIG;
}

/* What a reader can get out of a (possibly cut or damaged) gzip file,
 * worked out here with inflate and msgpack_unpack_next: complete objects
 * up to the first damage. */
struct prefix {
	int header;                  /* the header object came out whole */
	uint64_t records;            /* complete records after it */
	uint64_t offset;             /* uncompressed bytes of those objects */
	uint64_t tx;                 /* tx records among them */
	uint64_t rec_off[NBIG + 2];  /* where record i starts */
	uint8_t kind[NBIG + 2];
};

static uint8_t *inflate_all(const uint8_t *gz, size_t len, size_t *outlen)
{
	z_stream z = { 0 };
	CU_ASSERT_FATAL(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);
	size_t cap = 1 << 20, n = 0;
	uint8_t *out = malloc(cap);
	CU_ASSERT_FATAL(out != NULL);
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)len;
	for (;;) {
		if (n == cap) {
			out = realloc(out, cap *= 2);
			CU_ASSERT_FATAL(out != NULL);
		}
		z.next_out = out + n;
		z.avail_out = (uInt)(cap - n);
		int rc = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
		if (rc != Z_OK || (z.avail_in == 0 && z.avail_out > 0))
			break;
	}
	inflateEnd(&z);
	*outlen = n;
	return out;
}

static void analyze(const uint8_t *gz, size_t len, struct prefix *pf)
{
	memset(pf, 0, sizeof(*pf));
	size_t rawlen, off = 0;
	uint8_t *raw = inflate_all(gz, len, &rawlen);
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	while (msgpack_unpack_next(&u, (const char *)raw, rawlen, &off) ==
	       MSGPACK_UNPACK_SUCCESS) {
		if (!pf->header) {
			pf->header = 1;
		} else {
			const msgpack_object *o = &u.data;
			uint8_t k = 0xff;
			if (o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size > 0 &&
			    o->via.array.ptr[0].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
			    o->via.array.ptr[0].via.u64 < 0xff)
				k = (uint8_t)o->via.array.ptr[0].via.u64;
			pf->tx += k == NET_TR_TX;
			if (pf->records < NBIG + 2)
				pf->kind[pf->records] = k;
			pf->records++;
		}
		pf->offset = off;
		if (pf->records < NBIG + 2)
			pf->rec_off[pf->records] = off;
	}
	msgpack_unpacked_destroy(&u);
	free(raw);
}

/* Offset in a pcap file after its first k frames. */
static size_t pcap_prefix(const struct capture *c, uint64_t k)
{
	return k == 0 ? 24 : c->fr[k - 1].end;
}

struct damage_ctx {
	char dir[64], trace[128], full[256], cut[128], out[256], errf[256];
	struct capture fullcap;
	uint8_t *gz;
	size_t gzlen;
	struct prefix *pf;
};

static void damage_setup(struct damage_ctx *d)
{
	memset(d, 0, sizeof(*d));
	tmp_dir(d->dir);
	snprintf(d->trace, sizeof(d->trace), "%s/big.trace", d->dir);
	snprintf(d->full, sizeof(d->full), "%s/full.pcap", d->dir);
	snprintf(d->cut, sizeof(d->cut), "%s/cut.trace", d->dir);
	snprintf(d->out, sizeof(d->out), "%s/cut.pcap", d->dir);
	snprintf(d->errf, sizeof(d->errf), "%s/stderr.txt", d->dir);
	struct star s;
	star_init(&s, 2);
	struct ev *evs = malloc(NBIG * sizeof(*evs));
	CU_ASSERT_FATAL(evs != NULL);
	size_t n = big_events(evs);
	write_trace(d->trace, &s, evs, n);
	star_free(&s);

	char err[512];
	struct fe_pcap_opts o = { .snaplen = FE_PCAP_SNAPLEN };
	CU_ASSERT_EQUAL_FATAL(convert(d->trace, d->full, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(load_capture(d->full, 0, &d->fullcap), 0);
	check_capture(&d->fullcap, evs, n, 2, &o, 0, keep_all, NULL);
	free(evs);
	d->gz = slurp(d->trace, &d->gzlen);
	/* several writer batches, so a cut can land between them */
	CU_ASSERT_FATAL(d->gz && d->gzlen > 100000);
	d->pf = malloc(sizeof(*d->pf));
	CU_ASSERT_FATAL(d->pf != NULL);
}

static void damage_teardown(struct damage_ctx *d)
{
	capture_free(&d->fullcap);
	free(d->gz);
	free(d->pf);
	rm_dir(d->dir);
}

/* Converting d->cut fails, names the file and the place, leaves no output;
 * returns the message. */
static void expect_fail(struct damage_ctx *d, int salvage, const char *needle, char *err,
			size_t errlen)
{
	struct fe_pcap_opts o = { .snaplen = FE_PCAP_SNAPLEN, .salvage = salvage };
	stderr_to(d->errf);
	int rc = convert(d->cut, d->out, &o, err, errlen);
	stderr_back();
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, d->cut));
	if (needle && !strstr(err, needle))
		printf("\n    expected \"%s\" in \"%s\"\n    ", needle, err);
	if (needle)
		CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
	CU_ASSERT(!exists(d->out));
}

/* With --salvage, d->cut converts to exactly the frames of its first
 * `tx` tx records: the full conversion's file up to that frame. */
static void expect_salvage(struct damage_ctx *d, uint64_t tx)
{
	struct fe_pcap_opts o = { .snaplen = FE_PCAP_SNAPLEN, .salvage = 1 };
	char err[512];
	stderr_to(d->errf);
	int rc = convert(d->cut, d->out, &o, err, sizeof(err));
	stderr_back();
	if (rc)
		printf("\n    salvage: %s\n    ", err);
	CU_ASSERT_EQUAL(rc, 0);
	size_t elen;
	char *e = (char *)slurp(d->errf, &elen);
	CU_ASSERT_FATAL(e != NULL);
	e = realloc(e, elen + 1);
	e[elen] = '\0';
	CU_ASSERT_PTR_NOT_NULL(strstr(e, "warning"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e, d->cut));
	free(e);
	struct capture c;
	if (load_capture(d->out, 0, &c) == 0) {
		if (c.n != tx)
			printf("\n    salvaged %zu frames, expected %" PRIu64 "\n    ", c.n, tx);
		CU_ASSERT_EQUAL(c.n, tx);
		size_t want = pcap_prefix(&d->fullcap, tx);
		CU_ASSERT(c.len == want && memcmp(c.buf, d->fullcap.buf, want) == 0);
	}
	capture_free(&c);
	unlink(d->out);
}

static void test_truncated_trace(void)
{
	struct damage_ctx d;
	damage_setup(&d);
	size_t cuts[] = { 1, 9, 20, 300, d.gzlen / 7, 2 * d.gzlen / 7, d.gzlen / 2,
			  5 * d.gzlen / 7, d.gzlen - 9, d.gzlen - 3, d.gzlen - 1 };
	int with_records = 0;
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		spit(d.cut, d.gz, cuts[i]);
		analyze(d.gz, cuts[i], d.pf);
		char err[512], needle[160];
		if (cuts[i] < 2) {
			expect_fail(&d, 0, "not a gzip file", err, sizeof(err));
			expect_fail(&d, 1, "not a gzip file", err, sizeof(err));
			continue;
		}
		snprintf(needle, sizeof(needle), "truncated gzip stream after %" PRIu64
			 " records (uncompressed byte offset %" PRIu64 ")", d.pf->records,
			 d.pf->header ? d.pf->offset : 0);
		expect_fail(&d, 0, needle, err, sizeof(err));
		if (!d.pf->header) {
			expect_fail(&d, 1, needle, err, sizeof(err));
			continue;
		}
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "--salvage"));
		with_records += d.pf->records > 0;
		expect_salvage(&d, d.pf->tx);
	}
	/* the cuts did land after records, and the last ones after all of them */
	CU_ASSERT(with_records >= 6);
	CU_ASSERT_EQUAL(d.pf->records, NBIG + 1);
	CU_ASSERT_EQUAL(d.pf->tx, d.fullcap.n);
	damage_teardown(&d);
}

static void test_flipped_compressed_bytes(void)
{
	struct damage_ctx d;
	damage_setup(&d);
	/* the deflate data at several places, the CRC-32 and the length in the
	 * gzip trailer */
	size_t at[] = { 10, 12, 40, 1000, d.gzlen / 3, d.gzlen / 2, 4 * d.gzlen / 5,
			d.gzlen - 20, d.gzlen - 8, d.gzlen - 6, d.gzlen - 2 };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		uint8_t *g = malloc(d.gzlen);
		memcpy(g, d.gz, d.gzlen);
		g[at[i]] ^= 0xff;
		spit(d.cut, g, d.gzlen);
		free(g);
		char err[512];
		expect_fail(&d, 0, "record", err, sizeof(err));
		/* with salvage: a conversion of what came before, or a failure
		 * that leaves nothing */
		struct fe_pcap_opts o = { .snaplen = FE_PCAP_SNAPLEN, .salvage = 1 };
		stderr_to(d.errf);
		int rc = convert(d.cut, d.out, &o, err, sizeof(err));
		stderr_back();
		CU_ASSERT(rc == 0 ? exists(d.out) : !exists(d.out));
		unlink(d.out);
	}
	damage_teardown(&d);
}

/* The msgpack stream damaged (then compressed again), so the gzip layer is
 * fine and the reader's own decoding finds it. */
static void test_damaged_records(void)
{
	struct damage_ctx d;
	damage_setup(&d);
	size_t rawlen;
	uint8_t *raw = inflate_all(d.gz, d.gzlen, &rawlen);
	analyze(d.gz, d.gzlen, d.pf);
	CU_ASSERT_FATAL(d.pf->records == NBIG + 1);
	static const uint64_t idx[] = { 0, 1, 777, NBIG / 2, NBIG - 1 };
	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		/* rec_off[k] is the offset after k records: record k starts there */
		uint64_t k = idx[i], off = d.pf->rec_off[k], tx = 0;
		for (uint64_t j = 0; j < k; j++)
			tx += d.pf->kind[j] == NET_TR_TX;
		/* the kind follows the array's header: 1 byte up to 15 elements,
		 * 3 for the 17 of a PFC record */
		uint64_t kind_at = off + (raw[off] == 0xdc ? 3 : 1);
		CU_ASSERT_FATAL(raw[kind_at] == d.pf->kind[k]);
		for (int how = 0; how < 2; how++) {
			uint8_t *m = malloc(rawlen);
			memcpy(m, raw, rawlen);
			char needle[200];
			if (how == 0) {
				m[off] = 0xc1;       /* never valid msgpack */
				snprintf(needle, sizeof(needle), "malformed msgpack at record "
					 "index %" PRIu64 " (uncompressed byte offset %" PRIu64 ")",
					 k, off);
			} else {
				m[kind_at] = 0x7f;   /* kind 127 */
				snprintf(needle, sizeof(needle), "record index %" PRIu64
					 " (uncompressed byte offset %" PRIu64 "): unknown record "
					 "kind", k, off);
			}
			gz_spit(d.cut, m, rawlen);
			free(m);
			char err[512];
			expect_fail(&d, 0, needle, err, sizeof(err));
			expect_salvage(&d, tx);
		}
	}
	free(raw);
	damage_teardown(&d);
}

/* A header-only msgpack body, as tests/test_trace.c writes_raw_trace. */
static void write_raw_trace(const char *path, uint32_t version)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	msgpack_pack_str_with_body(&pk, "format", 6);
	msgpack_pack_str_with_body(&pk, "pktsim-trace", 12);
	msgpack_pack_str_with_body(&pk, "version", 7);
	msgpack_pack_uint32(&pk, version);
	gz_spit(path, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

static void test_unreadable_traces(void)
{
	char dir[64], in[128], out[256], err[512];
	tmp_dir(dir);
	snprintf(in, sizeof(in), "%s/bad.trace", dir);
	snprintf(out, sizeof(out), "%s/bad.pcap", dir);
	for (int salvage = 0; salvage <= 1; salvage++) {
		struct fe_pcap_opts o = { .snaplen = 0, .salvage = salvage };
		static const struct {
			const char *content;
			size_t len;
			const char *needle;
		} cases[] = {
			{ "", 0, "empty file" },
			{ "PK\3\4 not gzip", 13, "not a gzip file" },
			{ "\x1f", 1, "not a gzip file" },
		};
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			spit(in, cases[i].content, cases[i].len);
			CU_ASSERT_EQUAL(convert(in, out, &o, err, sizeof(err)), -1);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, in));
			CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].needle));
			CU_ASSERT(!exists(out));
		}
		write_raw_trace(in, 2);
		CU_ASSERT_EQUAL(convert(in, out, &o, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, in));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "version 2 is not supported"));
		CU_ASSERT(!exists(out));
		/* a missing file, and the default output name next to it */
		snprintf(in, sizeof(in), "%s/none.trace", dir);
		CU_ASSERT_EQUAL(convert(in, NULL, &o, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, in));
		snprintf(out, sizeof(out), "%s/none.pcap", dir);
		CU_ASSERT(!exists(out));
		snprintf(in, sizeof(in), "%s/bad.trace", dir);
		snprintf(out, sizeof(out), "%s/bad.pcap", dir);
	}
	rm_dir(dir);
}

/* A readable header without the topology the frames need. */
static void test_header_without_topology(void)
{
	char dir[64], in[128], out[256], err[512];
	tmp_dir(dir);
	snprintf(in, sizeof(in), "%s/bare.trace", dir);
	snprintf(out, sizeof(out), "%s/bare.pcap", dir);
	write_raw_trace(in, 1);
	struct fe_pcap_opts o = { .snaplen = 0 };
	CU_ASSERT_EQUAL(convert(in, out, &o, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nodes and links"));
	if (!strstr(err, in))
		printf("\n    \"%s\" does not name the file\n    ", err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, in));
	CU_ASSERT(!exists(out));
	rm_dir(dir);
}

static void test_default_output_name(void)
{
	char dir[64], trace[128], out[256], err[512];
	tmp_dir(dir);
	struct star s;
	star_init(&s, 2);
	struct ev evs[MAX_SAMPLE];
	size_t n = sample_events(evs);
	static const char *const names[][2] = {
		{ "run.trace", "run.pcap" },
		{ "run.trace.gz", "run.pcap" },
		{ "r2.gz", "r2.pcap" },
		{ "r3", "r3.pcap" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(trace, sizeof(trace), "%s/%s", dir, names[i][0]);
		snprintf(out, sizeof(out), "%s/%s", dir, names[i][1]);
		write_trace(trace, &s, evs, n);
		unlink(out);
		struct fe_pcap_opts o = { .snaplen = 0 };
		CU_ASSERT_EQUAL(fe_trace_pcap(trace, &o, NULL, err, sizeof(err)), 0);
		CU_ASSERT(exists(out));
		struct capture c;
		if (load_capture(out, 0, &c) == 0)
			check_capture(&c, evs, n, 2, &o, 0, keep_all, NULL);
		capture_free(&c);
	}
	star_free(&s);
	rm_dir(dir);
}

static const struct unit_test pcap_tests[] = {
	{ "icrc_known_answer", test_icrc_known_answer },
	{ "pcap_frames_from_tx_records", test_pcap_frames_from_tx_records },
	{ "send_opcodes_have_no_reth", test_send_opcodes_have_no_reth },
	{ "ingress_frames_from_rx_records", test_ingress_frames_from_rx_records },
	{ "addresses_past_255", test_addresses_past_255 },
	{ "pcapng_blocks_and_interfaces", test_pcapng_blocks_and_interfaces },
	{ "pcap_gz_is_the_pcap_compressed", test_pcap_gz_is_the_pcap_compressed },
	{ "filters_keep_the_right_frames", test_filters_keep_the_right_frames },
	{ "filter_end_zero", test_filter_end_zero },
	{ "filter_errors", test_filter_errors },
	{ "record_at_unknown_port", test_record_at_unknown_port },
	{ "default_output_name", test_default_output_name },
	{ NULL, NULL },
};

static const struct unit_test damage_tests[] = {
	{ "unreadable_traces", test_unreadable_traces },
	{ "header_without_topology", test_header_without_topology },
	{ "truncated_trace", test_truncated_trace },
	{ "flipped_compressed_bytes", test_flipped_compressed_bytes },
	{ "damaged_records", test_damaged_records },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "trace_pcap", pcap_tests },
	{ "trace_pcap_damage", damage_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
