/*
 * Interned attributes, in two layers as OpenBGPD's rde_attr.c has them
 * (and BIRD's rt-attr.c): every path points at one shared,
 * reference-counted attribute set, and every set points at shared,
 * reference-counted blobs for its variable-length parts (AS_PATH,
 * COMMUNITIES, the unknown transitive attributes). A full table has a
 * few hundred thousand distinct sets for a million prefixes but far
 * fewer distinct AS_PATHs: sets that differ only in MED, next hop or
 * LOCAL_PREF (and the sets exported to each peer, which differ from the
 * learned ones in the next hop and a prepend) share the bytes.
 *
 * One blob table type serves the three kinds, each kind in a table of
 * its own: the code (hash, grow, reference counts) is written once,
 * while counts stay per kind and no kind tag is stored or compared.
 *
 * Both layers are chained hash tables, doubled when they hold as many
 * entries as buckets. Sets and blobs are immutable once interned: a
 * change is a new one. Since equal blobs are one blob, two sets are
 * equal when their scalars are and their blob pointers are: the set
 * table never compares bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_priv.h"

#define BGP_ASET_MIN_BUCKETS	64

static uint32_t
fnv(uint32_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len-- > 0)
		h = (h ^ *b++) * 16777619u;
	return h;
}

/* ---- Blobs ---- */

/* The blob whose bytes `data` are: sets hold the bytes, as bgp_attrs
 * readers (decision, encoding, show) want them. */
static struct bgp_blob *
bgp_blob_of(const uint8_t *data)
{
	return (struct bgp_blob *)(uintptr_t)(data -
	    offsetof(struct bgp_blob, data));
}

static void
bgp_blobs_init(struct bgp_blobs *t)
{
	memset(t, 0, sizeof(*t));
}

static void
bgp_blobs_free(struct bgp_blobs *t)
{
	struct bgp_blob *b;
	size_t i;

	for (i = 0; i < t->nbuckets; i++)
		while ((b = LIST_FIRST(&t->buckets[i])) != NULL) {
			LIST_REMOVE(b, entry);
			free(b);
		}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/* Rehash into twice the buckets; on ENOMEM the chains just get longer. */
static void
bgp_blobs_grow(struct bgp_blobs *t)
{
	struct bgp_blob_list *nb;
	struct bgp_blob *b;
	size_t n = t->nbuckets ? t->nbuckets * 2 : BGP_ASET_MIN_BUCKETS, i;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < n; i++)
		LIST_INIT(&nb[i]);
	for (i = 0; i < t->nbuckets; i++)
		while ((b = LIST_FIRST(&t->buckets[i])) != NULL) {
			LIST_REMOVE(b, entry);
			LIST_INSERT_HEAD(&nb[b->hash & (n - 1)], b, entry);
		}
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets = n;
}

/*
 * The interned copy of p[0..len-1], one reference taken, in *out; *out
 * NULL for len 0 (nothing to share). -1 with errno on ENOMEM.
 */
static int
bgp_blob_get(struct bgp_blobs *t, const uint8_t *p, size_t len,
    uint8_t **out)
{
	struct bgp_blob *b;
	uint32_t h;

	*out = NULL;
	if (len == 0)
		return 0;
	if (len > UINT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	h = fnv(2166136261u, p, len);
	if (t->count >= t->nbuckets)
		bgp_blobs_grow(t);
	if (t->nbuckets == 0) {
		errno = ENOMEM;
		return -1;
	}
	LIST_FOREACH(b, &t->buckets[h & (t->nbuckets - 1)], entry)
		if (b->hash == h && b->len == len &&
		    memcmp(b->data, p, len) == 0) {
			b->refcnt++;
			*out = b->data;
			return 0;
		}
	if ((b = malloc(offsetof(struct bgp_blob, data) + len)) == NULL)
		return -1;
	b->hash = h;
	b->refcnt = 1;
	b->len = (uint32_t)len;
	memcpy(b->data, p, len);
	LIST_INSERT_HEAD(&t->buckets[h & (t->nbuckets - 1)], b, entry);
	t->count++;
	t->bytes += len;
	*out = b->data;
	return 0;
}

/* Drop a reference to the blob of `data`; NULL is ignored. */
static void
bgp_blob_put(struct bgp_blobs *t, uint8_t *data)
{
	struct bgp_blob *b;

	if (data == NULL || --(b = bgp_blob_of(data))->refcnt > 0)
		return;
	LIST_REMOVE(b, entry);
	t->count--;
	t->bytes -= b->len;
	free(b);
}

static uint32_t
bgp_blob_hash(const uint8_t *data)
{
	return data != NULL ? bgp_blob_of(data)->hash : 0;
}

/* ---- Sets ---- */

/* A set whose blobs are interned already: the blobs' own hashes stand
 * for their bytes. */
static uint32_t
bgp_aset_hash(const struct bgp_attrs *a)
{
	uint32_t h = 2166136261u, bh[3];

	h = fnv(h, &a->seen, sizeof(a->seen));
	h = fnv(h, &a->origin, sizeof(a->origin));
	h = fnv(h, &a->nexthop, sizeof(a->nexthop));
	h = fnv(h, &a->med, sizeof(a->med));
	h = fnv(h, &a->local_pref, sizeof(a->local_pref));
	h = fnv(h, &a->agg_as, sizeof(a->agg_as));
	h = fnv(h, &a->agg_id, sizeof(a->agg_id));
	/* An IPv4 route's set hashes without nh6, as bgp_attrs_eq ignores
	 * it there. */
	if (a->nh6_len > 0) {
		h = fnv(h, &a->nh6_len, sizeof(a->nh6_len));
		h = fnv(h, a->nh6, sizeof(a->nh6));
	}
	bh[0] = bgp_blob_hash(a->aspath);
	bh[1] = bgp_blob_hash(a->communities);
	bh[2] = bgp_blob_hash(a->other);
	return fnv(h, bh, sizeof(bh));
}

/* bgp_attrs_eq for two sets with interned blobs: the pointers decide. */
static bool
bgp_aset_eq(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return bgp_attrs_fixed_eq(a, b) && a->aspath == b->aspath && a->communities == b->communities &&
	    a->other == b->other;
}

void
bgp_asets_init(struct bgp_asets *t)
{
	memset(t, 0, sizeof(*t));
	bgp_blobs_init(&t->aspaths);
	bgp_blobs_init(&t->communities);
	bgp_blobs_init(&t->others);
}

/* Every set and blob still referenced is freed: the paths are gone with
 * the RIB. */
void
bgp_asets_free(struct bgp_asets *t)
{
	struct bgp_aset *s;
	size_t i;

	for (i = 0; i < t->nbuckets; i++)
		while ((s = LIST_FIRST(&t->buckets[i])) != NULL) {
			LIST_REMOVE(s, entry);
			free(s);
		}
	free(t->buckets);
	bgp_blobs_free(&t->aspaths);
	bgp_blobs_free(&t->communities);
	bgp_blobs_free(&t->others);
	memset(t, 0, sizeof(*t));
}

static void
bgp_asets_grow(struct bgp_asets *t)
{
	struct bgp_aset_list *nb;
	struct bgp_aset *s;
	size_t n = t->nbuckets ? t->nbuckets * 2 : BGP_ASET_MIN_BUCKETS, i;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < n; i++)
		LIST_INIT(&nb[i]);
	for (i = 0; i < t->nbuckets; i++)
		while ((s = LIST_FIRST(&t->buckets[i])) != NULL) {
			LIST_REMOVE(s, entry);
			LIST_INSERT_HEAD(&nb[s->hash & (n - 1)], s, entry);
		}
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets = n;
}

/* The three blobs of a set, one reference each. */
static void
bgp_aset_blobs_put(struct bgp_asets *t, struct bgp_attrs *k)
{
	bgp_blob_put(&t->aspaths, k->aspath);
	bgp_blob_put(&t->communities, k->communities);
	bgp_blob_put(&t->others, k->other);
}

struct bgp_aset *
bgp_aset_intern(struct bgp_asets *t, const struct bgp_attrs *a)
{
	struct bgp_aset *s;
	struct bgp_attrs k = *a;
	uint32_t h;

	/* The key: a's scalars and the interned copies of its bytes. */
	k.aspath = k.communities = k.other = NULL;
	if (bgp_blob_get(&t->aspaths, a->aspath, a->aspath_len,
	    &k.aspath) == -1 ||
	    bgp_blob_get(&t->communities, a->communities, a->communities_len,
	    &k.communities) == -1 ||
	    bgp_blob_get(&t->others, a->other, a->other_len, &k.other) == -1) {
		bgp_aset_blobs_put(t, &k);
		return NULL;
	}
	h = bgp_aset_hash(&k);
	if (t->count >= t->nbuckets)
		bgp_asets_grow(t);
	if (t->nbuckets == 0) {
		bgp_aset_blobs_put(t, &k);
		errno = ENOMEM;
		return NULL;
	}
	LIST_FOREACH(s, &t->buckets[h & (t->nbuckets - 1)], entry)
		if (s->hash == h && bgp_aset_eq(&s->attrs, &k)) {
			/* The set holds its own references already. */
			bgp_aset_blobs_put(t, &k);
			s->refcnt++;
			return s;
		}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		bgp_aset_blobs_put(t, &k);
		return NULL;
	}
	s->hash = h;
	s->refcnt = 1;
	s->attrs = k;
	LIST_INSERT_HEAD(&t->buckets[h & (t->nbuckets - 1)], s, entry);
	t->count++;
	return s;
}

struct bgp_aset *
bgp_aset_get(struct bgp_asets *t, struct bgp_attrs *a)
{
	struct bgp_aset *s = bgp_aset_intern(t, a);
	int e = errno;

	bgp_attrs_clear(a);
	errno = e;
	return s;
}

struct bgp_aset *
bgp_aset_ref(struct bgp_aset *s)
{
	s->refcnt++;
	return s;
}

void
bgp_aset_put(struct bgp_asets *t, struct bgp_aset *s)
{
	if (s == NULL || --s->refcnt > 0)
		return;
	LIST_REMOVE(s, entry);
	t->count--;
	bgp_aset_blobs_put(t, &s->attrs);
	free(s);
}
