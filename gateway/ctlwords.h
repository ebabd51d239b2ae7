/*
 * baoxuectl's words for the ledger's codes: an event's detail as the
 * daemon wrote it ("days=3 reason=work dropout=1") as an inspector reads
 * it ("缺勤3天，原因：外出务工，确认辍学"), and a code (a role, an SMS's
 * kind or status) by its template. Every word is a template
 * (history_detail_*, role_*, sms_kind_*, ...); what has none is printed
 * as written, so nothing the ledger holds is lost. Pure: the catalog and
 * the caller's look-up of names; nothing allocated, nothing kept.
 */
#ifndef BX_CTLWORDS_H
#define BX_CTLWORDS_H

#include <stddef.h>
#include <stdint.h>

struct catalog;

/* A person's name by people.id into out: 0, or -1 if not on the roster. */
typedef int ctlwords_person_fn(void *arg, int64_t id, char *out, size_t sz);

/* The template prefix+code into out (sz > 0), else the code itself. */
void ctlwords_code(const struct catalog *, const char *prefix,
    const char *code, char *out, size_t sz);

/*
 * The detail of an event of kind what, in words, into out (sz > 0; cut
 * between parts, or inside the last at a character, never inside one).
 * The note, people's own words and always last, only with full.
 * person may be NULL: people are then named by number.
 */
void ctlwords_detail(const struct catalog *, const char *what,
    const char *detail, int full, ctlwords_person_fn *person, void *arg,
    char *out, size_t sz);

#endif
