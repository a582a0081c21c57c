/*
 * libFuzzer target for the IKEv2 message parser: the header, the payload
 * chain and, as if the SK payload had been decrypted, the inner chain
 * after it; plus the SA payload parser on the raw input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_local.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ike_hdr h;
	struct ike_payloads *pl;
	struct ike_prop props[IKE_MAX_PROPS];
	size_t nprops;

	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return 0;
	ike_pld_parse_sa(data, len, props, &nprops);
	if (ike_hdr_parse(data, len, &h) == 0 &&
	    ike_pld_parse(h.next, data + IKEV2_HDR_LEN, len - IKEV2_HDR_LEN,
	    IKEV2_HDR_LEN, pl) == IKE_PARSE_OK && pl->has_sk) {
		size_t body = pl->sk_off + IKEV2_PLD_HDR_LEN;
		uint8_t first = pl->sk_next;

		memset(pl, 0, sizeof(*pl));
		if (body <= len)
			ike_pld_parse(first, data + body, len - body, 0, pl);
	}
	/* Also the raw input as a payload chain starting with each type a
	 * message may begin with. */
	memset(pl, 0, sizeof(*pl));
	if (len > 0)
		ike_pld_parse(data[0], data + 1, len - 1, 0, pl);
	free(pl);
	return 0;
}
