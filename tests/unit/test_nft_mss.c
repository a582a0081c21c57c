/*
 * nft/mss.c's batch, without a kernel: framed by BATCH_BEGIN/END, one
 * acknowledged message per table, chain and rule, the interface name and
 * the MSS in each rule, and nothing when the buffer is too small.
 * tests/system/mss_clamp.sh checks what the kernel makes of it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "nft/mss.h"

static char buf[64 * 1024];

static size_t
count_type(size_t len, uint16_t type)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int rem = (int)len;
	size_t n = 0;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem))
		if (type == 0 || (nlh->nlmsg_type & 0xff) == type)
			n++;
	assert_int_equal(rem, 0);	/* the messages fill it exactly */
	return n;
}

static bool
has_bytes(size_t len, const void *what, size_t n)
{
	return memmem(buf, len, what, n) != NULL;
}

static void
test_nft_mss_batch(void **state)
{
	struct nft_mss_if ifs[2] = { { "cgw0", 1379 }, { "cgw-long.name", 1300 } };
	uint16_t mss = htons(1300);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	size_t len, nacks;

	(void)state;
	len = nft_mss_batch(ifs, 2, 100, buf, sizeof(buf), &nacks);
	assert_true(len > 0);
	assert_int_equal(nlh->nlmsg_type, NFNL_MSG_BATCH_BEGIN);
	/* begin, 3 tables, 2 chains, 3 rules per interface, end */
	assert_int_equal(count_type(len, 0), 1 + 3 + 2 + 6 + 1);
	assert_int_equal(nacks, 3 + 2 + 6);
	assert_int_equal(count_type(len, NFT_MSG_NEWRULE), 6);
	assert_int_equal(count_type(len, NFT_MSG_DELTABLE), 1);
	/* the whole IFNAMSIZ, NUL padded, as the kernel compares it */
	assert_true(has_bytes(len, "cgw-long.name\0\0\0", 16));
	assert_true(has_bytes(len, &mss, 2));

	/* none: the table created and deleted, nothing else */
	len = nft_mss_batch(NULL, 0, 1, buf, sizeof(buf), &nacks);
	assert_true(len > 0);
	assert_int_equal(nacks, 2);
	assert_int_equal(count_type(len, NFT_MSG_NEWRULE), 0);

	/* too small a buffer: nothing, not half a batch, nothing written
	 * past it */
	{
		struct nft_mss_if many[40];

		for (size_t i = 0; i < 40; i++) {
			snprintf(many[i].ifname, sizeof(many[i].ifname),
			    "cgw%zu", i);
			many[i].mss = 1379;
		}
		memset(buf, 0xaa, sizeof(buf));
		assert_int_equal(nft_mss_batch(many, 40, 1, buf, 9000, &nacks),
		    0);
		for (size_t i = 9000; i < sizeof(buf); i++)
			assert_int_equal((unsigned char)buf[i], 0xaa);
		assert_int_equal(nft_mss_batch(ifs, 2, 1, buf, 600, &nacks), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nft_mss_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
