/*
 * frontend/trace_pcap.c - `pktsim trace pcap` (see trace_pcap.h).
 *
 * One frame per `tx` record (the egress view: each time a frame starts on a
 * wire, stamped with the start of its transmission) or, with --ingress, per
 * `rx` record (stamped when its last bit arrived). A frame that crosses h
 * links therefore appears h times, once per link, as if every link had a
 * capture tap; pcapng names the tap (one interface per node port).
 *
 * Frames are rebuilt from the record: the simulator keeps no payload bytes,
 * so the payload is zeros and a frame longer than the snap length is cut
 * there, with its true length in the record header. Addresses: node n has
 * MAC 02:00:00 + n (24 bits), and host n the IPv4 address the HPCC ns-3
 * code gives it, 11.x.y.1 with x.y = n / 256, n % 256 (frames carry per-hop
 * MACs, as in a routed RoCE fabric: the transmitting node's and the
 * receiving node's). QP numbers are flow + 2, since InfiniBand reserves QPs
 * 0 and 1 for management (Wireshark dissects their payload as MADs).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/trace_pcap.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "net/engine.h"
#include "net/net.h"

#define ETH_HDR 14
#define VLAN_HDR 4
#define IP_HDR 20
#define UDP_HDR 8
#define BTH_HDR 12
#define RETH_HDR 16
#define AETH_HDR 4
#define ICRC_LEN 4
#define ROCE_PORT 4791
#define PFC_FRAME 60                 /* padded to the Ethernet minimum, no FCS */
#define MAX_FRAME (1u << 16)

/* Frame building (big-endian stores). */
static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* Little-endian, for pcap headers (we write them in our own byte order
 * marker's order, and that marker is written little-endian). */
static void le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	le16(p, v);
	le16(p + 2, v >> 16);
}

static void mac_of(uint8_t *p, uint32_t node)
{
	p[0] = 0x02;
	p[1] = p[2] = 0;
	put24(p + 3, node);
}

static uint32_t ip_of(uint32_t host)
{
	return 0x0b000001u + ((host / 256) << 16) + ((host % 256) << 8);
}

static uint32_t qpn_of(uint32_t flow)
{
	return flow % ((1u << 24) - 2) + 2;
}

static uint16_t ip_csum(const uint8_t *h)
{
	uint32_t s = 0;
	for (int i = 0; i < IP_HDR; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* CRC-32 over 8 bytes of 0xFF (the pseudo LRH), then the IP, UDP and BTH
 * headers with the fields routers may change masked to ones (TOS, TTL, IP
 * checksum, UDP checksum, the BTH byte with FECN/BECN), then the rest of
 * the packet up to the ICRC: the InfiniBand invariant CRC as RoCEv2 frames
 * carry it. */
uint32_t fe_roce_icrc(const uint8_t *frame, size_t len)
{
	static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t ip = ETH_HDR;
	if (len >= ETH_HDR && frame[12] == 0x81 && frame[13] == 0x00)
		ip += VLAN_HDR;
	if (len < ip + IP_HDR + UDP_HDR + BTH_HDR + ICRC_LEN)
		return 0;
	uint8_t h[IP_HDR + UDP_HDR + BTH_HDR];
	memcpy(h, frame + ip, sizeof(h));
	h[1] = 0xff;                     /* TOS */
	h[8] = 0xff;                     /* TTL */
	h[10] = h[11] = 0xff;            /* header checksum */
	h[IP_HDR + 6] = h[IP_HDR + 7] = 0xff;  /* UDP checksum */
	h[IP_HDR + UDP_HDR + 4] = 0xff;  /* FECN, BECN, reserved */
	uLong crc = crc32(0L, ones, sizeof(ones));
	crc = crc32(crc, h, sizeof(h));
	size_t rest = ip + sizeof(h);
	crc = crc32(crc, frame + rest, (uInt)(len - ICRC_LEN - rest));
	return (uint32_t)crc;
}

struct flowinfo {
	uint32_t sport;              /* 0: not seen */
	uint64_t bytes;
};

struct pc {
	const struct fe_pcap_opts *o;
	struct fe_ttopo topo;
	struct fe_tout out;
	int ng;
	uint32_t snaplen;
	uint8_t *frame;              /* MAX_FRAME + block framing */
	struct fe_idtab flows;       /* of struct flowinfo */
	uint32_t *ifid;              /* [nports]: pcapng interface + 1, 0: none yet */
	uint32_t nifs;
	uint64_t frames, bytes_in_frames;
	uint64_t by_type[NET_PKT_NTYPES];
};

static int flow_note(struct pc *c, const struct fe_trace_rec *r)
{
	struct flowinfo *f = fe_idtab_get(&c->flows, r->flow, NULL);
	if (!f)
		return -1;
	if (r->sport)
		f->sport = r->sport;
	f->bytes = r->bytes;
	return 0;
}

/* Traces written before messages carried the source port, or filtered so
 * that a flow's msg_start is missing, get a port derived from the flow. */
static uint32_t sport_of(const struct pc *c, uint32_t flow)
{
	const struct flowinfo *f = fe_idtab_find(&c->flows, flow);
	if (f && f->sport)
		return f->sport;
	return 49152 + flow % 16384;
}

/* Build the frame for r into f; returns its length. tx/rx: who sends it on
 * this link and who receives it. */
static size_t build(struct pc *c, const struct fe_trace_rec *r, uint32_t tx, uint32_t rx,
		    uint8_t *f)
{
	mac_of(f, rx);
	mac_of(f + 6, tx);
	if (r->type == NET_PKT_PFC) {
		/* MAC control, untagged, to the reserved multicast address. */
		static const uint8_t pfc_dst[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x01 };
		memcpy(f, pfc_dst, 6);
		memset(f + 12, 0, PFC_FRAME - 12);
		put16(f + 12, 0x8808);
		put16(f + 14, 0x0101);
		put16(f + 16, r->classes & 0xff);
		for (int k = 0; k < 8; k++)
			put16(f + 18 + 2 * k, (r->classes >> k & 1) ? r->psn & 0xffff : 0);
		return PFC_FRAME;
	}
	put16(f + 12, 0x8100);
	put16(f + 14, (r->prio & 7) << 13);  /* PCP = class, VLAN 0 (priority tag) */
	put16(f + 16, 0x0800);
	uint8_t *ip = f + ETH_HDR + VLAN_HDR, *udp = ip + IP_HDR, *bth = udp + UDP_HDR;
	uint8_t *ext = bth + BTH_HDR;
	uint32_t payload = r->type == NET_PKT_DATA ? r->payload_bytes : 0;
	uint32_t pad = (4 - payload % 4) % 4;
	uint32_t opcode, ext_len = 0, qp = qpn_of(r->flow), psn = r->psn & 0xffffff;
	uint8_t fb = 0, ack = 0;
	int first = r->flags & NET_PKT_F_FIRST, last = r->flags & NET_PKT_F_LAST;
	switch (r->type) {
	case NET_PKT_DATA:
		if (c->o->send)
			opcode = first && last ? 0x04 : first ? 0x00 : last ? 0x02 : 0x01;
		else
			opcode = first && last ? 0x0a : first ? 0x06 : last ? 0x08 : 0x07;
		ack = (r->flags & NET_PKT_F_ACKREQ) ? 0x80 : 0;
		if (!c->o->send && first) {
			/* RETH: virtual address, R_Key, DMA length (the message). */
			memset(ext, 0, RETH_HDR);
			const struct flowinfo *fi = fe_idtab_find(&c->flows, r->flow);
			uint64_t len = fi ? fi->bytes : 0;
			put32(ext + 12, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
			ext_len = RETH_HDR;
		}
		break;
	case NET_PKT_ACK:
	case NET_PKT_NACK:
		opcode = 0x11;
		/* The simulator's ACK carries the next PSN expected; IB's the last
		 * one acknowledged. A NAK carries the PSN expected in both. */
		if (r->type == NET_PKT_ACK)
			psn = (r->psn - 1) & 0xffffff;
		ext[0] = r->type == NET_PKT_ACK ? 0x1f : 0x60;  /* ACK / NAK: PSN error */
		put24(ext + 1, 0);
		ext_len = AETH_HDR;
		break;
	default:                         /* CNP */
		opcode = 0x81;
		fb = 0x40;                   /* BECN */
		psn = 0;
		memset(ext, 0, 16);
		ext_len = 16;
		break;
	}
	uint32_t udp_len = UDP_HDR + BTH_HDR + ext_len + payload + pad + ICRC_LEN;
	uint32_t ip_len = IP_HDR + udp_len;
	size_t len = ETH_HDR + VLAN_HDR + ip_len;
	ip[0] = 0x45;
	uint32_t ecn = (r->flags & NET_PKT_F_CE) ? 3 : (r->flags & NET_PKT_F_ECT) ? 2 : 0;
	ip[1] = (uint8_t)(((r->prio & 7) << 5) | ecn);  /* DSCP = class x 8 */
	put16(ip + 2, ip_len);
	put16(ip + 4, r->id & 0xffff);
	put16(ip + 6, 0x4000);           /* don't fragment */
	ip[8] = 64;
	ip[9] = 17;
	put16(ip + 10, 0);
	put32(ip + 12, ip_of(r->src));
	put32(ip + 16, ip_of(r->dst));
	put16(ip + 10, ip_csum(ip));
	put16(udp, sport_of(c, r->flow));
	put16(udp + 2, ROCE_PORT);
	put16(udp + 4, udp_len);
	put16(udp + 6, 0);               /* no UDP checksum, as RoCEv2 NICs send */
	bth[0] = (uint8_t)opcode;
	bth[1] = (uint8_t)(pad << 4);
	put16(bth + 2, 0xffff);          /* default P_Key */
	bth[4] = fb;
	put24(bth + 5, qp);
	bth[8] = ack;
	put24(bth + 9, psn);
	/* The ICRC is needed only when the frame is kept to its end. */
	uint32_t cap = c->snaplen < len ? c->snaplen : (uint32_t)len;
	uint8_t *body = ext + ext_len;
	size_t body_end = len - ICRC_LEN;
	size_t z_end = cap < body_end ? cap : body_end;
	if ((size_t)(body - f) < z_end)
		memset(body, 0, z_end - (size_t)(body - f));
	if (cap > body_end) {
		uint32_t icrc = fe_roce_icrc(f, len);
		le32(f + body_end, icrc);
	}
	return len;
}

static void w_block(struct pc *c, uint32_t type, const uint8_t *body, uint32_t n)
{
	uint8_t h[8], t[4];
	uint32_t pad = (4 - n % 4) % 4, total = 12 + n + pad;
	static const uint8_t zero[4];
	le32(h, type);
	le32(h + 4, total);
	le32(t, total);
	fe_tout_write(&c->out, h, 8);
	fe_tout_write(&c->out, body, n);
	fe_tout_write(&c->out, zero, pad);
	fe_tout_write(&c->out, t, 4);
}

/* pcapng option: code, length, value padded to 4. Returns bytes added. */
static uint32_t opt(uint8_t *p, uint16_t code, const void *v, uint16_t len)
{
	le16(p, code);
	le16(p + 2, len);
	if (len)
		memcpy(p + 4, v, len);
	uint32_t pad = (4 - len % 4) % 4;
	memset(p + 4 + len, 0, pad);
	return 4 + len + pad;
}

static void w_header(struct pc *c, const struct fe_trace_reader *r)
{
	uint8_t b[512];
	if (!c->ng) {
		/* pcap with nanosecond timestamps, Ethernet. */
		le32(b, 0xa1b23c4d);
		le16(b + 4, 2);
		le16(b + 6, 4);
		le32(b + 8, 0);
		le32(b + 12, 0);
		le32(b + 16, c->snaplen);
		le32(b + 20, 1);
		fe_tout_write(&c->out, b, 24);
		return;
	}
	uint32_t n = 0;
	le32(b, 0x1a2b3c4d);
	le16(b + 4, 1);
	le16(b + 6, 0);
	memset(b + 8, 0xff, 8);          /* section length unknown */
	n = 16;
	char app[128];
	const msgpack_object *src = fe_trace_map_get(fe_trace_reader_header(r), "source");
	snprintf(app, sizeof(app), "pktsim %s", PACKAGE_VERSION);
	n += opt(b + n, 4, app, (uint16_t)strlen(app));  /* shb_userappl */
	if (src && src->type == MSGPACK_OBJECT_STR) {
		char cm[300];
		int k = snprintf(cm, sizeof(cm), "simulated by pktsim from %.*s",
				 (int)(src->via.str.size > 200 ? 200 : src->via.str.size),
				 src->via.str.ptr);
		n += opt(b + n, 1, cm, (uint16_t)(k < (int)sizeof(cm) ? k : (int)sizeof(cm) - 1));
	}
	n += opt(b + n, 0, NULL, 0);
	w_block(c, 0x0a0d0d0a, b, n);
}

/* pcapng: the interface of a port, described when it first carries a frame. */
static uint32_t iface(struct pc *c, uint32_t node, uint32_t port)
{
	uint32_t g = fe_ttopo_port(&c->topo, node, port);
	if (c->ifid[g])
		return c->ifid[g] - 1;
	uint8_t b[512];
	char name[64], desc[160], a[32], p[32];
	fe_ttopo_node_name(&c->topo, node, a, sizeof(a));
	snprintf(name, sizeof(name), "%s.p%" PRIu32, a, port);
	if (c->topo.peer_node[g] != UINT32_MAX) {
		fe_ttopo_node_name(&c->topo, c->topo.peer_node[g], p, sizeof(p));
		snprintf(desc, sizeof(desc), "%s port %" PRIu32 " (link to %s port %" PRIu32
			 ", %" PRIu64 " bit/s, %" PRIu64 " ps), %s view", a, port, p,
			 c->topo.peer_port[g], c->topo.rate_bps[g], c->topo.delay_ps[g],
			 c->o->ingress ? "ingress" : "egress");
	} else {
		snprintf(desc, sizeof(desc), "%s port %" PRIu32 " (unconnected)", a, port);
	}
	le16(b, 1);                      /* Ethernet */
	le16(b + 2, 0);
	le32(b + 4, c->snaplen);
	uint32_t n = 8;
	uint8_t res = 9;                 /* ns */
	n += opt(b + n, 2, name, (uint16_t)strlen(name));
	n += opt(b + n, 3, desc, (uint16_t)strlen(desc));
	n += opt(b + n, 9, &res, 1);
	if (c->topo.rate_bps[g]) {
		uint8_t sp[8];
		for (int k = 0; k < 8; k++)
			sp[k] = (uint8_t)(c->topo.rate_bps[g] >> (8 * k));
		n += opt(b + n, 8, sp, 8);   /* if_speed */
	}
	n += opt(b + n, 0, NULL, 0);
	w_block(c, 1, b, n);
	c->ifid[g] = ++c->nifs;
	return c->nifs - 1;
}

static void w_frame(struct pc *c, const struct fe_trace_rec *r, const uint8_t *f, size_t len)
{
	uint64_t ns = r->t_ps / 1000;
	uint32_t cap = c->snaplen < len ? c->snaplen : (uint32_t)len;
	uint8_t h[28];
	if (!c->ng) {
		le32(h, (uint32_t)(ns / 1000000000u));
		le32(h + 4, (uint32_t)(ns % 1000000000u));
		le32(h + 8, cap);
		le32(h + 12, (uint32_t)len);
		fe_tout_write(&c->out, h, 16);
		fe_tout_write(&c->out, f, cap);
		return;
	}
	uint32_t ifc = iface(c, r->node, r->port);
	uint32_t pad = (4 - cap % 4) % 4, total = 32 + cap + pad;
	static const uint8_t zero[4];
	le32(h, 6);
	le32(h + 4, total);
	le32(h + 8, ifc);
	le32(h + 12, (uint32_t)(ns >> 32));
	le32(h + 16, (uint32_t)ns);
	le32(h + 20, cap);
	le32(h + 24, (uint32_t)len);
	fe_tout_write(&c->out, h, 28);
	fe_tout_write(&c->out, f, cap);
	fe_tout_write(&c->out, zero, pad);
	le32(h, total);
	fe_tout_write(&c->out, h, 4);
}

int fe_trace_pcap(const char *trace, const struct fe_pcap_opts *o, FILE *log, char *err,
		  size_t errlen)
{
	struct pc c = { .o = o };
	struct fe_trace_reader *r = NULL;
	char *def = NULL;
	const char *out = o->out;
	int rc = -1, opened = 0;

	fe_idtab_init(&c.flows, sizeof(struct flowinfo));
	if (fe_trace_reader_open(trace, &r, err, errlen))
		return -1;
	if (!out && !(out = def = fe_tout_default(trace, ".pcap"))) {
		net_fmt_err(err, errlen, "out of memory");
		goto done;
	}
	c.ng = o->format == FE_PCAP_PCAPNG ||
	       (o->format == FE_PCAP_AUTO && (fe_ends_with(out, ".pcapng") ||
					      fe_ends_with(out, ".pcapng.gz")));
	c.snaplen = o->snaplen && o->snaplen < MAX_FRAME ? o->snaplen : MAX_FRAME;
	if (fe_tconv_begin(r, trace, out, &o->filter, &c.topo, err, errlen))
		goto done;
	c.frame = malloc(MAX_FRAME + 64);
	c.ifid = calloc(c.topo.nports ? c.topo.nports : 1, sizeof(*c.ifid));
	if (!c.frame || !c.ifid) {
		net_fmt_err(err, errlen, "out of memory");
		goto done;
	}
	if (fe_tout_open(&c.out, out, err, errlen))
		goto done;
	opened = 1;
	w_header(&c, r);

	enum net_trace_kind want = o->ingress ? NET_TR_RX : NET_TR_TX;
	struct fe_trace_rec rec;
	int got;
	while ((got = fe_trace_reader_next_rec(r, &rec)) == 1) {
		if (rec.kind == NET_TR_MSG_START) {
			if (flow_note(&c, &rec)) {
				net_fmt_err(err, errlen, "out of memory");
				goto done;
			}
			continue;
		}
		if (rec.kind != want || !fe_tfilter_pass(&o->filter, &rec))
			continue;
		uint32_t g = fe_ttopo_port(&c.topo, rec.node, rec.port);
		if (g == UINT32_MAX || rec.type >= NET_PKT_NTYPES) {
			net_fmt_err(err, errlen, "%s: record index %" PRIu64 ": port %" PRIu32
				    " of node %" PRIu32 " is not in the header's topology", trace,
				    fe_trace_reader_stats(r)->records - 1, rec.port, rec.node);
			goto done;
		}
		uint32_t peer = c.topo.peer_node[g] == UINT32_MAX ? rec.node : c.topo.peer_node[g];
		uint32_t tx = o->ingress ? peer : rec.node, rx = o->ingress ? rec.node : peer;
		size_t len = build(&c, &rec, tx, rx, c.frame);
		w_frame(&c, &rec, c.frame, len);
		c.frames++;
		c.by_type[rec.type]++;
		if (c.out.failed)
			break;
	}
	if (got < 0 && fe_tconv_damage(r, o->salvage, out, err, errlen))
		goto done;
	rc = 0;
done:
	if (opened && fe_tout_close(&c.out, rc != 0, err, errlen))
		rc = -1;
	if (rc == 0 && log)
		fprintf(log, "%s: %" PRIu64 " frames (%" PRIu64 " data, %" PRIu64 " ack, %" PRIu64
			" nack, %" PRIu64 " cnp, %" PRIu64 " pfc) from %" PRIu64 " records, %s\n",
			out, c.frames, c.by_type[NET_PKT_DATA], c.by_type[NET_PKT_ACK],
			c.by_type[NET_PKT_NACK], c.by_type[NET_PKT_CNP], c.by_type[NET_PKT_PFC],
			fe_trace_reader_stats(r)->records, c.ng ? "pcapng" : "pcap");
	fe_trace_reader_close(r);
	fe_ttopo_free(&c.topo);
	free(c.frame);
	free(c.ifid);
	fe_idtab_free(&c.flows);
	free(def);
	return rc;
}
