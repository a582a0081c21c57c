/* Names of IKEv2 numbers for logs: "NO_PROPOSAL_CHOSEN", not 14. */
#include <stdio.h>

#include "ike/ike_local.h"

struct ike_name {
	unsigned	 id;
	const char	*name;
};

static const char *
ike_name_lookup(const struct ike_name *t, size_t n, unsigned id, char *buf,
    size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].name;
	snprintf(buf, len, "%u", id);
	return buf;
}

#define LOOKUP(t, id) do {						\
	static _Thread_local char buf_[16];				\
	return ike_name_lookup(t, sizeof(t) / sizeof(t[0]), id, buf_,	\
	    sizeof(buf_));						\
} while (0)

static const struct ike_name exch_names[] = {
	{ IKEV2_EXCH_IKE_SA_INIT, "IKE_SA_INIT" },
	{ IKEV2_EXCH_IKE_AUTH, "IKE_AUTH" },
	{ IKEV2_EXCH_CREATE_CHILD_SA, "CREATE_CHILD_SA" },
	{ IKEV2_EXCH_INFORMATIONAL, "INFORMATIONAL" },
};

const char *
ike_exch_name(uint8_t t)
{
	LOOKUP(exch_names, t);
}

static const struct ike_name pld_names[] = {
	{ IKEV2_PLD_NONE, "NONE" }, { IKEV2_PLD_SA, "SA" },
	{ IKEV2_PLD_KE, "KE" }, { IKEV2_PLD_IDI, "IDi" },
	{ IKEV2_PLD_IDR, "IDr" }, { IKEV2_PLD_CERT, "CERT" },
	{ IKEV2_PLD_CERTREQ, "CERTREQ" }, { IKEV2_PLD_AUTH, "AUTH" },
	{ IKEV2_PLD_NONCE, "Nonce" }, { IKEV2_PLD_NOTIFY, "N" },
	{ IKEV2_PLD_DELETE, "D" }, { IKEV2_PLD_VENDOR, "V" },
	{ IKEV2_PLD_TSI, "TSi" }, { IKEV2_PLD_TSR, "TSr" },
	{ IKEV2_PLD_SK, "SK" }, { IKEV2_PLD_CP, "CP" },
	{ IKEV2_PLD_EAP, "EAP" }, { IKEV2_PLD_SKF, "SKF" },
};

const char *
ike_pld_name(uint8_t t)
{
	LOOKUP(pld_names, t);
}

static const struct ike_name notify_names[] = {
	{ IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD" },
	{ IKEV2_N_INVALID_IKE_SPI, "INVALID_IKE_SPI" },
	{ IKEV2_N_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION" },
	{ IKEV2_N_INVALID_SYNTAX, "INVALID_SYNTAX" },
	{ IKEV2_N_INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID" },
	{ IKEV2_N_INVALID_SPI, "INVALID_SPI" },
	{ IKEV2_N_NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN" },
	{ IKEV2_N_INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD" },
	{ IKEV2_N_AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED" },
	{ IKEV2_N_SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED" },
	{ IKEV2_N_NO_ADDITIONAL_SAS, "NO_ADDITIONAL_SAS" },
	{ IKEV2_N_INTERNAL_ADDRESS_FAILURE, "INTERNAL_ADDRESS_FAILURE" },
	{ IKEV2_N_FAILED_CP_REQUIRED, "FAILED_CP_REQUIRED" },
	{ IKEV2_N_TS_UNACCEPTABLE, "TS_UNACCEPTABLE" },
	{ IKEV2_N_INVALID_SELECTORS, "INVALID_SELECTORS" },
	{ IKEV2_N_TEMPORARY_FAILURE, "TEMPORARY_FAILURE" },
	{ IKEV2_N_CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND" },
	{ IKEV2_N_INITIAL_CONTACT, "INITIAL_CONTACT" },
	{ IKEV2_N_SET_WINDOW_SIZE, "SET_WINDOW_SIZE" },
	{ IKEV2_N_ADDITIONAL_TS_POSSIBLE, "ADDITIONAL_TS_POSSIBLE" },
	{ IKEV2_N_IPCOMP_SUPPORTED, "IPCOMP_SUPPORTED" },
	{ IKEV2_N_NAT_DETECTION_SOURCE_IP, "NAT_DETECTION_SOURCE_IP" },
	{ IKEV2_N_NAT_DETECTION_DESTINATION_IP, "NAT_DETECTION_DESTINATION_IP" },
	{ IKEV2_N_COOKIE, "COOKIE" },
	{ IKEV2_N_USE_TRANSPORT_MODE, "USE_TRANSPORT_MODE" },
	{ IKEV2_N_HTTP_CERT_LOOKUP_SUPPORTED, "HTTP_CERT_LOOKUP_SUPPORTED" },
	{ IKEV2_N_REKEY_SA, "REKEY_SA" },
	{ IKEV2_N_ESP_TFC_PADDING_NOT_SUPPORTED, "ESP_TFC_PADDING_NOT_SUPPORTED" },
	{ IKEV2_N_NON_FIRST_FRAGMENTS_ALSO, "NON_FIRST_FRAGMENTS_ALSO" },
	{ IKEV2_N_MOBIKE_SUPPORTED, "MOBIKE_SUPPORTED" },
	{ IKEV2_N_REDIRECT_SUPPORTED, "REDIRECT_SUPPORTED" },
	{ IKEV2_N_EAP_ONLY_AUTHENTICATION, "EAP_ONLY_AUTHENTICATION" },
	{ IKEV2_N_CHILDLESS_IKEV2_SUPPORTED, "CHILDLESS_IKEV2_SUPPORTED" },
	{ IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, "IKEV2_FRAGMENTATION_SUPPORTED" },
	{ IKEV2_N_SIGNATURE_HASH_ALGORITHMS, "SIGNATURE_HASH_ALGORITHMS" },
};

const char *
ike_notify_name(uint16_t t)
{
	LOOKUP(notify_names, t);
}

static const struct ike_name proto_names[] = {
	{ IKEV2_PROTO_IKE, "IKE" }, { IKEV2_PROTO_AH, "AH" },
	{ IKEV2_PROTO_ESP, "ESP" },
};

const char *
ike_proto_name(uint8_t t)
{
	LOOKUP(proto_names, t);
}

static const struct ike_name encr_names[] = {
	{ IKEV2_ENCR_3DES, "3des" }, { IKEV2_ENCR_NULL, "null" },
	{ IKEV2_ENCR_AES_CBC, "aes" }, { IKEV2_ENCR_AES_CTR, "aesctr" },
	{ IKEV2_ENCR_AES_CCM_8, "aesccm8" }, { IKEV2_ENCR_AES_CCM_12, "aesccm12" },
	{ IKEV2_ENCR_AES_CCM_16, "aesccm16" }, { IKEV2_ENCR_AES_GCM_8, "aesgcm8" },
	{ IKEV2_ENCR_AES_GCM_12, "aesgcm12" }, { IKEV2_ENCR_AES_GCM_16, "aesgcm16" },
	{ IKEV2_ENCR_CHACHA20_POLY1305, "chacha20poly1305" },
};
static const struct ike_name prf_names[] = {
	{ IKEV2_PRF_HMAC_MD5, "prfmd5" }, { IKEV2_PRF_HMAC_SHA1, "prfsha1" },
	{ IKEV2_PRF_AES128_XCBC, "prfaesxcbc" },
	{ IKEV2_PRF_HMAC_SHA2_256, "prfsha256" },
	{ IKEV2_PRF_HMAC_SHA2_384, "prfsha384" },
	{ IKEV2_PRF_HMAC_SHA2_512, "prfsha512" },
};
static const struct ike_name integ_names[] = {
	{ IKEV2_INTEG_NONE, "none" }, { IKEV2_INTEG_HMAC_MD5_96, "md5" },
	{ IKEV2_INTEG_HMAC_SHA1_96, "sha1" }, { IKEV2_INTEG_AES_XCBC_96, "aesxcbc" },
	{ IKEV2_INTEG_HMAC_SHA2_256_128, "sha256" },
	{ IKEV2_INTEG_HMAC_SHA2_384_192, "sha384" },
	{ IKEV2_INTEG_HMAC_SHA2_512_256, "sha512" },
};
static const struct ike_name dh_names[] = {
	{ IKEV2_DH_NONE, "none" }, { IKEV2_DH_MODP768, "modp768" },
	{ IKEV2_DH_MODP1024, "modp1024" }, { IKEV2_DH_MODP1536, "modp1536" },
	{ IKEV2_DH_MODP2048, "modp2048" }, { IKEV2_DH_MODP3072, "modp3072" },
	{ IKEV2_DH_MODP4096, "modp4096" }, { IKEV2_DH_MODP6144, "modp6144" },
	{ IKEV2_DH_MODP8192, "modp8192" }, { IKEV2_DH_ECP256, "ecp256" },
	{ IKEV2_DH_ECP384, "ecp384" }, { IKEV2_DH_ECP521, "ecp521" },
	{ IKEV2_DH_MODP1024_160, "modp1024s160" },
	{ IKEV2_DH_MODP2048_224, "modp2048s224" },
	{ IKEV2_DH_MODP2048_256, "modp2048s256" },
	{ IKEV2_DH_CURVE25519, "curve25519" },
};
static const struct ike_name esn_names[] = {
	{ IKEV2_ESN_NO, "noesn" }, { IKEV2_ESN_YES, "esn" },
};

const char *
ike_xform_name(uint8_t type, uint16_t id)
{
	switch (type) {
	case IKEV2_XFORM_ENCR:	LOOKUP(encr_names, id);
	case IKEV2_XFORM_PRF:	LOOKUP(prf_names, id);
	case IKEV2_XFORM_INTEG:	LOOKUP(integ_names, id);
	case IKEV2_XFORM_DH:	LOOKUP(dh_names, id);
	case IKEV2_XFORM_ESN:	LOOKUP(esn_names, id);
	default:		return "?";
	}
}
