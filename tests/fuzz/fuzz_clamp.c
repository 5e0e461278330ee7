// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the MSS option rewriter (kmod/clamp.h).
 *
 * Input: one control byte, a ceiling (2 bytes, big endian), then a TCP
 * segment (header and any payload) of any length:
 *
 *   byte 0   bit 0: fix_csum; bit 1: IPv6 pseudo header (else IPv4);
 *            bit 2: keep the checksum field of the input as it is (else
 *            make it correct first)
 *   byte 1-2 the ceiling
 *   byte 3.. the segment
 *
 * The rewriter always gets a heap buffer of exactly the length it is told,
 * so ASan reports any read or write past either end. Checked on every
 * input (any failure aborts, and libFuzzer keeps the input):
 *
 *  1. mssclamp_scan() and mssclamp_rewrite() agree (verdict and result),
 *     scan writes nothing, and both agree with a reference option walk
 *     written separately here.
 *  2. The verdict does not depend on bytes past the header: the same call
 *     over a buffer of exactly the header's length (data offset * 4) gives
 *     the same verdict and result, and touches nothing outside it.
 *  3. Only the two MSS bytes and, with fix_csum, the two checksum bytes
 *     ever change, and only with the verdict MSSCLAMP_CLAMPED; every other
 *     verdict (malformed input above all) leaves every byte as it was.
 *  4. The MSS is never raised; a clamped MSS is exactly the ceiling, so
 *     never below the family's floor (IPv4 536, IPv6 1220) when the
 *     ceiling is at or above it.
 *  5. With fix_csum and a correct checksum before, the checksum field
 *     equals a full recomputation over a pseudo header and the segment.
 *     With an arbitrary checksum field, the one's complement sum over
 *     pseudo header and segment is the same before and after: a wrong
 *     checksum stays wrong by the same amount, never "repaired". Without
 *     fix_csum the field is untouched.
 *  6. A second run over the result changes nothing: verdict UNCHANGED
 *     after a clamp, otherwise the same verdict, every byte the same.
 *
 * FUZZ_MUTANT (build with -DFUZZ_MUTANT=N) plants a bug between the
 * rewriter and the checks, so tests/fuzz/run.sh can show that the checks
 * catch it: 1 skips the checksum update, 2 writes into the payload, 3
 * raises the MSS of a header it leaves unchanged, 4 reads one byte past
 * the header.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clamp.h"
#include "pkt.h"
#include "uapi/mssclamp.h"

#define CTL_FIX_CSUM	0x01
#define CTL_V6		0x02
#define CTL_RAW_CSUM	0x04
#define PARAM_LEN	3
#define CHECK_OFF	PKT_TCP_CSUM_OFF
#define FLOOR_V4	MSSCLAMP_IPV4_MSS_FLOOR
#define FLOOR_V6	MSSCLAMP_IPV6_MSS_FLOOR

#define FAIL(...) do {							\
		fprintf(stderr, "fuzz_clamp: " __VA_ARGS__);		\
		fputc('\n', stderr);					\
		abort();						\
	} while (0)


/* The sum over the pseudo header and the segment, checksum field included. */
static uint16_t segment_sum(int v6, const uint8_t *seg, size_t len)
{
	return pkt_fold(pkt_sum(pkt_doc_pseudo_sum(v6, len), seg, len));
}

/* The checksum computed from scratch (field taken as zero). */
static uint16_t full_csum(int v6, const uint8_t *seg, size_t len)
{
	return pkt_tcp_csum(pkt_doc_pseudo_sum(v6, len), seg, len);
}

/* 0x0000 and 0xffff are the same number in one's complement. */
static int ones_eq(uint16_t a, uint16_t b)
{
	return a == b || (a == 0 && b == 0xffff) || (a == 0xffff && b == 0);
}

/*
 * The reference: the rules of kmod/clamp.h's header comment, written
 * again without looking at its loop (tests/lib/c/pkt.c). Returns the
 * verdict and the MSS value's offset (0 without one).
 */
static enum mssclamp_verdict ref_scan(const uint8_t *th, size_t len,
				      uint16_t ceiling, unsigned int *mss_at)
{
	int at = pkt_ref_mss_at(th, len);

	*mss_at = 0;
	if (at < 0)
		return MSSCLAMP_MALFORMED;
	if (!at)
		return MSSCLAMP_NO_MSS;
	*mss_at = (unsigned int)at;
	if (pkt_get16(th + at) <= ceiling)
		return MSSCLAMP_UNCHANGED;
	return MSSCLAMP_CLAMPED;
}

static void same_result(const char *what, enum mssclamp_verdict va,
			const struct mssclamp_result *a,
			enum mssclamp_verdict vb,
			const struct mssclamp_result *b)
{
	if (va != vb || a->old_mss != b->old_mss ||
	    a->new_mss != b->new_mss || a->offset != b->offset)
		FAIL("%s: verdict %d (old %u new %u at %u) vs %d (old %u new %u at %u)",
		     what, va, a->old_mss, a->new_mss, a->offset,
		     vb, b->old_mss, b->new_mss, b->offset);
}

static enum mssclamp_verdict rewrite(uint8_t *th, size_t len, uint16_t ceiling,
				     int fix_csum, struct mssclamp_result *res)
{
	enum mssclamp_verdict v;

	v = mssclamp_rewrite(th, len, ceiling, fix_csum, res);
#if defined(FUZZ_MUTANT) && FUZZ_MUTANT == 1
	if (v == MSSCLAMP_CLAMPED && fix_csum)
		th[CHECK_OFF] ^= 0x01;
#elif defined(FUZZ_MUTANT) && FUZZ_MUTANT == 2
	if (v == MSSCLAMP_CLAMPED && len > (th[12] >> 4) * 4u)
		th[len - 1] ^= 0x80;
#elif defined(FUZZ_MUTANT) && FUZZ_MUTANT == 3
	if (v == MSSCLAMP_UNCHANGED && res->old_mss < 0xffff) {
		th[res->offset] = (uint8_t)((res->old_mss + 1) >> 8);
		th[res->offset + 1] = (uint8_t)(res->old_mss + 1);
	}
#elif defined(FUZZ_MUTANT) && FUZZ_MUTANT == 4
	if (v == MSSCLAMP_CLAMPED) {
		volatile uint8_t past = th[(th[12] >> 4) * 4u];
		(void)past;
	}
#endif
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mssclamp_result rs, rw, rh, r2;
	enum mssclamp_verdict vs, vw, vh, vr, v2;
	uint8_t *seg, *orig, *hdr;
	unsigned int mss_at, doff, i;
	uint16_t ceiling, floor;
	int fix, v6, raw;
	size_t len;

	if (size < PARAM_LEN)
		return -1;	/* not worth keeping in the corpus */
	fix = data[0] & CTL_FIX_CSUM;
	v6 = !!(data[0] & CTL_V6);
	raw = data[0] & CTL_RAW_CSUM;
	ceiling = pkt_get16(data + 1);
	floor = v6 ? FLOOR_V6 : FLOOR_V4;
	len = size - PARAM_LEN;

	/* Exactly len bytes: ASan sees any access past the end. */
	seg = malloc(len ? len : 1);
	orig = malloc(len ? len : 1);
	if (!seg || !orig)
		abort();
	memcpy(seg, data + PARAM_LEN, len);
	if (!raw && len >= 20) {
		uint16_t c = full_csum(v6, seg, len);

		seg[CHECK_OFF] = (uint8_t)(c >> 8);
		seg[CHECK_OFF + 1] = (uint8_t)c;
	}
	memcpy(orig, seg, len);

	/* 1. scan, rewrite and the reference agree; scan writes nothing. */
	vs = mssclamp_scan(seg, len, ceiling, &rs);
	if (memcmp(seg, orig, len))
		FAIL("mssclamp_scan() wrote to the header");
	vr = ref_scan(orig, len, ceiling, &mss_at);
	vw = rewrite(seg, len, ceiling, fix, &rw);
	same_result("scan vs rewrite", vs, &rs, vw, &rw);
	if (vw != vr)
		FAIL("verdict %d, the reference says %d", vw, vr);
	if (vw == MSSCLAMP_CLAMPED || vw == MSSCLAMP_UNCHANGED) {
		if (rw.offset != mss_at)
			FAIL("MSS at %u, the reference says %u", rw.offset,
			     mss_at);
		if (rw.old_mss != pkt_get16(orig + mss_at))
			FAIL("old_mss %u, the header has %u", rw.old_mss,
			     pkt_get16(orig + mss_at));
	} else if (rw.offset || rw.old_mss || rw.new_mss) {
		FAIL("verdict %d with a result (old %u new %u at %u)", vw,
		     rw.old_mss, rw.new_mss, rw.offset);
	}

	/* 3. Which bytes changed. */
	for (i = 0; i < len; i++) {
		int mss_byte = vw == MSSCLAMP_CLAMPED &&
			       (i == rw.offset || i == rw.offset + 1u);
		int csum_byte = vw == MSSCLAMP_CLAMPED && fix &&
				(i == CHECK_OFF || i == CHECK_OFF + 1);

		if (seg[i] != orig[i] && !mss_byte && !csum_byte)
			FAIL("verdict %d changed byte %u (0x%02x -> 0x%02x)",
			     vw, i, orig[i], seg[i]);
	}

	/* 4. Never raised; a clamp writes the ceiling, so never below floor. */
	if (vw == MSSCLAMP_CLAMPED || vw == MSSCLAMP_UNCHANGED) {
		uint16_t now = pkt_get16(seg + rw.offset);

		if (now > rw.old_mss)
			FAIL("MSS raised from %u to %u", rw.old_mss, now);
		if (now != rw.new_mss)
			FAIL("MSS in the header %u, result says %u", now,
			     rw.new_mss);
		if (vw == MSSCLAMP_CLAMPED && now != ceiling)
			FAIL("clamped to %u, ceiling %u", now, ceiling);
		if (vw == MSSCLAMP_UNCHANGED && now > ceiling)
			FAIL("MSS %u left above the ceiling %u", now, ceiling);
		if (vw == MSSCLAMP_CLAMPED && ceiling >= floor && now < floor)
			FAIL("MSS %u written below the floor %u", now, floor);
	}

	/* 5. The checksum. */
	if (vw == MSSCLAMP_CLAMPED && fix) {
		if (!raw && pkt_get16(seg + CHECK_OFF) != full_csum(v6, seg, len))
			FAIL("checksum 0x%04x, a full recomputation gives 0x%04x",
			     pkt_get16(seg + CHECK_OFF), full_csum(v6, seg, len));
		if (!ones_eq(segment_sum(v6, seg, len),
			     segment_sum(v6, orig, len)))
			FAIL("the segment's sum moved: 0x%04x before, 0x%04x after",
			     segment_sum(v6, orig, len),
			     segment_sum(v6, seg, len));
	} else if (memcmp(seg + (len >= 18 ? CHECK_OFF : 0),
			  orig + (len >= 18 ? CHECK_OFF : 0),
			  len >= 18 ? 2 : 0)) {
		FAIL("checksum field changed without fix_csum");
	}

	/* 2. Nothing past the header matters, or is touched. */
	doff = len >= 20 ? (orig[12] >> 4) * 4u : 0;
	if (doff >= 20 && doff <= len) {
		hdr = malloc(doff);
		if (!hdr)
			abort();
		memcpy(hdr, orig, doff);
		vh = rewrite(hdr, doff, ceiling, fix, &rh);
		same_result("whole segment vs header alone", vw, &rw, vh, &rh);
		if (memcmp(hdr, seg, doff))
			FAIL("the header alone was rewritten differently");
		free(hdr);
	}

	/* 6. Twice is once. */
	memcpy(orig, seg, len);
	v2 = rewrite(seg, len, ceiling, fix, &r2);
	if (memcmp(seg, orig, len))
		FAIL("a second run changed the header (verdicts %d then %d)",
		     vw, v2);
	if (v2 != (vw == MSSCLAMP_CLAMPED ? MSSCLAMP_UNCHANGED : vw))
		FAIL("a second run gave verdict %d after %d", v2, vw);

	free(orig);
	free(seg);
	return 0;
}
