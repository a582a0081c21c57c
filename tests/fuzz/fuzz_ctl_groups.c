/*
 * ctl_groups_parse on arbitrary bytes: the Groups: line of a client's
 * /proc/PID/status decides its control socket role. It must never read
 * past the input nor write past `max`, and return -1 or a count <= max.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ctl_roles.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	gid_t g[5];
	char *copy;
	int n;

	/* An exact-size copy: a read past the end is ASan's to see. */
	if ((copy = malloc(len ? len : 1)) == NULL)
		return 0;
	memcpy(copy, data, len);
	g[4] = (gid_t)0xdeadbeef;
	n = ctl_groups_parse(copy, len, g, 4);
	if (n < -1 || n > 4 || g[4] != (gid_t)0xdeadbeef)
		abort();
	free(copy);
	return 0;
}
