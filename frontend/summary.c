/*
 * frontend/summary.c - text and JSON run summaries (see summary.h).
 *
 * Slowdown = fct / ideal_fct, where ideal_fct is the same message alone on an
 * idle fabric along its own route (transport/rdma.c, tp_ideal).
 */
#include "frontend/summary.h"

#include <string.h>

#include "frontend/coll_run.h"
#include "net/net.h"

/* ps as ns with exactly three decimals: 851684960 ps -> "851684.960". */
static void put_ns(FILE *out, uint64_t ps)
{
	fprintf(out, "%llu.%03llu", (unsigned long long)(ps / 1000), (unsigned long long)(ps % 1000));
}

static void json_time(FILE *out, const char *key, uint64_t ps, int comma)
{
	if (ps == NET_TIME_NEVER) {
		fprintf(out, "\"%s_ns\": null, \"%s_ps\": null%s", key, key, comma ? ", " : "");
		return;
	}
	fprintf(out, "\"%s_ns\": ", key);
	put_ns(out, ps);
	fprintf(out, ", \"%s_ps\": %llu%s", key, (unsigned long long)ps, comma ? ", " : "");
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static uint32_t count_switches(const struct net *net)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < net->nnodes; i++)
		n += net->nodes[i].kind == NET_SWITCH;
	return n;
}

/* Switch egress ports that carried traffic, and any port PFC touched (a
 * host's NIC port that was paused), in port order. */
static void json_ports(FILE *out, const struct net *net, uint64_t end_ps)
{
	int first = 1;
	fprintf(out, "  \"ports\": [");
	for (uint32_t i = 0; i < net->nports; i++) {
		const struct net_port *p = &net->ports[i];
		int sw = p->node->kind == NET_SWITCH;
		if (!(sw && p->tx_pkts) && !p->pfc_rx && !p->pfc_xoff_sent && !p->paused)
			continue;
		double util = end_ps ? (double)p->tx_bytes * 8.0 * 1e12 / ((double)p->rate_bps * (double)end_ps)
				     : 0.0;
		fprintf(out, "%s\n    {\"node\": %u, \"port\": %u, \"peer\": %u, \"tx_packets\": %llu, "
			     "\"tx_bytes\": %llu, \"utilization\": %.6f, \"max_queue_bytes\": %llu, "
			     "\"p50_queue_bytes\": %llu, \"p99_queue_bytes\": %llu, "
			     "\"mean_queue_bytes\": %.1f, ",
			first ? "" : ",", p->node->id, p->index, p->peer->node->id,
			(unsigned long long)p->tx_pkts, (unsigned long long)p->tx_bytes, util,
			(unsigned long long)p->max_queue_bytes,
			(unsigned long long)net_qhist_percentile(p, 0.5, end_ps),
			(unsigned long long)net_qhist_percentile(p, 0.99, end_ps),
			net_qhist_mean(p, end_ps));
		json_time(out, "paused", net_port_paused_ps(p, end_ps), 1);
		fprintf(out, "\"pfc_pauses_sent\": %llu, \"pfc_resumes_sent\": %llu, "
			     "\"pfc_received\": %llu}",
			(unsigned long long)p->pfc_xoff_sent, (unsigned long long)p->pfc_xon_sent,
			(unsigned long long)p->pfc_rx);
		first = 0;
	}
	fprintf(out, "%s],\n", first ? "" : "\n  ");
}

void fe_summary_json(FILE *out, const struct sim *s, const struct fe_run_info *ri)
{
	const struct net *net = sim_net(s);
	const struct tp *tp = sim_tp(s);
	const struct net_engine *eng = sim_engine(s);
	size_t nf;
	const struct sim_flow *fl = sim_flows(s, &nf);

	fprintf(out, "{\n  \"experiment\": ");
	json_str(out, ri->experiment);
	fprintf(out, ",\n  \"status\": \"%s\",\n  \"seed\": %llu,\n  ",
		ri->interrupted ? "interrupted" : "complete", (unsigned long long)sim_seed(s));
	json_time(out, "sim_time", eng->now_ps, 1);
	fprintf(out, "\"events\": %llu, \"wall_s\": %.6f", (unsigned long long)eng->events,
		ri->wall_s);
	/* Only on request: the default output is byte-identical across runs
	 * apart from wall_s. */
	if (ri->stats)
		fprintf(out, ", \"peak_rss_kb\": %ld", ri->peak_rss_kb);
	fprintf(out, ",\n");
	fprintf(out, "  \"topology\": {\"name\": ");
	json_str(out, sim_topology_name(s));
	fprintf(out, ", \"hosts\": %u, \"switches\": %u, \"links\": %u},\n", net->nhosts,
		count_switches(net), net->nlinks);
	fprintf(out, "  \"flows\": [");
	for (size_t i = 0; i < nf; i++) {
		const struct sim_flow *f = &fl[i];
		fprintf(out, "%s\n    {\"id\": %u, \"src\": %u, \"dst\": %u, \"size_bytes\": %llu, ",
			i ? "," : "", f->id, f->src, f->dst, (unsigned long long)f->size_bytes);
		json_time(out, "start", f->start_ps, 1);
		json_time(out, "delivered", f->delivered_ps, 1);
		json_time(out, "fct", f->fct_ps, 1);
		json_time(out, "ideal_fct", f->ideal_fct_ps, 1);
		if (f->fct_ps != NET_TIME_NEVER && f->ideal_fct_ps && f->ideal_fct_ps != NET_TIME_NEVER)
			fprintf(out, "\"slowdown\": %.6f, ", (double)f->fct_ps / (double)f->ideal_fct_ps);
		else
			fprintf(out, "\"slowdown\": null, ");
		fprintf(out, "\"retransmits\": %llu}",
			(unsigned long long)(f->qp ? f->qp->retx_pkts : 0));
	}
	fprintf(out, "%s],\n  \"collectives\": [", nf ? "\n  " : "");
	size_t nc;
	struct fe_coll_run *const *cr = sim_colls(s, &nc);
	for (size_t i = 0; i < nc; i++) {
		const struct fe_coll_result *r = fe_coll_result(cr[i]);
		fprintf(out, "%s\n    {\"id\": %zu, \"op\": \"%s\", \"algorithm\": \"%s\", "
			     "\"size_bytes\": %llu, \"npus\": %u, \"chunks\": %u, ",
			i ? "," : "", i, coll_op_names[r->cfg->op], coll_algo_names[r->cfg->algo],
			(unsigned long long)r->cfg->size_bytes, r->npus, r->cfg->chunks);
		fprintf(out, "\"dims\": ");
		if (r->ndims) {
			for (uint32_t d = 0; d < r->ndims; d++)
				fprintf(out, "%s%u", d ? ", " : "[", r->dims[d]);
			fprintf(out, "], \"dim_algorithms\": ");
			for (uint32_t d = 0; d < r->ndims; d++)
				fprintf(out, "%s\"%s\"", d ? ", " : "[",
					coll_algo_names[r->cfg->nalgo_dims > 1 ? r->cfg->algo_dims[d]
										: r->cfg->algo]);
			fprintf(out, "], ");
		} else {
			fprintf(out, "null, \"dim_algorithms\": null, ");
		}
		json_time(out, "start", r->start_ps, 1);
		json_time(out, "time", r->time_ps, 1);
		fprintf(out, "\"analytical\": {");
		json_time(out, "alpha_beta", r->alpha_beta_ps, 1);
		json_time(out, "astra_unaware", r->astra_unaware_ps, 1);
		if (r->astra_aware_ps)
			json_time(out, "astra_aware", r->astra_aware_ps, 1);
		else
			fprintf(out, "\"astra_aware_ns\": null, \"astra_aware_ps\": null, ");
		json_time(out, "idle_fabric", r->idle_ps, 0);
		fprintf(out, "}, ");
		if (r->time_ps != NET_TIME_NEVER) {
			/* Signed, and they add up to time - astra_unaware exactly. */
			fprintf(out, "\"error_causes_ns\": {\"headers\": %.3f, \"packetization\": "
				"%.3f, \"contention\": %.3f}, ",
				((double)r->wire_model_ps - (double)r->astra_unaware_ps) / 1e3,
				((double)r->idle_ps - (double)r->wire_model_ps) / 1e3,
				((double)r->time_ps - (double)r->idle_ps) / 1e3);
		} else {
			fprintf(out, "\"error_causes_ns\": null, ");
		}
		if (r->time_ps != NET_TIME_NEVER && r->time_ps) {
			double algbw, busbw;
			fe_coll_bandwidth(r, r->cfg->size_bytes, &algbw, &busbw);
			fprintf(out, "\"algbw_GBps\": %.3f, \"busbw_GBps\": %.3f, ", algbw, busbw);
		} else {
			fprintf(out, "\"algbw_GBps\": null, \"busbw_GBps\": null, ");
		}
		if (r->time_ps != NET_TIME_NEVER && r->astra_unaware_ps)
			fprintf(out, "\"error_vs_astra_unaware\": %.6f}",
				(double)r->time_ps / (double)r->astra_unaware_ps - 1);
		else
			fprintf(out, "\"error_vs_astra_unaware\": null}");
	}
	fprintf(out, "%s],\n", nc ? "\n  " : "");
	json_ports(out, net, eng->now_ps);
	if (net->deadlock.found) {
		const struct net_deadlock *d = &net->deadlock;
		fprintf(out, "  \"pfc_deadlock\": {\"class\": %u, ", d->cls);
		json_time(out, "since", d->since_ps, 1);
		json_time(out, "detected", d->detected_ps, 1);
		fprintf(out, "\"cycle_length\": %u, \"nodes\": [", d->nnodes);
		for (uint32_t i = 0; i < d->nnodes && i < NET_DEADLOCK_MAX_NODES; i++)
			fprintf(out, "%s%u", i ? ", " : "", d->nodes[i]);
		fprintf(out, "]},\n");
	} else {
		fprintf(out, "  \"pfc_deadlock\": null,\n");
	}
	fprintf(out, "  \"counters\": {\"packets_sent\": %llu, \"packet_hops\": %llu, "
		     "\"bytes_delivered\": %llu, \"drops\": %llu, \"drops_by_reason\": {",
		(unsigned long long)tp->ctr.packets_sent, (unsigned long long)net->ctr.packet_hops,
		(unsigned long long)tp->ctr.bytes_delivered, (unsigned long long)net->ctr.drops_total);
	for (int r = 0; r < NET_DROP_NREASONS; r++)
		fprintf(out, "%s\"%s\": %llu", r ? ", " : "", net_drop_reason_names[r],
			(unsigned long long)net->ctr.drops[r]);
	fprintf(out, "}, \"drops_data\": %llu, \"drops_control\": %llu",
		(unsigned long long)net->ctr.drops_by_type[NET_PKT_DATA],
		(unsigned long long)(net->ctr.drops_total - net->ctr.drops_by_type[NET_PKT_DATA]));
	fprintf(out, ", \"retransmits\": %llu, \"ecn_marks\": %llu, \"pfc_pauses\": %llu, "
		     "\"cnps\": %llu, \"pfc_resumes\": %llu, \"pfc_received\": %llu,\n"
		     "    \"data_packets\": %llu, \"acks\": %llu, \"nacks\": %llu, "
		     "\"rto_fires\": %llu, \"packets_created\": %llu, \"packets_consumed\": %llu, "
		     "\"packets_in_flight\": %llu, \"conservation\": %s}\n}\n",
		(unsigned long long)tp->ctr.retransmits, (unsigned long long)net->ctr.ecn_marks,
		(unsigned long long)net->ctr.pfc_pauses, (unsigned long long)tp->ctr.cnps,
		(unsigned long long)net->ctr.pfc_resumes, (unsigned long long)net->ctr.pfc_rx,
		(unsigned long long)tp->ctr.data_pkts, (unsigned long long)tp->ctr.acks,
		(unsigned long long)tp->ctr.nacks, (unsigned long long)tp->ctr.rto_fires,
		(unsigned long long)net->pool.created, (unsigned long long)net->ctr.consumed,
		(unsigned long long)net_in_flight(net), ri->conservation_ok ? "true" : "false");
}

static void text_us(FILE *out, uint64_t ps, int width)
{
	if (ps == NET_TIME_NEVER)
		fprintf(out, "%*s", width, "-");
	else
		fprintf(out, "%*.3f", width, (double)ps / 1e6);
}

void fe_summary_text(FILE *out, const struct sim *s, const struct fe_run_info *ri)
{
	const struct net *net = sim_net(s);
	const struct tp *tp = sim_tp(s);
	const struct net_engine *eng = sim_engine(s);
	size_t nf, done = 0;
	const struct sim_flow *fl = sim_flows(s, &nf);
	for (size_t i = 0; i < nf; i++)
		done += fl[i].fct_ps != NET_TIME_NEVER;

	fprintf(out, "pktsim: %s (seed %llu)%s\n", ri->experiment, (unsigned long long)sim_seed(s),
		ri->interrupted ? "  ** INTERRUPTED: partial results **" : "");
	fprintf(out, "topology %s: %u hosts, %u switches, %u links\n", sim_topology_name(s),
		net->nhosts, count_switches(net), net->nlinks);
	fprintf(out, "simulated ");
	put_ns(out, eng->now_ps);
	fprintf(out, " ns in %.3f s wall, %llu events (%.2f M events/s, %.2f M packet-hops/s),"
		     " peak RSS %.1f MiB\n",
		ri->wall_s, (unsigned long long)eng->events,
		ri->wall_s > 0 ? (double)eng->events / ri->wall_s / 1e6 : 0.0,
		ri->wall_s > 0 ? (double)net->ctr.packet_hops / ri->wall_s / 1e6 : 0.0,
		(double)ri->peak_rss_kb / 1024.0);
	fprintf(out, "flows: %zu of %zu complete\n", done, nf);
	if (nf) {
		fprintf(out, "  %5s %5s %5s %12s %12s %14s %14s %14s %9s %5s\n", "id", "src", "dst",
			"size_B", "start_us", "delivered_us", "fct_us", "ideal_fct_us", "slowdown",
			"retx");
		size_t show = nf <= 20 ? nf : 20;
		for (size_t i = 0; i < show; i++) {
			const struct sim_flow *f = &fl[i];
			fprintf(out, "  %5u %5u %5u %12llu ", f->id, f->src, f->dst,
				(unsigned long long)f->size_bytes);
			text_us(out, f->start_ps, 12);
			fputc(' ', out);
			text_us(out, f->delivered_ps, 14);
			fputc(' ', out);
			text_us(out, f->fct_ps, 14);
			fputc(' ', out);
			text_us(out, f->ideal_fct_ps, 14);
			if (f->fct_ps != NET_TIME_NEVER && f->ideal_fct_ps != NET_TIME_NEVER)
				fprintf(out, " %9.4f", (double)f->fct_ps / (double)f->ideal_fct_ps);
			else
				fprintf(out, " %9s", "-");
			fprintf(out, " %5llu\n", (unsigned long long)(f->qp ? f->qp->retx_pkts : 0));
		}
		if (show < nf)
			fprintf(out, "  ... %zu more flows (use --json for all)\n", nf - show);
	}
	size_t nc;
	struct fe_coll_run *const *cr = sim_colls(s, &nc);
	if (nc) {
		fprintf(out, "collectives:\n  %3s %-14s %-16s %12s %5s %6s %14s %14s %14s %9s %10s\n",
			"id", "op", "algo", "size_B", "npus", "chunks", "time_us", "astra_us",
			"alpha_beta_us", "error", "busbw_GBps");
		for (size_t i = 0; i < nc; i++) {
			const struct fe_coll_result *r = fe_coll_result(cr[i]);
			char algo[64];
			snprintf(algo, sizeof(algo), "%s", coll_algo_names[r->cfg->algo]);
			for (uint32_t d = 0; d < r->ndims; d++) {
				size_t l = strlen(algo);
				snprintf(algo + l, sizeof(algo) - l, "%s%u", d ? "x" : " ", r->dims[d]);
			}
			fprintf(out, "  %3zu %-14s %-16s %12llu %5u %6u ", i, coll_op_names[r->cfg->op],
				algo, (unsigned long long)r->cfg->size_bytes, r->npus, r->cfg->chunks);
			text_us(out, r->time_ps, 14);
			fputc(' ', out);
			text_us(out, r->astra_unaware_ps, 14);
			fputc(' ', out);
			text_us(out, r->alpha_beta_ps, 14);
			if (r->time_ps != NET_TIME_NEVER && r->astra_unaware_ps)
				fprintf(out, " %+8.2f%%",
					100.0 * ((double)r->time_ps / (double)r->astra_unaware_ps - 1));
			else
				fprintf(out, " %9s", "-");
			if (r->time_ps != NET_TIME_NEVER && r->time_ps) {
				double algbw, busbw;
				fe_coll_bandwidth(r, r->cfg->size_bytes, &algbw, &busbw);
				fprintf(out, " %10.3f\n", busbw);
			} else {
				fprintf(out, " %10s\n", "-");
			}
		}
		for (size_t i = 0; i < nc; i++) {
			const struct fe_coll_result *r = fe_coll_result(cr[i]);
			if (r->time_ps == NET_TIME_NEVER)
				continue;
			if (r->astra_aware_ps)
				fprintf(out, "  %3zu ASTRA-sim congestion-aware model: %.3f us (time %+.2f%%)\n",
					i, r->astra_aware_ps / 1e6,
					100.0 * ((double)r->time_ps / (double)r->astra_aware_ps - 1));
			fprintf(out, "  %3zu time - astra = headers %+.3f us + packetization %+.3f us + "
				"contention %+.3f us\n", i,
				((double)r->wire_model_ps - (double)r->astra_unaware_ps) / 1e6,
				((double)r->idle_ps - (double)r->wire_model_ps) / 1e6,
				((double)r->time_ps - (double)r->idle_ps) / 1e6);
		}
	}
	/* The five switch ports with the deepest queues. */
	const struct net_port *top[5] = { 0 };
	for (uint32_t i = 0; i < net->nports; i++) {
		const struct net_port *p = &net->ports[i];
		if (p->node->kind != NET_SWITCH || !p->max_queue_bytes)
			continue;
		for (int k = 0; k < 5; k++)
			if (!top[k] || p->max_queue_bytes > top[k]->max_queue_bytes) {
				memmove(&top[k + 1], &top[k], (size_t)(4 - k) * sizeof(top[0]));
				top[k] = p;
				break;
			}
	}
	if (top[0]) {
		fprintf(out, "deepest queues (switch egress):\n  %9s %6s %12s %12s %12s %9s %8s %12s\n",
			"port", "to", "max_B", "p50_B", "p99_B", "util", "pauses", "paused_us");
		for (int k = 0; k < 5 && top[k]; k++) {
			const struct net_port *p = top[k];
			char name[32];
			snprintf(name, sizeof(name), "%u:%u", p->node->id, p->index);
			fprintf(out, "  %9s %6u %12llu %12llu %12llu %8.1f%% %8llu %12.3f\n", name,
				p->peer->node->id, (unsigned long long)p->max_queue_bytes,
				(unsigned long long)net_qhist_percentile(p, 0.5, eng->now_ps),
				(unsigned long long)net_qhist_percentile(p, 0.99, eng->now_ps),
				eng->now_ps ? 100.0 * (double)p->tx_bytes * 8e12 /
						      ((double)p->rate_bps * (double)eng->now_ps)
					    : 0.0,
				(unsigned long long)p->pfc_xoff_sent,
				(double)net_port_paused_ps(p, eng->now_ps) / 1e6);
		}
	}
	fprintf(out, "counters: packets_sent %llu, packet_hops %llu, bytes_delivered %llu, "
		     "retransmits %llu, drops %llu",
		(unsigned long long)tp->ctr.packets_sent, (unsigned long long)net->ctr.packet_hops,
		(unsigned long long)tp->ctr.bytes_delivered, (unsigned long long)tp->ctr.retransmits,
		(unsigned long long)net->ctr.drops_total);
	if (net->ctr.drops_total) {
		fprintf(out, " (");
		int first = 1;
		for (int r = 0; r < NET_DROP_NREASONS; r++)
			if (net->ctr.drops[r]) {
				fprintf(out, "%s%s %llu", first ? "" : ", ", net_drop_reason_names[r],
					(unsigned long long)net->ctr.drops[r]);
				first = 0;
			}
		fputc(')', out);
	}
	if (net->ctr.ecn_marks || net->ctr.pfc_pauses || tp->ctr.cnps)
		fprintf(out, "\ncongestion: ecn_marks %llu, cnps %llu, pfc_pauses %llu, pfc_resumes %llu",
			(unsigned long long)net->ctr.ecn_marks, (unsigned long long)tp->ctr.cnps,
			(unsigned long long)net->ctr.pfc_pauses, (unsigned long long)net->ctr.pfc_resumes);
	if (net->deadlock.found) {
		const struct net_deadlock *d = &net->deadlock;
		fprintf(out, "\nPFC DEADLOCK: a pause cycle in class %u since %.3f us (seen at %.3f us):",
			d->cls, (double)d->since_ps / 1e6, (double)d->detected_ps / 1e6);
		for (uint32_t i = 0; i < d->nnodes && i < NET_DEADLOCK_MAX_NODES; i++)
			fprintf(out, " %u ->", d->nodes[i]);
		fprintf(out, " %u", d->nodes[0]);
	}
	fprintf(out, "\npackets: created %llu = delivered %llu + dropped %llu + in flight %llu: %s\n",
		(unsigned long long)net->pool.created, (unsigned long long)net->ctr.consumed,
		(unsigned long long)net->ctr.drops_total, (unsigned long long)net_in_flight(net),
		ri->conservation_ok ? "conserved" : "VIOLATED");
}
