// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: the nftables ruleset, read with libnftnl (see nftables.h),
 * and the walk of the two ICMP errors through its chains; what each rule
 * does is nftrules.c's to say.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "bytes.h"
#include "grow.h"
#include "nftables.h"
#include "nlsock.h"

/* ------------------------------------------------------------------ */
/* Names                                                                */

const char *nft_family_name(uint32_t family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	}
	return "unknown";
}

const char *nft_hook_name(uint32_t family, uint32_t hook)
{
	static const char *const inet[] = {
		[NF_INET_PRE_ROUTING] = "prerouting",
		[NF_INET_LOCAL_IN] = "input",
		[NF_INET_FORWARD] = "forward",
		[NF_INET_LOCAL_OUT] = "output",
		[NF_INET_POST_ROUTING] = "postrouting",
		[NF_INET_INGRESS] = "ingress",
	};

	if (family == NFPROTO_NETDEV)
		return hook == NF_NETDEV_INGRESS ? "ingress" :
		       hook == 1 ? "egress" : "unknown";
	if (family == NFPROTO_ARP)
		return hook == 0 ? "input" : hook == 1 ? "output" :
		       hook == 2 ? "forward" : "unknown";
	return hook < sizeof(inet) / sizeof(inet[0]) && inet[hook] ?
	       inet[hook] : "unknown";
}

/* ------------------------------------------------------------------ */
/* The ruleset: chains and walks                                        */

size_t nft_chain_find(const struct nft_ruleset *rs, uint32_t family,
		      const char *table, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nchains; i++) {
		const struct nft_chain *c = &rs->chains[i];

		if (c->family == family && !strcmp(c->table, table) &&
		    !strcmp(c->name, name))
			return i;
	}
	return SIZE_MAX;
}

/* The chain rule @rule jumps or goes to, or SIZE_MAX. */
static size_t rule_target(const struct nft_ruleset *rs, size_t rule)
{
	const struct nft_rule *ru = &rs->rules[rule];
	const struct nft_chain *c = &rs->chains[ru->chain];
	const char *name = nft_rule_jump(ru->r);

	return name ? nft_chain_find(rs, c->family, c->table, name) : SIZE_MAX;
}

size_t nft_chain_base(const struct nft_ruleset *rs, size_t chain)
{
	size_t *queue, head = 0, tail = 0, i, found = SIZE_MAX;
	bool *seen;

	if (chain >= rs->nchains)
		return SIZE_MAX;
	if (rs->chains[chain].base)
		return chain;
	queue = calloc(rs->nchains, sizeof(*queue));
	seen = calloc(rs->nchains, sizeof(*seen));
	if (!queue || !seen)
		goto out;
	/* Backwards from @chain, breadth first: the nearest base chain. */
	queue[tail++] = chain;
	seen[chain] = true;
	while (head < tail && found == SIZE_MAX) {
		size_t to = queue[head++];

		for (i = 0; i < rs->nrules && found == SIZE_MAX; i++) {
			size_t from = rs->rules[i].chain;

			if (seen[from] || rule_target(rs, i) != to)
				continue;
			if (rs->chains[from].base)
				found = from;
			seen[from] = true;
			queue[tail++] = from;
		}
	}
out:
	free(queue);
	free(seen);
	return found;
}

#define WALK_DEPTH	16	/* nf_tables allows 16 jumps (NFT_JUMP_STACK_SIZE) */

enum walk_end {
	WALK_END,			/* fell off the end of the chain */
	WALK_RETURN,			/* a rule returned, for every packet */
	WALK_STOP,			/* a verdict for every packet */
};

struct walk {
	const struct nft_ruleset *rs;
	enum nft_candidate c;
	size_t base;
	bool *reported;			/* per rule */
	void (*cb)(const struct nft_ruleset *rs, const struct nft_drop *drop,
		   void *data);
	void *data;
};

static enum walk_end walk_chain(struct walk *w, size_t chain, bool icmp,
				int depth)
{
	const struct nft_chain *ch = &w->rs->chains[chain];
	size_t i;

	if (depth > WALK_DEPTH)
		return WALK_END;
	for (i = ch->first; i < ch->first + ch->nrules; i++) {
		struct nft_eval ev;
		bool all, specific;
		size_t to;
		enum walk_end end;

		nft_rule_eval(w->rs->rules[i].r, w->c, &w->rs->sets, &ev);
		if (ev.match == NFT_MATCH_NO)
			continue;
		all = ev.match == NFT_MATCH_YES;
		specific = icmp || ev.icmp;
		switch (ev.verdict) {
		case NFT_VERDICT_DROP:
			if (specific && !w->reported[i]) {
				struct nft_drop d = {
					.c = w->c, .rule = i, .base = w->base,
					.may = !all, .reject = ev.reject,
				};

				w->reported[i] = true;
				w->cb(w->rs, &d, w->data);
			}
			if (all)
				return WALK_STOP;
			break;
		case NFT_VERDICT_ACCEPT:
		case NFT_VERDICT_OTHER:
			if (all)
				return WALK_STOP;
			break;
		case NFT_VERDICT_RETURN:
			if (all)
				return WALK_RETURN;
			break;
		case NFT_VERDICT_JUMP:
		case NFT_VERDICT_GOTO:
			to = rule_target(w->rs, i);
			if (to == SIZE_MAX)
				break;
			end = walk_chain(w, to, specific, depth + 1);
			/* After a goto, the base chain's policy: no more rules. */
			if (all && (end == WALK_STOP ||
				    ev.verdict == NFT_VERDICT_GOTO))
				return WALK_STOP;
			break;
		case NFT_VERDICT_NONE:
			break;
		}
	}
	return WALK_END;
}

void nft_walk_drops(const struct nft_ruleset *rs,
		    void (*cb)(const struct nft_ruleset *rs,
			       const struct nft_drop *drop, void *data),
		    void *data)
{
	struct walk w = { .rs = rs, .cb = cb, .data = data };
	size_t i;
	int c;

	w.reported = calloc(rs->nrules + 1, sizeof(*w.reported));
	if (!w.reported)
		return;
	for (c = 0; c < NFT_CANDIDATES; c++) {
		w.c = c;
		memset(w.reported, 0, (rs->nrules + 1) * sizeof(*w.reported));
		for (i = 0; i < rs->nchains; i++) {
			if (!rs->chains[i].base ||
			    !nft_family_sees(rs->chains[i].family, c))
				continue;
			w.base = i;
			walk_chain(&w, i, false, 0);
		}
	}
	free(w.reported);
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */

struct reader {
	struct nlsock *sk;
	struct nft_ruleset *rs;
	struct nftnl_set *cur_set;	/* GETSETELEM: the set being read */
	uint32_t gen;			/* GETGEN's answer */
};

static void copy_str(char *to, size_t size, const char *from)
{
	snprintf(to, size, "%s", from ? from : "");
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reader *rd = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nft_chain *ch;

	if (!c)
		goto nomem;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return MNL_CB_OK;
	}
	ch = grow(&rd->rs->chains, &rd->rs->nchains, sizeof(*ch));
	if (!ch) {
		nftnl_chain_free(c);
		goto nomem;
	}
	ch->family = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	copy_str(ch->table, sizeof(ch->table),
		 nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
	copy_str(ch->name, sizeof(ch->name),
		 nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	ch->base = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM);
	ch->hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
	ch->prio = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
	ch->policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) ?
		     nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) : NF_ACCEPT;
	nftnl_chain_free(c);
	return MNL_CB_OK;
nomem:
	errno = ENOMEM;
	return MNL_CB_ERROR;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reader *rd = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nft_rule *ru;

	if (!r)
		goto nomem;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return MNL_CB_OK;
	}
	ru = grow(&rd->rs->rules, &rd->rs->nrules, sizeof(*ru));
	if (!ru) {
		nftnl_rule_free(r);
		goto nomem;
	}
	ru->r = r;
	ru->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	return MNL_CB_OK;
nomem:
	errno = ENOMEM;
	return MNL_CB_ERROR;
}

static int flowtable_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reader *rd = data;
	struct nftnl_flowtable *f = nftnl_flowtable_alloc();
	struct nft_flowtable *ft;
	const char *const *devs;
	size_t len = 0;
	int i;

	if (!f)
		goto nomem;
	if (nftnl_flowtable_nlmsg_parse(nlh, f) < 0) {
		nftnl_flowtable_free(f);
		return MNL_CB_OK;
	}
	ft = grow(&rd->rs->flowtables, &rd->rs->nflowtables, sizeof(*ft));
	if (!ft) {
		nftnl_flowtable_free(f);
		goto nomem;
	}
	ft->family = nftnl_flowtable_get_u32(f, NFTNL_FLOWTABLE_FAMILY);
	copy_str(ft->table, sizeof(ft->table),
		 nftnl_flowtable_get_str(f, NFTNL_FLOWTABLE_TABLE));
	copy_str(ft->name, sizeof(ft->name),
		 nftnl_flowtable_get_str(f, NFTNL_FLOWTABLE_NAME));
	ft->hook = nftnl_flowtable_get_u32(f, NFTNL_FLOWTABLE_HOOKNUM);
	ft->prio = nftnl_flowtable_get_s32(f, NFTNL_FLOWTABLE_PRIO);
	devs = nftnl_flowtable_is_set(f, NFTNL_FLOWTABLE_DEVICES) ?
	       nftnl_flowtable_get_array(f, NFTNL_FLOWTABLE_DEVICES) : NULL;
	for (i = 0; devs && devs[i] && len < sizeof(ft->devices); i++)
		len += snprintf(ft->devices + len, sizeof(ft->devices) - len,
				"%s%s", i ? " " : "", devs[i]);
	nftnl_flowtable_free(f);
	return MNL_CB_OK;
nomem:
	errno = ENOMEM;
	return MNL_CB_ERROR;
}

/* Sets: only those whose keys a candidate's byte can be looked up in. */
static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reader *rd = data;
	struct nftnl_set *s = nftnl_set_alloc();
	uint32_t klen;

	if (!s)
		goto nomem;
	if (nftnl_set_nlmsg_parse(nlh, s) < 0) {
		nftnl_set_free(s);
		return MNL_CB_OK;
	}
	klen = nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN);
	if (klen == 1 || klen == 2) {
		struct nft_set *set;

		set = nft_sets_add(&rd->rs->sets,
				   nftnl_set_get_u32(s, NFTNL_SET_FAMILY),
				   nftnl_set_get_str(s, NFTNL_SET_TABLE) ?: "",
				   nftnl_set_get_str(s, NFTNL_SET_NAME) ?: "",
				   klen);
		if (!set) {
			nftnl_set_free(s);
			goto nomem;
		}
		set->flags = nftnl_set_get_u32(s, NFTNL_SET_FLAGS);
	}
	nftnl_set_free(s);
	return MNL_CB_OK;
nomem:
	errno = ENOMEM;
	return MNL_CB_ERROR;
}

static int elem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reader *rd = data;

	nftnl_set_elems_nlmsg_parse(nlh, rd->cur_set);
	return MNL_CB_OK;
}

struct key {
	uint32_t k, end;
	bool has_end;			/* KEY_END: a closed range */
	bool interval_end;		/* NFT_SET_ELEM_INTERVAL_END */
};

/* By key; at the same key, the end of one range before the next start. */
static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return (int)y->interval_end - (int)x->interval_end;
}

/*
 * The elements of @from, as ranges of @set. An interval set lists each
 * range as its start and, flagged INTERVAL_END, the first key past it (the
 * end of a range that runs to the largest key is left out); a set that
 * stores ranges whole gives them a KEY_END; any other element is one key.
 */
static int set_ranges(const struct nftnl_set *from, struct nft_set *set)
{
	uint32_t max = set->key_len == 1 ? 0xff : 0xffff;
	bool interval = set->flags & NFT_SET_INTERVAL;
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *el;
	struct key *keys = NULL;
	size_t n = 0, i;
	int ret = 0;

	it = nftnl_set_elems_iter_create(from);
	if (!it)
		return -1;
	for (el = nftnl_set_elems_iter_cur(it); el;
	     el = nftnl_set_elems_iter_next(it)) {
		uint32_t len = 0, elen = 0;
		const uint8_t *k = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY,
						      &len);
		const uint8_t *e = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY_END,
						      &elen);
		struct key *kk;

		if (!k || len < set->key_len)
			continue;
		kk = grow(&keys, &n, sizeof(*keys));
		if (!kk) {
			ret = -1;
			break;
		}
		kk->k = be_number(k, set->key_len);
		if (e && elen >= set->key_len) {
			kk->end = be_number(e, set->key_len);
			kk->has_end = true;
		}
		if (nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_FLAGS))
			kk->interval_end = nftnl_set_elem_get_u32(el,
					NFTNL_SET_ELEM_FLAGS) &
					NFT_SET_ELEM_INTERVAL_END;
	}
	nftnl_set_elems_iter_destroy(it);
	if (ret == 0 && n)
		qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 0; i < n && ret == 0; i++) {
		const struct key *k = &keys[i];

		if (k->interval_end)
			continue;
		if (k->has_end)
			ret = nft_set_add_range(set, k->k, k->end);
		else if (!interval)
			ret = nft_set_add_range(set, k->k, k->k);
		else if (i + 1 < n && keys[i + 1].interval_end)
			ret = nft_set_add_range(set, k->k, keys[i + 1].k - 1);
		else
			ret = nft_set_add_range(set, k->k, max);
	}
	free(keys);
	return ret;
}

/* One request and its answer, every message to @cb; 0, or -1 with errno. */
static int talk(struct reader *rd, struct nlmsghdr *nlh, mnl_cb_t cb)
{
	struct nlsock_err err;
	int ret = nlsock_talk(rd->sk, nlh, cb, rd, &err);

	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

static int dump(struct reader *rd, uint16_t msg, mnl_cb_t cb)
{
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(nlsock_buf(rd->sk), msg,
						      NFPROTO_UNSPEC,
						      NLM_F_DUMP, 0);

	return talk(rd, nlh, cb);
}

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reader *rd = data;
	struct nftnl_gen *g = nftnl_gen_alloc();

	if (!g) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	if (nftnl_gen_nlmsg_parse(nlh, g) == 0)
		rd->gen = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	nftnl_gen_free(g);
	return MNL_CB_OK;
}

/* The ruleset's generation; -1 with errno on failure. */
static int generation(struct reader *rd, uint32_t *id)
{
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(nlsock_buf(rd->sk), NFT_MSG_GETGEN,
						      NFPROTO_UNSPEC,
						      NLM_F_ACK, 0);

	rd->gen = 0;
	if (talk(rd, nlh, gen_cb) < 0)
		return -1;
	*id = rd->gen;
	return 0;
}

static int read_elements(struct reader *rd)
{
	size_t i;

	for (i = 0; i < rd->rs->sets.n; i++) {
		struct nft_set *set = &rd->rs->sets.sets[i];
		struct nlmsghdr *nlh;
		int ret;

		rd->cur_set = nftnl_set_alloc();
		if (!rd->cur_set) {
			errno = ENOMEM;
			return -1;
		}
		nftnl_set_set_str(rd->cur_set, NFTNL_SET_TABLE, set->table);
		nftnl_set_set_str(rd->cur_set, NFTNL_SET_NAME, set->name);
		nlh = nftnl_nlmsg_build_hdr(nlsock_buf(rd->sk), NFT_MSG_GETSETELEM,
					    set->family, NLM_F_DUMP, 0);
		nftnl_set_elems_nlmsg_build_payload(nlh, rd->cur_set);
		ret = talk(rd, nlh, elem_cb);
		if (ret == 0)
			ret = set_ranges(rd->cur_set, set);
		nftnl_set_free(rd->cur_set);
		rd->cur_set = NULL;
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* Give each rule its chain and each chain its run of rules. */
static void index_rules(struct nft_ruleset *rs)
{
	size_t i, j, kept = 0;

	for (i = 0; i < rs->nrules; i++) {
		struct nft_rule ru = rs->rules[i];
		const char *table = nftnl_rule_get_str(ru.r, NFTNL_RULE_TABLE);
		const char *chain = nftnl_rule_get_str(ru.r, NFTNL_RULE_CHAIN);

		ru.chain = nft_chain_find(rs,
					  nftnl_rule_get_u32(ru.r,
							     NFTNL_RULE_FAMILY),
					  table ? table : "",
					  chain ? chain : "");
		if (ru.chain == SIZE_MAX) {
			nftnl_rule_free(ru.r);
			continue;
		}
		/* Stable, by chain: a chain's rules keep the dump's order. */
		for (j = kept; j > 0 && rs->rules[j - 1].chain > ru.chain; j--)
			rs->rules[j] = rs->rules[j - 1];
		rs->rules[j] = ru;
		kept++;
	}
	rs->nrules = kept;
	for (i = 0; i < rs->nrules; i++) {
		struct nft_chain *c = &rs->chains[rs->rules[i].chain];

		if (!c->nrules)
			c->first = i;
		c->nrules++;
	}
}

/* Is nf_tables in this kernel, as a loaded module or built in? */
static bool have_nf_tables(void)
{
	char path[512], line[512];
	struct utsname u;
	bool found = false;
	FILE *f;

	if (access("/sys/module/nf_tables", F_OK) == 0)
		return true;
	if (uname(&u) < 0)
		return true;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin",
		 u.release);
	f = fopen(path, "r");
	if (!f)
		return true;		/* cannot tell: ask */
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "/nf_tables.ko") != NULL;
	fclose(f);
	return found;
}

static int read_once(struct nft_ruleset *rs, struct reader *rd)
{
	uint32_t before, after;

	if (generation(rd, &before) < 0 ||
	    dump(rd, NFT_MSG_GETCHAIN, chain_cb) < 0 ||
	    dump(rd, NFT_MSG_GETRULE, rule_cb) < 0 ||
	    dump(rd, NFT_MSG_GETFLOWTABLE, flowtable_cb) < 0 ||
	    dump(rd, NFT_MSG_GETSET, set_cb) < 0 ||
	    read_elements(rd) < 0 || generation(rd, &after) < 0)
		return -1;
	if (before != after) {
		errno = EINTR;
		return -1;
	}
	index_rules(rs);
	return 0;
}

/*
 * The ruleset spans several dumps: it is consistent when the generation
 * is the same before and after them. A generation that moved, or a dump
 * the kernel marked NLM_F_DUMP_INTR (nlsock.c), reads the whole again,
 * up to NLSOCK_TRIES times.
 */
int nft_read(struct nft_ruleset *rs)
{
	struct reader rd = { .rs = rs };
	struct nlsock_err err;
	int tries, ret = -1, saved = 0;

	memset(rs, 0, sizeof(*rs));
	if (!have_nf_tables()) {
		errno = ENOENT;
		return -1;
	}
	for (tries = 0; tries < NLSOCK_TRIES; tries++) {
		rd.sk = nlsock_open(NETLINK_NETFILTER, &err);
		if (!rd.sk) {
			saved = err.error == EPROTONOSUPPORT ? ENOENT :
							       err.error;
			break;
		}
		ret = read_once(rs, &rd);
		saved = errno;
		nlsock_close(rd.sk);
		if (ret == 0 || saved != EINTR)
			break;
		nft_free(rs);
	}
	errno = saved;
	return ret;
}

void nft_free(struct nft_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->nrules; i++)
		nftnl_rule_free(rs->rules[i].r);
	free(rs->rules);
	free(rs->chains);
	free(rs->flowtables);
	nft_sets_free(&rs->sets);
	memset(rs, 0, sizeof(*rs));
}
