/*
 * The kernel helper's side of privsep/ps_wire.c on arbitrary bytes, as a
 * hostile main process would send them: a request that decodes must
 * encode back to the very same bytes (one encoding per message, so no
 * field is read twice or skipped) and go through the helper's rules
 * against a configuration without harm; any bytes also go through the
 * main process's reply decoder for every request type.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "privsep/ps_check.h"
#include "privsep/ps_wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_conf[] =
    "asn 65000\n"
    "router-id 192.0.2.10\n"
    "vpn \"v\" {\n"
    "    local 192.0.2.10\n"
    "    tunnel \"t1\" { remote 198.51.100.1 inside 169.254.21.2/30 "
    "psk \"Tunnel1Secret_abc\" interface aws1 }\n"
    "    tunnel \"t2\" { remote 198.51.100.2 inside 169.254.22.2/30 "
    "psk \"Tunnel2Secret_abc\" }\n"
    "}\n";

static struct ps_policy *
fuzz_policy(void)
{
	static struct ps_policy p;
	static bool done;
	char path[] = "/tmp/cgw-fuzz-ps-XXXXXX";
	struct conf_problems probs;
	int fd;

	if (done)
		return &p;
	done = true;
	if ((fd = mkstemp(path)) == -1 ||
	    write(fd, fuzz_conf, sizeof(fuzz_conf) - 1) !=
	    (ssize_t)(sizeof(fuzz_conf) - 1))
		abort();
	close(fd);
	TAILQ_INIT(&probs);
	if ((p.conf = conf_load(path, &probs)) == NULL)
		abort();
	conf_problems_free(&probs);
	unlink(path);
	ps_policy_iface_add(&p, "aws1", 7, XFRM_IFID(0));
	return &p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[PS_MSG_MAX];
	struct ps_policy *p = fuzz_policy();
	struct ps_msg m;
	struct ps_reply r;
	char why[256];
	size_t n;

	if (ps_msg_decode(&m, data, size) == 0) {
		n = ps_msg_encode(&m, again, sizeof(again));
		if (n != size || memcmp(again, data, size) != 0)
			abort();
		(void)ps_check(p, &m, why, sizeof(why));
		ps_policy_name_note(p, &m);
		ps_msg_clear(&m);
	}
	for (unsigned t = 0; t < PS_TYPE_MAX; t++)
		if (ps_reply_decode(&r, t, data, size) == 0)
			ps_reply_clear(&r);
	return 0;
}
