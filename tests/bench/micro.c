// SPDX-License-Identifier: GPL-2.0
/*
 * Micro-benchmark of the MSS option rewriter (kmod/clamp.h), the code the
 * module runs on every SYN it inspects, on the SYN option layouts of the
 * common stacks:
 *
 *   linux    MSS, SACK permitted, timestamps, NOP, window scale  (20 bytes)
 *   windows  MSS, NOP, window scale, NOP, NOP, SACK permitted    (12 bytes)
 *   macos    MSS, NOP, window scale, NOP, NOP, timestamps,
 *            SACK permitted, EOL, EOL                            (24 bytes)
 *
 * Cases, each on every layout:
 *   scan       mssclamp_scan() of a SYN with MSS 8960, ceiling 1460
 *   clamp      mssclamp_rewrite() of that SYN: lowers the MSS and fixes
 *              the checksum (the header is restored before each call; the
 *              cost of restoring it, case "copy", is subtracted)
 *   unchanged  mssclamp_rewrite() of a SYN already at 1460: no write
 *
 *   micro            ns per call (best of 5 runs of 2,000,000 calls)
 *   micro --instr    under valgrind --tool=callgrind: one dump per case
 *                    (CALLGRIND_DUMP_STATS_AT) of 10,000 calls, read by
 *                    tests/bench/micro.sh; instructions do not vary.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/callgrind.h>

#include "clamp.h"

#define NS_CALLS	2000000
#define NS_RUNS		5
#define INSTR_CALLS	10000
#define CEILING		1460
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Keeps the compiler from merging or dropping the calls being timed. */
static inline void barrier(void)
{
	__asm__ __volatile__("" ::: "memory");
}

struct layout {
	const char *name;
	size_t optlen;
	unsigned char opts[40];
};

static const struct layout layouts[] = {
	{ "linux", 20, { 2, 4, 0x23, 0x00, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0,
			 1, 3, 3, 7 } },
	{ "windows", 12, { 2, 4, 0x23, 0x00, 1, 3, 3, 8, 1, 1, 4, 2 } },
	{ "macos", 24, { 2, 4, 0x23, 0x00, 1, 3, 3, 6, 1, 1, 8, 10, 1, 2, 3, 4,
			 0, 0, 0, 0, 4, 2, 0, 0 } },
};

/* A SYN's TCP header with @l's options and MSS @mss. */
static size_t make_syn(unsigned char *th, const struct layout *l,
		       unsigned int mss)
{
	size_t hlen = 20 + l->optlen;

	memset(th, 0, MSSCLAMP_TCPHDR_MAX);
	th[0] = 0x9c; th[1] = 0x40;		/* ports 40000 -> 5001 */
	th[2] = 0x13; th[3] = 0x89;
	th[12] = (unsigned char)(hlen / 4 << 4);
	th[13] = 0x02;				/* SYN */
	th[14] = 0xfa; th[15] = 0xf0;
	th[16] = 0x12; th[17] = 0x34;		/* some checksum */
	memcpy(th + 20, l->opts, l->optlen);
	th[22] = (unsigned char)(mss >> 8);
	th[23] = (unsigned char)mss;
	return hlen;
}

enum which { LOOP, COPY, SCAN, CLAMP, UNCHANGED };

static const char *const which_name[] = { "loop", "copy", "scan", "clamp",
					  "unchanged" };

struct bufs {
	unsigned char jumbo[MSSCLAMP_TCPHDR_MAX];	/* MSS 8960 */
	unsigned char fitting[MSSCLAMP_TCPHDR_MAX];	/* MSS 1460 */
	unsigned char work[MSSCLAMP_TCPHDR_MAX];
	size_t hlen;
};

/* @calls calls of case @w; returns a verdict sum so nothing is elided. */
static unsigned long run(enum which w, struct bufs *b, long calls)
{
	struct mssclamp_result res;
	unsigned long sum = 0;
	long i;

	switch (w) {
	case LOOP:
		for (i = 0; i < calls; i++)
			barrier();
		break;
	case COPY:
		for (i = 0; i < calls; i++) {
			memcpy(b->work, b->jumbo, sizeof(b->work));
			barrier();
		}
		break;
	case SCAN:
		for (i = 0; i < calls; i++) {
			sum += mssclamp_scan(b->jumbo, b->hlen, CEILING, &res);
			barrier();
		}
		break;
	case CLAMP:
		for (i = 0; i < calls; i++) {
			memcpy(b->work, b->jumbo, sizeof(b->work));
			barrier();
			sum += mssclamp_rewrite(b->work, b->hlen, CEILING, true,
						&res);
			barrier();
		}
		break;
	case UNCHANGED:
		for (i = 0; i < calls; i++) {
			sum += mssclamp_rewrite(b->fitting, b->hlen, CEILING,
						true, &res);
			barrier();
		}
		break;
	}
	return sum;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double ns_per_call(enum which w, struct bufs *b)
{
	double best = 1e30;
	int r;

	for (r = 0; r < NS_RUNS; r++) {
		double t = now();

		run(w, b, NS_CALLS);
		t = (now() - t) / NS_CALLS;
		if (t < best)
			best = t;
	}
	return best;
}

static int sane(struct bufs *b, const struct layout *l)
{
	struct mssclamp_result res;

	memcpy(b->work, b->jumbo, sizeof(b->work));
	if (mssclamp_scan(b->jumbo, b->hlen, CEILING, &res) != MSSCLAMP_CLAMPED ||
	    mssclamp_rewrite(b->work, b->hlen, CEILING, true, &res) != MSSCLAMP_CLAMPED ||
	    mssclamp_rewrite(b->fitting, b->hlen, CEILING, true, &res) != MSSCLAMP_UNCHANGED) {
		fprintf(stderr, "micro: %s: unexpected verdicts\n", l->name);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	int instr = argc > 1 && !strcmp(argv[1], "--instr");
	size_t i;
	int w;

	if (argc > 1 && !instr) {
		fprintf(stderr, "usage: micro [--instr]\n");
		return 2;
	}
	if (!instr)
		printf("%-8s %-10s %10s\n", "layout", "case", "ns/call");
	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		const struct layout *l = &layouts[i];
		struct bufs b;
		double base_loop = 0, base_copy = 0;

		b.hlen = make_syn(b.jumbo, l, 8960);
		make_syn(b.fitting, l, CEILING);
		if (!sane(&b, l))
			return 1;
		for (w = LOOP; w <= UNCHANGED; w++) {
			char name[64];

			if (instr) {
				snprintf(name, sizeof(name), "%s/%s calls=%d",
					 l->name, which_name[w], INSTR_CALLS);
				CALLGRIND_ZERO_STATS;
				run((enum which)w, &b, INSTR_CALLS);
				CALLGRIND_DUMP_STATS_AT(name);
				continue;
			}
			double t = ns_per_call((enum which)w, &b);

			if (w == LOOP)
				base_loop = t;
			else if (w == COPY)
				base_copy = t;
			else
				printf("%-8s %-10s %10.2f\n", l->name, which_name[w],
				       t - (w == CLAMP ? base_copy : base_loop));
		}
	}
	return 0;
}
