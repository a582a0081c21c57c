/*
 * Interned attribute sets (OpenBGPD's rde_attr.c and BIRD's rt-attr.c do
 * the same): every path points at one shared, reference-counted copy of
 * its attributes. A full table has a few hundred thousand distinct sets
 * for a million prefixes, and an UPDATE packs many prefixes behind one
 * set, so the copy per path (and its AS_PATH allocation) is what made a
 * prefix cost ~550 bytes.
 *
 * A chained hash table, doubled when it holds as many sets as buckets.
 * Sets are immutable once interned: a change is a new set.
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

static uint32_t
bgp_aset_hash(const struct bgp_attrs *a)
{
	uint32_t h = 2166136261u;

	h = fnv(h, &a->seen, sizeof(a->seen));
	h = fnv(h, &a->origin, sizeof(a->origin));
	h = fnv(h, &a->nexthop, sizeof(a->nexthop));
	h = fnv(h, &a->med, sizeof(a->med));
	h = fnv(h, &a->local_pref, sizeof(a->local_pref));
	h = fnv(h, &a->agg_as, sizeof(a->agg_as));
	h = fnv(h, &a->agg_id, sizeof(a->agg_id));
	/* An IPv4 route's set hashes as before: nh6 is all zero there. */
	if (a->nh6_len > 0) {
		h = fnv(h, &a->nh6_len, sizeof(a->nh6_len));
		h = fnv(h, a->nh6, sizeof(a->nh6));
	}
	if (a->aspath_len > 0)
		h = fnv(h, a->aspath, a->aspath_len);
	if (a->communities_len > 0)
		h = fnv(h, a->communities, a->communities_len);
	if (a->other_len > 0)
		h = fnv(h, a->other, a->other_len);
	return h;
}

void
bgp_asets_init(struct bgp_asets *t)
{
	memset(t, 0, sizeof(*t));
}

/* Every set still referenced is freed: the paths are gone with the RIB. */
void
bgp_asets_free(struct bgp_asets *t)
{
	struct bgp_aset *s;
	size_t i;

	for (i = 0; i < t->nbuckets; i++)
		while ((s = LIST_FIRST(&t->buckets[i])) != NULL) {
			LIST_REMOVE(s, entry);
			bgp_attrs_clear(&s->attrs);
			free(s);
		}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/* Rehash into twice the buckets; on ENOMEM the chains just get longer. */
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

struct bgp_aset *
bgp_aset_get(struct bgp_asets *t, struct bgp_attrs *a)
{
	struct bgp_aset *s;
	uint32_t h = bgp_aset_hash(a);

	if (t->count >= t->nbuckets)
		bgp_asets_grow(t);
	if (t->nbuckets == 0) {
		bgp_attrs_clear(a);
		errno = ENOMEM;
		return NULL;
	}
	LIST_FOREACH(s, &t->buckets[h & (t->nbuckets - 1)], entry)
		if (s->hash == h && bgp_attrs_eq(&s->attrs, a)) {
			s->refcnt++;
			bgp_attrs_clear(a);
			return s;
		}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		bgp_attrs_clear(a);
		return NULL;
	}
	s->hash = h;
	s->refcnt = 1;
	s->attrs = *a;
	memset(a, 0, sizeof(*a));
	LIST_INSERT_HEAD(&t->buckets[h & (t->nbuckets - 1)], s, entry);
	t->count++;
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
	bgp_attrs_clear(&s->attrs);
	free(s);
}
