/*
 * Test-only: a Diffie-Hellman key from a fixed private value, so unit
 * tests can check the known-answer vectors of RFC 5114, 5903 and 7748.
 * The daemon never includes this header; it uses ike_dh_new().
 *
 * `priv` is big-endian for MODP and ECP (RFC 5114/5903 notation) and the
 * raw 32-byte scalar for X25519 (RFC 7748).
 */
#ifndef CGW_IKE_DH_TEST_H
#define CGW_IKE_DH_TEST_H

#include <stddef.h>
#include <stdint.h>

struct ike_dh;

struct ike_dh	*ike_dh_new_with_private(uint16_t group, const uint8_t *priv,
		    size_t len);

#endif
