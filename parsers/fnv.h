/*
 * FNV-1a (Fowler/Noll/Vo), 32 and 64 bits: a fast hash for telling texts
 * apart without keeping them. Not for anything an adversary chooses to
 * collide. The values are the published ones (tests/check_fnv.c) and must
 * stay so: the modem's inbound ids, stored for de-duplication, carry a
 * text's 32-bit hash. Chainable: fnv1a64(fnv1a64(FNV1A64_INIT, a, la), b,
 * lb) is the hash of a followed by b.
 */
#ifndef BX_FNV_H
#define BX_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A32_INIT 0x811c9dc5u
#define FNV1A64_INIT 0xcbf29ce484222325ULL

static inline uint32_t
fnv1a32(uint32_t h, const void *p, size_t len)
{
	const unsigned char *u = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ u[i]) * 0x01000193u;
	return h;
}

static inline uint64_t
fnv1a64(uint64_t h, const void *p, size_t len)
{
	const unsigned char *u = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ u[i]) * 0x100000001b3ULL;
	return h;
}

#endif
