/*
 * INI → struct gw_config. inih does the reading; a counting reader gives
 * each key its line number, which inih's packaged build does not pass on.
 */
#include "gateway/config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "gateway/casework/casework.h"
#include "gateway/channels/modem_sess.h"

/* Texts are cut to max_segments SMS before any channel is chosen: a modem
 * must be able to send the longest. */
#define CONFIG_MAX_SEGMENTS 10
_Static_assert(CONFIG_MAX_SEGMENTS <= MODEM_MAX_PARTS,
    "a modem sends at most MODEM_MAX_PARTS parts");
#include "gateway/log.h"
#include "gateway/timefmt.h"
#include "parsers/phone.h"
#include "parsers/utf8.h"

#define CONFIG_MAX_SEEN 256

struct config_ctx {
	struct gw_config *cfg;
	FILE *f;
	int line;
	int at_line_start;
	char *err;
	size_t errsz;
	char seen[CONFIG_MAX_SEEN][96];
	size_t nseen;
	char clock_start[64];
	int clock_start_line;
	int err_line;		/* line of the error in err, 0 if none */
	int long_line;		/* first line over inih's limit, 0 if none */
	int bad_section_line;	/* first unknown [section] header */
	char bad_section[64];
};

static int
config_section_known(const char *name, size_t len)
{
	return (len == 6 && !strncmp(name, "daemon", 6)) ||
	    (len == 5 && !strncmp(name, "clock", 5)) ||
	    (len == 12 && !strncmp(name, "inbound.http", 12)) ||
	    (len == 5 && !strncmp(name, "cases", 5)) ||
	    (len == 5 && !strncmp(name, "quiet", 5)) ||
	    (len == 6 && !strncmp(name, "sender", 6)) ||
	    (len == 6 && !strncmp(name, "digest", 6)) ||
	    (len == 6 && !strncmp(name, "visits", 6)) ||
	    (len == 4 && !strncmp(name, "term", 4)) ||
	    (len == 9 && !strncmp(name, "retention", 9)) ||
	    (len == 6 && !strncmp(name, "ladder", 6)) ||
	    (len > 7 && !strncmp(name, "ladder.", 7)) ||
	    (len >= 8 && !strncmp(name, "channel.", 8));
}

/*
 * inih calls the handler only for keys, so an empty misspelt section would
 * pass unnoticed; headers are checked here as lines go by.
 */
static void
config_check_header(struct config_ctx *c, const char *line)
{
	const char *p = line, *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '[' || c->bad_section_line)
		return;
	if ((end = strchr(++p, ']')) == NULL)
		return;		/* inih reports the syntax error */
	if (!config_section_known(p, (size_t)(end - p))) {
		c->bad_section_line = c->line;
		snprintf(c->bad_section, sizeof c->bad_section, "%.*s",
		    (int)(end - p), p);
	}
}

static char *
config_reader(char *str, int num, void *stream)
{
	struct config_ctx *c = stream;
	char *r = fgets(str, num, c->f);

	if (r == NULL)
		return NULL;
	if (c->at_line_start) {
		c->line++;
		config_check_header(c, str);
	}
	c->at_line_start = strchr(str, '\n') != NULL;
	/* inih would read the rest of an overlong line as a new line. */
	if (!c->at_line_start && !feof(c->f) && c->long_line == 0)
		c->long_line = c->line;
	return r;
}

static int
config_fail(struct config_ctx *c, const char *section, const char *key,
    const char *fmt, const char *val)
{
	char why[256];

	if (c->err[0] != '\0')		/* keep the first error */
		return 0;
	snprintf(why, sizeof why, fmt, val);
	snprintf(c->err, c->errsz, "%s:%d: [%s] %s: %s", c->cfg->file,
	    c->line, section, key, why);
	c->err_line = c->line;
	return 0;
}

static int
config_copy(struct config_ctx *c, const char *section, const char *key,
    const char *val, char *dst, size_t dstsz)
{
	char lim[32];

	if (strlen(val) >= dstsz) {
		snprintf(lim, sizeof lim, "%zu", dstsz - 1);
		return config_fail(c, section, key,
		    "value longer than %s bytes", lim);
	}
	if (!utf8_valid_text(val, strlen(val)))
		return config_fail(c, section, key, "%snot valid UTF-8", "");
	memcpy(dst, val, strlen(val) + 1);
	return 1;
}

/* A secret: as config_copy, and never examples/baoxued.conf's
 * placeholder, which a file installed as it is would keep (anyone who
 * read the example could then post messages or move the clock). */
static int
config_secret(struct config_ctx *c, const char *section, const char *key,
    const char *val, char *dst, size_t dstsz)
{
	if (strncasecmp(val, "change-me", 9) == 0)
		return config_fail(c, section, key, "'%s' is the example's "
		    "placeholder: put a secret of your own (openssl rand -hex "
		    "24)", val);
	return config_copy(c, section, key, val, dst, dstsz);
}

/* "+86 +852": each a '+' and digits (E.164's country code and more);
 * "86" would match no number. */
static int
config_prefixes(struct config_ctx *c, const char *section, const char *key,
    const char *val, char *dst, size_t dstsz)
{
	char bad[64];

	if (phone_prefixes_valid(val, bad, sizeof bad) != 0)
		return config_fail(c, section, key, "'%s' is not a number's "
		    "beginning such as +86", bad);
	return config_copy(c, section, key, val, dst, dstsz);
}

static int
config_bool(struct config_ctx *c, const char *section, const char *key,
    const char *val, int *dst)
{
	if (!strcmp(val, "yes") || !strcmp(val, "true") || !strcmp(val, "1") ||
	    !strcmp(val, "on"))
		*dst = 1;
	else if (!strcmp(val, "no") || !strcmp(val, "false") ||
	    !strcmp(val, "0") || !strcmp(val, "off"))
		*dst = 0;
	else
		return config_fail(c, section, key,
		    "'%s' is not yes or no", val);
	return 1;
}

static int
config_int(struct config_ctx *c, const char *section, const char *key,
    const char *val, long lo, long hi, int *dst)
{
	char *end, why[160];
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (*val == '\0' || *end || errno || v < lo || v > hi) {
		snprintf(why, sizeof why, "'%.64s' is not a number from %ld "
		    "to %ld", val, lo, hi);
		return config_fail(c, section, key, "%s", why);
	}
	*dst = (int)v;
	return 1;
}

static int
config_listen(struct config_ctx *c, const char *key, const char *val)
{
	struct gw_config *cfg = c->cfg;
	const char *colon = strrchr(val, ':'), *host = val;
	size_t hlen;
	char *end;
	long port;

	if (colon == NULL || colon == val || (val[0] == '[' && colon == val + 2))
		return config_fail(c, "daemon", key,
		    "'%s' is not HOST:PORT", val);
	hlen = (size_t)(colon - val);
	if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
		host++;
		hlen -= 2;
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (*end || errno || port < 0 || port > 65535 || colon[1] == '\0')
		return config_fail(c, "daemon", key, "bad port in '%s'", val);
	if (hlen >= sizeof cfg->listen_host)
		return config_fail(c, "daemon", key, "host too long in '%s'",
		    val);
	memcpy(cfg->listen_host, host, hlen);
	cfg->listen_host[hlen] = '\0';
	cfg->listen_port = (int)port;
	return 1;
}

static int
config_daemon(struct config_ctx *c, const char *key, const char *val)
{
	struct gw_config *cfg = c->cfg;
	int l;

	if (!strcmp(key, "listen"))
		return config_listen(c, key, val);
	if (!strcmp(key, "database"))
		return config_copy(c, "daemon", key, val, cfg->database,
		    sizeof cfg->database);
	if (!strcmp(key, "templates"))
		return config_copy(c, "daemon", key, val, cfg->templates,
		    sizeof cfg->templates);
	if (!strcmp(key, "timezone")) {
		if (!timefmt_zone_exists(val))
			return config_fail(c, "daemon", key,
			    "unknown time zone '%s'", val);
		return config_copy(c, "daemon", key, val, cfg->timezone,
		    sizeof cfg->timezone);
	}
	if (!strcmp(key, "admin_token"))
		return config_secret(c, "daemon", key, val, cfg->admin_token,
		    sizeof cfg->admin_token);
	if (!strcmp(key, "signature"))
		return config_copy(c, "daemon", key, val, cfg->signature,
		    sizeof cfg->signature);
	if (!strcmp(key, "answer_unregistered"))
		return config_prefixes(c, "daemon", key, val,
		    cfg->answer_unregistered, sizeof cfg->answer_unregistered);
	if (!strcmp(key, "log_level")) {
		if ((l = log_level_parse(val)) < 0)
			return config_fail(c, "daemon", key, "'%s' is not one "
			    "of error, warn, info, debug", val);
		cfg->log_level = l;
		return 1;
	}
	return config_fail(c, "daemon", key, "%sunknown key", "");
}

static int
config_clock(struct config_ctx *c, const char *key, const char *val)
{
	if (!strcmp(key, "mode")) {
		if (!strcmp(val, "system"))
			c->cfg->clock_manual = 0;
		else if (!strcmp(val, "manual"))
			c->cfg->clock_manual = 1;
		else
			return config_fail(c, "clock", key,
			    "'%s' is not system or manual", val);
		return 1;
	}
	if (!strcmp(key, "start")) {
		c->clock_start_line = c->line;
		return config_copy(c, "clock", key, val, c->clock_start,
		    sizeof c->clock_start);
	}
	return config_fail(c, "clock", key, "%sunknown key", "");
}

static int
config_inbound_http(struct config_ctx *c, const char *key, const char *val)
{
	char *end;
	long v;

	if (!strcmp(key, "token"))
		return config_secret(c, "inbound.http", key, val,
		    c->cfg->http_token, sizeof c->cfg->http_token);
	if (!strcmp(key, "hmac_secret"))
		return config_secret(c, "inbound.http", key, val,
		    c->cfg->hmac_secret, sizeof c->cfg->hmac_secret);
	if (!strcmp(key, "hmac_window"))
		return config_int(c, "inbound.http", key, val, 10, 3600,
		    &c->cfg->hmac_window);
	if (!strcmp(key, "dedup_window"))
		return config_int(c, "inbound.http", key, val, 0, 86400,
		    &c->cfg->dedup_window);
	/* Each holds at most a request's headers and twice max_body (about
	 * 20 kB with a request half sent): 512 are 10 MB of the daemon's
	 * 64. */
	if (!strcmp(key, "max_connections"))
		return config_int(c, "inbound.http", key, val, 4, 16384,
		    &c->cfg->http_max_conns);
	if (!strcmp(key, "slow_timeout"))
		return config_int(c, "inbound.http", key, val, 1, 3600,
		    &c->cfg->http_slow_timeout);
	/* About 1 KB each: 8192 sessions are 8 MB of the daemon's 64. */
	if (!strcmp(key, "ussd_sessions"))
		return config_int(c, "inbound.http", key, val, 1, 8192,
		    &c->cfg->ussd_sessions);
	if (!strcmp(key, "ussd_timeout"))
		return config_int(c, "inbound.http", key, val, 10, 3600,
		    &c->cfg->ussd_timeout);
	if (!strcmp(key, "max_body")) {
		errno = 0;
		v = strtol(val, &end, 10);
		if (*end || errno || v < 256 || v > 8192)
			return config_fail(c, "inbound.http", key,
			    "'%s' is not a size from 256 to 8192 bytes", val);
		c->cfg->http_max_body = (size_t)v;
		return 1;
	}
	return config_fail(c, "inbound.http", key, "%sunknown key", "");
}

static int
config_cases(struct config_ctx *c, const char *key, const char *val)
{
	char *end;
	long v;
	int *dst, least = 1;

	if (!strcmp(key, "threshold"))
		dst = &c->cfg->case_threshold;
	else if (!strcmp(key, "special_threshold"))
		dst = &c->cfg->case_special_threshold;
	else if (!strcmp(key, "cosign_days")) {
		dst = &c->cfg->cosign_days;
		least = 0;		/* never chased */
	} else
		return config_fail(c, "cases", key, "%sunknown key", "");
	errno = 0;
	v = strtol(val, &end, 10);
	if (*val == '\0' || *end || errno || v < least || v > 60)
		return config_fail(c, "cases", key, least ?
		    "'%s' is not a number of days from 1 to 60" :
		    "'%s' is not a number of days from 0 to 60", val);
	*dst = (int)v;
	return 1;
}

/* [visits]: from which week of a term head teachers are reminded of the
 * families not visited yet (0: never; a term has about 20), and how many
 * visits a term a special-need student needs ("more often"). */
static int
config_visits(struct config_ctx *c, const char *key, const char *val)
{
	const char *why;
	char *end;
	long v, lo, hi;
	int *dst;

	if (!strcmp(key, "remind_week")) {
		dst = &c->cfg->visits_remind_week;
		lo = 0;
		hi = CASEWORK_VISITS_LAST_WEEK;
		why = "'%s' is not a week of the term from 1 to 24 (0: never)";
	} else if (!strcmp(key, "special_per_term")) {
		dst = &c->cfg->visits_special;
		lo = 1;
		hi = 12;
		why = "'%s' is not a number of visits from 1 to 12";
	} else
		return config_fail(c, "visits", key, "%sunknown key", "");
	errno = 0;
	v = strtol(val, &end, 10);
	if (*val == '\0' || *end || errno || v < lo || v > hi)
		return config_fail(c, "visits", key, why, val);
	*dst = (int)v;
	return 1;
}

/* [term]: the first day of each term, MM-DD (DOMAIN rule 6's term-start
 * report is due within a week of it). 29 February is refused: most years
 * have none. */
static int
config_term(struct config_ctx *c, const char *key, const char *val)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int *dst, mon, day;

	if (!strcmp(key, "autumn"))
		dst = &c->cfg->term_autumn;
	else if (!strcmp(key, "spring"))
		dst = &c->cfg->term_spring;
	else
		return config_fail(c, "term", key, "%sunknown key", "");
	if (strlen(val) != 5 || val[2] != '-' ||
	    sscanf(val, "%2d-%2d", &mon, &day) != 2 ||
	    strspn(val, "0123456789") != 2 ||
	    strspn(val + 3, "0123456789") != 2 || mon < 1 || mon > 12 ||
	    day < 1 || day > mdays[mon - 1])
		return config_fail(c, "term", key,
		    "'%s' is not a day of the year as MM-DD (09-01)", val);
	*dst = mon * 100 + day;
	return 1;
}

static int
config_ladder(struct config_ctx *c, const char *section, const char *key,
    const char *val)
{
	char why[256];
	int level = 0;
	char *end;

	if (!strncmp(section, "ladder.", 7)) {
		level = (int)strtol(section + 7, &end, 10);
		if (*end || level < 1 || level > LADDER_MAX_LEVELS)
			return config_fail(c, section, key, "%slevel must be "
			    "1 to 8 ([ladder.1] ... [ladder.8])", "");
	}
	if (!strcmp(key, "calendar") && level == 0) {
		if (ladder_load_calendar(&c->cfg->ladder, val, why,
		    sizeof why) != 0)
			return config_fail(c, section, key, "%s", why);
		return 1;
	}
	if (ladder_set(&c->cfg->ladder, level, key, val, why,
	    sizeof why) != 0)
		return config_fail(c, section, key, "%s", why);
	return 1;
}

/* "21:00" → 1260. */
static int
config_hhmm_in(struct config_ctx *c, const char *section, const char *key,
    const char *val, int *dst)
{
	int h, m, n = 0;

	if (sscanf(val, "%2d:%2d%n", &h, &m, &n) != 2 || val[n] != '\0' ||
	    h < 0 || h > 23 || m < 0 || m > 59)
		return config_fail(c, section, key,
		    "'%s' is not a time HH:MM", val);
	*dst = h * 60 + m;
	return 1;
}

static int
config_hhmm(struct config_ctx *c, const char *key, const char *val, int *dst)
{
	return config_hhmm_in(c, "quiet", key, val, dst);
}

static int
config_quiet(struct config_ctx *c, const char *key, const char *val)
{
	if (!strcmp(key, "start"))
		return config_hhmm(c, key, val, &c->cfg->quiet_start);
	if (!strcmp(key, "end"))
		return config_hhmm(c, key, val, &c->cfg->quiet_end);
	return config_fail(c, "quiet", key, "%sunknown key", "");
}

static struct config_channel *
config_channel_get(struct config_ctx *c, const char *name)
{
	struct gw_config *cfg = c->cfg;
	struct config_channel *ch;
	size_t i;

	for (i = 0; i < cfg->nchannels; i++)
		if (!strcmp(cfg->channels[i].name, name))
			return &cfg->channels[i];
	if (cfg->nchannels == CONFIG_MAX_CHANNELS)
		return NULL;
	ch = &cfg->channels[cfg->nchannels++];
	memset(ch, 0, sizeof *ch);
	snprintf(ch->name, sizeof ch->name, "%s", name);
	ch->type = -1;
	ch->line = c->line;
	ch->merge = -1;
	return ch;
}

static int
config_channel(struct config_ctx *c, const char *section, const char *key,
    const char *val)
{
	const char *name = section + strlen("channel.");
	struct config_channel *ch;
	size_t i, nlen = strlen(name);

	if (nlen == 0 || nlen >= CONFIG_NAME_MAX)
		return config_fail(c, section, key, "%schannel name must be "
		    "1 to 31 characters", "");
	for (i = 0; i < nlen; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_' ||
		    name[i] == '-'))
			return config_fail(c, section, key, "%schannel name "
			    "may hold only a-z, 0-9, _ and -", "");
	if ((ch = config_channel_get(c, name)) == NULL)
		return config_fail(c, section, key, "%stoo many channels", "");
	if (!strcmp(key, "type")) {
		if (!strcmp(val, "outbox"))
			ch->type = CHAN_TYPE_OUTBOX;
		else if (!strcmp(val, "http"))
			ch->type = CHAN_TYPE_HTTP;
		else if (!strcmp(val, "modem"))
			ch->type = CHAN_TYPE_MODEM;
		else
			return config_fail(c, section, key, "unknown channel "
			    "type '%s' (supported: outbox, http, modem)", val);
		return 1;
	}
	if (!strcmp(key, "path"))
		return config_copy(c, section, key, val, ch->path,
		    sizeof ch->path);
	if (!strcmp(key, "console"))
		return config_bool(c, section, key, val, &ch->console);
	if (!strcmp(key, "rate"))
		return config_int(c, section, key, val, 0, 10000, &ch->rate);
	if (!strcmp(key, "merge"))
		return config_bool(c, section, key, val, &ch->merge);
	if (!strcmp(key, "recipient_daily"))
		return config_int(c, section, key, val, 0, 100000,
		    &ch->recipient_daily);
	if (!strcmp(key, "same_text_window"))
		return config_int(c, section, key, val, 0, 86400,
		    &ch->same_text_window);
	if (!strcmp(key, "timeout"))
		return config_int(c, section, key, val, 1, 120,
		    &ch->timeout_ms) ? (ch->timeout_ms *= 1000, 1) : 0;
	if (!strcmp(key, "max_inflight"))
		return config_int(c, section, key, val, 1, 1000,
		    &ch->max_inflight);
	if (!strcmp(key, "preset")) {
		if (strcmp(val, "kannel") && strcmp(val, "template"))
			return config_fail(c, section, key, "'%s' is not "
			    "kannel or template", val);
		return config_copy(c, section, key, val, ch->preset,
		    sizeof ch->preset);
	}
	if (!strcmp(key, "method")) {
		if (strcmp(val, "GET") && strcmp(val, "POST"))
			return config_fail(c, section, key, "'%s' is not GET "
			    "or POST", val);
		return config_copy(c, section, key, val, ch->method,
		    sizeof ch->method);
	}
#define CONFIG_STR(k, f)						\
	if (!strcmp(key, k))						\
		return config_copy(c, section, key, val, ch->f, sizeof ch->f);
	if (!strcmp(key, "prefixes"))
		return config_prefixes(c, section, key, val, ch->prefixes,
		    sizeof ch->prefixes);
	CONFIG_STR("url", url)
	CONFIG_STR("body", body)
	CONFIG_STR("content_type", content_type)
	CONFIG_STR("headers", headers)
	CONFIG_STR("success_match", success_match)
	CONFIG_STR("retry_match", retry_match)
	CONFIG_STR("id_json", id_json)
	CONFIG_STR("id_match", id_match)
	CONFIG_STR("username", username)
	CONFIG_STR("password", password)
	CONFIG_STR("dlr_url", dlr_url)
	CONFIG_STR("template_code", template_code)
	CONFIG_STR("sender", sender)
	CONFIG_STR("device", device)
	CONFIG_STR("pin", pin)
	if (!strcmp(key, "baud")) {
		if (strcmp(val, "9600") && strcmp(val, "19200") &&
		    strcmp(val, "38400") && strcmp(val, "57600") &&
		    strcmp(val, "115200") && strcmp(val, "230400") &&
		    strcmp(val, "460800") && strcmp(val, "921600"))
			return config_fail(c, section, key, "'%s' is not a "
			    "serial speed (9600 ... 921600)", val);
		ch->baud = atoi(val);
		return 1;
	}
	if (!strcmp(key, "concat_timeout"))
		return config_int(c, section, key, val, 10, 86400,
		    &ch->concat_timeout);
#undef CONFIG_STR
	return config_fail(c, section, key, "%sunknown key", "");
}

static int
config_handler(void *user, const char *section, const char *key,
    const char *val)
{
	struct config_ctx *c = user;
	size_t i;

	if (key == NULL)
		return 1;
	/* Repeated keys are mistakes waiting to happen: refuse them. */
	for (i = 0; i < c->nseen; i++)
		if (!strcmp(c->seen[i], section) &&
		    !strcmp(c->seen[i] + strlen(section) + 1, key))
			return config_fail(c, section, key,
			    "%skey given twice", "");
	if (c->nseen < CONFIG_MAX_SEEN &&
	    strlen(section) + strlen(key) + 2 <= sizeof c->seen[0]) {
		snprintf(c->seen[c->nseen], sizeof c->seen[0], "%s", section);
		snprintf(c->seen[c->nseen] + strlen(section) + 1,
		    sizeof c->seen[0] - strlen(section) - 1, "%s", key);
		c->nseen++;
	}
	if (!strcmp(section, "daemon"))
		return config_daemon(c, key, val);
	if (!strcmp(section, "clock"))
		return config_clock(c, key, val);
	if (!strcmp(section, "inbound.http"))
		return config_inbound_http(c, key, val);
	if (!strcmp(section, "cases"))
		return config_cases(c, key, val);
	if (!strcmp(section, "ladder") || !strncmp(section, "ladder.", 7))
		return config_ladder(c, section, key, val);
	if (!strcmp(section, "quiet"))
		return config_quiet(c, key, val);
	if (!strcmp(section, "digest")) {
		static const char *const days[] = { "monday", "tuesday",
		    "wednesday", "thursday", "friday", "saturday", "sunday" };
		int d;

		if (!strcmp(key, "time"))
			return config_hhmm_in(c, section, key, val,
			    &c->cfg->digest_minute);
		if (!strcmp(key, "day")) {
			for (d = 0; d < 7; d++)
				if (!strcasecmp(val, days[d])) {
					c->cfg->digest_weekday = d + 1;
					return 1;
				}
			return config_fail(c, section, key, "'%s' is not a day "
			    "of the week (monday ... sunday)", val);
		}
		return config_fail(c, section, key, "%sunknown key", "");
	}
	if (!strcmp(section, "visits"))
		return config_visits(c, key, val);
	if (!strcmp(section, "term"))
		return config_term(c, key, val);
	if (!strcmp(section, "retention")) {
		/* At least a week: the words of the week's work, which a
		 * typo must not wipe. */
		if (!strcmp(key, "content_days"))
			return config_int(c, section, key, val, 7, 3650,
			    &c->cfg->content_days);
		return config_fail(c, section, key, "%sunknown key", "");
	}
	if (!strcmp(section, "sender")) {
		if (!strcmp(key, "max_age"))
			return config_int(c, section, key, val, 60, 30 * 86400,
			    &c->cfg->max_age);
		if (!strcmp(key, "max_segments"))
			return config_int(c, section, key, val, 1,
			    CONFIG_MAX_SEGMENTS, &c->cfg->max_segments);
		return config_fail(c, section, key, "%sunknown key", "");
	}
	if (!strncmp(section, "channel.", 8))
		return config_channel(c, section, key, val);
	return config_fail(c, section, key, "%sunknown section", "");
}

static void
config_defaults(struct gw_config *cfg)
{
	snprintf(cfg->listen_host, sizeof cfg->listen_host, "127.0.0.1");
	cfg->listen_port = 8080;
	snprintf(cfg->templates, sizeof cfg->templates, "templates/zh-CN");
	snprintf(cfg->timezone, sizeof cfg->timezone, "%s",
	    CONFIG_DEFAULT_ZONE);
	cfg->log_level = LOGL_INFO;
	cfg->http_max_body = 8192;
	cfg->http_max_conns = 512;
	cfg->http_slow_timeout = 60;
	cfg->case_threshold = 2;
	cfg->case_special_threshold = 1;
	cfg->cosign_days = 3;
	ladder_defaults(&cfg->ladder);
	cfg->quiet_start = 21 * 60;
	cfg->quiet_end = 7 * 60 + 30;
	cfg->hmac_window = 300;
	cfg->dedup_window = 600;
	cfg->ussd_sessions = 1024;
	cfg->ussd_timeout = 180;
	cfg->max_age = 48 * 3600;
	cfg->max_segments = 3;
	snprintf(cfg->answer_unregistered, sizeof cfg->answer_unregistered,
	    "+86");
	cfg->visits_remind_week = 16;
	cfg->visits_special = 2;
	cfg->term_autumn = 901;
	cfg->term_spring = 301;
	cfg->digest_weekday = 1;
	cfg->digest_minute = 8 * 60;
	cfg->content_days = 90;
}

/* Checks that need the whole file: required keys and cross-key rules. */
static int
config_finish(struct config_ctx *c)
{
	struct gw_config *cfg = c->cfg;
	size_t i;

	/*
	 * The default zone is checked too: without tzdata (a slim
	 * container) glibc takes Asia/Shanghai silently as UTC, and quiet
	 * hours would fall at 05:00-15:30, SMS at midnight. China keeps no
	 * summer time, so its rule needs no zone file (a zone named in the
	 * file was checked as it was read).
	 */
	if (!timefmt_zone_exists(cfg->timezone) &&
	    strcmp(cfg->timezone, CONFIG_DEFAULT_ZONE) == 0)
		snprintf(cfg->timezone, sizeof cfg->timezone, "%s",
		    CONFIG_CHINA_RULE);
	if (setenv("TZ", cfg->timezone, 1) != 0)
		return snprintf(c->err, c->errsz, "setenv TZ failed"), -1;
	tzset();
	if (cfg->database[0] == '\0')
		return snprintf(c->err, c->errsz, "%s: [daemon] database: "
		    "required key is missing", cfg->file), -1;
	if (cfg->http_token[0] == '\0')
		return snprintf(c->err, c->errsz, "%s: [inbound.http] token: "
		    "required key is missing (inbound requests must be "
		    "authenticated)", cfg->file), -1;
	if (c->clock_start[0]) {
		if (!cfg->clock_manual)
			return snprintf(c->err, c->errsz, "%s:%d: [clock] "
			    "start: only meaningful with mode = manual",
			    cfg->file, c->clock_start_line), -1;
		if (timefmt_parse(c->clock_start, &cfg->clock_start) != 0)
			return snprintf(c->err, c->errsz, "%s:%d: [clock] "
			    "start: '%s' is not an ISO-8601 time such as "
			    "2026-09-01T08:00:00+08:00", cfg->file,
			    c->clock_start_line, c->clock_start), -1;
	}
	{
		char why[256];

		if (ladder_check(&cfg->ladder, why, sizeof why) != 0)
			return snprintf(c->err, c->errsz, "%s: [ladder]: %s",
			    cfg->file, why), -1;
	}
	if (cfg->nchannels == 0)
		return snprintf(c->err, c->errsz, "%s: no [channel.NAME] "
		    "section: outbound messages would have nowhere to go",
		    cfg->file), -1;
	for (i = 0; i < cfg->nchannels; i++) {
		struct config_channel *ch = &cfg->channels[i];

		if (ch->type < 0)
			return snprintf(c->err, c->errsz, "%s:%d: "
			    "[channel.%s] type: required key is missing",
			    cfg->file, ch->line, ch->name), -1;
		if (ch->type == CHAN_TYPE_OUTBOX && ch->path[0] == '\0')
			return snprintf(c->err, c->errsz, "%s:%d: "
			    "[channel.%s] path: required for type = outbox",
			    cfg->file, ch->line, ch->name), -1;
		if (ch->type == CHAN_TYPE_MODEM && ch->device[0] == '\0')
			return snprintf(c->err, c->errsz, "%s:%d: "
			    "[channel.%s] device: required for type = modem",
			    cfg->file, ch->line, ch->name), -1;
		if (ch->baud == 0)
			ch->baud = 115200;
		if (ch->type == CHAN_TYPE_HTTP && ch->url[0] == '\0')
			return snprintf(c->err, c->errsz, "%s:%d: "
			    "[channel.%s] url: required for type = http",
			    cfg->file, ch->line, ch->name), -1;
		if (!strcmp(ch->preset, "template") &&
		    ch->template_code[0] == '\0')
			return snprintf(c->err, c->errsz, "%s:%d: "
			    "[channel.%s] template_code: required for preset "
			    "= template", cfg->file, ch->line, ch->name), -1;
		if (!strcmp(ch->preset, "template") &&
		    cfg->signature[0] == '\0')
			return snprintf(c->err, c->errsz, "%s:%d: "
			    "[channel.%s] preset = template: [daemon] "
			    "signature is required (sent as the approved sign "
			    "name)", cfg->file, ch->line, ch->name), -1;
		if (ch->timeout_ms == 0)
			ch->timeout_ms = 10000;
		/* A fixed template has no room for two notices. */
		if (ch->merge < 0)
			ch->merge = strcmp(ch->preset, "template") != 0;
		if (ch->max_inflight == 0)
			ch->max_inflight = 8;
	}
	return 0;
}

/* A directory opens, and reads as empty: "database: required key is
 * missing" said nothing of the real mistake. */
static int
config_regular(FILE *f, const char *path, char *err, size_t errsz)
{
	struct stat sb;

	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
		return 1;
	snprintf(err, errsz, "%s: not a file", path);
	return 0;
}

int
config_load(const char *path, struct gw_config *cfg, char *err, size_t errsz)
{
	struct config_ctx *c;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	config_defaults(cfg);
	snprintf(cfg->file, sizeof cfg->file, "%s", path);
	if ((c = calloc(1, sizeof *c)) == NULL)
		return snprintf(err, errsz, "out of memory"), -1;
	c->cfg = cfg;
	c->err = err;
	c->errsz = errsz;
	c->at_line_start = 1;
	err[0] = '\0';
	if ((c->f = fopen(path, "r")) == NULL ||
	    !config_regular(c->f, path, err, errsz)) {
		if (c->f == NULL)
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
		else
			fclose(c->f);
		free(c);
		return -1;
	}
	rc = ini_parse_stream(config_reader, c, config_handler, c);
	fclose(c->f);
	/* Report whichever problem comes first in the file. */
	if (c->long_line && (rc == 0 || c->long_line <= rc) &&
	    (c->err_line == 0 || c->long_line <= c->err_line)) {
		snprintf(err, errsz, "%s:%d: line longer than 199 bytes", path,
		    c->long_line);
		rc = c->long_line;
	} else if (rc > 0 && (c->err_line == 0 || rc < c->err_line)) {
		snprintf(err, errsz, "%s:%d: syntax error (expected [section] "
		    "or key = value)", path, rc);
	} else if (c->bad_section_line && (rc == 0 ||
	    c->bad_section_line < c->err_line)) {
		snprintf(err, errsz, "%s:%d: [%s]: unknown section", path,
		    c->bad_section_line, c->bad_section);
		rc = c->bad_section_line;
	}
	if (rc < 0)
		snprintf(err, errsz, "%s: cannot read", path);
	if (rc == 0)
		rc = config_finish(c);
	free(c);
	return rc == 0 ? 0 : -1;
}
