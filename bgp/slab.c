/*
 * Fixed-size object pools for the RIB (after BIRD's lib/slab.c, written
 * anew): a million 56-octet entries from malloc cost 64 octets each (its
 * chunk header and rounding) and return their pages only through
 * malloc_trim, and only from the top of the heap. Here objects are cut
 * from 64 KiB pages mapped on their own, aligned to their size, so an
 * object finds its page by masking its address; a page whose last
 * object is freed is unmapped at once (one empty page is kept, so a
 * prefix coming and going does not map and unmap a page each time).
 */
#include <sys/mman.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bgp/bgp_priv.h"

struct bgp_slab_page {
	LIST_ENTRY(bgp_slab_page) entry;	/* on the partial list */
	void			*free;		/* freed objects, chained */
	uint32_t		 used;		/* objects handed out */
	uint32_t		 fresh;		/* never handed out from here */
	struct bgp_slab		*slab;
};

/* Objects start after the header, 8-aligned. */
#define BGP_SLAB_HDR	((sizeof(struct bgp_slab_page) + 7) & ~(size_t)7)

void
bgp_slab_init(struct bgp_slab *s, size_t size)
{
	memset(s, 0, sizeof(*s));
	/* A freed object holds the free list's link. */
	if (size < sizeof(void *))
		size = sizeof(void *);
	s->size = (size + 7) & ~(size_t)7;
	s->per_page = (uint32_t)((BGP_SLAB_PAGE - BGP_SLAB_HDR) / s->size);
	LIST_INIT(&s->partial);
}

static struct bgp_slab_page *
bgp_slab_page_new(struct bgp_slab *s)
{
	struct bgp_slab_page *pg;
	uint8_t *m, *a;
	size_t head;

	if (s->spare != NULL) {
		pg = s->spare;
		s->spare = NULL;
	} else {
		/* Twice the size, then the unaligned ends given back. */
		m = mmap(NULL, 2 * BGP_SLAB_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		a = (uint8_t *)(((uintptr_t)m + BGP_SLAB_PAGE - 1) &
		    ~(uintptr_t)(BGP_SLAB_PAGE - 1));
		head = (size_t)(a - m);
		if (head > 0)
			munmap(m, head);
		if (BGP_SLAB_PAGE - head > 0)
			munmap(a + BGP_SLAB_PAGE, BGP_SLAB_PAGE - head);
		pg = (struct bgp_slab_page *)a;
		s->npages++;
	}
	memset(pg, 0, sizeof(*pg));
	pg->slab = s;
	LIST_INSERT_HEAD(&s->partial, pg, entry);
	return pg;
}

void *
bgp_slab_alloc(struct bgp_slab *s)
{
	struct bgp_slab_page *pg = LIST_FIRST(&s->partial);
	void *o;

	if (pg == NULL && (pg = bgp_slab_page_new(s)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (pg->free != NULL) {
		o = pg->free;
		memcpy(&pg->free, o, sizeof(void *));
	} else
		o = (uint8_t *)pg + BGP_SLAB_HDR + (size_t)pg->fresh++ * s->size;
	if (++pg->used == s->per_page)
		LIST_REMOVE(pg, entry);
	s->nobjs++;
	return memset(o, 0, s->size);
}

void
bgp_slab_free(struct bgp_slab *s, void *o)
{
	struct bgp_slab_page *pg;

	if (o == NULL)
		return;
	pg = (struct bgp_slab_page *)((uintptr_t)o &
	    ~(uintptr_t)(BGP_SLAB_PAGE - 1));
	if (pg->used == s->per_page)
		LIST_INSERT_HEAD(&s->partial, pg, entry);
	memcpy(o, &pg->free, sizeof(void *));
	pg->free = o;
	pg->used--;
	s->nobjs--;
	if (pg->used > 0)
		return;
	LIST_REMOVE(pg, entry);
	if (s->spare == NULL)
		s->spare = pg;
	else {
		munmap(pg, BGP_SLAB_PAGE);
		s->npages--;
	}
}

void
bgp_slab_trim(struct bgp_slab *s)
{
	if (s->spare != NULL) {
		munmap(s->spare, BGP_SLAB_PAGE);
		s->spare = NULL;
		s->npages--;
	}
}
