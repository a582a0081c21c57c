/*
 * The vocabulary between IKE and the kernel: which ESP algorithm an IKE
 * transform set means to the kernel, how KEYMAT splits into keys, and the
 * complete description of one negotiated CHILD SA that ike/ hands to the
 * daemon and the daemon hands to xfrm/.
 */
#ifndef CGW_ESP_ESP_H
#define CGW_ESP_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

#define ESP_MAX_ENC_KEY		36	/* AES-256 + 4-byte GCM salt */
#define ESP_MAX_AUTH_KEY	64	/* HMAC-SHA2-512 */
#define ESP_DEFAULT_REPLAY	1024

/* One ESP algorithm suite as IKE names it and as the kernel names it. */
struct esp_alg {
	uint16_t	 encr_id;	/* IKEV2_ENCR_* */
	uint16_t	 encr_keybits;	/* 128/192/256 */
	uint16_t	 integ_id;	/* IKEV2_INTEG_*, NONE for AEAD */
	bool		 aead;
	const char	*enc_kernel;	/* "cbc(aes)", "rfc4106(gcm(aes))" */
	size_t		 enc_keylen;	/* bytes of KEYMAT, salt included */
	unsigned	 icv_bits;	/* AEAD ICV length */
	const char	*auth_kernel;	/* "hmac(sha256)", NULL for AEAD */
	size_t		 auth_keylen;	/* bytes */
	unsigned	 auth_trunc_bits;
	const char	*name;		/* "aes256gcm16", "aes128-sha1" */
};

/* NULL if the combination is not one cgwd supports. */
const struct esp_alg	*esp_alg_find(uint16_t encr_id, uint16_t keybits,
			    uint16_t integ_id);

/* Keys of one direction. */
struct esp_keys {
	uint8_t		enc[ESP_MAX_ENC_KEY];
	size_t		enc_len;
	uint8_t		auth[ESP_MAX_AUTH_KEY];
	size_t		auth_len;
};

/* Bytes of KEYMAT both directions need: 2 * (enc_keylen + auth_keylen). */
size_t		 esp_keymat_len(const struct esp_alg *);
/*
 * Split KEYMAT per RFC 7296 2.17: initiator->responder keys first
 * (encryption, then integrity), then responder->initiator. `initiator`
 * says which side we are, so `in`/`out` come out right for us.
 * Returns 0, or -1 if the KEYMAT is too short.
 */
int		 esp_keymat_split(const struct esp_alg *, const uint8_t *keymat,
		    size_t len, bool initiator, struct esp_keys *in,
		    struct esp_keys *out);
void		 esp_keys_wipe(struct esp_keys *);

/* A traffic selector range as negotiated (TSi/TSr entry). */
struct esp_ts {
	struct cgw_addr	start;
	struct cgw_addr	end;
	uint8_t		proto;		/* 0 = any */
	uint16_t	port_start;
	uint16_t	port_end;
};

/* A negotiated CHILD SA pair, everything the kernel needs. */
struct esp_child_sa {
	uint32_t		 spi_in;	/* host order, we chose it */
	uint32_t		 spi_out;	/* host order, peer chose it */
	struct cgw_addr		 local;		/* outer addresses */
	struct cgw_addr		 remote;
	bool			 encap;		/* UDP-encapsulated (NAT-T) */
	uint16_t		 local_port;	/* when encap, host order */
	uint16_t		 remote_port;
	const struct esp_alg	*alg;
	bool			 esn;
	struct esp_keys		 keys_in;
	struct esp_keys		 keys_out;
	uint32_t		 replay_window;
	uint32_t		 soft_life_s;	/* kernel safety net behind */
	uint32_t		 hard_life_s;	/* cgwd's own rekey timers */
	struct esp_ts		 ts_local;	/* one range each for now */
	struct esp_ts		 ts_remote;
	bool			 initiator;	/* we initiated this CHILD SA */
};

void		 esp_child_sa_wipe(struct esp_child_sa *);

#endif
