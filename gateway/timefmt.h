/*
 * ISO-8601 instants. Parsing accepts "YYYY-MM-DDTHH:MM[:SS]" (or a space
 * for T) with an optional "Z" or "+HH:MM"/"-HH:MM"; without a zone the
 * time is local to the configured timezone (TZ). Formatting writes local
 * time with its offset: "2026-11-22T17:40:00+08:00".
 */
#ifndef BX_TIMEFMT_H
#define BX_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_MAX 32

int timefmt_parse(const char *s, int64_t *out);	/* 0 or -1 */
void timefmt_format(int64_t t, char *out, size_t outsz);
/* Is name an installed IANA zone (e.g. Asia/Shanghai)? 1/0 */
int timefmt_zone_exists(const char *name);

#endif
