// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl monitor: one line per change of configuration and per
 * counters reset, as the module announces them on its "monitor" multicast
 * group, until interrupted (like ip monitor):
 *
 *   config ipv6: enabled   mtu 1500   overhead 44   mss 1396   ...
 *   stats-reset ipv4
 *
 * With -j, one JSON object per line, flushed as it comes so that it can be
 * piped: {"event": "config", "family": "ipv6", "config": {...as -j show}}
 * or {"event": "stats-reset", "family": "ipv4"}.
 *
 * It also listens to the netlink controller's "notify" group: when the
 * mssclamp family goes away (the module is unloaded) it says so on stderr
 * and exits 1. SIGINT, SIGTERM and SIGHUP end it with status 0.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "codec.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "errors.h"
#include "family.h"
#include "nl.h"
#include "output.h"
#include "stopsig.h"

struct monitor {
	bool gone;		/* the family went away */
	int status;		/* of a failed print */
};

static int event_cb(const struct nlmsghdr *nlh, bool ctrl, void *data)
{
	struct monitor *m = data;
	struct event ev;

	if (codec_event_parse(nlh, ctrl, &ev) < 0) {
		runtime_error("monitor: a malformed notification from the kernel: %s",
			      strerror(errno));
		return MNL_CB_ERROR;
	}
	switch (ev.kind) {
	case EVENT_NONE:
		return MNL_CB_OK;
	case EVENT_GONE:
		m->gone = true;
		return MNL_CB_STOP;
	case EVENT_CONFIG:
		out_start();
		out_string(OUT_JSON, "event", NULL, "config");
		out_string(OUT_JSON, "family", NULL, family_name(ev.family));
		out_text("config %s: ", family_name(ev.family));
		config_print("config", NULL, &ev.config);
		out_end();
		break;
	case EVENT_RESET:
		out_start();
		out_string(OUT_ANY, "event", "%s ", "stats-reset");
		out_string(OUT_ANY, "family", "%s\n", family_name(ev.family));
		out_end();
		break;
	}
	/* One event, one flush: a pipe sees it at once. */
	m->status = finish_output();
	return m->status ? MNL_CB_STOP : MNL_CB_OK;
}

int monitor_main(int argc, char *argv[])
{
	struct monitor m = { 0 };
	struct nl *nl;
	int ret;

	if (argc > 1)
		return usage_error("monitor: unexpected argument '%s' (monitor takes none)",
				   argv[1]);
	nl = nl_open("monitor");
	if (!nl)
		return -EIO;
	if (nl_monitor(nl) < 0) {
		nl_close(nl);
		return -EIO;
	}
	/* No SA_RESTART: a signal ends the wait for the next message. */
	stop_signals_catch();

	ret = nl_listen(nl, event_cb, &m, &stop_requested);
	nl_close(nl);
	if (ret < 0)
		return -EIO;
	if (m.status)
		return m.status;
	if (m.gone)
		return runtime_error("monitor: the mssclamp module was unloaded");
	return 0;
}
