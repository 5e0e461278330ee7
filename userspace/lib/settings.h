/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the settings of a family's configuration, each once. Every
 * place that handles a setting loops over this table: struct config
 * (config.h), the requests and replies (codec.c), set's and apply's
 * parser (change.c), show's and monitor's printer and save's file
 * (config.c), and the attributes' names (attr_names.h). A new setting is
 * a line here and its attribute in uapi/mssclamp.h.
 *
 *   X(ATTR, TYPE, MEMBER, WORD, KIND, WIDTH)
 *
 * ATTR   its attribute of the mssclamp family
 * TYPE   how it travels: U8, U32, or DEVS (a nest of names)
 * MEMBER its field of struct config (DEVS: MEMBER and nMEMBER)
 * WORD   what users type and read: set's setting, show's key, save's word
 * KIND   the value it takes (enum setting_kind): ENABLE (the words enable
 *        and disable), NUMBER, ONOFF, HOOK (a hook's name), DEVS
 *        (interface names, or any), COMPUTED (read only: the kernel's)
 * WIDTH  of its value in show's text line
 *
 * In the order of the attributes, which is the order show and save print.
 * Includes only the uapi: tests/unit/fakegenl.c reads it too.
 */
#ifndef MSSCLAMPCTL_SETTINGS_H
#define MSSCLAMPCTL_SETTINGS_H

#include "uapi/mssclamp.h"

#define MSSCLAMP_SETTINGS(X)						\
	X(MSSCLAMP_A_ENABLED,  U8,   enabled,  "enabled",  ENABLE,   8)	\
	X(MSSCLAMP_A_MTU,      U32,  mtu,      "mtu",      NUMBER,   5)	\
	X(MSSCLAMP_A_OVERHEAD, U32,  overhead, "overhead", NUMBER,   3)	\
	X(MSSCLAMP_A_MSS,      U32,  mss,      "mss",      COMPUTED, 5)	\
	X(MSSCLAMP_A_PMTU,     U8,   pmtu,     "pmtu",     ONOFF,    3)	\
	X(MSSCLAMP_A_HOOK,     U8,   hook,     "hook",     HOOK,     11)	\
	X(MSSCLAMP_A_SYN,      U8,   syn,      "syn",      ONOFF,    3)	\
	X(MSSCLAMP_A_SYNACK,   U8,   synack,   "synack",   ONOFF,    3)	\
	X(MSSCLAMP_A_DEVS,     DEVS, devs,     "dev",      DEVS,     0)

#endif /* MSSCLAMPCTL_SETTINGS_H */
