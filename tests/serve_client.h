/*
 * tests/serve_client.h - a small C client of `pktsim serve` for the tests:
 * start a server on a free loopback port, connect, send request maps, read
 * frames. Blocking sockets; every read has a timeout so a broken server
 * fails the test instead of hanging it.
 */
#ifndef PKTSIM_TESTS_SERVE_CLIENT_H
#define PKTSIM_TESTS_SERVE_CLIENT_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <msgpack.h>

struct sc_server {
	pid_t pid;
	int port;
};

/* Start `$PKTSIM serve --listen 127.0.0.1:0 ARGS...` and read its port.
 * 0 or -1. */
static inline int sc_start(struct sc_server *s, const char *const *extra)
{
	const char *pktsim = getenv("PKTSIM");
	int fds[2];
	if (!pktsim)
		pktsim = "./pktsim";
	if (pipe(fds))
		return -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		const char *argv[16] = { pktsim, "serve", "--listen", "127.0.0.1:0" };
		int n = 4;
		for (int i = 0; extra && extra[i] && n < 15; i++)
			argv[n++] = extra[i];
		argv[n] = NULL;
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(pktsim, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	char line[128];
	size_t got = 0;
	struct pollfd p = { .fd = fds[0], .events = POLLIN };
	while (got < sizeof(line) - 1 && poll(&p, 1, 10000) == 1) {
		ssize_t r = read(fds[0], line + got, 1);
		if (r <= 0)
			break;
		if (line[got++] == '\n')
			break;
	}
	line[got] = '\0';
	close(fds[0]);
	const char *colon = strrchr(line, ':');
	s->port = colon && !strncmp(line, "listening on ", 13) ? atoi(colon + 1) : 0;
	return s->port > 0 ? 0 : -1;
}

/* SIGTERM and wait: the server's exit status (0 when it stopped cleanly). */
static inline int sc_stop(struct sc_server *s)
{
	int st = -1;
	kill(s->pid, SIGTERM);
	if (waitpid(s->pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static inline int sc_connect(const struct sc_server *s)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port) };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static inline int sc_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One write for the prefix and the body: two small writes would meet
 * Nagle's algorithm and the peer's delayed ACK (40 ms a request). */
static inline int sc_send_raw(int fd, const void *body, uint32_t len)
{
	unsigned char *f = malloc((size_t)len + 4);
	if (!f)
		return -1;
	f[0] = (unsigned char)(len >> 24);
	f[1] = (unsigned char)(len >> 16);
	f[2] = (unsigned char)(len >> 8);
	f[3] = (unsigned char)len;
	memcpy(f + 4, body, len);
	int rc = sc_write_all(fd, f, (size_t)len + 4);
	free(f);
	return rc;
}

/* A request from a printf-like spec of key/value pairs: "op" string first,
 * then pairs given as (key, 'u' uint64 | 's' string, value). */
struct sc_req {
	msgpack_sbuffer sb;
	msgpack_packer pk;
};

static inline void sc_begin(struct sc_req *r, uint64_t id, const char *op, uint32_t nmore)
{
	msgpack_sbuffer_init(&r->sb);
	msgpack_packer_init(&r->pk, &r->sb, msgpack_sbuffer_write);
	msgpack_pack_map(&r->pk, 2 + nmore);
	msgpack_pack_str(&r->pk, 2);
	msgpack_pack_str_body(&r->pk, "id", 2);
	msgpack_pack_uint64(&r->pk, id);
	msgpack_pack_str(&r->pk, 2);
	msgpack_pack_str_body(&r->pk, "op", 2);
	msgpack_pack_str(&r->pk, strlen(op));
	msgpack_pack_str_body(&r->pk, op, strlen(op));
}

static inline void sc_u64(struct sc_req *r, const char *k, uint64_t v)
{
	msgpack_pack_str(&r->pk, strlen(k));
	msgpack_pack_str_body(&r->pk, k, strlen(k));
	msgpack_pack_uint64(&r->pk, v);
}

static inline void sc_str(struct sc_req *r, const char *k, const char *v)
{
	msgpack_pack_str(&r->pk, strlen(k));
	msgpack_pack_str_body(&r->pk, k, strlen(k));
	msgpack_pack_str(&r->pk, strlen(v));
	msgpack_pack_str_body(&r->pk, v, strlen(v));
}

static inline int sc_send(int fd, struct sc_req *r)
{
	int rc = sc_send_raw(fd, r->sb.data, (uint32_t)r->sb.size);
	msgpack_sbuffer_destroy(&r->sb);
	return rc;
}

static inline int sc_read_all(int fd, void *p, size_t n)
{
	char *c = p;
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	while (n) {
		if (poll(&pf, 1, 20000) != 1)
			return -1;
		ssize_t r = recv(fd, c, n, 0);
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The next frame, unpacked into u (destroy it after). 0, or -1 on EOF or
 * timeout. */
static inline int sc_read(int fd, msgpack_unpacked *u)
{
	unsigned char h[4];
	if (sc_read_all(fd, h, 4))
		return -1;
	uint32_t n = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	char *buf = malloc(n ? n : 1);
	if (!buf || sc_read_all(fd, buf, n)) {
		free(buf);
		return -1;
	}
	msgpack_unpacked_init(u);
	size_t off = 0;
	int rc = msgpack_unpack_next(u, buf, n, &off) == MSGPACK_UNPACK_SUCCESS ? 0 : -1;
	/* The object's strings point into buf: keep it with the zone. */
	if (rc == 0 && u->zone)
		msgpack_zone_push_finalizer(u->zone, free, buf);
	else
		free(buf);
	return rc;
}

static inline const msgpack_object *sc_get(const msgpack_object *m, const char *k)
{
	if (m->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < m->via.map.size; i++) {
		const msgpack_object *key = &m->via.map.ptr[i].key;
		if (key->type == MSGPACK_OBJECT_STR && key->via.str.size == strlen(k) &&
		    !memcmp(key->via.str.ptr, k, key->via.str.size))
			return &m->via.map.ptr[i].val;
	}
	return NULL;
}

static inline uint64_t sc_u(const msgpack_object *m, const char *k)
{
	const msgpack_object *v = sc_get(m, k);
	return v && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? v->via.u64 : UINT64_MAX;
}

static inline int sc_is(const msgpack_object *m, const char *k, const char *s)
{
	const msgpack_object *v = sc_get(m, k);
	return v && v->type == MSGPACK_OBJECT_STR && v->via.str.size == strlen(s) &&
	       !memcmp(v->via.str.ptr, s, v->via.str.size);
}

/* ok: true in a reply */
static inline int sc_ok(const msgpack_object *m)
{
	const msgpack_object *v = sc_get(m, "ok");
	return v && v->type == MSGPACK_OBJECT_BOOLEAN && v->via.boolean;
}

#endif
