/*
 * Folds what feature-phone input methods produce into what the command
 * parser expects: NFKC (full-width letters, digits, punctuation and the
 * ideographic space become ASCII), then the CJK punctuation NFKC leaves
 * alone (、。【】《》“”‘’—), then spaces: runs of spaces, tabs, byte
 * order marks (U+FEFF) and zero-width spaces and joiners (U+200B-U+200D,
 * U+2060) become one space, every line is trimmed, \r\n and \r become
 * \n, a run of blank lines becomes one empty line (it may set off a
 * signature), and blank lines at either end go. Text of ASCII and CJK
 * unified ideographs only, which NFKC leaves as it is, skips the NFKC
 * pass.
 * Never applied to outgoing text.
 */
#ifndef BX_NORMALIZE_H
#define BX_NORMALIZE_H

#include <stddef.h>

#include "parsers/perr.h"

#define NORMALIZE_MAX_IN 4096

/*
 * Normalizes in[0..len) into out (NUL-terminated, at most outsz - 1 bytes).
 * Returns PERR_NONE, PERR_BAD_UTF8, PERR_TOO_LONG, PERR_EMPTY or PERR_NOMEM.
 */
enum perr_code normalize_text(const char *in, size_t len, char *out,
    size_t outsz, size_t *outlen);

#endif
