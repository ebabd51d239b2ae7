/*
 * A fake SMS provider for the tests: an evhttp server on 127.0.0.1 port 0
 * that writes its port to a file, reads how to behave from a mode file
 * before every request, and records every request as a JSON line:
 *   ok        200 {"id":"P<n>"}
 *   fail500   500
 *   throttle  429
 *   reject    400 {"error":"invalid number"}
 *   hang      no answer (the client must time out)
 *   slow      as ok, 0.8 s late (a message in flight for a while)
 * Usage: fake_provider PORTFILE MODEFILE LOGFILE
 * It stops on SIGTERM, and by itself when its parent goes away.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>

static const char *modefile, *logfile;
static int served;

static void
read_mode(char *mode, size_t sz)
{
	FILE *f = fopen(modefile, "r");

	snprintf(mode, sz, "ok");
	if (f) {
		if (fgets(mode, (int)sz, f) == NULL)
			snprintf(mode, sz, "ok");
		mode[strcspn(mode, "\r\n")] = '\0';
		fclose(f);
	}
}

static void
request_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req), *out;
	size_t len = evbuffer_get_length(in);
	char mode[32], *body = calloc(1, len + 1), id[32];
	json_t *rec;
	FILE *f;

	(void)arg;
	evbuffer_copyout(in, body, len);
	read_mode(mode, sizeof mode);
	rec = json_pack("{ss ss ss}", "uri", evhttp_request_get_uri(req),
	    "body", body, "mode", mode);
	if ((f = fopen(logfile, "a")) != NULL) {
		char *line = json_dumps(rec, JSON_COMPACT);

		fprintf(f, "%s\n", line);
		free(line);
		fclose(f);
	}
	json_decref(rec);
	free(body);
	if (!strcmp(mode, "hang"))
		return;		/* never answered; the client times out */
	if (!strcmp(mode, "slow"))
		usleep(800 * 1000);
	out = evbuffer_new();
	if (!strcmp(mode, "fail500")) {
		evhttp_send_reply(req, 500, "Internal Server Error", out);
	} else if (!strcmp(mode, "throttle")) {
		evhttp_send_reply(req, 429, "Too Many Requests", out);
	} else if (!strcmp(mode, "reject")) {
		evbuffer_add_printf(out, "{\"error\":\"invalid number\"}");
		evhttp_send_reply(req, 400, "Bad Request", out);
	} else {
		snprintf(id, sizeof id, "P%d", ++served);
		evbuffer_add_printf(out, "{\"id\":\"%s\"}", id);
		evhttp_send_reply(req, 200, "OK", out);
	}
	evbuffer_free(out);
}

static void
stop_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopexit(arg, NULL);
}

int
main(int argc, char **argv)
{
	char tmp[4096];
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *bs;
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	struct event *ev;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: fake_provider PORTFILE MODEFILE "
		    "LOGFILE\n");
		return 2;
	}
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	modefile = argv[2];
	logfile = argv[3];
	base = event_base_new();
	http = evhttp_new(base);
	evhttp_set_gencb(http, request_cb, NULL);
	if ((bs = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0)) == NULL)
		return 1;
	getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin,
	    &sl);
	/* Written whole, then renamed: a reader never sees half a port. */
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
	if ((f = fopen(tmp, "w")) == NULL)
		return 1;
	fprintf(f, "%d\n", ntohs(sin.sin_port));
	if (fclose(f) != 0 || rename(tmp, argv[1]) != 0)
		return 1;
	ev = evsignal_new(base, SIGTERM, stop_cb, base);
	evsignal_add(ev, NULL);
	event_base_dispatch(base);
	event_free(ev);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
