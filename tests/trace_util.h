/*
 * tests/trace_util.h - what the trace tests share: a hand-wired three-node
 * network to write traces against (no simulation), temporary files, and
 * reading and writing whole files.
 */
#ifndef PKTSIM_TESTS_TRACE_UTIL_H
#define PKTSIM_TESTS_TRACE_UTIL_H

#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/net.h"

/* ---- a hand-wired network: h0 -- sw -- h1 ---- */

struct tnet {
	struct net net;
	struct net_node nodes[3];
	struct net_port h0[1], h1[1], sw[2];
};

static inline void wire(struct net_port *a, struct net_port *b, uint32_t link, uint64_t rate_bps,
		 uint64_t delay_ps)
{
	a->peer = b;
	b->peer = a;
	a->link = b->link = link;
	a->rate_bps = b->rate_bps = rate_bps;
	a->delay_ps = b->delay_ps = delay_ps;
}

static inline void tnet_init(struct tnet *tn)
{
	memset(tn, 0, sizeof(*tn));
	struct net_port *ports[3] = { tn->h0, tn->h1, tn->sw };
	uint32_t nports[3] = { 1, 1, 2 };
	for (uint32_t i = 0; i < 3; i++) {
		tn->nodes[i].id = i;
		tn->nodes[i].kind = i == 2 ? NET_SWITCH : NET_HOST;
		tn->nodes[i].nports = nports[i];
		tn->nodes[i].ports = ports[i];
		for (uint32_t j = 0; j < nports[i]; j++) {
			ports[i][j].node = &tn->nodes[i];
			ports[i][j].index = j;
		}
	}
	wire(&tn->h0[0], &tn->sw[0], 0, 100000000000ull, 1000000);
	wire(&tn->h1[0], &tn->sw[1], 1, 25000000000ull, 500000);
	tn->net.nodes = tn->nodes;
	tn->net.nnodes = 3;
	tn->net.nhosts = 2;
	tn->net.nlinks = 2;
}

/* ---- files ---- */

static inline void tmp_path(char *buf)
{
	strcpy(buf, "/tmp/pktsim-trace-XXXXXX");
	int fd = mkstemp(buf);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
}

/* The whole file (malloc'd; NULL if unreadable), its length in *len. */
static inline void *slurp(const char *path, size_t *len)
{
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, got;
	uint8_t *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static inline void spit(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(fwrite(data, 1, len, f) == len);
	fclose(f);
}

#endif
