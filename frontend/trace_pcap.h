/*
 * frontend/trace_pcap.h - `pktsim trace pcap`: a native trace as a capture
 * file of real RoCEv2 frames that Wireshark and tshark dissect (layout of
 * the frames in doc/trace-format.md, "Converting to pcap").
 */
#ifndef PKTSIM_FE_TRACE_PCAP_H
#define PKTSIM_FE_TRACE_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "frontend/trace_conv.h"

enum fe_pcap_format { FE_PCAP_AUTO, FE_PCAP_PCAP, FE_PCAP_PCAPNG };

struct fe_pcap_opts {
	const char *out;             /* NULL: the trace's name with .pcap */
	enum fe_pcap_format format;  /* AUTO: pcapng if out ends in .pcapng[.gz] */
	uint32_t snaplen;            /* bytes kept per frame; 0: whole frames */
	int ingress;                 /* frames from rx records (else tx) */
	int send;                    /* data as SEND (else RDMA WRITE) */
	int salvage;
	struct fe_tfilter filter;
};

#define FE_PCAP_SNAPLEN 128

/* Convert; prints a one-line summary on stdout-like `log` (may be NULL).
 * Returns 0, or -1 with err set (the output is removed). */
int fe_trace_pcap(const char *trace, const struct fe_pcap_opts *o, FILE *log, char *err,
		  size_t errlen);

/* The RoCEv2 ICRC of a frame (Ethernet, optional 802.1Q tag, IPv4, UDP,
 * BTH...) of len bytes whose last 4 bytes are the ICRC itself, as it is
 * stored (the CRC's low byte first). Exposed for tests. */
uint32_t fe_roce_icrc(const uint8_t *frame, size_t len);

#endif
