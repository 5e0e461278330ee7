/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MSS option rewriter: a pure function over the bytes of one TCP
 * header. No kernel-only headers, so the same file builds into the module,
 * the userspace unit tests and the fuzzer.
 */
#ifndef MSSCLAMP_CLAMP_H
#define MSSCLAMP_CLAMP_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include "clamp_user.h"
#endif

#define MSSCLAMP_TCPHDR_LEN	20	/* TCP header without options */
#define MSSCLAMP_TCPHDR_MAX	60	/* with 40 bytes of options */

enum mssclamp_verdict {
	MSSCLAMP_NO_MSS,	/* well formed, no MSS option: left alone */
	MSSCLAMP_UNCHANGED,	/* MSS already at or below the ceiling */
	MSSCLAMP_CLAMPED,	/* MSS lowered to the ceiling */
	MSSCLAMP_MALFORMED,	/* bad data offset or options: left alone */
};

struct mssclamp_result {
	u16 old_mss;	/* as found (host order); 0 without MSS */
	u16 new_mss;	/* as left (host order); 0 without MSS */
	u16 offset;	/* of the MSS value in the header; 0 without */
};

/**
 * mssclamp_data_offset - header length in bytes from the data offset field
 * @th: at least 13 bytes of a TCP header
 */
static inline unsigned int mssclamp_data_offset(const u8 *th)
{
	return (unsigned int)(th[12] >> 4) * 4;
}

enum mssclamp_verdict mssclamp_scan(const u8 *th, size_t len,
				    u16 ceiling,
				    struct mssclamp_result *res);
enum mssclamp_verdict mssclamp_rewrite(u8 *th, size_t len,
				       u16 ceiling, bool fix_csum,
				       struct mssclamp_result *res);

#endif /* MSSCLAMP_CLAMP_H */
