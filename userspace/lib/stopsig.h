/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands that run until interrupted (monitor, trace): SIGINT,
 * SIGTERM and SIGHUP set stop_requested, without SA_RESTART, so that a
 * blocking wait returns with EINTR.
 */
#ifndef MSSCLAMPCTL_STOPSIG_H
#define MSSCLAMPCTL_STOPSIG_H

#include <signal.h>

extern volatile sig_atomic_t stop_requested;

void stop_signals_catch(void);

#endif /* MSSCLAMPCTL_STOPSIG_H */
