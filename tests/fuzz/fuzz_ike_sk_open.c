/*
 * ike_sk_open on arbitrary messages, under fixed keys of one AES-CBC +
 * HMAC and one AES-GCM direction, with the SK payload right after the IKE
 * header and at an offset taken from the input. Also, as a property: the
 * input sealed as the inner payloads must open to itself, and must no
 * longer open once one byte of it is changed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/crypto.h"
#include "lib/ikev2_const.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Random once, fixed here so a crash replays. */
static const uint8_t fuzz_enc_key[36] = {
	0x3b, 0x9e, 0x41, 0x07, 0xd2, 0x6c, 0x88, 0xf5, 0x1a, 0x53, 0xc0, 0x2e,
	0x97, 0x64, 0xbd, 0x0f, 0x72, 0xe9, 0x35, 0xa8, 0x4c, 0x11, 0xfa, 0x86,
	0x5d, 0x20, 0xcb, 0x93, 0x6e, 0x07, 0xb4, 0x58, 0xe1, 0x2a, 0x9f, 0x44,
};
static const uint8_t fuzz_integ_key[32] = {
	0xa7, 0x15, 0x6b, 0xd0, 0x39, 0x8e, 0xf2, 0x04, 0xc6, 0x5b, 0x91, 0x2d,
	0x7e, 0xe3, 0x48, 0xb9, 0x0c, 0x63, 0xd5, 0x1f, 0x84, 0xaa, 0x37, 0xcd,
	0x52, 0x09, 0xee, 0x76, 0x3d, 0xb1, 0x60, 0x9c,
};

static void
fuzz_sk_dirs(struct ike_sk_dir d[2])
{
	memset(d, 0, 2 * sizeof(*d));
	d[0].encr_id = IKEV2_ENCR_AES_CBC;
	d[0].encr_keybits = 128;
	d[0].integ_id = IKEV2_INTEG_HMAC_SHA2_256_128;
	d[0].enc_key = fuzz_enc_key;
	d[0].enc_len = 16;
	d[0].integ_key = fuzz_integ_key;
	d[0].integ_len = 32;
	d[1].encr_id = IKEV2_ENCR_AES_GCM_16;
	d[1].encr_keybits = 256;
	d[1].integ_id = IKEV2_INTEG_NONE;
	d[1].enc_key = fuzz_enc_key;
	d[1].enc_len = 36;
}

/* Seal `data` as the inner payloads, open it, then break one byte. */
static void
fuzz_sk_roundtrip(const struct ike_sk_dir *d, const uint8_t *data, size_t len)
{
	struct wbuf msg, inner;
	size_t at;

	wbuf_init(&msg);
	wbuf_init(&inner);
	wbuf_zero(&msg, IKEV2_HDR_LEN + IKEV2_PLD_HDR_LEN);
	if (ike_sk_seal(d, &msg, IKEV2_HDR_LEN, data, len) != 0) {
		if (len <= 60000)
			abort();	/* only oversized input may be refused */
		goto out;
	}
	if (ike_sk_open(d, msg.p, msg.len, IKEV2_HDR_LEN, &inner) != 0 ||
	    inner.len != len || (len && memcmp(inner.p, data, len) != 0))
		abort();
	/* Anything from the IKE header on is authenticated. */
	at = len ? (data[0] * 257u + data[len - 1]) % msg.len : 0;
	msg.p[at] ^= 0x01;
	wbuf_free(&inner);
	wbuf_init(&inner);
	/* The lengths, when hit, must still be refused, only earlier. */
	if (ike_sk_open(d, msg.p, msg.len, IKEV2_HDR_LEN, &inner) == 0)
		abort();
out:
	wbuf_free(&inner);
	wbuf_free(&msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ike_sk_dir d[2];
	struct wbuf inner;
	size_t i, off;

	fuzz_sk_dirs(d);
	off = len ? data[0] % (len + 8) : 0;
	for (i = 0; i < 2; i++) {
		wbuf_init(&inner);
		ike_sk_open(&d[i], data, len, IKEV2_HDR_LEN, &inner);
		wbuf_free(&inner);
		wbuf_init(&inner);
		ike_sk_open(&d[i], data, len, off, &inner);
		wbuf_free(&inner);
		fuzz_sk_roundtrip(&d[i], data, len);
	}
	return 0;
}
