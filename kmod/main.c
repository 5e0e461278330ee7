// SPDX-License-Identifier: GPL-2.0
/*
 * mssclamp: module init and exit. The per-namespace state lives in
 * pernet.c, the hooks in hooks.c, the control plane in netlink.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>

#include "mssclamp.h"

static int __init mssclamp_init(void)
{
	int err;

	err = mssclamp_pernet_init();
	if (err)
		return err;
	err = mssclamp_genl_init();
	if (err) {
		mssclamp_pernet_exit();
		return err;
	}
	pr_debug("version %s loaded\n", MSSCLAMP_VERSION);
	return 0;
}

/*
 * The family goes first: genl_unregister_family() takes genl_lock_all(),
 * which waits for requests in flight (genl_rcv() holds cb_lock for
 * reading), so no request runs once the state starts going, and a dump
 * still in progress holds a reference on this module (the netlink core
 * takes it for the dump's .module in __netlink_dump_start()), so exit
 * cannot start under it. Then the netdevice notifier goes, told first
 * to ignore the events its unregistration replays, and the state goes in
 * two steps (mssclamp_pernet_exit(), pernet.c). Replaced configurations
 * are freed with kfree_rcu(), which runs no code of this module, so
 * nothing needs waiting for after that.
 */
static void __exit mssclamp_exit(void)
{
	mssclamp_genl_exit();
	mssclamp_pernet_exit();
}

module_init(mssclamp_init);
module_exit(mssclamp_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The mssclamp authors");
MODULE_DESCRIPTION("TCP MSS clamping for IPv4 and IPv6, per network namespace");
MODULE_VERSION(MSSCLAMP_VERSION);
MODULE_ALIAS_GENL_FAMILY(MSSCLAMP_GENL_NAME);
