/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclamp: the one place where kernel API differences between the
 * supported kernels (6.1 to 6.12) are bridged. Nothing needs bridging
 * today; a difference found later goes here, behind LINUX_VERSION_CODE.
 */
#ifndef MSSCLAMP_COMPAT_H
#define MSSCLAMP_COMPAT_H

#include <linux/version.h>

#endif /* MSSCLAMP_COMPAT_H */
