#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "lib/buf.h"

void
rbuf_init(struct rbuf *r, const void *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->off = 0;
	r->err = false;
}

size_t
rbuf_left(const struct rbuf *r)
{
	return r->err ? 0 : r->len - r->off;
}

bool
rbuf_ptr(struct rbuf *r, const uint8_t **out, size_t n)
{
	if (r->err || n > r->len - r->off) {
		r->err = true;
		return false;
	}
	if (out)
		*out = r->p + r->off;
	r->off += n;
	return true;
}

bool
rbuf_skip(struct rbuf *r, size_t n)
{
	return rbuf_ptr(r, NULL, n);
}

bool
rbuf_bytes(struct rbuf *r, void *dst, size_t n)
{
	const uint8_t *src;

	if (!rbuf_ptr(r, &src, n))
		return false;
	if (n)
		memcpy(dst, src, n);
	return true;
}

bool
rbuf_u8(struct rbuf *r, uint8_t *v)
{
	return rbuf_bytes(r, v, 1);
}

static bool
rbuf_be(struct rbuf *r, uint64_t *v, size_t n)
{
	const uint8_t *s;
	uint64_t x = 0;

	if (!rbuf_ptr(r, &s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		x = (x << 8) | s[i];
	*v = x;
	return true;
}

bool
rbuf_u16(struct rbuf *r, uint16_t *v)
{
	uint64_t x;

	if (!rbuf_be(r, &x, 2))
		return false;
	*v = (uint16_t)x;
	return true;
}

bool
rbuf_u32(struct rbuf *r, uint32_t *v)
{
	uint64_t x;

	if (!rbuf_be(r, &x, 4))
		return false;
	*v = (uint32_t)x;
	return true;
}

bool
rbuf_u64(struct rbuf *r, uint64_t *v)
{
	return rbuf_be(r, v, 8);
}

bool
rbuf_sub(struct rbuf *r, struct rbuf *sub, size_t n)
{
	const uint8_t *p;

	if (!rbuf_ptr(r, &p, n)) {
		rbuf_init(sub, NULL, 0);
		sub->err = true;
		return false;
	}
	rbuf_init(sub, p, n);
	return true;
}

void
wbuf_init(struct wbuf *w)
{
	memset(w, 0, sizeof(*w));
}

void
wbuf_free(struct wbuf *w)
{
	if (w->p) {
		OPENSSL_cleanse(w->p, w->cap);
		free(w->p);
	}
	wbuf_init(w);
}

static bool
wbuf_grow(struct wbuf *w, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (w->err)
		return false;
	if (n <= w->cap - w->len)
		return true;
	if (n > SIZE_MAX / 2 - w->len) {
		w->err = true;
		return false;
	}
	cap = w->cap ? w->cap : 256;
	while (cap - w->len < n)
		cap *= 2;
	/* Not realloc: the old block may hold key material to wipe. */
	if ((p = malloc(cap)) == NULL) {
		w->err = true;
		return false;
	}
	if (w->p) {
		memcpy(p, w->p, w->len);
		OPENSSL_cleanse(w->p, w->cap);
		free(w->p);
	}
	w->p = p;
	w->cap = cap;
	return true;
}

bool
wbuf_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (!wbuf_grow(w, n))
		return false;
	if (n)
		memcpy(w->p + w->len, src, n);
	w->len += n;
	return true;
}

bool
wbuf_zero(struct wbuf *w, size_t n)
{
	if (!wbuf_grow(w, n))
		return false;
	memset(w->p + w->len, 0, n);
	w->len += n;
	return true;
}

static bool
wbuf_be(struct wbuf *w, uint64_t v, size_t n)
{
	uint8_t b[8];

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return wbuf_bytes(w, b, n);
}

bool wbuf_u8(struct wbuf *w, uint8_t v) { return wbuf_be(w, v, 1); }
bool wbuf_u16(struct wbuf *w, uint16_t v) { return wbuf_be(w, v, 2); }
bool wbuf_u32(struct wbuf *w, uint32_t v) { return wbuf_be(w, v, 4); }
bool wbuf_u64(struct wbuf *w, uint64_t v) { return wbuf_be(w, v, 8); }

static bool
wbuf_set_be(struct wbuf *w, size_t off, uint64_t v, size_t n)
{
	if (w->err || off > w->len || n > w->len - off) {
		w->err = true;
		return false;
	}
	for (size_t i = 0; i < n; i++)
		w->p[off + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return true;
}

bool wbuf_set_u8(struct wbuf *w, size_t off, uint8_t v) { return wbuf_set_be(w, off, v, 1); }
bool wbuf_set_u16(struct wbuf *w, size_t off, uint16_t v) { return wbuf_set_be(w, off, v, 2); }
bool wbuf_set_u32(struct wbuf *w, size_t off, uint32_t v) { return wbuf_set_be(w, off, v, 4); }
