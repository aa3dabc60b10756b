/*
 * net/route.c - shortest-path routing with deterministic ECMP.
 *
 * Hosts with a single link to a switch share a destination group rooted at
 * that switch (the switch knows the port to each of its hosts); every other
 * host is its own group. One BFS per group gives every node's distance to
 * the group; a forwarding node's next hops toward the group are the ports
 * whose neighbour is one step closer. Tables cost 4 bytes per (forwarding
 * node, group) plus the port lists, and identical consecutive lists are
 * shared, so a k=32 fat-tree (512 groups) needs a few MB; build time is
 * O(groups x (nodes + links)). One-way links (a unidirectional ring) are
 * honoured: the BFS walks edges backwards (v reaches u when v's port toward
 * u is up), giving each node's distance TO the group. Single-port hosts keep
 * no table: everything
 * leaves by their one port. Only forwarding nodes (net_node.forwards) carry
 * transit traffic, so a host dual-homed to two switches is never a path
 * between them. The choice among equal next hops hashes the
 * flow (its 32-bit hash) with the node's salt: deterministic per seed.
 */
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "topo/topo.h"

int net_routes_build(struct net *net);
void net_routes_free(struct net *net);

static int forwards(const struct net_node *n)
{
	return n->forwards;
}

static int nh_push(struct net_node *n, uint32_t *cap, uint16_t v)
{
	if (n->nh_len == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 64;
		uint16_t *nn = realloc(n->nh, ncap * sizeof(*nn));
		if (!nn)
			return -1;
		n->nh = nn;
		*cap = ncap;
	}
	n->nh[n->nh_len++] = v;
	return 0;
}

int net_routes_build(struct net *net)
{
	uint32_t N = net->nnodes;
	uint32_t *grp_of_switch = malloc(N * sizeof(uint32_t));
	uint32_t *dist = malloc(N * sizeof(uint32_t));
	uint32_t *queue = malloc(N * sizeof(uint32_t));
	uint32_t *caps = calloc(N, sizeof(uint32_t));
	net->host_group = malloc(N * sizeof(uint32_t));
	net->group_root = malloc(N * sizeof(uint32_t));
	net->host_attach_port = calloc(N, sizeof(uint16_t));
	if (!grp_of_switch || !dist || !queue || !caps || !net->host_group || !net->group_root ||
	    !net->host_attach_port)
		goto nomem;
	memset(grp_of_switch, 0xff, N * sizeof(uint32_t));

	/* Groups. */
	net->ngroups = 0;
	for (uint32_t i = 0; i < N; i++) {
		struct net_node *n = &net->nodes[i];
		net->host_group[i] = UINT32_MAX;
		if (n->kind != NET_HOST)
			continue;
		if (n->nports == 1 && n->ports[0].peer->node->kind == NET_SWITCH) {
			struct net_port *sp = n->ports[0].peer;
			uint32_t sw = sp->node->id;
			if (grp_of_switch[sw] == UINT32_MAX) {
				grp_of_switch[sw] = net->ngroups;
				net->group_root[net->ngroups++] = sw;
			}
			net->host_group[i] = grp_of_switch[sw];
			net->host_attach_port[i] = (uint16_t)sp->index;
		} else {
			net->host_group[i] = net->ngroups;
			net->group_root[net->ngroups++] = i;
		}
	}

	/* Connected components, for reachability checks. */
	for (uint32_t i = 0; i < N; i++)
		net->nodes[i].comp = UINT32_MAX;
	for (uint32_t s = 0; s < N; s++) {
		if (net->nodes[s].comp != UINT32_MAX)
			continue;
		uint32_t qh = 0, qt = 0;
		queue[qt++] = s;
		net->nodes[s].comp = s;
		while (qh < qt) {
			struct net_node *u = &net->nodes[queue[qh++]];
			if (u->id != s && !forwards(u))
				continue;
			for (uint32_t k = 0; k < u->nports; k++) {
				struct net_node *v = u->ports[k].peer->node;
				if (v->comp == UINT32_MAX) {
					v->comp = s;
					queue[qt++] = v->id;
				}
			}
		}
	}

	/* Coordinate fabrics route by arithmetic (net_route): no tables. */
	if (net->cr_port) {
		net->ngroups = 0;
		goto done;
	}
	for (uint32_t i = 0; i < N; i++) {
		struct net_node *n = &net->nodes[i];
		/* Forwarders need tables, and so does a multi-homed host for its
		 * own traffic. */
		if (!forwards(n) && n->nports <= 1)
			continue;
		n->nh_off = malloc((net->ngroups ? net->ngroups : 1) * sizeof(uint32_t));
		if (!n->nh_off || nh_push(n, &caps[i], 0))  /* offset 0: the empty list */
			goto nomem;
	}

	for (uint32_t g = 0; g < net->ngroups; g++) {
		uint32_t root = net->group_root[g];
		memset(dist, 0xff, N * sizeof(uint32_t));
		uint32_t qh = 0, qt = 0;
		dist[root] = 0;
		queue[qt++] = root;
		while (qh < qt) {
			struct net_node *u = &net->nodes[queue[qh++]];
			if (u->id != root && !forwards(u))
				continue;
			for (uint32_t k = 0; k < u->nports; k++) {
				const struct net_port *back = u->ports[k].peer; /* v's port toward u */
				uint32_t v = back->node->id;
				if (dist[v] == UINT32_MAX && !back->down) {
					dist[v] = dist[u->id] + 1;
					queue[qt++] = v;
				}
			}
		}
		for (uint32_t i = 0; i < N; i++) {
			struct net_node *n = &net->nodes[i];
			if (!n->nh_off)
				continue;
			if (dist[i] == UINT32_MAX || i == root) {
				n->nh_off[g] = 0;
				continue;
			}
			uint32_t start = n->nh_len;
			if (nh_push(n, &caps[i], 0))
				goto nomem;
			uint16_t cnt = 0;
			for (uint32_t k = 0; k < n->nports; k++) {
				struct net_node *v = n->ports[k].peer->node;
				if (!n->ports[k].down && dist[v->id] + 1 == dist[i] &&
				    (v->id == root || forwards(v))) {
					if (nh_push(n, &caps[i], (uint16_t)k))
						goto nomem;
					cnt++;
				}
			}
			n->nh[start] = cnt;
			/* Share the previous group's list when it is the same. */
			if (g > 0 && n->nh_off[g - 1] != 0) {
				uint32_t prev = n->nh_off[g - 1];
				if (n->nh[prev] == cnt &&
				    !memcmp(&n->nh[prev + 1], &n->nh[start + 1], cnt * sizeof(uint16_t))) {
					n->nh_len = start;
					n->nh_off[g] = prev;
					continue;
				}
			}
			n->nh_off[g] = start;
		}
	}
done:
	free(grp_of_switch);
	free(dist);
	free(queue);
	free(caps);
	return NET_OK;
nomem:
	free(grp_of_switch);
	free(dist);
	free(queue);
	free(caps);
	net_seterr(net->eng, "out of memory building routing tables");
	return NET_ERR_NOMEM;
}

void net_routes_free(struct net *net)
{
	if (net->nodes)
		for (uint32_t i = 0; i < net->nnodes; i++) {
			free(net->nodes[i].nh_off);
			free(net->nodes[i].nh);
		}
	free(net->host_group);
	free(net->group_root);
	free(net->host_attach_port);
}

/* Coordinate fabrics. At an NPU, each dimension where the coordinates
 * differ offers its minimal moves: a ring the shorter direction (both when
 * equidistant; a one-way ring only the way it goes), a fully connected
 * dimension the direct port, a switched one the port to the group's switch.
 * That is exactly the set a BFS finds (any order of dimensions is minimal),
 * kept in port order so the hash picks the same port as the tables would.
 * At a switch, the one member with the destination's coordinate.
 * O(dimensions) per hop, no tables. */
static struct net_port *coord_route(const struct net *net, const struct net_node *node,
				    uint32_t dst, uint32_t hash)
{
	uint32_t n = node->id, H = net->nhosts;
	if (n >= H) {
		uint8_t k = net->cr_sw_dim[n - H];
		if (k == 0xff || dst >= H)
			return NULL;
		uint16_t q = net->cr_sw_port[(size_t)(n - H) * net->cr_maxd +
					     dst / net->cr_stride[k] % net->cr_dims[k]];
		return q == UINT16_MAX ? NULL : &node->ports[q];
	}
	uint16_t cand[24];
	uint32_t nc = 0;
	const uint16_t *pp = &net->cr_port[(size_t)n * net->cr_nslots];
	for (uint32_t k = 0; k < net->cr_ndims; k++) {
		uint32_t d = net->cr_dims[k], st = net->cr_stride[k];
		uint32_t cn = n / st % d, cd = dst / st % d;
		if (cn == cd)
			continue;
		const uint16_t *sk = &pp[net->cr_off[k]];
		if (net->cr_kind[k] == TOPO_DIM_FC) {
			if (sk[cd] != UINT16_MAX)
				cand[nc++] = sk[cd];
			continue;
		}
		if (net->cr_kind[k] == TOPO_DIM_SWITCH) {
			if (sk[0] != UINT16_MAX)
				cand[nc++] = sk[0];
			continue;
		}
		uint32_t fwd = (cd + d - cn) % d, bwd = d - fwd;
		uint16_t up = sk[0], down = sk[1];
		/* A one-way dimension leaves only the direction it has. */
		int use_up = up != UINT16_MAX && (fwd <= bwd || down == UINT16_MAX);
		int use_down = down != UINT16_MAX && (bwd <= fwd || up == UINT16_MAX);
		if (use_up)
			cand[nc++] = up;
		if (use_down && !(use_up && down == up))
			cand[nc++] = down;
	}
	if (!nc)
		return NULL;
	/* Port order, like the tables' lists (insertion sort: a handful). */
	for (uint32_t i = 1; i < nc; i++)
		for (uint32_t j = i; j > 0 && cand[j] < cand[j - 1]; j--) {
			uint16_t t = cand[j];
			cand[j] = cand[j - 1];
			cand[j - 1] = t;
		}
	if (nc == 1)
		return &node->ports[cand[0]];
	uint32_t h = (uint32_t)net_mix64((uint64_t)hash ^ node->salt);
	return &node->ports[cand[((uint64_t)h * nc) >> 32]];
}

struct net_port *net_route(const struct net *net, const struct net_node *node, uint32_t dst,
			   uint32_t hash)
{
	if (node->id == dst || dst >= net->nnodes)
		return NULL;
	if (net->cr_port)
		return coord_route(net, node, dst, hash);
	if (!node->nh_off)
		return node->nports ? &node->ports[0] : NULL;
	uint32_t g = net->host_group[dst];
	if (g == UINT32_MAX)
		return NULL;
	if (node->id == net->group_root[g])
		return &node->ports[net->host_attach_port[dst]];
	const uint16_t *l = &node->nh[node->nh_off[g]];
	uint16_t cnt = l[0];
	if (cnt <= 1)
		return cnt ? &node->ports[l[1]] : NULL;
	uint32_t h = (uint32_t)net_mix64((uint64_t)hash ^ node->salt);
	return &node->ports[l[1 + (uint32_t)(((uint64_t)h * cnt) >> 32)]];
}

int net_reachable(const struct net *net, uint32_t src, uint32_t dst)
{
	return src < net->nnodes && dst < net->nnodes && net->nodes[src].comp == net->nodes[dst].comp;
}

int net_path(const struct net *net, uint32_t src, uint32_t dst, uint32_t hash,
	     struct net_port **ports, int max)
{
	if (!net_reachable(net, src, dst))
		return -1;
	const struct net_node *n = &net->nodes[src];
	int h = 0;
	while (n->id != dst) {
		struct net_port *p = net_route(net, n, dst, hash);
		if (!p || h > (int)net->nnodes)
			return -1;
		if (h < max)
			ports[h] = p;
		h++;
		n = p->peer->node;
	}
	return h;
}
