/*
 * Unit-test helper: a configuration from text, through the real loader
 * (a temporary file, since conf_load reads files). Fails the test when
 * the text does not load.
 */
#ifndef CGW_TESTS_UNIT_CONF_TEXT_H
#define CGW_TESTS_UNIT_CONF_TEXT_H

struct conf;

struct conf	*unit_conf_load(const char *text);

#endif
