/*
 * conf_load on arbitrary bytes: the input becomes a file (conf_load reads
 * paths), problems are printed to /dev/null so the formatting runs too,
 * and a loaded config is printed back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char path[] = "/tmp/cgw-fuzz-conf-XXXXXX";
	struct conf_problems probs;
	struct conf *conf;
	int fd;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if ((fd = mkstemp(path)) == -1)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	TAILQ_INIT(&probs);
	conf = conf_load(path, &probs);
	conf_problems_print(devnull, &probs);
	if (conf != NULL) {
		/* what loads once must have every tunnel findable */
		struct conf_vpn *v;
		struct conf_tunnel *t;

		conf_print(devnull, conf);
		TAILQ_FOREACH(v, &conf->vpns, entry)
			TAILQ_FOREACH(t, &v->tunnels, entry)
				if (conf_tunnel_find(conf, t->fullname) == NULL)
					abort();
	}
	conf_free(conf);
	conf_problems_free(&probs);
	unlink(path);
	return 0;
}
