/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: talking to the mssclamp generic netlink family over libmnl:
 * the socket, the messages and their framing. The attributes inside them
 * are codec.h's.
 *
 * Every function here that can fail prints its own one-line error through
 * errors.c (naming the command given to nl_open) and returns NULL or
 * -errno, so callers only turn that into exit status 1.
 */
#ifndef MSSCLAMPCTL_NL_H
#define MSSCLAMPCTL_NL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct nl;

/*
 * Enter the network namespace chosen with -n, open a generic netlink socket
 * with extended acks and resolve the mssclamp family. @what names the
 * command in error messages ("show", "stats reset", ...).
 */
struct nl *nl_open(const char *what);
void nl_close(struct nl *nl);

/* Start a request for @cmd in the socket's send buffer. */
struct nlmsghdr *nl_request(struct nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Send @nlh and read until its ack (NLM_F_ACK is added to requests that are
 * not dumps) or the end of the dump, handing every reply message to @cb.
 * A dump that the kernel marks inconsistent is restarted a few times; @cb
 * must cope with seeing the same object again. Returns 0, or -errno once
 * the error (with the kernel's extack text, if any) has been printed.
 */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * Join the family's "monitor" multicast group and the netlink controller's
 * "notify" group (which says when the family goes away). Any user may.
 * 0, or -errno once the error is printed.
 */
int nl_monitor(struct nl *nl);

/*
 * A notification heard: @ctrl says whether it is the controller's (else it
 * is the mssclamp family's). Returns MNL_CB_OK to go on, MNL_CB_STOP to
 * end nl_listen(), MNL_CB_ERROR (errno set, the error printed) to fail it.
 */
typedef int (*nl_event_cb)(const struct nlmsghdr *nlh, bool ctrl, void *data);

/*
 * Hand every notification to @cb until it stops, or until *@stop is set
 * (by a signal handler: a signal interrupts the wait). Lost notifications
 * (the receive buffer overran) are reported on stderr, and listening goes
 * on. Returns 0, or -errno once the error is printed.
 */
int nl_listen(struct nl *nl, nl_event_cb cb, void *data,
	      volatile sig_atomic_t *stop);

#endif /* MSSCLAMPCTL_NL_H */
