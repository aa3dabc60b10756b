/*
 * frontend/trace_read.c - the streaming trace reader and `pktsim trace
 * info` / `pktsim trace dump` (see trace_read.h; layout in
 * doc/trace-format.md).
 *
 * gzread fills our own buffer 64 KiB at a time. Before msgpack sees an
 * object, mp_extent walks its bytes to find where it ends, refusing
 * containers, strings, nesting and sizes beyond what a trace can hold: given
 * a damaged count, msgpack-c would first allocate 24 bytes per claimed
 * element (a 5-byte array header can ask for 96 GB), and a streaming parse
 * would wait for elements to the end of the file. Only a complete object
 * within the limits is handed to msgpack_unpack_next, so what it allocates
 * is bounded by bytes that are there. Memory: one chunk plus one record, plus
 * the header (copied: it lives as long as the reader). One small zone
 * allocation per record, acceptable for an offline tool.
 *
 * How zlib reports a file cut short: gzread returns the bytes it could
 * inflate, then 0 with gzerror() == Z_BUF_ERROR ("unexpected end of file");
 * a clean end is 0 with Z_OK. Corrupt data is -1 with Z_DATA_ERROR.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/trace_read.h"
#include "frontend/mpscan.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "collectives/coll.h"
#include "net/engine.h"
#include "net/net.h"

#define RD_CHUNK (64u * 1024u)

struct fe_trace_reader {
	gzFile gz;
	unsigned char *buf;          /* uncompressed bytes; [pos, len) not yet parsed */
	size_t cap, len, pos;
	char *hdr_bytes;             /* the header's msgpack, which hdr points into */
	msgpack_unpacked hdr;        /* kept: the header stays valid until close */
	msgpack_unpacked cur;        /* the last record, when msgpack parsed it */
	msgpack_object flat[64];     /* the last record's fields, when flat_record did */
	msgpack_object last;         /* the last record */
	struct fe_trace_stats st;
	uint64_t consumed;           /* bytes of complete objects */
	uint64_t last_size;          /* bytes of the last object */
	int eof;
	int failed;                  /* errors are sticky */
	char *path;
	char err[512];
};

#define RD_ERR(r, ...) net_fmt_err((r)->err, sizeof((r)->err), __VA_ARGS__)

static int str_is(const msgpack_object *o, const char *s)
{
	size_t n = strlen(s);
	return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
	       memcmp(o->via.str.ptr, s, n) == 0;
}

const msgpack_object *fe_trace_map_get(const msgpack_object *map, const char *key)
{
	if (!map || map->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->via.map.size; i++)
		if (str_is(&map->via.map.ptr[i].key, key))
			return &map->via.map.ptr[i].val;
	return NULL;
}

/* What one object may be. A record is a flat array of at most 17 fields;
 * the header a map of topology arrays that grows with the fabric. */
static const struct mp_limits rec_limits = { 64, 4096, 4, 64u * 1024u };
static const struct mp_limits hdr_limits = { 1u << 24, 1u << 20, 16, 256u << 20 };

/* A record as msgpack-c would parse it, without its allocations: an array
 * of scalars (every record is one) becomes objects in r->flat, strings
 * pointing into the buffer. 1 on success; 0 for anything else (a nested
 * container, an extension), left to msgpack. p[0..n) is one whole object
 * within rec_limits (mp_extent said so). */
static int flat_record(struct fe_trace_reader *r, const unsigned char *p, size_t n)
{
	size_t i = 1, cnt;
	unsigned c = p[0];
	if (c >= 0x90 && c <= 0x9f)
		cnt = c & 0x0f;
	else if (c == 0xdc)
		cnt = (size_t)mp_be(p + 1, 2), i = 3;
	else
		return 0;
	for (size_t k = 0; k < cnt; k++) {
		msgpack_object *o = &r->flat[k];
		c = p[i++];
		int w = 0, sgn = 0;
		size_t len = 0;
		if (c <= 0x7f) {
			o->type = MSGPACK_OBJECT_POSITIVE_INTEGER;
			o->via.u64 = c;
			continue;
		}
		if (c >= 0xe0) {
			o->type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
			o->via.i64 = (int8_t)c;
			continue;
		}
		switch (c) {
		case 0xc0: o->type = MSGPACK_OBJECT_NIL; continue;
		case 0xc2: case 0xc3:
			o->type = MSGPACK_OBJECT_BOOLEAN;
			o->via.boolean = c == 0xc3;
			continue;
		case 0xcc: w = 1; break;
		case 0xcd: w = 2; break;
		case 0xce: w = 4; break;
		case 0xcf: w = 8; break;
		case 0xd0: w = 1, sgn = 1; break;
		case 0xd1: w = 2, sgn = 1; break;
		case 0xd2: w = 4, sgn = 1; break;
		case 0xd3: w = 8, sgn = 1; break;
		case 0xd9: len = p[i], i += 1; break;
		case 0xda: len = (size_t)mp_be(p + i, 2), i += 2; break;
		case 0xdb: len = (size_t)mp_be(p + i, 4), i += 4; break;
		default:
			if (c >= 0xa0 && c <= 0xbf) {
				len = c & 0x1f;
				break;
			}
			return 0;        /* floats, binary, containers, extensions */
		}
		if (w) {
			uint64_t v = mp_be(p + i, w);
			i += (size_t)w;
			if (sgn) {
				/* Sign-extend; msgpack-c calls a signed value >= 0 positive. */
				int64_t sv = w == 8 ? (int64_t)v
					     : (int64_t)(v ^ (1ull << (8 * w - 1))) - (int64_t)(1ull << (8 * w - 1));
				if (sv < 0) {
					o->type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
					o->via.i64 = sv;
					continue;
				}
				v = (uint64_t)sv;
			}
			o->type = MSGPACK_OBJECT_POSITIVE_INTEGER;
			o->via.u64 = v;
			continue;
		}
		o->type = MSGPACK_OBJECT_STR;
		o->via.str.size = (uint32_t)len;
		o->via.str.ptr = (const char *)p + i;
		i += len;
	}
	if (i != n)
		return 0;
	r->last.type = MSGPACK_OBJECT_ARRAY;
	r->last.via.array.size = (uint32_t)cnt;
	r->last.via.array.ptr = r->flat;
	return 1;
}

/* One object from the stream: 1, 0 at a clean end, -1 with r->err set. */
static int rd_object(struct fe_trace_reader *r, msgpack_unpacked *u, int is_header)
{
	const struct mp_limits *lim = is_header ? &hdr_limits : &rec_limits;
	for (;;) {
		size_t n = 0, avail = r->len - r->pos;
		char why[160];
		int ext = mp_extent(r->buf + r->pos, avail, lim, &n, why, sizeof(why));
		if (ext == 0 && avail >= lim->bytes) {
			net_fmt_err(why, sizeof(why), "an object longer than %zu bytes", lim->bytes);
			ext = -1;
		}
		if (ext > 0) {
			const char *obj = (const char *)r->buf + r->pos;
			if (is_header) {
				/* The header outlives the buffer it came in. */
				if (!(r->hdr_bytes = malloc(n))) {
					RD_ERR(r, "%s: out of memory reading the trace", r->path);
					return -1;
				}
				memcpy(r->hdr_bytes, obj, n);
				obj = r->hdr_bytes;
			}
			if (!is_header && flat_record(r, (const unsigned char *)obj, n)) {
				r->pos += n;
				r->consumed += n;
				r->last_size = n;
				return 1;
			}
			size_t off = 0;
			msgpack_unpack_return ret = msgpack_unpack_next(u, obj, n, &off);
			if (ret == MSGPACK_UNPACK_SUCCESS && off == n) {
				if (!is_header)
					r->last = u->data;
				r->pos += n;
				r->consumed += n;
				r->last_size = n;
				if (is_header)
					r->st.header_bytes = n;
				return 1;
			}
			if (ret == MSGPACK_UNPACK_NOMEM_ERROR) {
				RD_ERR(r, "%s: out of memory reading the trace", r->path);
				return -1;
			}
			snprintf(why, sizeof(why), "msgpack cannot parse it");
			ext = -1;
		}
		if (ext < 0) {
			if (is_header)
				RD_ERR(r, "%s: malformed msgpack in the header: %s", r->path, why);
			else
				RD_ERR(r, "%s: malformed msgpack at record index %" PRIu64
				       " (uncompressed byte offset %" PRIu64 "): %s", r->path,
				       r->st.records, r->consumed, why);
			return -1;
		}
		if (r->eof) {
			if (!avail)
				return 0;
			RD_ERR(r, "%s: the stream ends inside %s (%zu bytes left over)", r->path,
			       is_header ? "the header" : "a record", avail);
			return -1;
		}
		/* Keep the partial object, and read at least as much again as it
		 * holds, so a large header is rescanned O(log n) times. */
		if (r->pos) {
			memmove(r->buf, r->buf + r->pos, avail);
			r->len = avail;
			r->pos = 0;
		}
		size_t want = avail > RD_CHUNK ? avail : RD_CHUNK;
		if (r->cap - r->len < want) {
			size_t cap = r->len + want;
			unsigned char *nb = realloc(r->buf, cap);
			if (!nb) {
				RD_ERR(r, "%s: out of memory reading the trace", r->path);
				return -1;
			}
			r->buf = nb;
			r->cap = cap;
		}
		errno = 0;
		int got = gzread(r->gz, r->buf + r->len, (unsigned)(want > INT_MAX ? INT_MAX : want));
		int saved = errno;
		if (got > 0) {
			r->len += (size_t)got;
			r->st.raw_bytes += (uint64_t)got;
			continue;
		}
		int zerr = Z_OK;
		const char *zmsg = gzerror(r->gz, &zerr);
		if (got == 0 && zerr == Z_OK) {
			r->eof = 1;
			continue;
		}
		if (zerr == Z_BUF_ERROR) {
			r->st.truncated = 1;
			RD_ERR(r, "%s: truncated gzip stream after %" PRIu64 " records (uncompressed "
			       "byte offset %" PRIu64 ")", r->path, r->st.records, r->consumed);
		} else if (zerr == Z_ERRNO) {
			RD_ERR(r, "%s: read error: %s", r->path, strerror(saved ? saved : EIO));
		} else if (zerr == Z_MEM_ERROR) {
			RD_ERR(r, "%s: out of memory reading the trace", r->path);
		} else {
			RD_ERR(r, "%s: corrupt gzip stream after %" PRIu64 " records (uncompressed "
			       "byte offset %" PRIu64 "): %s", r->path, r->st.records, r->consumed,
			       zmsg ? zmsg : "unknown zlib error");
		}
		return -1;
	}
}

void fe_trace_reader_close(struct fe_trace_reader *r)
{
	if (!r)
		return;
	msgpack_unpacked_destroy(&r->cur);
	msgpack_unpacked_destroy(&r->hdr);
	free(r->hdr_bytes);
	free(r->buf);
	if (r->gz)
		gzclose(r->gz);
	free(r->path);
	free(r);
}

int fe_trace_reader_open(const char *path, struct fe_trace_reader **out, char *err,
			 size_t errlen)
{
	*out = NULL;
	struct fe_trace_reader *r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path))) {
		free(r);
		net_fmt_err(err, errlen, "%s: out of memory", path);
		return -1;
	}
	msgpack_unpacked_init(&r->hdr);
	msgpack_unpacked_init(&r->cur);

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		RD_ERR(r, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		RD_ERR(r, "%s: cannot read: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		RD_ERR(r, "%s: is a directory, not a pktsim trace", path);
		close(fd);
		goto fail;
	}
	r->st.file_bytes = (uint64_t)sb.st_size;
	/* zlib would pass a non-gzip file through as plain bytes; a trace is
	 * always gzip, so insist on the magic number. */
	unsigned char magic[2];
	ssize_t m = pread(fd, magic, sizeof(magic), 0);
	if (m < 0) {
		RD_ERR(r, "%s: cannot read: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	if (m == 0) {
		RD_ERR(r, "%s: empty file, not a pktsim trace", path);
		close(fd);
		goto fail;
	}
	if (m < 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
		RD_ERR(r, "%s: not a gzip file (a pktsim trace is gzip-compressed msgpack)", path);
		close(fd);
		goto fail;
	}
	r->gz = gzdopen(fd, "rb");
	if (!r->gz) {
		close(fd);
		RD_ERR(r, "%s: out of memory", path);
		goto fail;
	}
	gzbuffer(r->gz, RD_CHUNK);

	int rc = rd_object(r, &r->hdr, 1);
	if (rc == 0)
		RD_ERR(r, "%s: empty gzip stream, not a pktsim trace", path);
	if (rc <= 0)
		goto fail;
	const msgpack_object *h = &r->hdr.data;
	if (!str_is(fe_trace_map_get(h, "format"), NET_TRACE_FORMAT)) {
		RD_ERR(r, "%s: not a pktsim trace (the first object is not a %s header)", path,
		       NET_TRACE_FORMAT);
		goto fail;
	}
	const msgpack_object *v = fe_trace_map_get(h, "version");
	if (!v || v->type != MSGPACK_OBJECT_POSITIVE_INTEGER || v->via.u64 != NET_TRACE_VERSION) {
		if (v && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
			RD_ERR(r, "%s: trace format version %" PRIu64
			       " is not supported (this reader knows version %d)",
			       path, v->via.u64, NET_TRACE_VERSION);
		else
			RD_ERR(r, "%s: the header has no valid version", path);
		goto fail;
	}
	*out = r;
	return 0;

fail:
	net_fmt_err(err, errlen, "%s", r->err);
	fe_trace_reader_close(r);
	return -1;
}

const msgpack_object *fe_trace_reader_header(const struct fe_trace_reader *r)
{
	return &r->hdr.data;
}

const char *fe_trace_reader_errmsg(const struct fe_trace_reader *r)
{
	return r ? r->err : "no trace reader";
}

const struct fe_trace_stats *fe_trace_reader_stats(const struct fe_trace_reader *r)
{
	return &r->st;
}

int fe_trace_reader_next(struct fe_trace_reader *r, msgpack_object *obj)
{
	if (!r || r->failed)
		return -1;
	int rc = rd_object(r, &r->cur, 0);
	if (rc < 0)
		r->failed = 1;
	if (rc <= 0)
		return rc;
	if (r->st.end_seen) {
		RD_ERR(r, "%s: record index %" PRIu64 " follows the END record", r->path,
		       r->st.records);
		r->failed = 1;
		return -1;
	}
	const msgpack_object *o = &r->last;
	if (o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size > 0 &&
	    o->via.array.ptr[0].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
	    o->via.array.ptr[0].via.u64 == NET_TR_END)
		r->st.end_seen = 1;
	r->st.records++;
	*obj = *o;
	return 1;
}

int fe_trace_reader_next_rec(struct fe_trace_reader *r, struct fe_trace_rec *rec)
{
	msgpack_object o;
	int rc = fe_trace_reader_next(r, &o);
	if (rc != 1)
		return rc;
	char why[160];
	if (fe_trace_rec_decode(&o, rec, why, sizeof(why)) != 0) {
		RD_ERR(r, "%s: record index %" PRIu64 " (uncompressed byte offset %" PRIu64 "): %s",
		       r->path, r->st.records - 1, r->consumed - r->last_size, why);
		r->failed = 1;
		return -1;
	}
	return 1;
}

int fe_trace_rec_decode(const msgpack_object *o, struct fe_trace_rec *rec, char *err,
			size_t errlen)
{
	/* Per family: how many elements are required (more may follow: the
	 * family's later fields, then anything newer, ignored), which are 64-bit
	 * (else 32-bit), which may be nil (the packet's port, coll_msg's after),
	 * which is a string (END's status). */
	static const struct {
		unsigned n;
		uint32_t wide, nullable, string;
	} lay[NET_TRF_N] = {
		[NET_TRF_PACKET] = { NET_TR_PKT_LEN, 1u << 1 | 1u << 14, 1u << 3, 0 },
		[NET_TRF_MESSAGE] = { NET_TR_MSG_LEN, 1u << 1 | 1u << 6, 0, 0 },
		[NET_TRF_END] = { NET_TR_END_LEN, 1u << 1 | 1u << 3 | 1u << 4, 0, 1u << 2 },
		[NET_TRF_COLL] = { NET_TR_COLL_LEN, 1u << 1 | 1u << 6, 0, 0 },
		[NET_TRF_COLL_MSG] = { NET_TR_COLL_MSG_LEN, 1u << 1, 1u << 8, 0 },
		[NET_TRF_RATE] = { NET_TR_RATE_LEN, 1u << 1 | 1u << 4, 0, 0 },
	};
	uint64_t v[NET_TR_PKT_PFC_LEN] = { 0 };

	memset(rec, 0, sizeof(*rec));
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size == 0) {
		net_fmt_err(err, errlen, "not a record (expected an array [kind, t_ps, ...])");
		return -1;
	}
	const msgpack_object *e = o->via.array.ptr;
	uint32_t size = o->via.array.size;
	if (e[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER || e[0].via.u64 >= NET_TR_NKINDS) {
		net_fmt_err(err, errlen, "unknown record kind");
		return -1;
	}
	enum net_trace_kind k = (enum net_trace_kind)e[0].via.u64;
	enum net_trace_family f = net_trace_kind_family(k);
	unsigned need = lay[f].n + (k == NET_TR_DROP);
	if (size < need) {
		net_fmt_err(err, errlen, "%s record has %" PRIu32 " elements, expected %u",
			net_trace_kind_names[k], size, need);
		return -1;
	}
	/* The optional fields this reader knows are checked like the rest. */
	unsigned known = net_trace_family_nfields[f];
	unsigned have = size < known ? size : known;
	const char *const *names = net_trace_family_fields[f];
	for (unsigned i = 1; i < have; i++) {
		uint32_t bit = 1u << i;
		if ((lay[f].nullable & bit) && e[i].type == MSGPACK_OBJECT_NIL) {
			v[i] = UINT32_MAX;
			continue;
		}
		if (lay[f].string & bit) {
			if (str_is(&e[i], "complete") || str_is(&e[i], "interrupted")) {
				v[i] = str_is(&e[i], "interrupted");
				continue;
			}
			net_fmt_err(err, errlen, "%s: expected \"complete\" or \"interrupted\"",
				names[i]);
			return -1;
		}
		uint64_t max = (lay[f].wide & bit) ? UINT64_MAX : UINT32_MAX;
		if (e[i].type != MSGPACK_OBJECT_POSITIVE_INTEGER || e[i].via.u64 > max) {
			net_fmt_err(err, errlen, "%s: expected an unsigned %d-bit integer", names[i],
				max == UINT64_MAX ? 64 : 32);
			return -1;
		}
		v[i] = e[i].via.u64;
	}
	if (f == NET_TRF_COLL_MSG && have <= 8)
		v[8] = UINT32_MAX;

	rec->kind = k;
	rec->t_ps = v[1];
	switch (f) {
	case NET_TRF_PACKET:
		rec->node = (uint32_t)v[2];
		rec->port = (uint32_t)v[3];
		rec->id = (uint32_t)v[4];
		rec->type = (uint32_t)v[5];
		rec->flow = (uint32_t)v[6];
		rec->psn = (uint32_t)v[7];
		rec->src = (uint32_t)v[8];
		rec->dst = (uint32_t)v[9];
		rec->wire_bytes = (uint32_t)v[10];
		rec->payload_bytes = (uint32_t)v[11];
		rec->prio = (uint32_t)v[12];
		rec->flags = (uint32_t)v[13];
		rec->qbytes = v[14];
		rec->reason = (uint32_t)v[15];
		rec->classes = (uint32_t)v[16];
		if (rec->type >= NET_PKT_NTYPES) {
			net_fmt_err(err, errlen, "type: %" PRIu32 " is not a packet type", rec->type);
			return -1;
		}
		break;
	case NET_TRF_MESSAGE:
		rec->node = (uint32_t)v[2];
		rec->flow = (uint32_t)v[3];
		rec->src = (uint32_t)v[4];
		rec->dst = (uint32_t)v[5];
		rec->bytes = v[6];
		rec->sport = (uint32_t)v[7];
		break;
	case NET_TRF_COLL_MSG:
		rec->node = (uint32_t)v[2];
		rec->coll = (uint32_t)v[3];
		rec->msg = (uint32_t)v[4];
		rec->flow = (uint32_t)v[5];
		rec->chunk = (uint32_t)v[6];
		rec->step = (uint32_t)v[7];
		rec->after = (uint32_t)v[8];
		break;
	case NET_TRF_RATE:
		rec->node = (uint32_t)v[2];
		rec->flow = (uint32_t)v[3];
		rec->rate_bps = v[4];
		break;
	case NET_TRF_COLL:
		rec->coll = (uint32_t)v[2];
		rec->op = (uint32_t)v[3];
		rec->algo = (uint32_t)v[4];
		rec->npus = (uint32_t)v[5];
		rec->bytes = v[6];
		break;
	default:
		rec->interrupted = (int)v[2];
		rec->records = v[3];
		rec->events = v[4];
		break;
	}
	return 0;
}

/* ---- trace info ---- */

static void fmt_ns(char *buf, size_t len, uint64_t t_ps)
{
	snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 " ns", t_ps / 1000, t_ps % 1000);
}

/* A header array of strings joined by commas (at most len bytes). */
static void join_names(char *buf, size_t len, const msgpack_object *arr)
{
	size_t at = 0;
	buf[0] = '\0';
	if (!arr || arr->type != MSGPACK_OBJECT_ARRAY)
		return;
	for (uint32_t i = 0; i < arr->via.array.size && at + 1 < len; i++) {
		const msgpack_object *e = &arr->via.array.ptr[i];
		int n;
		if (e->type == MSGPACK_OBJECT_STR)
			n = snprintf(buf + at, len - at, "%s%.*s", i ? "," : "",
				     (int)e->via.str.size, e->via.str.ptr);
		else if (e->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
			n = snprintf(buf + at, len - at, "%s%" PRIu64, i ? "," : "", e->via.u64);
		else
			n = snprintf(buf + at, len - at, "%s?", i ? "," : "");
		if (n < 0 || (size_t)n >= len - at) {
			/* Mark the cut so a long node list is not mistaken for a short one. */
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			return;
		}
		at += (size_t)n;
	}
}

static void print_header_summary(FILE *out, const char *path, const msgpack_object *h)
{
	const msgpack_object *o;
	fprintf(out, "trace:         %s\n", path);
	fprintf(out, "format:        %s version %d\n", NET_TRACE_FORMAT, NET_TRACE_VERSION);
	o = fe_trace_map_get(h, "seed");
	if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		fprintf(out, "seed:          %" PRIu64 "\n", o->via.u64);
	else
		fprintf(out, "seed:          (none)\n");
	o = fe_trace_map_get(h, "source");
	if (o && o->type == MSGPACK_OBJECT_STR)
		fprintf(out, "source:        %.*s\n", (int)o->via.str.size, o->via.str.ptr);
	else
		fprintf(out, "source:        (none)\n");

	uint64_t hosts = 0, switches = 0, nlinks = 0;
	o = fe_trace_map_get(h, "nodes");
	if (o && o->type == MSGPACK_OBJECT_ARRAY)
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			if (str_is(fe_trace_map_get(&o->via.array.ptr[i], "kind"), "switch"))
				switches++;
			else
				hosts++;
		}
	o = fe_trace_map_get(h, "links");
	if (o && o->type == MSGPACK_OBJECT_ARRAY)
		nlinks = o->via.array.size;
	fprintf(out, "nodes:         %" PRIu64 " (%" PRIu64 " host%s, %" PRIu64 " switch%s)\n",
		hosts + switches, hosts, hosts == 1 ? "" : "s", switches,
		switches == 1 ? "" : "es");
	fprintf(out, "links:         %" PRIu64 "\n", nlinks);

	const msgpack_object *f = fe_trace_map_get(h, "filter");
	char kinds[256], nodes[256], from[48], to[48];
	o = fe_trace_map_get(f, "kinds");
	if (o && o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size == NET_TR_NKINDS)
		snprintf(kinds, sizeof(kinds), "all");
	else
		join_names(kinds, sizeof(kinds), o);
	o = fe_trace_map_get(f, "nodes");
	if (o && o->type == MSGPACK_OBJECT_ARRAY)
		join_names(nodes, sizeof(nodes), o);
	else
		snprintf(nodes, sizeof(nodes), "all");
	o = fe_trace_map_get(f, "start_ps");
	fmt_ns(from, sizeof(from),
	       o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? o->via.u64 : 0);
	o = fe_trace_map_get(f, "end_ps");
	if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		fmt_ns(to, sizeof(to), o->via.u64);
	else
		snprintf(to, sizeof(to), "end");
	fprintf(out, "filter:        kinds %s; nodes %s; time %s to %s", kinds, nodes, from, to);
	o = fe_trace_map_get(f, "ports");
	if (o && o->type == MSGPACK_OBJECT_ARRAY) {
		fputs("; ports ", out);
		for (uint32_t i = 0; i < o->via.array.size && i < 16; i++) {
			const msgpack_object *pr = &o->via.array.ptr[i];
			if (pr->type == MSGPACK_OBJECT_ARRAY && pr->via.array.size == 2)
				fprintf(out, "%s%" PRIu64 ":%" PRIu64, i ? "," : "",
					pr->via.array.ptr[0].via.u64, pr->via.array.ptr[1].via.u64);
		}
		if (o->via.array.size > 16)
			fputs(",...", out);
	}
	o = fe_trace_map_get(f, "flows");
	if (o && o->type == MSGPACK_OBJECT_ARRAY) {
		join_names(nodes, sizeof(nodes), o);
		fprintf(out, "; flows %s", nodes);
	}
	o = fe_trace_map_get(f, "sample");
	if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 > 1)
		fprintf(out, "; 1 data packet in %" PRIu64, o->via.u64);
	fputc('\n', out);
}

int fe_trace_info(const char *path, FILE *out, char *err, size_t errlen)
{
	struct fe_trace_reader *r;
	if (fe_trace_reader_open(path, &r, err, errlen) != 0)
		return -1;

	uint64_t count[NET_TR_NKINDS] = { 0 };
	uint64_t first_ps = 0, last_ps = 0, timed = 0;
	struct fe_trace_rec rec, end = { 0 };
	int have_end = 0, rc;
	while ((rc = fe_trace_reader_next_rec(r, &rec)) == 1) {
		count[rec.kind]++;
		if (rec.kind == NET_TR_END) {
			end = rec;
			have_end = 1;
			continue;
		}
		if (!timed++)
			first_ps = rec.t_ps;
		last_ps = rec.t_ps;
	}
	const struct fe_trace_stats *st = fe_trace_reader_stats(r);
	if (rc < 0 && !st->truncated) {
		net_fmt_err(err, errlen, "%s", fe_trace_reader_errmsg(r));
		fe_trace_reader_close(r);
		return -1;
	}

	char a[48], b[48];
	print_header_summary(out, path, fe_trace_reader_header(r));
	fprintf(out, "records:       %" PRIu64 "\n", st->records);
	for (int k = 0; k < NET_TR_NKINDS; k++)
		if (count[k])
			fprintf(out, "  %-13s %" PRIu64 "\n", net_trace_kind_names[k], count[k]);
	if (timed) {
		fmt_ns(a, sizeof(a), first_ps);
		fmt_ns(b, sizeof(b), last_ps);
		fprintf(out, "first record:  %s\nlast record:   %s\n", a, b);
	} else {
		fprintf(out, "first record:  -\nlast record:   -\n");
	}
	if (have_end) {
		fmt_ns(a, sizeof(a), end.t_ps);
		fprintf(out, "end:           %s at %s (%" PRIu64 " events)\n",
			end.interrupted ? "interrupted" : "complete", a, end.events);
	} else {
		fprintf(out, "end:           MISSING: trace truncated\n");
	}
	uint64_t body = st->raw_bytes - st->header_bytes;
	fprintf(out, "compressed:    %" PRIu64 " bytes\n", st->file_bytes);
	fprintf(out, "uncompressed:  %" PRIu64 " bytes (header %" PRIu64 ")\n", st->raw_bytes,
		st->header_bytes);
	if (st->records)
		fprintf(out,
			"per record:    %.2f bytes compressed (whole file), %.2f uncompressed\n",
			(double)st->file_bytes / (double)st->records,
			(double)body / (double)st->records);

	if (rc < 0) {
		net_fmt_err(err, errlen, "%s", fe_trace_reader_errmsg(r));
		fe_trace_reader_close(r);
		return -1;
	}
	fe_trace_reader_close(r);
	return 0;
}

/* ---- trace dump ---- */

static void json_str(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_value(FILE *out, const msgpack_object *o)
{
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		fputs("null", out);
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		fputs(o->via.boolean ? "true" : "false", out);
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		fprintf(out, "%" PRIu64, o->via.u64);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		fprintf(out, "%" PRId64, o->via.i64);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		if (isfinite(o->via.f64))
			fprintf(out, "%.17g", o->via.f64);
		else
			fputs("null", out);
		break;
	case MSGPACK_OBJECT_STR:
		json_str(out, o->via.str.ptr, o->via.str.size);
		break;
	case MSGPACK_OBJECT_ARRAY:
		fputc('[', out);
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			if (i)
				fputc(',', out);
			json_value(out, &o->via.array.ptr[i]);
		}
		fputc(']', out);
		break;
	case MSGPACK_OBJECT_MAP:
		fputc('{', out);
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			const msgpack_object *key = &o->via.map.ptr[i].key;
			if (i)
				fputc(',', out);
			if (key->type == MSGPACK_OBJECT_STR)
				json_str(out, key->via.str.ptr, key->via.str.size);
			else if (key->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
				fprintf(out, "\"%" PRIu64 "\"", key->via.u64);
			else
				fputs("\"?\"", out);
			fputc(':', out);
			json_value(out, &o->via.map.ptr[i].val);
		}
		fputc('}', out);
		break;
	default:
		/* bin and ext never appear in a pktsim trace */
		fputs("null", out);
		break;
	}
}

/* A name for value v from a header array of strings, or NULL. */
static const msgpack_object *name_of(const msgpack_object *arr, uint64_t v)
{
	if (!arr || arr->type != MSGPACK_OBJECT_ARRAY || v >= arr->via.array.size ||
	    arr->via.array.ptr[v].type != MSGPACK_OBJECT_STR)
		return NULL;
	return &arr->via.array.ptr[v];
}

int fe_trace_dump(const char *path, FILE *out, char *err, size_t errlen)
{
	struct fe_trace_reader *r;
	if (fe_trace_reader_open(path, &r, err, errlen) != 0)
		return -1;
	const msgpack_object *h = fe_trace_reader_header(r);
	json_value(out, h);
	fputc('\n', out);

	/* Field and value names come from the header, so the dump says exactly
	 * what the file says; the built-in tables are the fallback. */
	const msgpack_object *rf = fe_trace_map_get(h, "record_fields");
	const msgpack_object *fields[NET_TRF_N];
	for (int f = 0; f < NET_TRF_N; f++) {
		fields[f] = fe_trace_map_get(rf, net_trace_family_names[f]);
		if (fields[f] && fields[f]->type != MSGPACK_OBJECT_ARRAY)
			fields[f] = NULL;
	}
	const msgpack_object *kinds = fe_trace_map_get(h, "kinds");
	const msgpack_object *ptypes = fe_trace_map_get(h, "packet_types");
	const msgpack_object *reasons = fe_trace_map_get(h, "drop_reasons");

	msgpack_object o;
	struct fe_trace_rec rec;
	char why[160];
	int rc;
	while ((rc = fe_trace_reader_next(r, &o)) == 1) {
		if (fe_trace_rec_decode(&o, &rec, why, sizeof(why)) != 0) {
			net_fmt_err(err, errlen, "%s: record index %" PRIu64 ": %s", path,
				fe_trace_reader_stats(r)->records - 1, why);
			fe_trace_reader_close(r);
			return -1;
		}
		enum net_trace_family f = net_trace_kind_family(rec.kind);
		const msgpack_object *e = o.via.array.ptr;
		fputc('{', out);
		for (uint32_t i = 0; i < o.via.array.size; i++) {
			const msgpack_object *nm = name_of(fields[f], i);
			/* A PFC frame's record keeps a place for `reason`, which only
			 * a drop has. */
			if (f == NET_TRF_PACKET && i == NET_TR_PKT_LEN && rec.kind != NET_TR_DROP)
				continue;
			if (i)
				fputc(',', out);
			if (nm)
				json_str(out, nm->via.str.ptr, nm->via.str.size);
			else if (i < net_trace_family_nfields[f])
				fprintf(out, "\"%s\"", net_trace_family_fields[f][i]);
			else
				fprintf(out, "\"f%" PRIu32 "\"", i);
			fputc(':', out);

			const msgpack_object *val = NULL;
			if (i == 0) {
				val = name_of(kinds, rec.kind);
				if (!val) {
					fprintf(out, "\"%s\"", net_trace_kind_names[rec.kind]);
					continue;
				}
			} else if (f == NET_TRF_PACKET && nm && str_is(nm, "type")) {
				val = name_of(ptypes, rec.type);
			} else if (f == NET_TRF_PACKET && nm && str_is(nm, "reason")) {
				val = name_of(reasons, rec.reason);
			} else if (f == NET_TRF_COLL && i == 3 && rec.op < COLL_NOPS) {
				fprintf(out, "\"%s\"", coll_op_names[rec.op]);
				continue;
			} else if (f == NET_TRF_COLL && i == 4 && rec.algo < COLL_NALGOS) {
				fprintf(out, "\"%s\"", coll_algo_names[rec.algo]);
				continue;
			}
			json_value(out, val ? val : &e[i]);
		}
		fputs("}\n", out);
	}
	if (rc < 0) {
		net_fmt_err(err, errlen, "%s", fe_trace_reader_errmsg(r));
		fe_trace_reader_close(r);
		return -1;
	}
	fe_trace_reader_close(r);
	if (fflush(out) != 0 || ferror(out)) {
		net_fmt_err(err, errlen, "%s: error writing the dump: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
