/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclamp: the one place where kernel API differences between the
 * supported kernels (6.1 to 6.12) are bridged.
 */
#ifndef MSSCLAMP_COMPAT_H
#define MSSCLAMP_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/* 6.2 split genl ops: a dump's parsed attributes moved into a genl_info. */
static inline struct nlattr **mssclamp_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* MSSCLAMP_COMPAT_H */
