/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: what the module accepts in a configuration, in one place.
 *
 * The numbers are uapi/mssclamp.h's (MSSCLAMP_*_MTU_MIN, MSSCLAMP_MTU_MAX,
 * MSSCLAMP_*_MSS_FLOOR, MSSCLAMP_MAX_DEVS) and the kernel's IFNAMSIZ; the
 * rules are written as the module writes them (mssclamp_cfg_check() and
 * the dev list of kmod/netlink.c). tests/unit/limits_test.py holds the two
 * side by side and tries each limit through `apply`.
 */
#ifndef MSSCLAMPCTL_LIMIT_H
#define MSSCLAMPCTL_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* The lowest MTU @family accepts (the highest is MSSCLAMP_MTU_MAX). */
uint32_t limit_mtu_min(uint8_t family);

/*
 * Check @cfg for @family as mssclamp_cfg_check() does: the MTU range and
 * the MSS floor the overhead must leave. On failure write the reason into
 * @buf and return -1; fills in cfg->mss on success.
 */
int limit_check(uint8_t family, struct config *cfg, char *buf, size_t size);

/* May a list that holds @n interfaces take one more? */
bool limit_devs_room(unsigned int n);

/*
 * Is @name, @len bytes long and not NUL-terminated, an interface name the
 * module takes (dev_valid_name())? @list, the whole `dev` argument, and
 * @what name it in the error. Returns 0, or -EINVAL once printed.
 */
int limit_dev_name(const char *name, size_t len, const char *list,
		   const char *what);

#endif /* MSSCLAMPCTL_LIMIT_H */
