/*
 * Bounds-checked cursors for wire formats (IKE, BGP, netlink payloads).
 *
 * A reader never reads past its end: the first short read sets `err` and
 * every later read fails too, so a parser may read a whole header and check
 * once. A writer grows on demand; an allocation failure sets `err`.
 */
#ifndef CGW_LIB_BUF_H
#define CGW_LIB_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rbuf {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	bool		 err;
};

void	 rbuf_init(struct rbuf *, const void *, size_t);
size_t	 rbuf_left(const struct rbuf *);
bool	 rbuf_u8(struct rbuf *, uint8_t *);
bool	 rbuf_u16(struct rbuf *, uint16_t *);	/* network order */
bool	 rbuf_u32(struct rbuf *, uint32_t *);
bool	 rbuf_u64(struct rbuf *, uint64_t *);
bool	 rbuf_bytes(struct rbuf *, void *, size_t);
/* Point at the next n bytes without copying them. */
bool	 rbuf_ptr(struct rbuf *, const uint8_t **, size_t);
bool	 rbuf_skip(struct rbuf *, size_t);
/* Carve the next n bytes out as a reader of their own. */
bool	 rbuf_sub(struct rbuf *, struct rbuf *, size_t);

struct wbuf {
	uint8_t		*p;
	size_t		 len;
	size_t		 cap;
	bool		 err;
};

void	 wbuf_init(struct wbuf *);
void	 wbuf_free(struct wbuf *);	/* wipes before freeing */
bool	 wbuf_u8(struct wbuf *, uint8_t);
bool	 wbuf_u16(struct wbuf *, uint16_t);
bool	 wbuf_u32(struct wbuf *, uint32_t);
bool	 wbuf_u64(struct wbuf *, uint64_t);
bool	 wbuf_bytes(struct wbuf *, const void *, size_t);
bool	 wbuf_zero(struct wbuf *, size_t);
/* Overwrite an already written field, e.g. a length known only later. */
bool	 wbuf_set_u8(struct wbuf *, size_t off, uint8_t);
bool	 wbuf_set_u16(struct wbuf *, size_t off, uint16_t);
bool	 wbuf_set_u32(struct wbuf *, size_t off, uint32_t);

#endif
