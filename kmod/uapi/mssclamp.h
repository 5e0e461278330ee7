/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mssclamp: generic netlink interface, shared by the module and mssclampctl.
 * docs/netlink/mssclamp.yaml describes the same family; keep them in step.
 */
#ifndef _UAPI_LINUX_MSSCLAMP_H
#define _UAPI_LINUX_MSSCLAMP_H

#define MSSCLAMP_GENL_NAME	"mssclamp"
#define MSSCLAMP_GENL_VERSION	1

/* Most interfaces a scope list may name. */
#define MSSCLAMP_MAX_DEVS	16

/* Values of MSSCLAMP_A_FAMILY. */
enum mssclamp_family {
	MSSCLAMP_FAMILY_IPV4 = 4,
	MSSCLAMP_FAMILY_IPV6 = 6,
};

/* Values of MSSCLAMP_A_HOOK. */
enum mssclamp_hook {
	MSSCLAMP_HOOK_FORWARD,
	MSSCLAMP_HOOK_POSTROUTING,
};

/* Values of MSSCLAMP_A_HIST_KIND: what a histogram counts. */
enum mssclamp_hist_kind {
	MSSCLAMP_HIST_SYN,	/* the MSS advertised in SYNs, before clamping */
	MSSCLAMP_HIST_SYNACK,	/* the same in SYN-ACKs */
	MSSCLAMP_HIST_PTB,	/* the MTU in ICMP frag-needed / ICMPv6 PTB */
};

/* The multicast group of configuration changes and counter resets. */
#define MSSCLAMP_MCGRP_MONITOR	"monitor"

/* Limits of the configuration, per family. */
#define MSSCLAMP_MTU_MAX	65535
#define MSSCLAMP_IPV4_MTU_MIN	576
#define MSSCLAMP_IPV6_MTU_MIN	1280
#define MSSCLAMP_IPV4_MSS_FLOOR	536
#define MSSCLAMP_IPV6_MSS_FLOOR	1220

enum mssclamp_attr {
	MSSCLAMP_A_UNSPEC,
	MSSCLAMP_A_PAD,
	MSSCLAMP_A_FAMILY,	/* u8: enum mssclamp_family */
	MSSCLAMP_A_ENABLED,	/* u8: 0 or 1 */
	MSSCLAMP_A_MTU,		/* u32 */
	MSSCLAMP_A_OVERHEAD,	/* u32: bytes below the TCP header besides IP */
	MSSCLAMP_A_MSS,		/* u32, read only: the computed ceiling */
	MSSCLAMP_A_PMTU,	/* u8: 0 or 1 */
	MSSCLAMP_A_HOOK,	/* u8: enum mssclamp_hook */
	MSSCLAMP_A_SYN,		/* u8: 0 or 1 */
	MSSCLAMP_A_SYNACK,	/* u8: 0 or 1 */
	MSSCLAMP_A_DEVS,	/* nest of MSSCLAMP_DEV_A_NAME; empty: any */
	MSSCLAMP_A_STATS,	/* nest of MSSCLAMP_STAT_A_*, read only */
	MSSCLAMP_A_HIST_KIND,	/* u8: enum mssclamp_hist_kind, read only */
	MSSCLAMP_A_HIST_SUM,	/* u64: the sum of the values counted */
	MSSCLAMP_A_HIST_BUCKET,	/* nest of MSSCLAMP_BUCKET_A_*, repeated */

	__MSSCLAMP_A_MAX,
	MSSCLAMP_A_MAX = __MSSCLAMP_A_MAX - 1
};

enum mssclamp_dev_attr {
	MSSCLAMP_DEV_A_UNSPEC,
	MSSCLAMP_DEV_A_NAME,	/* string, shorter than IFNAMSIZ */

	__MSSCLAMP_DEV_A_MAX,
	MSSCLAMP_DEV_A_MAX = __MSSCLAMP_DEV_A_MAX - 1
};

enum mssclamp_stat_attr {
	MSSCLAMP_STAT_A_UNSPEC,
	MSSCLAMP_STAT_A_PAD,
	MSSCLAMP_STAT_A_SYN,		/* u64 each */
	MSSCLAMP_STAT_A_SYNACK,
	MSSCLAMP_STAT_A_CLAMPED_SYN,
	MSSCLAMP_STAT_A_CLAMPED_SYNACK,
	MSSCLAMP_STAT_A_UNCHANGED,
	MSSCLAMP_STAT_A_NO_MSS,
	MSSCLAMP_STAT_A_MALFORMED,
	MSSCLAMP_STAT_A_FRAGMENTS,
	MSSCLAMP_STAT_A_ERRORS,
	MSSCLAMP_STAT_A_PTB,		/* ICMP frag-needed / ICMPv6 PTB */

	__MSSCLAMP_STAT_A_MAX,
	MSSCLAMP_STAT_A_MAX = __MSSCLAMP_STAT_A_MAX - 1
};

/* One histogram bucket: the values from low to high, both included. */
enum mssclamp_bucket_attr {
	MSSCLAMP_BUCKET_A_UNSPEC,
	MSSCLAMP_BUCKET_A_PAD,
	MSSCLAMP_BUCKET_A_LOW,		/* u32 */
	MSSCLAMP_BUCKET_A_HIGH,		/* u32 */
	MSSCLAMP_BUCKET_A_COUNT,	/* u64 */

	__MSSCLAMP_BUCKET_A_MAX,
	MSSCLAMP_BUCKET_A_MAX = __MSSCLAMP_BUCKET_A_MAX - 1
};

enum mssclamp_cmd {
	MSSCLAMP_CMD_UNSPEC,
	MSSCLAMP_CMD_GET_CONFIG,	/* do: one family; dump: both */
	MSSCLAMP_CMD_SET_CONFIG,	/* partial update of one family */
	MSSCLAMP_CMD_GET_STATS,		/* do: one family; dump: both */
	MSSCLAMP_CMD_RESET_STATS,	/* one family, or both without it */
	MSSCLAMP_CMD_GET_HIST,		/* dump: every family and kind */
	MSSCLAMP_CMD_CONFIG_NTF,	/* monitor: a family's new config */
	MSSCLAMP_CMD_RESET_NTF,		/* monitor: a family's counters reset */

	__MSSCLAMP_CMD_MAX,
	MSSCLAMP_CMD_MAX = __MSSCLAMP_CMD_MAX - 1
};

#endif /* _UAPI_LINUX_MSSCLAMP_H */
