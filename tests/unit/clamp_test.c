// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit test of mssclamp_rewrite(), mssclamp_scan() and
 * mssclamp_write_mss() (kmod/clamp.h).
 *
 * 1. A table of TCP headers: each case is the option bytes (after a fixed
 *    20-byte SYN header), optional data offset / length overrides, a
 *    ceiling, the expected verdict, out parameters and result bytes. Every
 *    case runs without fix_csum (checksum field must stay as it was) and,
 *    unless the case says otherwise, with fix_csum over a realistic IPv4 and
 *    IPv6 segment (pseudo header + header + payload, correct checksum first;
 *    afterwards the field must equal a full recomputation and the segment
 *    must verify).
 * 2. A property loop over random headers (fixed seed): random bytes,
 *    structured valid option lists, and mutated structured lists; among
 *    the properties, that the pmtu path of hooks.c (scan against the floor,
 *    then write at the offset found) agrees with mssclamp_rewrite().
 *
 * The rewriter always gets a malloc'd buffer of exactly the length it is
 * told, so ASan catches any read or write past it.
 *
 * Output: one line per case, "ok - unit: NAME" or "not ok - unit: NAME (why)",
 * on stdout and appended to the file named by argv[1] (if given).
 * Environment: MSSCLAMP_UNIT_ITERS (default 100000), MSSCLAMP_UNIT_SEED.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clamp.h"
#include "pkt.h"
#include "tap.h"

#define HDR	MSSCLAMP_TCPHDR_LEN	/* 20 */
#define CSUM_OFF	16
#define MAXSEG	128

/* ------------------------------------------------------------------ */
/* Result lines                                                        */

/* The first failure of a case, kept for its result line. */
struct why {
	int failed;
	char text[512];
};

__attribute__((format(printf, 2, 3)))
static void fail(struct why *w, const char *fmt, ...)
{
	va_list ap;

	if (w->failed++)
		return;
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof(w->text), fmt, ap);
	va_end(ap);
}

/* SEG's LEN bytes in a buffer of exactly LEN bytes, so that ASan sees any
 * access past the end. */
static uint8_t *exact_copy(const uint8_t *seg, size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf) {
		perror("malloc");
		exit(2);
	}
	memcpy(buf, seg, len);
	return buf;
}

/* RES's out parameters are OLD, NEW and OFF; WHAT names the call, CTX
 * (may be "") the input. */
static void want_out(struct why *w, const char *what,
		     const struct mssclamp_result *res, unsigned int old,
		     unsigned int new, unsigned int off, const char *ctx)
{
	if (res->old_mss != old || res->new_mss != new || res->offset != off)
		fail(w, "%sold_mss/new_mss/offset %u/%u/%u, expected %u/%u/%u%s%s",
		     what, res->old_mss, res->new_mss, res->offset, old, new,
		     off, *ctx ? "; " : "", ctx);
}

static const char *vname(int v)
{
	switch (v) {
	case MSSCLAMP_NO_MSS:		return "NO_MSS";
	case MSSCLAMP_UNCHANGED:	return "UNCHANGED";
	case MSSCLAMP_CLAMPED:		return "CLAMPED";
	case MSSCLAMP_MALFORMED:	return "MALFORMED";
	}
	return "?";
}

static void hex(char *out, size_t outsz, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	out[0] = 0;
	for (i = 0; i < n && o + 4 < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%s%02x",
				      i ? " " : "", p[i]);
}

/* ------------------------------------------------------------------ */
/* A fixed SYN header                                                  */

static void base_header(uint8_t *th, unsigned int doff)
{
	static const uint8_t syn[HDR] = {
		0xc3, 0x50,		/* source port 50000 */
		0x01, 0xbb,		/* destination port 443 */
		0x8a, 0x3e, 0x51, 0x07,	/* sequence number */
		0x00, 0x00, 0x00, 0x00,	/* acknowledgment number */
		0x00,			/* data offset, filled in */
		0x02,			/* SYN */
		0xfa, 0xf0,		/* window 64240 */
		0x00, 0x00,		/* checksum */
		0x00, 0x00,		/* urgent pointer */
	};

	memcpy(th, syn, HDR);
	th[12] = (uint8_t)(doff << 4);
}

/* ------------------------------------------------------------------ */
/* The table                                                           */

#define EOL		0
#define NOP		1
#define MSS(v)		2, 4, (((v) >> 8) & 0xff), ((v) & 0xff)
#define WS(s)		3, 3, (s)
#define SACKP		4, 2
#define TS		8, 10, 0x00, 0x1b, 0x3a, 0x6f, 0x00, 0x00, 0x00, 0x00
#define BYTES(...)	(const uint8_t[]){ __VA_ARGS__ }, \
			sizeof((const uint8_t[]){ __VA_ARGS__ })
#define OPT(...)	.opt = { BYTES(__VA_ARGS__) }
#define EXP(...)	.exp = { BYTES(__VA_ARGS__) }

#define AUTO		(-1)

enum { M_NOCSUM = 1, M_CSUM4 = 2, M_CSUM6 = 4, M_ALL = 7 };

struct bytes {
	const uint8_t *p;
	size_t n;
};

struct tcase {
	const char *name;
	struct bytes opt;	/* option bytes after the 20-byte header */
	struct bytes exp;	/* expected option bytes after; none: as opt */
	int doff;		/* data offset field; 0 means AUTO */
	int len;		/* length handed over; AUTO: whole header */
	int byte12;		/* extra low bits in byte 12 (reserved, AE) */
	uint16_t ceiling;
	enum mssclamp_verdict verdict;
	uint16_t old_mss, new_mss, offset;	/* expected out parameters */
	unsigned int modes;	/* 0 means M_ALL */
};

/* A case's data offset field: DOFF(n), or computed from its options. */
#define DOFF(n)		.doff = ((n) == 0 ? 16 : (n))	/* 16: a real 0 */
#define LEN(n)		.len = (n) + 1			/* 0: AUTO */

/* ceiling, MSS found, offset of its value in the header */
#define CLAMP(c, o, at)	.ceiling = (c), .verdict = MSSCLAMP_CLAMPED, \
			.old_mss = (o), .new_mss = (c), .offset = (at)
#define KEEP(c, o, at)	.ceiling = (c), .verdict = MSSCLAMP_UNCHANGED, \
			.old_mss = (o), .new_mss = (o), .offset = (at)
#define NOMSS(c)	.ceiling = (c), .verdict = MSSCLAMP_NO_MSS
#define BAD(c)		.ceiling = (c), .verdict = MSSCLAMP_MALFORMED

static const struct tcase cases[] = {
	/* Where the MSS option sits. */
	{ "MSS first", OPT(MSS(8940)), EXP(MSS(1460)), CLAMP(1460, 8940, 22) },
	{ "MSS last (NOP NOP TS NOP WS MSS)",
	  OPT(NOP, NOP, TS, NOP, WS(7), MSS(8940)),
	  EXP(NOP, NOP, TS, NOP, WS(7), MSS(1460)), CLAMP(1460, 8940, 38) },
	{ "MSS after timestamps (NOP NOP TS MSS)",
	  OPT(NOP, NOP, TS, MSS(9000)), EXP(NOP, NOP, TS, MSS(1396)),
	  CLAMP(1396, 9000, 34) },
	{ "Linux SYN layout (MSS SACK-perm TS NOP WS)",
	  OPT(MSS(8960), SACKP, TS, NOP, WS(7)),
	  EXP(MSS(1460), SACKP, TS, NOP, WS(7)), CLAMP(1460, 8960, 22) },
	{ "Windows SYN layout (MSS NOP WS NOP NOP SACK-perm)",
	  OPT(MSS(8960), NOP, WS(8), NOP, NOP, SACKP),
	  EXP(MSS(1396), NOP, WS(8), NOP, NOP, SACKP), CLAMP(1396, 8960, 22) },
	{ "macOS SYN layout (MSS NOP WS NOP NOP TS SACK-perm EOL EOL)",
	  OPT(MSS(8960), NOP, WS(6), NOP, NOP, TS, SACKP, EOL, EOL),
	  EXP(MSS(1460), NOP, WS(6), NOP, NOP, TS, SACKP, EOL, EOL),
	  CLAMP(1460, 8960, 22) },
	{ "Linux SYN layout, MSS already 1460",
	  OPT(MSS(1460), SACKP, TS, NOP, WS(7)), KEEP(1460, 1460, 22) },
	{ "MSS at an odd offset (NOP MSS NOP NOP NOP)",
	  OPT(NOP, MSS(8940), NOP, NOP, NOP),
	  EXP(NOP, MSS(1396), NOP, NOP, NOP), CLAMP(1396, 8940, 23) },
	{ "MSS at an odd offset (NOP NOP NOP MSS), 65535 to 1220",
	  OPT(NOP, NOP, NOP, MSS(65535), NOP),
	  EXP(NOP, NOP, NOP, MSS(1220), NOP),
	  CLAMP(1220, 65535, 25) },
	{ "MSS at an odd offset, ceiling with a zero low byte (0x0500)",
	  OPT(NOP, MSS(0x05ff), NOP, NOP, NOP),
	  EXP(NOP, MSS(0x0500), NOP, NOP, NOP), CLAMP(0x0500, 0x05ff, 23) },
	{ "MSS at an odd offset, ceiling with a zero high byte (0x00ff)",
	  OPT(NOP, MSS(0xff00), NOP, NOP, NOP),
	  EXP(NOP, MSS(0x00ff), NOP, NOP, NOP), CLAMP(0x00ff, 0xff00, 23) },
	{ "MSS after unknown options (MPTCP 12, TFO cookie 10)",
	  OPT(30, 12, 0x00, 0x81, 1, 2, 3, 4, 5, 6, 7, 8,
	      34, 10, 0xc0, 0xff, 0xee, 0x00, 0x11, 0x22, 0x33, 0x44,
	      MSS(8940), NOP, NOP),
	  EXP(30, 12, 0x00, 0x81, 1, 2, 3, 4, 5, 6, 7, 8,
	      34, 10, 0xc0, 0xff, 0xee, 0x00, 0x11, 0x22, 0x33, 0x44,
	      MSS(1460), NOP, NOP), CLAMP(1460, 8940, 44) },
	{ "full 40 option bytes, MSS in the last 4",
	  OPT(NOP, NOP, TS, NOP, NOP, 5, 18, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	      11, 12, 13, 14, 15, 16, NOP, NOP, NOP, NOP, MSS(9000)),
	  EXP(NOP, NOP, TS, NOP, NOP, 5, 18, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	      11, 12, 13, 14, 15, 16, NOP, NOP, NOP, NOP, MSS(1460)),
	  CLAMP(1460, 9000, 58) },
	{ "last option's length reaches exactly the header end",
	  OPT(MSS(9000), 253, 4, 0xab, 0xcd),
	  EXP(MSS(1460), 253, 4, 0xab, 0xcd), CLAMP(1460, 9000, 22) },
	{ "reserved/AE bits in byte 12 do not change the data offset",
	  OPT(MSS(9000)), EXP(MSS(1460)), .byte12 = 0x0f,
	  CLAMP(1460, 9000, 22) },

	/*
	 * The layouts recognised whole (Linux 40 bytes, Windows 32, macOS
	 * 44), and near misses of each: every one must get the answer of
	 * the general walk.
	 */
	{ "Linux layout, MSS-looking bytes inside the timestamps",
	  OPT(MSS(8960), SACKP, 8, 10, 2, 4, 0xff, 0xff, 2, 4, 0, 1, NOP,
	      WS(7)),
	  EXP(MSS(1460), SACKP, 8, 10, 2, 4, 0xff, 0xff, 2, 4, 0, 1, NOP,
	      WS(7)), CLAMP(1460, 8960, 22) },
	{ "Linux layout, window scale 14, MSS below the ceiling",
	  OPT(MSS(536), SACKP, TS, NOP, WS(14)), KEEP(1460, 536, 22) },
	{ "Linux layout cut short by one byte",
	  OPT(MSS(8960), SACKP, TS, NOP, WS(7)), LEN(39), BAD(1460) },
	{ "Linux near miss: kind 34 where the MSS was",
	  OPT(34, 4, 0x23, 0x00, SACKP, TS, NOP, WS(7)), NOMSS(1460) },
	{ "Linux near miss: MSS length 3",
	  OPT(2, 3, 0x23, 0x00, SACKP, TS, NOP, WS(7)), BAD(1460) },
	{ "Linux near miss: SACK-perm length 3",
	  OPT(MSS(8960), 4, 3, TS, NOP, WS(7)), BAD(1460) },
	{ "Linux near miss: timestamps length 9, EOL after",
	  OPT(MSS(8960), SACKP, 8, 9, 1, 2, 3, 4, 5, 6, 7, EOL, NOP, WS(7)),
	  EXP(MSS(1460), SACKP, 8, 9, 1, 2, 3, 4, 5, 6, 7, EOL, NOP, WS(7)),
	  CLAMP(1460, 8960, 22) },
	{ "Linux near miss: timestamps length 11 takes the NOP",
	  OPT(MSS(8960), SACKP, 8, 11, 1, 2, 3, 4, 5, 6, 7, 8, NOP, WS(7)),
	  EXP(MSS(1460), SACKP, 8, 11, 1, 2, 3, 4, 5, 6, 7, 8, NOP, WS(7)),
	  CLAMP(1460, 8960, 22) },
	{ "Linux near miss: an MSS option where the window scale was",
	  OPT(MSS(8960), SACKP, TS, NOP, 2, 4, 7), BAD(1460) },
	{ "Linux near miss: window scale length 2",
	  OPT(MSS(8960), SACKP, TS, NOP, 3, 2, 7), BAD(1460) },
	{ "Linux near miss: 36 bytes, no window scale",
	  OPT(MSS(8960), SACKP, TS), EXP(MSS(1460), SACKP, TS),
	  CLAMP(1460, 8960, 22) },
	{ "Windows layout, MSS below the ceiling",
	  OPT(MSS(1220), NOP, WS(8), NOP, NOP, SACKP), KEEP(1396, 1220, 22) },
	{ "Windows near miss: MSS length 5",
	  OPT(2, 5, 0x23, 0x00, NOP, WS(8), NOP, NOP, SACKP), BAD(1396) },
	{ "Windows near miss: EOL where the first NOP was",
	  OPT(MSS(8960), EOL, WS(8), NOP, NOP, SACKP),
	  EXP(MSS(1396), EOL, WS(8), NOP, NOP, SACKP), CLAMP(1396, 8960, 22) },
	{ "Windows near miss: window scale length 4 takes a NOP",
	  OPT(MSS(8960), NOP, 3, 4, 8, NOP, NOP, SACKP),
	  EXP(MSS(1396), NOP, 3, 4, 8, NOP, NOP, SACKP),
	  CLAMP(1396, 8960, 22) },
	{ "Windows near miss: SACK-perm length 3",
	  OPT(MSS(8960), NOP, WS(8), NOP, NOP, 4, 3), BAD(1396) },
	{ "Windows near miss: an MSS kind of length 2 at the end",
	  OPT(MSS(8960), NOP, WS(8), NOP, NOP, 2, 2), BAD(1396) },
	{ "macOS layout, MSS equal to the ceiling",
	  OPT(MSS(1440), NOP, WS(6), NOP, NOP, TS, SACKP, EOL, EOL),
	  KEEP(1440, 1440, 22) },
	{ "macOS near miss: MSS kind 3",
	  OPT(3, 4, 0x23, 0x00, NOP, WS(6), NOP, NOP, TS, SACKP, EOL, EOL),
	  NOMSS(1460) },
	{ "macOS near miss: NOP NOP where EOL EOL was",
	  OPT(MSS(8960), NOP, WS(6), NOP, NOP, TS, SACKP, NOP, NOP),
	  EXP(MSS(1460), NOP, WS(6), NOP, NOP, TS, SACKP, NOP, NOP),
	  CLAMP(1460, 8960, 22) },
	{ "macOS near miss: an MSS option cut by the header end",
	  OPT(MSS(8960), NOP, WS(6), NOP, NOP, TS, SACKP, 2, 4), BAD(1460) },
	{ "macOS near miss: timestamps length 11",
	  OPT(MSS(8960), NOP, WS(6), NOP, NOP, 8, 11, 1, 2, 3, 4, 5, 6, 7, 8,
	      SACKP, EOL, EOL), BAD(1460) },
	{ "macOS near miss: SACK-perm length 4",
	  OPT(MSS(8960), NOP, WS(6), NOP, NOP, TS, 4, 4, EOL, EOL),
	  EXP(MSS(1460), NOP, WS(6), NOP, NOP, TS, 4, 4, EOL, EOL),
	  CLAMP(1460, 8960, 22) },
	{ "macOS near miss: 48 bytes, NOPs after the EOLs",
	  OPT(MSS(8960), NOP, WS(6), NOP, NOP, TS, SACKP, EOL, EOL, NOP, NOP,
	      NOP, NOP),
	  EXP(MSS(1460), NOP, WS(6), NOP, NOP, TS, SACKP, EOL, EOL, NOP, NOP,
	      NOP, NOP), CLAMP(1460, 8960, 22) },

	/* End of Option List. */
	{ "EOL before MSS: MSS after EOL untouched",
	  OPT(EOL, MSS(9000), NOP, NOP, NOP), NOMSS(1460) },
	{ "EOL after MSS", OPT(MSS(9000), EOL, EOL, EOL, EOL),
	  EXP(MSS(1460), EOL, EOL, EOL, EOL), CLAMP(1460, 9000, 22) },
	{ "garbage padding after EOL is ignored",
	  OPT(MSS(9000), EOL, 2, 0, 0xde),
	  EXP(MSS(1460), EOL, 2, 0, 0xde), CLAMP(1460, 9000, 22) },
	{ "garbage after EOL, no MSS: NO_MSS, not MALFORMED",
	  OPT(NOP, NOP, EOL, 2, 1, 0xff, 0x02, 0x04), NOMSS(1460) },
	{ "EOL after MSS, then an MSS-looking option (not a duplicate)",
	  OPT(MSS(9000), EOL, MSS(9000), 0, 0, 0),
	  EXP(MSS(1460), EOL, MSS(9000), 0, 0, 0), CLAMP(1460, 9000, 22) },

	/* No MSS. */
	{ "no options (doff 5)", NOMSS(1460) },
	{ "options without MSS (NOP NOP TS)", OPT(NOP, NOP, TS), NOMSS(1460) },
	{ "all NOPs", OPT(NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP),
	  NOMSS(1460) },
	{ "MSS-looking bytes past the data offset are payload",
	  OPT(NOP, NOP, NOP, NOP, MSS(9000)), DOFF(6), NOMSS(1460) },

	/* Against the ceiling. */
	{ "MSS equal to the ceiling", OPT(MSS(1460)), KEEP(1460, 1460, 22) },
	{ "MSS below the ceiling", OPT(MSS(1220)), KEEP(1460, 1220, 22) },
	{ "MSS one above the ceiling", OPT(MSS(1461)), EXP(MSS(1460)),
	  CLAMP(1460, 1461, 22) },
	{ "MSS above the ceiling (8940 to 1396)", OPT(MSS(8940)),
	  EXP(MSS(1396)), CLAMP(1396, 8940, 22) },
	{ "MSS 65535 to the ceiling", OPT(MSS(65535)), EXP(MSS(1460)),
	  CLAMP(1460, 65535, 22) },
	{ "MSS 0 is below any ceiling", OPT(MSS(0)), KEEP(536, 0, 22) },
	{ "ceiling 65535 never raises", OPT(MSS(536)), KEEP(65535, 536, 22) },

	/* Malformed: every byte stays, out parameters 0. */
	{ "malformed: len 0", LEN(0), BAD(1460) },
	{ "malformed: len 12", LEN(12), BAD(1460) },
	{ "malformed: len 19", LEN(19), BAD(1460) },
	{ "malformed: len 19, doff 6", OPT(MSS(9000)), DOFF(6), LEN(19),
	  BAD(1460) },
	{ "malformed: doff 0", OPT(MSS(9000)), DOFF(0), BAD(1460) },
	{ "malformed: doff 1", OPT(MSS(9000)), DOFF(1), BAD(1460) },
	{ "malformed: doff 2", OPT(MSS(9000)), DOFF(2), BAD(1460) },
	{ "malformed: doff 3", OPT(MSS(9000)), DOFF(3), BAD(1460) },
	{ "malformed: doff 4", OPT(MSS(9000)), DOFF(4), BAD(1460) },
	{ "malformed: doff*4 > len (doff 6, len 20)", DOFF(6), LEN(20),
	  BAD(1460) },
	{ "malformed: doff*4 > len (doff 6, MSS cut at len 23)",
	  OPT(MSS(9000)), DOFF(6), LEN(23), BAD(1460) },
	{ "malformed: doff*4 > len (doff 15, len 56)",
	  OPT(MSS(9000), NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP,
	      NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP,
	      NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP),
	  DOFF(15), LEN(56), BAD(1460) },
	{ "malformed: option length 0 after MSS",
	  OPT(MSS(9000), 8, 0, 0, 0), BAD(1460) },
	{ "malformed: option length 0 before MSS",
	  OPT(NOP, 3, 0, NOP, MSS(9000)), BAD(1460) },
	{ "malformed: option length 1 after MSS",
	  OPT(MSS(9000), 8, 1, 0, 0), BAD(1460) },
	{ "malformed: option length 1 before MSS",
	  OPT(NOP, NOP, 3, 1, MSS(9000)), BAD(1460) },
	{ "malformed: option length past the header end",
	  OPT(MSS(9000), 8, 10, 0x11, 0x22), BAD(1460) },
	{ "malformed: option length past the header end by one",
	  OPT(MSS(9000), 253, 5, 0x11, 0x22), BAD(1460) },
	{ "malformed: MSS option length past the header end",
	  OPT(NOP, NOP, 2, 4), BAD(1460) },
	{ "malformed: MSS option length 0", OPT(2, 0, 0x23, 0x28),
	  BAD(1460) },
	{ "malformed: MSS option length 2", OPT(2, 2, NOP, NOP), BAD(1460) },
	{ "malformed: MSS option length 3", OPT(2, 3, 0x23, NOP),
	  BAD(1460) },
	{ "malformed: MSS option length 5",
	  OPT(2, 5, 0x23, 0x28, 0x00, NOP, NOP, NOP), BAD(1460) },
	{ "malformed: duplicated MSS",
	  OPT(MSS(9000), MSS(9000)), BAD(1460) },
	{ "malformed: duplicated MSS, second one low",
	  OPT(MSS(9000), NOP, NOP, NOP, NOP, MSS(536)), BAD(1460) },
	{ "malformed: duplicated MSS, first one low",
	  OPT(MSS(536), NOP, NOP, NOP, NOP, MSS(9000)), BAD(1460) },
	{ "malformed: kind with no room for its length at the very end",
	  OPT(MSS(9000), NOP, NOP, NOP, 8), BAD(1460) },
	{ "malformed: MSS kind with no room for its length at the end",
	  OPT(NOP, NOP, NOP, 2), BAD(1460) },
	{ "malformed: bad option after a full 40 bytes of valid ones",
	  OPT(MSS(9000), NOP, NOP, TS, NOP, NOP, 5, 18, 1, 2, 3, 4, 5, 6,
	      7, 8, 9, 10, 11, 12, 13, 14, 15, 16, NOP, NOP, NOP, 8),
	  BAD(1460) },
};

static const uint8_t payload[] = { 0x47, 0x45, 0x54, 0x20, 0x2f, 0x0d, 0x0a };

static void run_case(const struct tcase *tc, unsigned int mode)
{
	uint8_t seg[MAXSEG], want[MAXSEG];
	struct mssclamp_result res;
	uint32_t ph = 0;
	struct why w = { 0 };
	enum mssclamp_verdict v;
	unsigned int doff;
	size_t len, i;
	uint8_t *buf;
	char name[256], h1[400], h2[400];
	const char *tag = mode == M_NOCSUM ? "no csum" :
			  mode == M_CSUM4 ? "IPv4 csum" : "IPv6 csum";

	snprintf(name, sizeof(name), "%s [%s]", tc->name, tag);

	if (tc->doff)
		doff = tc->doff == 16 ? 0 : (unsigned int)tc->doff;
	else if ((HDR + tc->opt.n) % 4 == 0 && HDR + tc->opt.n <= 60)
		doff = (unsigned int)(HDR + tc->opt.n) / 4;
	else {
		tap_result(0, name, "test table: options not a multiple of 4");
		return;
	}
	if (tc->exp.p && tc->exp.n != tc->opt.n) {
		tap_result(0, name, "test table: expected and input differ in size");
		return;
	}

	memset(seg, 0, sizeof(seg));
	base_header(seg, doff);
	seg[12] |= (uint8_t)tc->byte12;
	if (tc->opt.n)
		memcpy(seg + HDR, tc->opt.p, tc->opt.n);
	len = tc->len ? (size_t)(tc->len - 1) : HDR + tc->opt.n;
	/* A few payload bytes in checksum runs, unless the length is the point. */
	if (mode != M_NOCSUM && !tc->len) {
		memcpy(seg + len, payload, mode == M_CSUM4 ? 5 : 7);
		len += mode == M_CSUM4 ? 5 : 7;
	}

	memcpy(want, seg, sizeof(seg));
	if (tc->exp.n)
		memcpy(want + HDR, tc->exp.p, tc->exp.n);

	if (mode == M_NOCSUM) {
		/* A stale value (or CHECKSUM_PARTIAL's pseudo sum): must stay. */
		pkt_put16(seg + CSUM_OFF, 0xbeef);
		pkt_put16(want + CSUM_OFF, 0xbeef);
	} else {
		ph = pkt_doc_pseudo_sum(mode != M_CSUM4, len);
		if (len >= CSUM_OFF + 2) {
			pkt_put16(seg + CSUM_OFF, pkt_tcp_csum(ph, seg, len));
			pkt_put16(want + CSUM_OFF, pkt_tcp_csum(ph, want, len));
			if (!pkt_tcp_csum_ok(ph, seg, len))
				fail(&w, "harness: input checksum does not verify");
		}
	}

	buf = exact_copy(seg, len);
	/* mssclamp_scan() first: same answer, nothing written. */
	res.old_mss = res.new_mss = res.offset = 0xa5a5;
	v = mssclamp_scan(buf, len, tc->ceiling, &res);
	if (v != tc->verdict)
		fail(&w, "scan: verdict %s, expected %s", vname(v),
		     vname(tc->verdict));
	want_out(&w, "scan: ", &res, tc->old_mss, tc->new_mss, tc->offset, "");
	if (len && memcmp(buf, seg, len))
		fail(&w, "scan wrote to the header");

	res.old_mss = res.new_mss = res.offset = 0xa5a5;
	v = mssclamp_rewrite(buf, len, tc->ceiling,
			     mode != M_NOCSUM, &res);

	if (v != tc->verdict)
		fail(&w, "verdict %s, expected %s", vname(v), vname(tc->verdict));
	want_out(&w, "", &res, tc->old_mss, tc->new_mss, tc->offset, "");
	for (i = 0; i < len; i++) {
		if (mode != M_NOCSUM && (i == CSUM_OFF || i == CSUM_OFF + 1))
			continue;
		if (buf[i] != want[i]) {
			hex(h1, sizeof(h1), buf, len < 60 ? len : 60);
			hex(h2, sizeof(h2), want, len < 60 ? len : 60);
			fail(&w, "byte %zu is 0x%02x, expected 0x%02x; got [%s] expected [%s]",
			     i, buf[i], want[i], h1, h2);
			break;
		}
	}
	if (mode != M_NOCSUM && len >= CSUM_OFF + 2) {
		uint16_t got = pkt_get16(buf + CSUM_OFF);
		uint16_t full = pkt_tcp_csum(ph, want, len);

		if (got != full)
			fail(&w, "checksum 0x%04x, full recomputation 0x%04x (was 0x%04x)",
			     got, full, pkt_get16(seg + CSUM_OFF));
		if (!pkt_tcp_csum_ok(ph, buf, len))
			fail(&w, "checksum 0x%04x does not verify over pseudo header + segment",
			     got);
	}
	free(buf);
	tap_result(!w.failed, name, w.text);
}

static void run_table(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]), i;

	for (i = 0; i < n; i++) {
		unsigned int modes = cases[i].modes ? cases[i].modes : M_ALL;

		if (modes & M_NOCSUM)
			run_case(&cases[i], M_NOCSUM);
		if (modes & M_CSUM4)
			run_case(&cases[i], M_CSUM4);
		if (modes & M_CSUM6)
			run_case(&cases[i], M_CSUM6);
	}
}

/* ------------------------------------------------------------------ */
/* Property loop                                                       */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	return pkt_rand(&rng_state);
}

static unsigned int rndn(unsigned int n)
{
	return (unsigned int)((rnd() >> 32) % n);
}

static uint16_t rnd_mss(void)
{
	static const uint16_t common[] = { 0, 1, 255, 256, 536, 1220, 1380,
					   1396, 1440, 1460, 8940, 8960,
					   9000, 65495, 65535 };

	if (rndn(2))
		return common[rndn(sizeof(common) / sizeof(common[0]))];
	return (uint16_t)rnd();
}

/* Random bytes, biased towards option kinds and small lengths. */
static uint8_t rnd_optbyte(void)
{
	static const uint8_t interesting[] = { 0, 1, 2, 2, 3, 4, 4, 8, 10,
					       0xff, 5, 34 };

	if (rndn(3))
		return interesting[rndn(sizeof(interesting))];
	return (uint8_t)rnd();
}

/* A well-formed option list (at most one MSS), padded to 4 bytes. */
static size_t gen_valid_opts(uint8_t *o, size_t room)
{
	size_t n = 0;
	int have_mss = 0;

	while (n < room && rndn(8)) {
		size_t left = room - n;
		unsigned int pick = rndn(9);

		if (pick == 0 || left < 2) {
			o[n++] = NOP;
		} else if ((pick == 1 || pick == 7) && !have_mss && left >= 4) {
			uint16_t m = rnd_mss();

			o[n++] = 2;
			o[n++] = 4;
			o[n++] = (uint8_t)(m >> 8);
			o[n++] = (uint8_t)m;
			have_mss = 1;
		} else if (pick == 2 && left >= 3) {
			o[n++] = 3;
			o[n++] = 3;
			o[n++] = (uint8_t)rndn(15);
		} else if (pick == 3) {
			o[n++] = 4;
			o[n++] = 2;
		} else if (pick == 4 && left >= 10) {
			unsigned int k;

			o[n++] = 8;
			o[n++] = 10;
			for (k = 0; k < 8; k++)
				o[n++] = (uint8_t)rnd();
		} else if (pick == 5 && left >= 10) {
			unsigned int blocks = 1 + rndn((unsigned int)
						      ((left - 2) / 8 < 4 ?
						       (left - 2) / 8 : 4));
			unsigned int k;

			o[n++] = 5;
			o[n++] = (uint8_t)(2 + 8 * blocks);
			for (k = 0; k < 8 * blocks; k++)
				o[n++] = (uint8_t)rnd();
		} else if (pick == 6) {
			/* EOL, then anything up to the end of the list. */
			o[n++] = EOL;
			while (n % 4 || (n < room && rndn(2)))
				o[n++] = rnd_optbyte();
			return n;
		} else {
			/* Some other kind with any length that fits. */
			unsigned int len = 2 + rndn((unsigned int)
						    (left - 1 < 12 ? left - 1 : 12));
			unsigned int k;

			o[n++] = (uint8_t)(3 + rndn(253));
			o[n++] = (uint8_t)len;
			for (k = 2; k < len; k++)
				o[n++] = (uint8_t)rnd();
		}
	}
	while (n % 4)
		o[n++] = rndn(2) ? NOP : EOL;
	return n;
}

/*
 * One of the SYN layouts the rewriter recognises whole (Linux, Windows,
 * macOS), with random values: 20, 12 or 24 option bytes.
 */
static size_t gen_known_layout(uint8_t *o)
{
	static const uint8_t layouts[3][24] = {
		{ MSS(0), SACKP, TS, NOP, WS(0) },
		{ MSS(0), NOP, WS(0), NOP, NOP, SACKP },
		{ MSS(0), NOP, WS(0), NOP, NOP, TS, SACKP, EOL, EOL },
	};
	static const size_t lens[3] = { 20, 12, 24 };
	unsigned int l = rndn(3), k;
	uint16_t m = rnd_mss();

	memcpy(o, layouts[l], lens[l]);
	o[2] = (uint8_t)(m >> 8);
	o[3] = (uint8_t)m;
	o[l ? 7 : 19] = (uint8_t)rndn(15);	/* window scale shift */
	if (l != 1)				/* timestamp values */
		for (k = l ? 12 : 8; k < (l ? 20u : 16u); k++)
			o[k] = (uint8_t)rnd();
	return lens[l];
}

enum {
	P_REF, P_SCAN, P_NORAISE, P_DIFF, P_TWICE, P_KEEP, P_MALFORMED, P_CSUM,
	P_NOCSUM, P_SPLIT, P_COUNT
};

static const char *const pnames[P_COUNT] = {
	[P_REF]		= "verdict and old/new_mss/offset match a reference parser",
	[P_SCAN]	= "mssclamp_scan() agrees with mssclamp_rewrite() and writes nothing",
	[P_NORAISE]	= "never raises the MSS; clamps to exactly the ceiling",
	[P_DIFF]	= "only the 2 MSS value bytes and 2 checksum bytes change",
	[P_TWICE]	= "a second run changes nothing",
	[P_KEEP]	= "NO_MSS and UNCHANGED keep every byte",
	[P_MALFORMED]	= "MALFORMED keeps every byte",
	[P_CSUM]	= "checksum stays valid with fix_csum (IPv4 and IPv6)",
	[P_NOCSUM]	= "checksum field untouched without fix_csum",
	[P_SPLIT]	= "mssclamp_scan() against a lower bound, then mssclamp_write_mss() to the ceiling, gives what mssclamp_rewrite() gives",
};

struct pstate {
	struct why w[P_COUNT];
	unsigned long verdicts[4];
	unsigned long odd_clamped, csum_checked, gens[4];
	unsigned long layouts, layout_misses;
};

static const char *mkctx(char *out, size_t outsz, unsigned long it,
			 const uint8_t *seg, size_t len, uint16_t ceiling,
			 int fix)
{
	char h[400];

	hex(h, sizeof(h), seg, len < 64 ? len : 64);
	snprintf(out, outsz,
		 "iteration %lu, len %zu, ceiling %u, fix_csum %d, input [%s]",
		 it, len, ceiling, fix, h);
	return out;
}

static void run_property(unsigned long iters, uint64_t seed)
{
	struct pstate *ps = calloc(1, sizeof(*ps));
	unsigned long it;
	unsigned int k;
	char name[256], ctx[600];

	if (!ps) {
		perror("calloc");
		exit(2);
	}
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;

	for (it = 0; it < iters; it++) {
		uint8_t seg[MAXSEG], once[MAXSEG];
		uint8_t *buf;
		struct mssclamp_result res, res2, scanned;
		uint32_t ph = 0;
		int v6;
		enum mssclamp_verdict v, v2, vs;
		int scan_wrote;
		unsigned int gen = rndn(4), m;
		size_t len, i, plen;
		uint16_t ceiling, mss = 0;
		int fix = (int)rndn(2), at, want, csum_valid = 0;

		memset(seg, 0, sizeof(seg));
		if (gen == 0) {
			/* Random bytes; any data offset, any length. */
			len = rndn(3) ? rndn(81) : HDR + 4 * rndn(11);
			for (i = 0; i < len; i++)
				seg[i] = i < HDR ? (uint8_t)rnd() : rnd_optbyte();
			if (len > 12 && rndn(2))
				seg[12] = (uint8_t)(((5 + rndn(11)) << 4) |
						    (seg[12] & 0x0f));
		} else {
			size_t olen = gen == 3 ? gen_known_layout(seg + HDR) :
				      gen_valid_opts(seg + HDR, 40);

			base_header(seg, (unsigned int)(HDR + olen) / 4);
			for (i = 0; i < HDR; i++)
				if (i != 12 && rndn(2))
					seg[i] = (uint8_t)rnd();
			len = HDR + olen;
			if (gen == 3 && rndn(2)) {
				/*
				 * A near miss: one byte of the options, or
				 * the data offset, off by a little or a lot.
				 */
				size_t pos = HDR + rndn((unsigned int)olen);

				if (rndn(4)) {
					seg[pos] = (uint8_t)(rndn(2) ?
						   seg[pos] + 1 - 2 * rndn(2) :
						   rnd_optbyte());
				} else {
					seg[12] = (uint8_t)((5 + rndn(11)) << 4);
				}
				ps->layout_misses++;
			} else if (gen == 3) {
				ps->layouts++;
			}
			if (gen == 2) {
				/* Mutate 1-3 bytes of the options or doff. */
				for (m = 1 + rndn(3); m; m--) {
					if (olen && rndn(5)) {
						/* Two statements: fixed order. */
						size_t pos = HDR + rndn((unsigned int)olen);

						seg[pos] = rnd_optbyte();
					} else {
						seg[12] = (uint8_t)(rndn(16) << 4);
					}
				}
			}
			/* Sometimes a payload, sometimes cut short. */
			plen = rndn(3) ? 0 : rndn(17);
			for (i = 0; i < plen; i++)
				seg[len + i] = (uint8_t)rnd();
			len += plen;
			if (!rndn(20) && len)
				len -= 1 + rndn((unsigned int)(len < 8 ? len : 8));
		}
		ps->gens[gen]++;

		/* The reference: the contract restated apart from clamp.h. */
		at = pkt_ref_mss_at(seg, len);
		if (at > 0)
			mss = pkt_get16(seg + at);
		switch (rndn(4)) {
		case 0:
			ceiling = (uint16_t)rnd();
			break;
		case 1:
			ceiling = mss;
			break;
		case 2:
			ceiling = (uint16_t)(mss + (rndn(2) ? 1 : -1));
			break;
		default:
			ceiling = rnd_mss();
		}

		v6 = !rndn(2);
		ph = pkt_doc_pseudo_sum(v6, len);
		if (fix && len >= CSUM_OFF + 2) {
			pkt_put16(seg + CSUM_OFF, pkt_tcp_csum(ph, seg, len));
			csum_valid = 1;
		}

		buf = exact_copy(seg, len);
		res.old_mss = res.new_mss = res.offset = 0x5a5a;
		vs = mssclamp_scan(buf, len, ceiling, &res);
		scanned = res;
		scan_wrote = len && memcmp(buf, seg, len);
		res.old_mss = res.new_mss = res.offset = 0x5a5a;
		v = mssclamp_rewrite(buf, len, ceiling, fix, &res);
		memcpy(once, buf, len);
		res2.old_mss = res2.new_mss = res2.offset = 0x5a5a;
		v2 = mssclamp_rewrite(buf, len, ceiling, fix, &res2);

		if ((unsigned int)v < 4)
			ps->verdicts[v]++;
		if (v == MSSCLAMP_CLAMPED && (at & 1))
			ps->odd_clamped++;

#define CTX mkctx(ctx, sizeof(ctx), it, seg, len, ceiling, fix)
		/* Reference verdict and out parameters. */
		want = at < 0 ? MSSCLAMP_MALFORMED : at == 0 ? MSSCLAMP_NO_MSS :
		       mss > ceiling ? MSSCLAMP_CLAMPED : MSSCLAMP_UNCHANGED;
		if ((int)v != want)
			fail(&ps->w[P_REF], "verdict %s, reference %s; %s",
			     vname(v), vname(want), CTX);
		else if (at <= 0 ? (res.old_mss || res.new_mss || res.offset) :
			 (res.old_mss != mss || res.offset != at ||
			  res.new_mss != (mss > ceiling ? ceiling : mss)))
			fail(&ps->w[P_REF], "old/new_mss/offset %u/%u/%u; %s",
			     res.old_mss, res.new_mss, res.offset, CTX);

		/* mssclamp_scan() says what rewrite does, and writes nothing. */
		if (scan_wrote)
			fail(&ps->w[P_SCAN], "scan wrote to the header; %s", CTX);
		else if (vs != v || scanned.old_mss != res.old_mss ||
			 scanned.new_mss != res.new_mss ||
			 scanned.offset != res.offset)
			fail(&ps->w[P_SCAN],
			     "scan %s %u/%u/%u, rewrite %s %u/%u/%u; %s",
			     vname(vs), scanned.old_mss, scanned.new_mss,
			     scanned.offset, vname(v), res.old_mss,
			     res.new_mss, res.offset, CTX);

		/* Never raises. */
		if (v == MSSCLAMP_CLAMPED || v == MSSCLAMP_UNCHANGED) {
			int off = at > 0 ? at : 0;
			uint16_t now = off ? pkt_get16(once + off) : 0;

			if (res.new_mss > res.old_mss ||
			    (off && (now > mss || now != (mss > ceiling ?
							  ceiling : mss))))
				fail(&ps->w[P_NORAISE],
				     "MSS %u became %u (res %u/%u); %s", mss, now,
				     res.old_mss, res.new_mss, CTX);
		}

		/* What may change. */
		for (i = 0; i < len; i++) {
			int mss_byte = at > 0 && (i == (size_t)at ||
						  i == (size_t)at + 1);
			int csum_byte = i == CSUM_OFF || i == CSUM_OFF + 1;

			if (once[i] == seg[i])
				continue;
			if (!mss_byte && !(fix && csum_byte)) {
				fail(&ps->w[P_DIFF],
				     "byte %zu changed 0x%02x to 0x%02x; %s",
				     i, seg[i], once[i], CTX);
				break;
			}
		}
		if (!fix && len >= CSUM_OFF + 2 &&
		    memcmp(once + CSUM_OFF, seg + CSUM_OFF, 2))
			fail(&ps->w[P_NOCSUM], "checksum 0x%04x became 0x%04x; %s",
			     pkt_get16(seg + CSUM_OFF), pkt_get16(once + CSUM_OFF), CTX);

		/* Idempotent. */
		if (memcmp(buf, once, len))
			fail(&ps->w[P_TWICE], "second run changed bytes; %s", CTX);
		else if (v2 != (v == MSSCLAMP_CLAMPED ? MSSCLAMP_UNCHANGED : v))
			fail(&ps->w[P_TWICE], "second verdict %s after %s; %s",
			     vname(v2), vname(v), CTX);

		/* Untouched unless clamped. */
		if (v == MSSCLAMP_MALFORMED && memcmp(once, seg, len))
			fail(&ps->w[P_MALFORMED], "bytes changed; %s", CTX);
		if ((v == MSSCLAMP_NO_MSS || v == MSSCLAMP_UNCHANGED) &&
		    memcmp(once, seg, len))
			fail(&ps->w[P_KEEP], "%s changed bytes; %s", vname(v),
			     CTX);

		/* Checksum. */
		if (csum_valid) {
			ps->csum_checked++;
			if (!pkt_tcp_csum_ok(ph, once, len) ||
			    pkt_get16(once + CSUM_OFF) != pkt_tcp_csum(ph, once, len))
				fail(&ps->w[P_CSUM],
				     "checksum 0x%04x, full recomputation 0x%04x (%s, MSS at %d); %s",
				     pkt_get16(once + CSUM_OFF),
				     pkt_tcp_csum(ph, once, len),
				     v6 ? "IPv6" : "IPv4", at, CTX);
		}
		/*
		 * The pmtu path (hooks.c): scan against a bound at or below
		 * the ceiling (the floor), and only an MSS above the
		 * ceiling is written, where the scan found it.
		 */
		{
			uint16_t low = (uint16_t)rndn((unsigned int)ceiling + 1);
			struct mssclamp_result rl;
			enum mssclamp_verdict vl;

			memcpy(buf, seg, len);
			vl = mssclamp_scan(buf, len, low, &rl);
			if (vl == MSSCLAMP_CLAMPED) {
				if (rl.old_mss > ceiling) {
					mssclamp_write_mss(buf, rl.offset,
							   rl.old_mss, ceiling,
							   fix);
					rl.new_mss = ceiling;
				} else {
					vl = MSSCLAMP_UNCHANGED;
					rl.new_mss = rl.old_mss;
				}
			}
			if (vl != v || rl.old_mss != res.old_mss ||
			    rl.new_mss != res.new_mss || rl.offset != res.offset)
				fail(&ps->w[P_SPLIT],
				     "bound %u: %s %u/%u/%u, rewrite %s %u/%u/%u; %s",
				     low, vname(vl), rl.old_mss, rl.new_mss,
				     rl.offset, vname(v), res.old_mss,
				     res.new_mss, res.offset, CTX);
			else if (memcmp(buf, once, len))
				fail(&ps->w[P_SPLIT],
				     "bound %u: bytes differ from rewrite's; %s",
				     low, CTX);
		}
#undef CTX
		free(buf);
	}

	for (k = 0; k < P_COUNT; k++) {
		snprintf(name, sizeof(name), "property: %s (%lu headers, seed 0x%llx)",
			 pnames[k], iters, (unsigned long long)seed);
		if (ps->w[k].failed > 1) {
			char more[64];

			snprintf(more, sizeof(more), " [+%d more]",
				 ps->w[k].failed - 1);
			strncat(ps->w[k].text, more,
				sizeof(ps->w[k].text) - strlen(ps->w[k].text) - 1);
		}
		tap_result(!ps->w[k].failed, name, ps->w[k].text);
	}

	/* The loop is only worth something if it reached every outcome. */
	{
		char why[400];
		unsigned long floor = iters / 100;
		int ok = ps->odd_clamped >= floor / 10 && ps->csum_checked >= floor &&
			 ps->layouts >= floor && ps->layout_misses >= floor;

		for (k = 0; k < 4; k++)
			if (ps->verdicts[k] < floor)
				ok = 0;
		snprintf(why, sizeof(why),
			 "NO_MSS %lu, UNCHANGED %lu, CLAMPED %lu (odd offset %lu), MALFORMED %lu, checksum checks %lu, known layouts %lu, near misses %lu",
			 ps->verdicts[0], ps->verdicts[1], ps->verdicts[2],
			 ps->odd_clamped, ps->verdicts[3], ps->csum_checked,
			 ps->layouts, ps->layout_misses);
		printf("# property coverage: %s\n", why);
		tap_result(ok, "property: generators reach every verdict, odd offsets and checksums",
		       why);
	}
	free(ps);
}

int main(int argc, char **argv)
{
	const char *e;
	unsigned long iters = 100000;
	uint64_t seed = 0x6d7373636c616d70ULL;	/* "mssclamp" */

	tap_open(argc > 1 ? argv[1] : NULL, "unit: ");
	e = getenv("MSSCLAMP_UNIT_ITERS");
	if (e && *e)
		iters = strtoul(e, NULL, 0);
	e = getenv("MSSCLAMP_UNIT_SEED");
	if (e && *e)
		seed = strtoull(e, NULL, 0);

	run_table();
	run_property(iters, seed);

	return tap_end("clamp_test");
}
