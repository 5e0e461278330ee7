// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl -n NETNS: run in a named network namespace, as `ip -n` does.
 * `ip netns add NAME` bind-mounts the namespace on /run/netns/NAME
 * (/var/run/netns/NAME on older systems); a name with a '/' is taken as a
 * path, e.g. /proc/PID/ns/net.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "errors.h"
#include "netns.h"

static const char *netns_name;
static int netns_entered;

void netns_select(const char *name)
{
	netns_name = name;
}

const char *netns_selected(void)
{
	return netns_name;
}

static int netns_open(const char *name)
{
	static const char *const dirs[] = { "/run/netns", "/var/run/netns" };
	char path[4096];
	int saved = ENOENT;
	size_t i;
	int fd;

	if (strchr(name, '/'))
		return open(name, O_RDONLY | O_CLOEXEC);
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		errno = ENOENT;
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dirs[i],
				     name) >= sizeof(path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		/* Report the first error that is not "no such file". */
		if (saved == ENOENT)
			saved = errno;
	}
	errno = saved;
	return -1;
}

int netns_enter(void)
{
	int fd, ret;

	if (!netns_name || netns_entered)
		return 0;

	fd = netns_open(netns_name);
	if (fd < 0)
		return runtime_error("cannot open network namespace '%s': %s",
				     netns_name, strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0) {
		ret = runtime_error("cannot enter network namespace '%s': %s",
				    netns_name, strerror(errno));
		close(fd);
		return ret;
	}
	close(fd);
	netns_entered = 1;
	return 0;
}
