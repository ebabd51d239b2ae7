/* HMAC-SHA256 of "timestamp.body"; see hmac.h. */
#include "gateway/hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
hmac_sign(const char *secret, const char *timestamp, const char *body,
    size_t len, char out[HMAC_HEX_MAX])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, i;
	size_t tl = strlen(timestamp);
	unsigned char *msg = malloc(tl + 1 + len + 1);

	if (msg == NULL)
		return -1;
	memcpy(msg, timestamp, tl);
	msg[tl] = '.';
	memcpy(msg + tl + 1, body, len);
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, tl + 1 + len,
	    mac, &maclen) == NULL) {
		free(msg);
		return -1;
	}
	free(msg);
	for (i = 0; i < maclen && 2 * i + 2 < HMAC_HEX_MAX; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
	return 0;
}
