/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the netdevice notifier's case needs from the kernel beyond its
 * public headers.
 */
#ifndef MSSCLAMP_TEST_NETDEV_H
#define MSSCLAMP_TEST_NETDEV_H

#include <linux/netdevice.h>

/*
 * Renames a device under RTNL, sending NETDEV_CHANGENAME. Declared in
 * net/core/dev.h (6.1 and 6.12), which is private to net/core/, and not
 * exported; the suites are built into the kernel, so they link to it.
 */
int dev_change_name(struct net_device *dev, const char *newname);

#endif /* MSSCLAMP_TEST_NETDEV_H */
