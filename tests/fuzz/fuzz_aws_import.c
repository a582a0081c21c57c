/*
 * conf_aws_import on arbitrary bytes (XML or JSON, chosen by the first
 * character as the importer does). Whatever it accepts must be a
 * configuration conf_load accepts too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/aws_import.h"
#include "conf/conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[] = "/tmp/cgw-fuzz-aws-in-XXXXXX";
	char out[] = "/tmp/cgw-fuzz-aws-out-XXXXXX";
	struct conf_aws_opts opts = { .quiet = true };
	struct conf_problems probs;
	struct conf *conf;
	char err[512];
	FILE *f;
	int fd, ofd, rc;

	if ((fd = mkstemp(in)) == -1 || (ofd = mkstemp(out)) == -1)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	if ((f = fdopen(ofd, "w")) == NULL)
		abort();
	rc = conf_aws_import(in, &opts, f, err, sizeof(err));
	fclose(f);
	if (rc == 0) {
		TAILQ_INIT(&probs);
		conf = conf_load(out, &probs);
		/* AWS-valid values can still break our rules (e.g. a
		 * reserved inside /30), but never the grammar */
		for (struct conf_problem *p = TAILQ_FIRST(&probs); p != NULL;
		    p = TAILQ_NEXT(p, entry))
			if (strstr(p->msg, "syntax error") != NULL)
				abort();
		conf_free(conf);
		conf_problems_free(&probs);
	} else if (err[0] == '\0')
		abort();	/* a failure always says why */
	unlink(in);
	unlink(out);
	return 0;
}
