/*
 * cc/none.c - no congestion control: every flow sends at its NIC's line rate
 * with no window. The fallback algorithm, always registered.
 */
#include "cc/cc.h"

static void none_init(struct cc_flow *f)
{
	f->rate_bps = f->line_rate_bps;
	f->window_bytes = UINT64_MAX;
}

const struct cc_ops cc_none_ops = {
	.name = "none",
	.init = none_init,
};
