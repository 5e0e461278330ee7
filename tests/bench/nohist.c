// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's mssclamp.ko without histograms (tests/bench/Kbuild.nohist):
 * pernet.c calls this instead of stats.c's mssclamp_hist_alloc(), so no
 * family ever has histograms (af->hist stays NULL, the state a KUnit
 * suite's family may be in) and the fast path counts without them. Never
 * part of the product.
 */
#include <linux/module.h>

#include "mssclamp.h"

MODULE_INFO(mssbench, "histograms left out (benchmark A/B build)");

/* Built with -Dmssclamp_hist_alloc=mssbench_nohist_alloc, as pernet.c is. */
int mssclamp_hist_alloc(struct mssclamp_af *af)
{
	return 0;
}
