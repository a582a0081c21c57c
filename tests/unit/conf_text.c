#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "tests/unit/conf_text.h"

struct conf *
unit_conf_load(const char *text)
{
	struct conf_problems problems;
	char path[] = "/tmp/cgw-test-conf.XXXXXX";
	struct conf *conf;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	TAILQ_INIT(&problems);
	conf = conf_load(path, &problems);
	unlink(path);
	if (conf == NULL) {
		conf_problems_print(stderr, &problems);
		fail_msg("config did not load");
	}
	conf_problems_free(&problems);
	return conf;
}
