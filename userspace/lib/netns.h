/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl -n NETNS: the network namespace to work in.
 */
#ifndef MSSCLAMPCTL_NETNS_H
#define MSSCLAMPCTL_NETNS_H

/* The namespace chosen with -n (never called: stay where we are). */
void netns_select(const char *name);
/* The name given with -n, NULL without (trace filters on it). */
const char *netns_selected(void);
/*
 * Enter it, once (nl_open does, and version); 0, or -errno once the error is
 * printed.
 */
int netns_enter(void);

#endif /* MSSCLAMPCTL_NETNS_H */
