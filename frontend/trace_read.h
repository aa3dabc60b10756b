/*
 * frontend/trace_read.h - reading native traces (written by net/trace.c,
 * layout in doc/trace-format.md): a streaming reader and the `pktsim trace
 * info` and `pktsim trace dump` commands.
 *
 * The reader feeds gzread output to a msgpack unpacker 64 KiB at a time, so
 * memory stays bounded whatever the trace size. Opening reads and checks the
 * header (gzip magic, a map with format "pktsim-trace" and a supported
 * version); then each call returns one record. It tells apart a clean end, a
 * gzip stream cut short (the writer was killed: "truncated"), corrupt gzip
 * data and malformed msgpack, naming the record index (0 = the first record
 * after the header). Times are ps; sizes bytes.
 */
#ifndef PKTSIM_FE_TRACE_READ_H
#define PKTSIM_FE_TRACE_READ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <msgpack.h>

#include "net/trace.h"

struct fe_trace_reader;

/* One record, decoded. Fields a kind's family does not have are 0. */
struct fe_trace_rec {
	enum net_trace_kind kind;
	uint64_t t_ps;
	uint32_t node;
	/* packet family */
	uint32_t port;               /* UINT32_MAX when not at a port (nil) */
	uint32_t id;
	uint32_t type;               /* enum net_pkt_type */
	uint32_t flow;               /* also message family */
	uint32_t psn;
	uint32_t src, dst;           /* also message family */
	uint32_t wire_bytes, payload_bytes;
	uint32_t prio, flags;
	uint64_t qbytes;
	uint32_t reason;             /* DROP: enum net_drop_reason */
	uint32_t classes;            /* PFC frames: class-enable vector (0: not recorded) */
	/* message and collective families */
	uint64_t bytes;
	uint32_t sport;              /* message family: UDP source port (0: not recorded) */
	/* collective family; coll also coll_msg */
	uint32_t coll, op, algo, npus;
	/* coll_msg: the message's index in the DAG, its chunk and step, and the
	 * message whose arrival made it ready (UINT32_MAX: none) */
	uint32_t msg, chunk, step, after;
	/* rate (flow and node as above) */
	uint64_t rate_bps;
	/* END */
	int interrupted;
	uint64_t records;            /* records before the END record */
	uint64_t events;
};

struct fe_trace_stats {
	uint64_t file_bytes;         /* compressed: the file's size */
	uint64_t raw_bytes;          /* uncompressed bytes read so far, header included */
	uint64_t header_bytes;       /* msgpack bytes of the header */
	uint64_t records;            /* records returned so far (header not counted) */
	int end_seen;                /* the END record has been returned */
	int truncated;               /* the gzip stream ended early */
};

/* Open path and read its header. Returns 0, or -1 with err set (cannot open,
 * empty, not gzip, not a pktsim trace, unsupported version, truncated). */
int fe_trace_reader_open(const char *path, struct fe_trace_reader **out, char *err,
			 size_t errlen);
/* The header map; valid until close. */
const msgpack_object *fe_trace_reader_header(const struct fe_trace_reader *r);
/* The next record as a msgpack object, valid until the next call. Returns 1,
 * 0 at the clean end of the stream, -1 on error (fe_trace_reader_errmsg). A
 * record after END is an error. */
int fe_trace_reader_next(struct fe_trace_reader *r, msgpack_object *obj);
/* The same, decoded and checked (kind known, enough elements, integer
 * fields in range). */
int fe_trace_reader_next_rec(struct fe_trace_reader *r, struct fe_trace_rec *rec);
const char *fe_trace_reader_errmsg(const struct fe_trace_reader *r);
const struct fe_trace_stats *fe_trace_reader_stats(const struct fe_trace_reader *r);
void fe_trace_reader_close(struct fe_trace_reader *r);

/* Decode one record object. Returns 0, or -1 with what is wrong in err. */
int fe_trace_rec_decode(const msgpack_object *o, struct fe_trace_rec *rec, char *err,
			size_t errlen);
/* The value of a string key in a msgpack map, or NULL. */
const msgpack_object *fe_trace_map_get(const msgpack_object *map, const char *key);

/* `pktsim trace info`: a summary of the trace on out. Returns 0, or -1 with
 * err set; a truncated trace prints what was read, then returns -1 with
 * "PATH: truncated gzip stream after N records". */
int fe_trace_info(const char *path, FILE *out, char *err, size_t errlen);
/* `pktsim trace dump`: the header as one JSON line, then one JSON object per
 * record with named fields. Same errors as fe_trace_info (lines already
 * printed stay printed). */
int fe_trace_dump(const char *path, FILE *out, char *err, size_t errlen);

#endif
