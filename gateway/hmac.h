/*
 * Signed webhooks: the hex HMAC-SHA256 (libcrypto) of "timestamp.body"
 * under a shared secret. Used to check inbound requests, and by tests and
 * baoxuectl to sign them.
 */
#ifndef BX_HMAC_H
#define BX_HMAC_H

#include <stddef.h>

#define HMAC_HEX_MAX 129

/* 0 with out (lower-case hex, NUL-terminated), or -1. */
int hmac_sign(const char *secret, const char *timestamp, const char *body,
    size_t len, char out[HMAC_HEX_MAX]);

#endif
