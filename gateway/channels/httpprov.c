/*
 * HTTP SMS providers over curl_ev (never a blocking call): a request built
 * from templates in the configuration, sent with libcurl's multi
 * interface, and the answer mapped to sent (with the provider's message
 * id), retry (connection errors, timeouts, 429, 5xx, a "try later"
 * pattern) or failed (other 4xx, a body that does not match success).
 * Presets fill the templates for Kannel's sendsms and for a template-mode
 * aggregator; see examples/providers.md.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <jansson.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/channels/channel.h"
#include "gateway/config.h"
#include "gateway/curl_ev.h"
#include "gateway/log.h"
#include "gateway/xmalloc.h"

#define HTTPPROV_MAX 8192

struct httpprov {
	struct config_channel cfg;	/* a copy, presets applied */
	struct curl_ev *cev;		/* borrowed */
	char signature[128];
	pcre2_code *success_re, *retry_re, *id_re;
	int inflight;
};

struct httpprov_req {
	struct channel *ch;
	int64_t msg_id;
};

enum httpprov_esc { ESC_URL, ESC_JSON, ESC_NONE };

/* Appends s escaped for its place in the request. */
static int
httpprov_put(char *out, size_t outsz, size_t *o, const char *s,
    enum httpprov_esc esc)
{
	static const char hex[] = "0123456789ABCDEF";
	char *j;
	size_t l;

	if (esc == ESC_JSON) {
		/* jansson writes the quoted string; we need the inside. */
		json_t *str = json_string(s);

		j = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
		json_decref(str);
		if (j == NULL)
			return -1;
		l = strlen(j);
		if (l < 2 || *o + l - 2 >= outsz) {
			free(j);
			return -1;
		}
		memcpy(out + *o, j + 1, l - 2);
		*o += l - 2;
		free(j);
		return 0;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (*o + 4 >= outsz)
			return -1;
		if (esc == ESC_NONE || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			out[(*o)++] = (char)c;
		} else {
			out[(*o)++] = '%';
			out[(*o)++] = hex[c >> 4];
			out[(*o)++] = hex[c & 15];
		}
	}
	return 0;
}

struct httpprov_vars {
	const char *name, *value;
};

/* Expands {name} placeholders of tmpl with escaped values. */
static int
httpprov_expand(const char *tmpl, const struct httpprov_vars *v, size_t nv,
    enum httpprov_esc esc, char *out, size_t outsz)
{
	size_t o = 0, i, l;
	const char *p = tmpl, *q;

	while (*p) {
		if (*p == '{' && (q = strchr(p, '}')) != NULL) {
			l = (size_t)(q - p - 1);
			for (i = 0; i < nv; i++)
				if (strlen(v[i].name) == l &&
				    !memcmp(v[i].name, p + 1, l))
					break;
			if (i < nv) {
				if (httpprov_put(out, outsz, &o, v[i].value,
				    esc) != 0)
					return -1;
				p = q + 1;
				continue;
			}
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = *p++;
	}
	out[o] = '\0';
	return 0;
}

static pcre2_code *
httpprov_re(const char *pat, const char *name, char *err, size_t errsz)
{
	pcre2_code *re;
	PCRE2_SIZE eo;
	int ec;

	if (pat[0] == '\0')
		return NULL;
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
	    &ec, &eo, NULL);
	if (re == NULL)
		snprintf(err, errsz, "%s: bad pattern at offset %zu", name,
		    (size_t)eo);
	return re;
}

/* Does re match body? With id, copies capture group 1 into it. */
static int
httpprov_match(pcre2_code *re, const char *body, size_t len, char *id,
    size_t idsz)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	PCRE2_SIZE *ov;
	int rc;

	if (md == NULL)
		return 0;
	rc = pcre2_match(re, (PCRE2_SPTR)body, len, 0, 0, md, NULL);
	if (rc > 1 && id) {
		ov = pcre2_get_ovector_pointer(md);
		snprintf(id, idsz, "%.*s", (int)(ov[3] - ov[2]), body + ov[2]);
	}
	pcre2_match_data_free(md);
	return rc > 0;
}

/* The provider's id at a dotted path of a JSON answer ("data.id"). */
static void
httpprov_json_id(const char *path, const char *body, char *id, size_t idsz)
{
	json_t *root = json_loads(body, JSON_DECODE_ANY, NULL), *v = root;
	char key[64], *dot;
	const char *p = path;

	while (v && *p) {
		snprintf(key, sizeof key, "%s", p);
		if ((dot = strchr(key, '.')) != NULL)
			*dot = '\0';
		v = json_is_array(v) ? json_array_get(v, 0) : v;
		v = json_object_get(v, key);
		p += strlen(key);
		if (*p == '.')
			p++;
	}
	if (json_is_string(v))
		snprintf(id, idsz, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(id, idsz, "%lld", (long long)json_integer_value(v));
	json_decref(root);
}

static void
httpprov_done_cb(void *arg, CURLcode code, long status, const char *body,
    size_t len)
{
	struct httpprov_req *r = arg;
	struct channel *ch = r->ch;
	struct httpprov *hp = ch->impl;
	char why[160], id[128] = "";

	hp->inflight--;
	if (code != CURLE_OK) {
		snprintf(why, sizeof why, "%s", curl_easy_strerror(code));
		channel_report(ch, r->msg_id, CHAN_RETRY, NULL, why);
	} else if (status == 429 || status >= 500 || status < 200 ||
	    (status < 300 && hp->retry_re &&
	    httpprov_match(hp->retry_re, body, len, NULL, 0))) {
		snprintf(why, sizeof why, "HTTP %ld: %.100s", status, body);
		channel_report(ch, r->msg_id, CHAN_RETRY, NULL, why);
	} else if (status >= 300 || (hp->success_re &&
	    !httpprov_match(hp->success_re, body, len, NULL, 0))) {
		snprintf(why, sizeof why, "HTTP %ld: %.100s", status, body);
		channel_report(ch, r->msg_id, CHAN_FAILED, NULL, why);
	} else {
		if (hp->id_re)
			(void)httpprov_match(hp->id_re, body, len, id,
			    sizeof id);
		else if (hp->cfg.id_json[0])
			httpprov_json_id(hp->cfg.id_json, body, id, sizeof id);
		channel_report(ch, r->msg_id, CHAN_SENT, id[0] ? id : NULL,
		    NULL);
	}
	free(r);
}

static int
httpprov_send(struct channel *ch, const struct chan_msg *m)
{
	struct httpprov *hp = ch->impl;
	const struct config_channel *c = &hp->cfg;
	char *url = xcalloc(1, HTTPPROV_MAX), *body = xcalloc(1, HTTPPROV_MAX);
	char id[32], dlr[1024], params[2048], sign[128], national[24];
	const char *content = m->text;
	size_t sl = strlen(hp->signature);
	struct curl_slist *hdrs = NULL;
	struct httpprov_req *r;
	char hbuf[sizeof c->headers], *h, *save;
	int json, rc = -1;
	json_t *pj;
	char *pjs;
	CURL *easy;

	/* The aggregator adds the signature itself: send the rest. */
	if (sl && !strncmp(content, hp->signature, sl))
		content = m->text + sl;
	snprintf(sign, sizeof sign, "%s", hp->signature);
	if (!strncmp(sign, "【", 3) && strlen(sign) > 6)	/* 【...】 */
		snprintf(sign, sizeof sign, "%.*s", (int)strlen(hp->signature) -
		    6, hp->signature + 3);
	snprintf(national, sizeof national, "%s", !strncmp(m->to, "+86", 3) ?
	    m->to + 3 : m->to);
	snprintf(id, sizeof id, "%lld", (long long)m->id);
	/* Kannel's dlr-url carries our id; %d is Kannel's own placeholder. */
	snprintf(dlr, sizeof dlr, "%s%cid=%s&status=%%d", c->dlr_url,
	    strchr(c->dlr_url, '?') ? '&' : '?', id);
	pj = json_pack("{ss}", "content", content);
	pjs = pj ? json_dumps(pj, JSON_COMPACT) : NULL;
	json_decref(pj);
	snprintf(params, sizeof params, "%s", pjs ? pjs : "{}");
	free(pjs);
	{
		const struct httpprov_vars v[] = {
			{ "to", m->to }, { "to_national", national },
			{ "text", m->text }, { "content", content },
			{ "id", id }, { "signature", hp->signature },
			{ "sign_name", sign }, { "template", c->template_code },
			{ "params", params }, { "username", c->username },
			{ "password", c->password },
			{ "dlr", c->dlr_url[0] ? dlr : "" },
			{ "kind", m->kind }, { "sender", c->sender },
		};
		size_t nv = sizeof v / sizeof v[0];

		json = strstr(c->content_type, "json") != NULL;
		if (httpprov_expand(c->url, v, nv, ESC_URL, url,
		    HTTPPROV_MAX) != 0 || httpprov_expand(c->body, v, nv,
		    json ? ESC_JSON : ESC_URL, body, HTTPPROV_MAX) != 0) {
			log_warnx("channel %s: request for outbound %lld too "
			    "long", ch->name, (long long)m->id);
			goto out;
		}
	}
	if ((easy = curl_easy_init()) == NULL)
		goto out;
	curl_easy_setopt(easy, CURLOPT_URL, url);
	if (!strcmp(c->method, "POST")) {
		curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, body);
		snprintf(hbuf, sizeof hbuf, "Content-Type: %s",
		    c->content_type);
		hdrs = curl_slist_append(hdrs, hbuf);
	}
	snprintf(hbuf, sizeof hbuf, "%s", c->headers);
	for (h = strtok_r(hbuf, "|", &save); h; h = strtok_r(NULL, "|", &save))
		hdrs = curl_slist_append(hdrs, h);
	r = xcalloc(1, sizeof *r);
	r->ch = ch;
	r->msg_id = m->id;
	if (curl_ev_start(hp->cev, easy, hdrs, c->timeout_ms, httpprov_done_cb,
	    r) != 0) {
		free(r);
		goto out;
	}
	hp->inflight++;
	rc = 0;
out:
	free(url);
	free(body);
	return rc;
}

static int
httpprov_ready(const struct channel *ch)
{
	const struct httpprov *hp = ch->impl;

	return hp->inflight < hp->cfg.max_inflight ?
	    (int)(hp->cfg.max_inflight - hp->inflight) : 0;
}

static void
httpprov_free(struct channel *ch)
{
	struct httpprov *hp = ch->impl;

	if (hp == NULL)
		return;
	pcre2_code_free(hp->success_re);
	pcre2_code_free(hp->retry_re);
	pcre2_code_free(hp->id_re);
	free(hp);
}

static const struct channel_ops httpprov_ops = {
	"http", httpprov_send, httpprov_ready, httpprov_free, NULL, NULL
};

/* Fills the templates a preset stands for (explicit keys win). */
static void
httpprov_preset(struct config_channel *c)
{
	char base[sizeof c->url - 160];

#define DEF(f, v) if (c->f[0] == '\0') snprintf(c->f, sizeof c->f, "%s", v)
	if (!strcmp(c->preset, "kannel")) {
		/* url is Kannel's sendsms base, e.g. http://127.0.0.1:13013 */
		snprintf(base, sizeof base, "%.*s", (int)sizeof base - 1,
		    c->url);
		if (!strstr(base, "{"))
			snprintf(c->url, sizeof c->url, "%s/cgi-bin/sendsms?"
			    "username={username}&password={password}&to={to}&"
			    "text={text}&charset=UTF-8&coding=2%s%s", base,
			    c->sender[0] ? "&from={sender}" : "",
			    c->dlr_url[0] ? "&dlr-mask=3&dlr-url={dlr}" : "");
		DEF(method, "GET");
	} else if (!strcmp(c->preset, "template")) {
		DEF(method, "POST");
		DEF(content_type, "application/json");
		DEF(body, "{\"PhoneNumbers\":\"{to_national}\","
		    "\"SignName\":\"{sign_name}\","
		    "\"TemplateCode\":\"{template}\","
		    "\"TemplateParam\":\"{params}\",\"OutId\":\"{id}\"}");
		DEF(success_match, "\"Code\"\\s*:\\s*\"OK\"");
		DEF(retry_match, "LIMIT|[Tt]hrottl|BUSY");
		DEF(id_json, "BizId");
	}
	DEF(method, "POST");
	DEF(content_type, "application/x-www-form-urlencoded");
#undef DEF
}

struct channel *
httpprov_new(const struct config_channel *cfg, struct curl_ev *cev,
    const char *signature, char *err, size_t errsz)
{
	struct channel *ch = xcalloc(1, sizeof *ch);
	struct httpprov *hp = xcalloc(1, sizeof *hp);

	snprintf(ch->name, sizeof ch->name, "%s", cfg->name);
	ch->ops = &httpprov_ops;
	ch->impl = hp;
	hp->cfg = *cfg;
	hp->cev = cev;
	snprintf(hp->signature, sizeof hp->signature, "%s", signature);
	httpprov_preset(&hp->cfg);
	err[0] = '\0';
	hp->success_re = httpprov_re(hp->cfg.success_match, "success_match",
	    err, errsz);
	hp->retry_re = httpprov_re(hp->cfg.retry_match, "retry_match", err,
	    errsz);
	hp->id_re = httpprov_re(hp->cfg.id_match, "id_match", err, errsz);
	if (err[0]) {
		char why[256];

		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errsz, "channel %s: %s", cfg->name, why);
		channel_free(ch);
		return NULL;
	}
	return ch;
}
