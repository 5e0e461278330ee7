// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl trace [ipv4|ipv6] [host ADDR] [port N]: one line per SYN and
 * SYN-ACK the module's hook inspects, from its tracepoint
 * mssclamp:mssclamp_syn (kmod/trace.h), until interrupted:
 *
 *   netns 4026531840 ipv6 syn 2001:db8:7::5.40000 > 2001:db8:2::2.443 in eth0 out eth1 mss 8940 ceiling 1396 clamped mss-out 1396
 *
 * With -j one JSON object per line, flushed as it comes. With -n NETNS only
 * that namespace's events (matched by its inode number).
 *
 * It never touches the top tracing instance, which perf, trace-cmd or a
 * person may be using: it makes an instance of its own,
 * INSTANCES/mssclamp-trace-PID (mkdir in tracefs' instances directory
 * creates one, with its own buffer and its own enable and filter files per
 * event), sets the event's filter there, enables the event, reads the
 * instance's trace_pipe and, when it ends (SIGINT, SIGTERM, SIGHUP, a
 * closed output), disables the event and removes the instance (rmdir).
 * Instances of this name whose process is gone (killed with SIGKILL) are
 * removed on the way in. Two traces at a time each have their own.
 *
 * Without root (tracefs refuses the mkdir) or without tracefs: one line on
 * stderr and exit 1.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "commands.h"
#include "ctl.h"
#include "errors.h"
#include "netns.h"
#include "output.h"
#include "stopsig.h"
#include "trace.h"

#define EVENT_DIR	"events/mssclamp/mssclamp_syn"
#define INSTANCE_PREFIX	"mssclamp-trace-"

/* ------------------------------------------------------------------ */
/* The command line and the filter                                     */

int trace_args_parse(int argc, char *argv[], struct trace_args *a)
{
	unsigned char addr[16];
	int i;

	memset(a, 0, sizeof(*a));
	a->port = -1;
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "ipv4") || !strcmp(w, "ipv6")) {
			if (a->family)
				return usage_error("trace: more than one family ('%s')",
						   w);
			a->family = w[3] == '4' ? AF_INET : AF_INET6;
		} else if (!strcmp(w, "host")) {
			if (a->host_family)
				return usage_error("trace: host given twice");
			if (i + 1 >= argc)
				return usage_error("trace: host needs an IPv4 or IPv6 address");
			w = argv[++i];
			if (inet_pton(AF_INET, w, addr) == 1)
				a->host_family = AF_INET;
			else if (inet_pton(AF_INET6, w, addr) == 1)
				a->host_family = AF_INET6;
			else
				return usage_error("trace: host '%s' is not an IPv4 or IPv6 address (no names, no prefixes)",
						   w);
			trace_addr_text(a->host_family, addr, a->host);
		} else if (!strcmp(w, "port")) {
			char *end;
			long n;

			if (a->port >= 0)
				return usage_error("trace: port given twice");
			if (i + 1 >= argc)
				return usage_error("trace: port needs a number from 1 to 65535");
			w = argv[++i];
			errno = 0;
			n = strtol(w, &end, 10);
			if (errno || end == w || *end || n < 1 || n > 65535 ||
			    w[0] < '0' || w[0] > '9')
				return usage_error("trace: port '%s' is not a number from 1 to 65535",
						   w);
			a->port = (int)n;
		} else {
			return usage_error("trace: unexpected argument '%s' (expected ipv4, ipv6, host ADDR or port N)",
					   w);
		}
	}
	if (a->family && a->host_family && a->family != a->host_family)
		return usage_error("trace: host %s is not an %s address",
				   a->host,
				   a->family == AF_INET ? "IPv4" : "IPv6");
	if (!a->family)
		a->family = a->host_family;
	return 0;
}

int trace_filter(const struct trace_args *a, unsigned long netns, char *buf,
		 size_t size)
{
	size_t len = 0;
	int n;

	buf[0] = '\0';
#define ADD(...) do {							\
		n = snprintf(buf + len, size - len, __VA_ARGS__);	\
		if (n < 0 || (size_t)n >= size - len)			\
			return -1;					\
		len += (size_t)n;					\
	} while (0)
	if (netns)
		ADD("netns == %lu", netns);
	if (a->family)
		ADD("%sfamily == %d", len ? " && " : "", a->family);
	if (a->host_family)
		ADD("%s(src == \"%s\" || dst == \"%s\")", len ? " && " : "",
		    a->host, a->host);
	if (a->port >= 0)
		ADD("%s(sport == %d || dport == %d)", len ? " && " : "",
		    a->port, a->port);
#undef ADD
	return 0;
}

/*
 * The kernel's IPv6 text (ip6_compressed_string(), lib/vsprintf.c, the same
 * in 6.1 and 6.12), which differs from inet_ntop() in places: the longest
 * run of two or more zero words (the first of equal ones) becomes "::",
 * and an IPv4-mapped or ISATAP address ends in dotted quad.
 */
static void ip6_text(const unsigned char *a, char *buf)
{
	int words = 8, best = -1, bestlen = 1, i, j;
	bool v4 = false, colon = false;
	char *p = buf;

	/* ::ffff:0:0/96, and ISATAP: ...:0[02]00:5efe:a.b.c.d */
	if (!memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) ||
	    ((a[8] | 0x02) == 0x02 && a[9] == 0 && a[10] == 0x5e &&
	     a[11] == 0xfe))
		v4 = true;
	if (v4)
		words = 6;
	for (i = 0; i < words; i++) {
		for (j = i; j < words && !a[2 * j] && !a[2 * j + 1]; j++)
			;
		if (j - i > bestlen) {
			bestlen = j - i;
			best = i;
		}
	}
	for (i = 0; i < words; i++) {
		if (i == best) {
			if (colon || i == 0)
				*p++ = ':';
			*p++ = ':';
			colon = false;
			i += bestlen - 1;
			continue;
		}
		if (colon)
			*p++ = ':';
		p += sprintf(p, "%x", a[2 * i] << 8 | a[2 * i + 1]);
		colon = true;
	}
	if (v4) {
		if (colon)
			*p++ = ':';
		p += sprintf(p, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
	}
	*p = '\0';
}

void trace_addr_text(int family, const void *addr, char *buf)
{
	const unsigned char *a = addr;

	if (family == AF_INET)
		sprintf(buf, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else
		ip6_text(a, buf);
}

/* ------------------------------------------------------------------ */
/* A line of trace_pipe, and how it is printed                         */

/* Copy a value of at most @size - 1 characters. */
static int copy_word(char *dst, size_t size, const char *v, size_t len)
{
	if (len == 0 || len >= size)
		return -1;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

static int number(const char *v, size_t len, unsigned long max,
		  unsigned long *out)
{
	char tmp[24], *end;

	if (copy_word(tmp, sizeof(tmp), v, len) || tmp[0] < '0' ||
	    tmp[0] > '9')
		return -1;
	errno = 0;
	*out = strtoul(tmp, &end, 10);
	return errno || *end || *out > max ? -1 : 0;
}

int trace_line_parse(const char *line, struct trace_event *ev,
		     unsigned long *lost)
{
	static const char tag[] = ": mssclamp_syn: ";
	const char *p = strstr(line, tag);
	unsigned int seen = 0;
	unsigned long n;

	if (!p) {
		/* CPU:1 [LOST 23 EVENTS]: the buffer was full. */
		p = strstr(line, "[LOST ");
		if (p && lost && sscanf(p, "[LOST %lu EVENTS]", &n) == 1)
			*lost += n;
		return 0;
	}
	memset(ev, 0, sizeof(*ev));
	p += sizeof(tag) - 1;
	while (*p && *p != '\n') {
		const char *key = p, *eq, *v, *end;
		size_t klen, vlen;
		int bad = 0;

		end = p + strcspn(p, " \n");
		eq = memchr(key, '=', (size_t)(end - key));
		if (!eq)
			return -1;
		klen = (size_t)(eq - key);
		v = eq + 1;
		vlen = (size_t)(end - v);
#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(key, k, klen))
		if (KEY("netns")) {
			bad = number(v, vlen, UINT32_MAX, &ev->netns);
			seen |= 1 << 0;
		} else if (KEY("family")) {
			bad = copy_word(ev->family, sizeof(ev->family), v, vlen);
			seen |= 1 << 1;
		} else if (KEY("direction")) {
			bad = copy_word(ev->direction, sizeof(ev->direction), v,
					vlen);
			seen |= 1 << 2;
		} else if (KEY("src")) {
			bad = copy_word(ev->src, sizeof(ev->src), v, vlen);
			seen |= 1 << 3;
		} else if (KEY("dst")) {
			bad = copy_word(ev->dst, sizeof(ev->dst), v, vlen);
			seen |= 1 << 4;
		} else if (KEY("sport") || KEY("dport") || KEY("mss") ||
			   KEY("ceiling") || KEY("mss_out")) {
			bad = number(v, vlen, 65535, &n);
			if (KEY("sport")) {
				ev->sport = (unsigned int)n;
				seen |= 1 << 5;
			} else if (KEY("dport")) {
				ev->dport = (unsigned int)n;
				seen |= 1 << 6;
			} else if (KEY("mss")) {
				ev->mss = (unsigned int)n;
				seen |= 1 << 7;
			} else if (KEY("ceiling")) {
				ev->ceiling = (unsigned int)n;
				seen |= 1 << 8;
			} else {
				ev->mss_out = (unsigned int)n;
				seen |= 1 << 9;
			}
		} else if (KEY("iif") || KEY("oif")) {
			bad = number(v, vlen, INT_MAX, &n);
			if (KEY("iif")) {
				ev->iif = (int)n;
				seen |= 1 << 10;
			} else {
				ev->oif = (int)n;
				seen |= 1 << 11;
			}
		} else if (KEY("outcome")) {
			bad = copy_word(ev->outcome, sizeof(ev->outcome), v,
					vlen);
			seen |= 1 << 12;
		}
		/* Any other key: a later module's; not shown. */
#undef KEY
		if (bad)
			return -1;
		p = end;
		while (*p == ' ')
			p++;
	}
	return seen == (1 << 13) - 1 ? 1 : -1;
}

/* An interface: its name, "#INDEX" without one, "-" for none. */
static void print_if(const char *key, const char *namekey, const char *fmt,
		     int ifindex, const char *name)
{
	char text[IF_NAMESIZE + 16];

	if (!ifindex) {
		out_null(OUT_ANY, key, fmt, "-");
		return;
	}
	out_uint(OUT_JSON, key, NULL, (uint64_t)ifindex);
	if (name) {
		out_string(OUT_ANY, namekey, fmt, name);
	} else {
		snprintf(text, sizeof(text), "#%d", ifindex);
		out_text(fmt, text);
	}
}

/*
 * An MSS: the number (text format @nfmt), or "-" (@fmt; JSON null) for
 * none.
 */
static void print_mss(const char *key, const char *fmt, const char *nfmt,
		      unsigned int mss)
{
	if (mss)
		out_uint(OUT_ANY, key, nfmt, mss);
	else
		out_null(OUT_ANY, key, fmt, "-");
}

void trace_event_print(const struct trace_event *ev, const char *iifname,
		       const char *oifname)
{
	out_start();
	out_uint(OUT_ANY, "netns", "netns %" PRIu64 " ", ev->netns);
	out_string(OUT_ANY, "family", "%s ", ev->family);
	out_string(OUT_ANY, "direction", "%s ", ev->direction);
	out_string(OUT_ANY, "src", "%s", ev->src);
	out_uint(OUT_ANY, "sport", ".%" PRIu64 " > ", ev->sport);
	out_string(OUT_ANY, "dst", "%s", ev->dst);
	out_uint(OUT_ANY, "dport", ".%" PRIu64 " ", ev->dport);
	print_if("iif", "iifname", "in %s ", ev->iif, iifname);
	print_if("oif", "oifname", "out %s ", ev->oif, oifname);
	print_mss("mss", "mss %s ", "mss %" PRIu64 " ", ev->mss);
	out_uint(OUT_ANY, "ceiling", "ceiling %" PRIu64 " ", ev->ceiling);
	out_string(OUT_ANY, "outcome", "%s ", ev->outcome);
	print_mss("mss_out", "mss-out %s\n", "mss-out %" PRIu64 "\n",
		  ev->mss_out);
	out_end();
}

/* ------------------------------------------------------------------ */
/* tracefs                                                             */

/*
 * Where tracefs is mounted: a tracefs mount in /proc/mounts, else
 * debugfs' "tracing" directory (the kernel mounts tracefs there when
 * debugfs is mounted). 0, or -1.
 */
static int tracefs_find(char *dir, size_t size)
{
	char src[256], mnt[PATH_MAX], type[64], path[PATH_MAX + 16];
	char debugfs[PATH_MAX] = "";
	struct stat st;
	FILE *f = fopen("/proc/mounts", "re");
	int found = -1;

	if (f) {
		char fmt[64];

		snprintf(fmt, sizeof(fmt), "%%255s %%%ds %%63s %%*[^\n]",
			 PATH_MAX - 1);
		while (fscanf(f, fmt, src, mnt, type) == 3) {
			if (!strcmp(type, "tracefs") && found < 0 &&
			    strlen(mnt) < size) {
				strcpy(dir, mnt);
				found = 0;
			} else if (!strcmp(type, "debugfs") && !debugfs[0]) {
				strcpy(debugfs, mnt);
			}
		}
		fclose(f);
	}
	if (found == 0)
		return 0;
	if (debugfs[0]) {
		snprintf(path, sizeof(path), "%s/tracing", debugfs);
		if (!stat(path, &st) && S_ISDIR(st.st_mode) &&
		    strlen(path) < size) {
			strcpy(dir, path);
			return 0;
		}
	}
	return -1;
}

/* Write @text to DIR/NAME; 0, or -1 with errno. */
static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	size_t len = strlen(text);
	ssize_t n;
	int fd, saved;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	saved = errno;
	close(fd);
	errno = saved;
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Remove an instance: the event off first, then the directory. */
static int instance_remove(const char *inst)
{
	write_file(inst, EVENT_DIR "/enable", "0");
	return rmdir(inst);
}

/* Instances of ours whose process is gone (a SIGKILL leaves them). */
static void instances_reap(const char *instances)
{
	char path[PATH_MAX + 300];
	struct dirent *d;
	DIR *dir = opendir(instances);

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		const char *pid = d->d_name + strlen(INSTANCE_PREFIX);
		char *end;
		long n;

		if (strncmp(d->d_name, INSTANCE_PREFIX, strlen(INSTANCE_PREFIX)))
			continue;
		n = strtol(pid, &end, 10);
		if (end == pid || *end || n <= 0 || n > INT_MAX ||
		    kill((pid_t)n, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", instances, d->d_name);
		instance_remove(path);
	}
	closedir(dir);
}

/* The inode number of the network namespace we are in, 0 if unknown. */
static unsigned long own_netns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return 0;
	return (unsigned long)st.st_ino;
}

struct reader {
	unsigned long netns;	/* ours: interface names are known here */
	unsigned long lost;
	int status;
	char buf[8192];
	size_t len;
};

/* Print the complete lines in @r->buf; keep a partial one. */
static void lines(struct reader *r)
{
	char *p = r->buf, *nl;

	while (!r->status && (nl = memchr(p, '\n', r->len - (size_t)(p - r->buf)))) {
		char in[IF_NAMESIZE], out[IF_NAMESIZE];
		struct trace_event ev;
		unsigned long lost = r->lost;
		bool here;

		*nl = '\0';
		switch (trace_line_parse(p, &ev, &r->lost)) {
		case 1:
			here = r->netns && ev.netns == r->netns;
			trace_event_print(&ev,
					  here && ev.iif && if_indextoname((unsigned int)ev.iif, in) ? in : NULL,
					  here && ev.oif && if_indextoname((unsigned int)ev.oif, out) ? out : NULL);
			/* One event, one flush: a pipe sees it at once. */
			r->status = finish_output();
			break;
		case -1:
			fflush(stdout);
			fprintf(stderr, PROG_NAME ": trace: an event this version cannot read: %s\n",
				p);
			break;
		default:
			if (r->lost != lost) {
				fflush(stdout);
				fprintf(stderr, PROG_NAME ": trace: %lu events lost (the trace buffer was full)\n",
					r->lost - lost);
			}
		}
		p = nl + 1;
	}
	r->len -= (size_t)(p - r->buf);
	memmove(r->buf, p, r->len);
	if (r->len == sizeof(r->buf) - 1)
		r->len = 0;	/* a line longer than any event: dropped */
}

/* Read trace_pipe until a signal, a read error or a failed print. */
static int follow(int fd, const sigset_t *waitmask, unsigned long netns)
{
	struct reader *r = calloc(1, sizeof(*r));
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int status;

	if (!r)
		return runtime_error("trace: out of memory");
	r->netns = netns;
	while (!stop_requested && !r->status) {
		ssize_t n;

		if (ppoll(&pfd, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			r->status = runtime_error("trace: poll: %s",
						  strerror(errno));
			break;
		}
		n = read(fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			r->status = runtime_error("trace: reading trace_pipe: %s",
						  strerror(errno));
			break;
		}
		r->len += (size_t)n;
		lines(r);
	}
	/* Ended by a signal: what the buffer holds still goes out. */
	while (stop_requested && !r->status) {
		ssize_t n = read(fd, r->buf + r->len,
				 sizeof(r->buf) - 1 - r->len);

		if (n <= 0)
			break;
		r->len += (size_t)n;
		lines(r);
	}
	status = r->status;
	free(r);
	return status;
}

int trace_main(int argc, char *argv[])
{
	char tracefs[PATH_MAX], instances[PATH_MAX + 16];
	char inst[PATH_MAX + 64], path[PATH_MAX + 128], filter[512];
	unsigned long netns = 0;
	struct trace_args a;
	sigset_t block, waitmask;
	struct stat st;
	int ret, fd, status;

	ret = trace_args_parse(argc, argv, &a);
	if (ret)
		return ret;
	if (netns_selected()) {
		if (netns_enter() < 0)
			return EXIT_RUNTIME;
		netns = own_netns();
		if (!netns)
			return runtime_error("trace: cannot read the inode of network namespace '%s': %s",
					     netns_selected(), strerror(errno));
	}
	if (trace_filter(&a, netns, filter, sizeof(filter)))
		return runtime_error("trace: the filter is too long");

	if (tracefs_find(tracefs, sizeof(tracefs)))
		return runtime_error("trace: tracefs is not mounted (mount -t tracefs tracefs /sys/kernel/tracing)");
	snprintf(instances, sizeof(instances), "%s/instances", tracefs);
	if (stat(instances, &st) && errno != EACCES && errno != EPERM)
		return runtime_error("trace: no tracing instances in %s: %s",
				     tracefs, strerror(errno));

	/* Signals are taken only while waiting for events (ppoll). */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGHUP);
	stop_signals_catch();
	/* A closed output is a failed write (finish_output()), not a kill. */
	signal(SIGPIPE, SIG_IGN);

	instances_reap(instances);
	snprintf(inst, sizeof(inst), "%s/" INSTANCE_PREFIX "%ld", instances,
		 (long)getpid());
	if (mkdir(inst, 0755)) {
		if (errno == EACCES || errno == EPERM)
			return runtime_error("trace: needs root: cannot create a tracing instance in %s: %s",
					     instances, strerror(errno));
		return runtime_error("trace: cannot create a tracing instance in %s: %s",
				     instances, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/" EVENT_DIR, inst);
	if (stat(path, &st)) {
		instance_remove(inst);
		return runtime_error("trace: no event mssclamp:mssclamp_syn in tracefs (is the mssclamp module loaded?)");
	}
	if (filter[0] && write_file(inst, EVENT_DIR "/filter", filter)) {
		status = runtime_error("trace: the kernel refused the event filter '%s': %s",
				       filter, strerror(errno));
		instance_remove(inst);
		return status;
	}
	snprintf(path, sizeof(path), "%s/trace_pipe", inst);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || write_file(inst, EVENT_DIR "/enable", "1")) {
		status = runtime_error("trace: cannot enable the event in %s: %s",
				       inst, strerror(errno));
		if (fd >= 0)
			close(fd);
		instance_remove(inst);
		return status;
	}

	status = follow(fd, &waitmask, own_netns());

	/* trace_pipe open keeps the instance busy: closed first. */
	close(fd);
	if (instance_remove(inst) && !status)
		status = runtime_error("trace: cannot remove the tracing instance %s: %s",
				       inst, strerror(errno));
	return status;
}
