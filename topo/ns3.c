/*
 * topo/ns3.c - the ns-3 HPCC topology file, and the token reader shared with
 * the flow-file loader.
 *
 * Format (HPCC's simulation/mix/topology.txt): "node_num switch_num
 * link_num", then the switch ids, then link_num links "src dst rate delay
 * error_rate" with rate like 100Gbps (-> bits/s), delay like 0.001ms (-> ps)
 * and error_rate a per-packet loss probability in [0, 1). ns-3 reads it with
 * `>>`, so only the token order matters, not the line breaks; but every
 * error names the line of the offending token, and a count that disagrees
 * with the file is an error rather than a silent truncation. Node ids are
 * kept as given: nodes not listed as switches are hosts, wherever they are.
 */
#include "topo/topo.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/engine.h"
#include "net/units.h"

int topo_ns3_text_open(struct topo_ns3_text *t, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096;

	memset(t, 0, sizeof(*t));
	t->line = t->tok_line = 1;
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NET_ERR_IO;
	}
	t->buf = malloc(cap);
	if (!t->buf)
		goto nomem;
	for (;;) {
		if (cap - t->len < 2) {
			char *b = cap > SIZE_MAX / 2 ? NULL : realloc(t->buf, cap * 2);
			if (!b)
				goto nomem;
			t->buf = b;
			cap *= 2;
		}
		size_t n = fread(t->buf + t->len, 1, cap - t->len - 1, f);
		t->len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		fclose(f);
		topo_ns3_text_close(t);
		return NET_ERR_IO;
	}
	fclose(f);
	t->buf[t->len] = '\0';
	return NET_OK;
nomem:
	snprintf(err, errlen, "%s: out of memory reading the file", path);
	fclose(f);
	topo_ns3_text_close(t);
	return NET_ERR_NOMEM;
}

const char *topo_ns3_text_next(struct topo_ns3_text *t, int *line)
{
	char *s = t->buf;

	while (t->pos < t->len && isspace((unsigned char)s[t->pos])) {
		if (s[t->pos] == '\n')
			t->line++;
		t->pos++;
	}
	if (t->pos >= t->len) {
		*line = t->tok_line;
		return NULL;
	}
	size_t start = t->pos;
	t->tok_line = *line = t->line;
	while (t->pos < t->len && !isspace((unsigned char)s[t->pos]))
		t->pos++;
	/* Terminate the token in place; the delimiter it overwrites still
	 * counts as a line break if it was one. */
	if (t->pos < t->len) {
		if (s[t->pos] == '\n')
			t->line++;
		s[t->pos++] = '\0';
	}
	return s + start;
}

void topo_ns3_text_close(struct topo_ns3_text *t)
{
	if (!t)
		return;
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

/* One load in progress: where errors go and where they point. */
struct ns3_load {
	const char *path;
	struct topo_ns3_text text;
	char *err;
	size_t errlen;
};

/* "PATH:LINE: message"; returns NET_ERR_INVAL for `return fail(...)`. */
static int __attribute__((format(printf, 3, 4)))
fail(struct ns3_load *ld, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ld->err, ld->errlen, "%s:%d: ", ld->path, line);

	if (n >= 0 && (size_t)n < ld->errlen) {
		va_start(ap, fmt);
		vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return NET_ERR_INVAL;
}

/* A node id token of link `li`. */
static int read_node(struct ns3_load *ld, const char *tok, int line, uint32_t nnodes,
		     uint32_t li, uint32_t *id)
{
	char msg[160];
	uint64_t v;

	if (net_parse_uint(tok, UINT32_MAX, &v, msg, sizeof(msg)) < 0)
		return fail(ld, line, "link %u: node id %s", li, msg);
	if (v >= nnodes)
		return fail(ld, line, "link %u: node %s is out of range (node ids are 0..%u)", li,
			    tok, nnodes - 1);
	*id = (uint32_t)v;
	return 0;
}

static int read_header(struct ns3_load *ld, uint64_t hdr[3])
{
	static const char *const names[3] = { "node_num", "switch_num", "link_num" };
	char msg[160];
	int line;

	for (int i = 0; i < 3; i++) {
		const char *tok = topo_ns3_text_next(&ld->text, &line);
		if (!tok)
			return fail(ld, line, "the file ends in the header (expected "
				    "\"node_num switch_num link_num\")");
		/* Node ids must fit uint32_t with one value to spare. */
		if (net_parse_uint(tok, UINT32_MAX - 1, &hdr[i], msg, sizeof(msg)) < 0)
			return fail(ld, line, "header %s: %s (the header is three non-negative "
				    "integers \"node_num switch_num link_num\")", names[i], msg);
	}
	if (hdr[0] == 0)
		return fail(ld, line, "header: node_num is 0 (expected at least one node)");
	if (hdr[1] > hdr[0])
		return fail(ld, line, "header: switch_num %llu is more than node_num %llu",
			    (unsigned long long)hdr[1], (unsigned long long)hdr[0]);
	return 0;
}

static int read_switches(struct ns3_load *ld, struct topo_graph *g, uint32_t nswitches)
{
	char msg[160];
	uint64_t v;
	int line;

	for (uint32_t i = 0; i < nswitches; i++) {
		const char *tok = topo_ns3_text_next(&ld->text, &line);
		if (!tok)
			return fail(ld, line, "the header says %u switches but the file ends after %u",
				    nswitches, i);
		if (net_parse_uint(tok, UINT32_MAX, &v, msg, sizeof(msg)) < 0)
			return fail(ld, line, "switch id %s", msg);
		if (v >= g->nnodes)
			return fail(ld, line, "switch id %s is out of range (node ids are 0..%u)",
				    tok, g->nnodes - 1);
		if (g->kind[v] == TOPO_SWITCH)
			return fail(ld, line, "switch id %s is listed twice", tok);
		g->kind[v] = TOPO_SWITCH;
	}
	return 0;
}

static int read_links(struct ns3_load *ld, struct topo_graph *g, uint32_t nlinks)
{
	char msg[160];
	const char *tok[5];
	int line[5];

	for (uint32_t li = 0; li < nlinks; li++) {
		uint32_t a, b;
		uint64_t rate_bps, delay_ps;
		double error_rate;

		for (int k = 0; k < 5; k++) {
			tok[k] = topo_ns3_text_next(&ld->text, &line[k]);
			if (!tok[k])
				return fail(ld, line[k], "the header says %u links but the file "
					    "ends after %u", nlinks, li);
		}
		if (read_node(ld, tok[0], line[0], g->nnodes, li, &a) < 0 ||
		    read_node(ld, tok[1], line[1], g->nnodes, li, &b) < 0)
			return NET_ERR_INVAL;
		if (a == b)
			return fail(ld, line[1], "link %u: node %u is linked to itself", li, a);
		if (net_parse_rate(tok[2], &rate_bps, msg, sizeof(msg)) < 0)
			return fail(ld, line[2], "link %u: rate %s", li, msg);
		if (net_parse_time(tok[3], &delay_ps, msg, sizeof(msg)) < 0)
			return fail(ld, line[3], "link %u: delay %s", li, msg);
		if (delay_ps > TOPO_MAX_DELAY_PS)
			return fail(ld, line[3], "link %u: delay %s is longer than 1s", li, tok[3]);
		if (net_parse_double(tok[4], &error_rate, msg, sizeof(msg)) < 0)
			return fail(ld, line[4], "link %u: error rate %s", li, msg);
		if (!(error_rate >= 0.0 && error_rate < 1.0))
			return fail(ld, line[4], "link %u: error rate \"%s\" must be in [0, 1)", li,
				    tok[4]);
		int rc = topo_graph_add_link(g, a, b, rate_bps, delay_ps, error_rate);
		if (rc < 0) {
			fail(ld, line[0], "out of memory at link %u", li);
			return rc;
		}
	}
	return 0;
}

int topo_load_ns3(const char *path, struct topo_graph *g, char *err, size_t errlen)
{
	struct ns3_load ld = { .path = path, .err = err, .errlen = errlen };
	uint64_t hdr[3];
	int line, rc;

	memset(g, 0, sizeof(*g));
	rc = topo_ns3_text_open(&ld.text, path, err, errlen);
	if (rc < 0)
		return rc;
	rc = read_header(&ld, hdr);
	if (rc < 0)
		goto out;
	rc = topo_graph_init(g, (uint32_t)hdr[0]);
	if (rc < 0) {
		snprintf(err, errlen, "%s: out of memory for %llu nodes", path,
			 (unsigned long long)hdr[0]);
		goto out;
	}
	rc = read_switches(&ld, g, (uint32_t)hdr[1]);
	if (rc < 0)
		goto out;
	rc = read_links(&ld, g, (uint32_t)hdr[2]);
	if (rc < 0)
		goto out;
	const char *extra = topo_ns3_text_next(&ld.text, &line);
	if (extra) {
		rc = fail(&ld, line, "the header says %u links; unexpected extra content \"%.40s\"",
			  (uint32_t)hdr[2], extra);
		goto out;
	}
	topo_graph_count_hosts(g);
	const char *base = strrchr(path, '/');
	snprintf(g->name, sizeof(g->name), "ns3:%s", base ? base + 1 : path);
out:
	topo_ns3_text_close(&ld.text);
	if (rc < 0)
		topo_graph_free(g);
	return rc;
}
