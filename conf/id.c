/*
 * IKE identities in the configuration: `local-id` / `remote-id` values
 * to struct conf_id and back. One spelling per type so printconf round
 * trips: an address, @fqdn (or a bare name with a letter in it), or
 * keyid:HEX.
 */
#include <stdio.h>
#include <string.h>

#include "conf/conf_priv.h"
#include "lib/ikev2_const.h"

#define CONF_ID_KEYID_PREFIX	"keyid:"

static int
conf_id_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Host names as DNS spells them, plus '_' (seen in lab names). */
static bool
conf_id_fqdn_ok(const char *s, size_t len)
{
	if (len == 0 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'))
			return false;
		if (c == '.' && i + 1 < len && s[i + 1] == '.')
			return false;
	}
	return true;
}

static bool
conf_id_has_letter(const char *s)
{
	for (; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			return true;
	return false;
}

int
conf_id_parse(const char *s, struct conf_id *id, char *err, size_t errlen)
{
	static const char allowed[] = "allowed: an IPv4 or IPv6 address, "
	    "@name or a host name (FQDN), or keyid:HEX";
	size_t plen = strlen(CONF_ID_KEYID_PREFIX);
	struct cgw_addr a;
	const char *name;
	size_t n;

	memset(id, 0, sizeof(*id));
	if (strncmp(s, CONF_ID_KEYID_PREFIX, plen) == 0) {
		const char *h = s + plen;

		n = strlen(h);
		if (n == 0 || n % 2 != 0) {
			snprintf(err, errlen, "key id needs an even, non-zero "
			    "number of hex digits; %s", allowed);
			return -1;
		}
		if (n / 2 > CONF_ID_MAX) {
			snprintf(err, errlen, "key id longer than %d bytes",
			    CONF_ID_MAX);
			return -1;
		}
		for (size_t i = 0; i < n; i += 2) {
			int hi = conf_id_hexval(h[i]), lo = conf_id_hexval(h[i + 1]);

			if (hi < 0 || lo < 0) {
				snprintf(err, errlen, "key id has a non-hex "
				    "digit; %s", allowed);
				return -1;
			}
			id->data[i / 2] = (uint8_t)(hi << 4 | lo);
		}
		id->type = IKEV2_ID_KEY_ID;
		id->len = n / 2;
		return 0;
	}
	if (s[0] != '@' && addr_parse(s, &a)) {
		id->type = a.af == AF_INET6 ? IKEV2_ID_IPV6_ADDR :
		    IKEV2_ID_IPV4_ADDR;
		id->len = addr_len(&a);
		memcpy(id->data, a.bytes, id->len);
		return 0;
	}
	/* Without '@' a name needs a letter: a mistyped address such as
	 * 192.0.2.300 must not silently become a name. */
	if (s[0] != '@' && !conf_id_has_letter(s)) {
		snprintf(err, errlen, "not an address nor a name; %s", allowed);
		return -1;
	}
	name = s[0] == '@' ? s + 1 : s;
	n = strlen(name);
	if (n > CONF_ID_MAX) {
		snprintf(err, errlen, "name longer than %d characters",
		    CONF_ID_MAX);
		return -1;
	}
	if (!conf_id_fqdn_ok(name, n)) {
		snprintf(err, errlen, "not a host name; %s (a name: letters, "
		    "digits, '-', '_' and dots)", allowed);
		return -1;
	}
	id->type = IKEV2_ID_FQDN;
	id->len = n;
	memcpy(id->data, name, n);
	return 0;
}

const char *
conf_id_fmt(const struct conf_id *id, char *buf, size_t len)
{
	struct cgw_addr a;
	size_t o = 0;
	int n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	switch (id->type) {
	case IKEV2_ID_IPV4_ADDR:
	case IKEV2_ID_IPV6_ADDR:
		memset(&a, 0, sizeof(a));
		a.af = id->type == IKEV2_ID_IPV4_ADDR ? AF_INET : AF_INET6;
		if (id->len != addr_len(&a))
			break;
		memcpy(a.bytes, id->data, id->len);
		if (len >= CGW_ADDRSTRLEN)
			return addr_fmt(&a, buf, len);
		return buf;
	case IKEV2_ID_FQDN:
		n = snprintf(buf, len, "@");
		o = n > 0 ? (size_t)n : 0;
		for (size_t i = 0; i < id->len && o < len; i++) {
			uint8_t c = id->data[i];

			if (c > 0x20 && c < 0x7f && c != '\\' && c != '"')
				n = snprintf(buf + o, len - o, "%c", c);
			else
				n = snprintf(buf + o, len - o, "\\x%02x", c);
			if (n < 0)
				break;
			o += (size_t)n;
		}
		return buf;
	case 0:
		snprintf(buf, len, "(unset)");
		return buf;
	default:
		break;
	}
	if (id->type == IKEV2_ID_KEY_ID)
		n = snprintf(buf, len, CONF_ID_KEYID_PREFIX);
	else
		n = snprintf(buf, len, "type%u:", id->type);
	o = n > 0 ? (size_t)n : 0;
	for (size_t i = 0; i < id->len && o < len; i++) {
		if ((n = snprintf(buf + o, len - o, "%02x", id->data[i])) < 0)
			break;
		o += (size_t)n;
	}
	return buf;
}
