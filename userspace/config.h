/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the configuration of one family, as the kernel reports it,
 * and the changes `set` and `apply` make to it. config.c implements show
 * and set on these; conffile.c builds save and apply on them.
 */
#ifndef MSSCLAMPCTL_CONFIG_H
#define MSSCLAMPCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "ctl.h"
#include "nl.h"

/* One family's configuration, as GET_CONFIG answers it. */
struct config {
	bool seen;
	uint8_t enabled;
	uint8_t pmtu;
	uint8_t hook;
	uint8_t syn;
	uint8_t synack;
	uint32_t mtu;
	uint32_t overhead;
	uint32_t mss;
	unsigned int ndevs;
	char devs[MSSCLAMP_MAX_DEVS][IFNAMSIZ];
};

struct setting;

/* The settings of one `set` command line, checked for form. */
struct change {
	uint8_t family;
	const struct setting *given[MSSCLAMP_A_MAX + 1];
	uint32_t value[MSSCLAMP_A_MAX + 1];
	unsigned int ndevs;
	char devs[MSSCLAMP_MAX_DEVS][IFNAMSIZ];
};

/* The name of a hook value ("forward"), or "unknown". */
const char *hook_name(uint8_t hook);

/*
 * Parse the arguments of `set` (argv[0] is not looked at, argv[1] is the
 * family) into @chg, which must be zeroed. Errors are printed as
 * "mssclampctl: WHAT: ..." and EXIT_USAGE returned; 0 on success.
 */
int change_parse(int argc, char *argv[], struct change *chg,
		 const char *what);

/* Fold @chg into @cfg: what it names replaces what @cfg had. */
void change_fold(struct config *cfg, const struct change *chg);

/*
 * Check @cfg for @family against the limits the module enforces
 * (uapi/mssclamp.h); on failure write the reason into @buf and return -1.
 * Fills in cfg->mss on success.
 */
int config_check(uint8_t family, struct config *cfg, char *buf, size_t size);

/* Do two configurations set the same (the computed mss aside)? */
bool config_same(const struct config *a, const struct config *b);

/*
 * Read both families' configurations into @configs (indexed by
 * family_index()). Returns 0, or EXIT_RUNTIME once the error is printed.
 * @what names the command in errors.
 */
int config_fetch(struct nl *nl, struct config configs[FAMILY_COUNT],
		 const char *what);

/* Send the whole of @cfg as @family's configuration; 0 or -1 (printed). */
int config_send(struct nl *nl, uint8_t family, const struct config *cfg);

/*
 * Can @name, an interface name the kernel reported, be written in a `dev`
 * list that change_parse() reads back as that one name?
 */
bool dev_name_plain(const char *name);

#endif /* MSSCLAMPCTL_CONFIG_H */
