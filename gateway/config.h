/*
 * The INI configuration (read with inih) as a plain struct. Every key is
 * documented in examples/baoxued.conf. Unknown sections and keys, repeated
 * keys and bad values are errors naming file, line and key, so a typo never
 * silently falls back to a default.
 * Paths are taken as written: relative ones are relative to the daemon's
 * working directory.
 */
#ifndef BX_CONFIG_H
#define BX_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/casework/ladder.h"

#define CONFIG_MAX_CHANNELS 8
#define CONFIG_DEFAULT_ZONE "Asia/Shanghai"
/* China Standard Time as a POSIX rule (UTC+8, no summer time): needs no
 * zone file, taken when the default zone has none. */
#define CONFIG_CHINA_RULE "CST-8"
#define CONFIG_TOKEN_MAX 128
#define CONFIG_NAME_MAX 32

enum config_chan_type { CHAN_TYPE_OUTBOX, CHAN_TYPE_HTTP, CHAN_TYPE_MODEM };

struct config_channel {
	char name[CONFIG_NAME_MAX];
	int type;			/* enum config_chan_type, -1 unset */
	int line;			/* where the section's first key is */
	char path[PATH_MAX];		/* outbox: the JSON-lines file */
	int console;			/* outbox: also print to stdout */

	/* Routing and pacing, any type. */
	char prefixes[128];		/* E.164 prefixes served; "" = all */
	int rate;			/* messages per second; 0 = no limit */
	int merge;			/* notices due together: one SMS */
	int recipient_daily;		/* messages a number a day; 0 = any */
	int same_text_window;		/* seconds before the same text again */

	/* type = http: a provider API; see examples/providers.md. */
	char preset[16];		/* "", kannel, template */
	char url[1024];			/* with {placeholders} */
	char method[8];			/* GET or POST */
	char body[1024];		/* with {placeholders} */
	char content_type[64];
	char headers[512];		/* "Name: value" lines joined by '|' */
	char success_match[256];	/* PCRE2 the answer must match */
	char retry_match[256];		/* PCRE2 of a "try later" answer */
	char id_json[64];		/* dotted path of the provider's id */
	char id_match[256];		/* or PCRE2 with one capture group */
	char username[64];		/* kannel */
	char password[128];		/* kannel */
	char dlr_url[512];		/* our /sms/dlr as the provider sees it */
	char template_code[64];		/* template: the approved template */
	char sender[32];		/* our number or short code, {sender} */
	int timeout_ms;
	int max_inflight;

	/* type = modem */
	char device[PATH_MAX];		/* /dev/ttyUSB2 */
	int baud;			/* default 115200 */
	char pin[16];			/* SIM PIN, "" if none */
	int concat_timeout;		/* seconds for missing parts */
};

struct gw_config {
	char file[PATH_MAX];

	/* [daemon] */
	char listen_host[64];
	int listen_port;
	char database[PATH_MAX];
	char templates[PATH_MAX];
	char timezone[64];
	char admin_token[CONFIG_TOKEN_MAX];
	char signature[128];
	/* Prefixes of the unregistered numbers that are answered (once a
	 * day: "not registered"); others are stored, not answered. */
	char answer_unregistered[128];
	int log_level;			/* enum log_level */

	/* [clock] */
	int clock_manual;
	int64_t clock_start;		/* manual mode; 0 means "now" */

	/* [cases] */
	int case_threshold;		/* days of absence that open a case */
	int case_special_threshold;	/* the same for special-need students */
	int cosign_days;		/* a dropout's co-signature chased after
					 * this many (school) days; 0: never */

	/* [ladder], [ladder.N] */
	struct ladder ladder;

	/* [quiet]: minutes after local midnight; start == end disables */
	int quiet_start;
	int quiet_end;

	/* [inbound.http] */
	char http_token[CONFIG_TOKEN_MAX];
	size_t http_max_body;
	char hmac_secret[CONFIG_TOKEN_MAX];	/* "" = token auth only */
	int hmac_window;			/* seconds either way */
	int dedup_window;			/* no-id inbound, seconds */
	int ussd_sessions;			/* USSD sessions kept at once */
	int ussd_timeout;			/* idle seconds before one ends */
	int http_max_conns;			/* connections open at once */
	int http_slow_timeout;			/* s without a whole request,
						 * at the cap, before closing */

	/* [digest] */
	int digest_weekday;		/* 1 Monday .. 7 Sunday */
	int digest_minute;		/* minutes after local midnight */

	/* [visits] (DOMAIN.md rule 4) */
	int visits_remind_week;		/* term week of the first reminder,
					 * 0: none */
	int visits_special;		/* visits a term a special-need
					 * student needs */

	/* [term]: each term's first day, month * 100 + day */
	int term_autumn, term_spring;

	/* [retention] (PROTOCOLS.md 8.3) */
	int content_days;		/* words kept this long, then wiped */

	/* [sender] */
	int max_age;			/* seconds before a message fails */
	int max_segments;		/* longer texts become several SMS */

	struct config_channel channels[CONFIG_MAX_CHANNELS];
	size_t nchannels;
};

/*
 * Loads and validates path; sets TZ to the configured zone. Returns 0, or
 * -1 with a one-line message "file:line: [section] key: reason" in err.
 */
int config_load(const char *path, struct gw_config *cfg, char *err,
    size_t errsz);

#endif
