/*
 * baoxued: arguments, configuration, wiring, signals. Nothing else.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "gateway/config.h"
#include "gateway/gw.h"
#include "gateway/http.h"
#include "gateway/log.h"
#include "gateway/pipeline.h"
#include "gateway/sender.h"
#include "templates/render.h"

/*
 * One daemon per database. A second one started by mistake (the port
 * free, or its own) would put back in the queue the messages the first
 * has in flight, as after a crash, and the first would send them again;
 * its migrations would run beside the first's writes. So the daemon
 * holds an exclusive lock on DATABASE.lock while it runs: flock, which
 * the kernel lets go when the process ends however it ends. baoxuectl
 * takes no such lock: it may work beside the daemon. Returns the
 * descriptor; the daemon does not start without it.
 */
static int
lock_database(const char *db)
{
	char path[PATH_MAX + 8];
	int fd;

	if (snprintf(path, sizeof path, "%s.lock", db) >= (int)sizeof path)
		fatalx("%s: path too long", db);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		fatalx("%s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno == EWOULDBLOCK)
		fatalx("%s: another baoxued is using this database", path);
	fatalx("%s: %s", path, strerror(errno));
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: baoxued -c FILE [--check-config]\n"
	    "       baoxued --version\n");
}

/* libevent's own messages, through our log: timestamped, and written at
 * once even while the log holds a group's lines. */
static void
main_evlog(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warnx("libevent: %s", msg);
	else if (severity == EVENT_LOG_MSG)
		log_info("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

/*
 * Stopping. A message a provider or the modem has in flight would stay
 * "sending" and be sent again at the next start, so the first SIGTERM
 * (or SIGINT) stops the sending and waits for their results, at most
 * MAIN_STOP_WAIT_S (a provider's timeout is 10 s by default); inbound
 * messages are still taken meanwhile. A second signal stops at once.
 * Callbacks run to their end, so a transaction in flight is committed
 * before the loop is left.
 */
#define MAIN_STOP_WAIT_S 30

struct main_ctx {
	struct event_base *base;
	struct gw *g;
	struct event *deadline;
	int stopping;
};

static void
main_idle_cb(void *arg)
{
	struct main_ctx *m = arg;

	event_base_loopexit(m->base, NULL);
}

static void
main_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct main_ctx *m = arg;

	(void)fd;
	(void)what;
	log_warnx("stopping after %d s with %zu message(s) still in flight: "
	    "sent again at the next start", MAIN_STOP_WAIT_S,
	    sender_in_flight(m->g->sender));
	event_base_loopexit(m->base, NULL);
}

/* SIGHUP, which many daemons take as "reload": nothing here is read
 * again while running (configuration, templates), and stopping on it
 * (its default) would be a stop systemd's Restart=on-failure does not
 * undo. Said, and otherwise ignored. */
static void
main_hup_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	log_info("SIGHUP ignored: the configuration and the templates are "
	    "read at start; restart baoxued to change them");
}

static void
main_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct main_ctx *m = arg;
	struct timeval tv = { MAIN_STOP_WAIT_S, 0 };

	(void)what;
	if (m->stopping++) {
		log_info("signal %d again: stopping now", (int)sig);
		event_base_loopexit(m->base, NULL);
		return;
	}
	log_info("signal %d: stopping", (int)sig);
	if (m->deadline == NULL || evtimer_add(m->deadline, &tv) != 0) {
		event_base_loopexit(m->base, NULL);
		return;
	}
	gw_stop(m->g, main_idle_cb, m);
}

/*
 * What a start would trip on beyond the file itself, for --check-config:
 * the templates (loaded and checked as at start) and the directory the
 * database and its lock file go in. 0, or 1 with err set.
 */
static int
main_check_paths(const struct gw_config *cfg, char *err, size_t errsz)
{
	char dirbuf[sizeof cfg->database], *slash;
	struct catalog *cat;
	const char *dir = ".";

	if ((cat = catalog_load(cfg->templates, err, errsz)) == NULL)
		return 1;
	catalog_free(cat);
	snprintf(dirbuf, sizeof dirbuf, "%s", cfg->database);
	if ((slash = strrchr(dirbuf, '/')) != NULL) {
		slash[slash == dirbuf] = '\0';
		dir = dirbuf;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		snprintf(err, errsz, "%.300s: [daemon] database: directory "
		    "%.600s: %s",
		    cfg->file, dir, strerror(errno));
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct gw_config *cfg;
	struct event_config *evcfg;
	struct event_base *base;
	struct event *ev_term, *ev_int, *ev_hup;
	struct main_ctx m = { NULL, NULL, NULL, 0 };
	struct http *http;
	struct gw *g;
	const char *file = NULL;
	char err[1024];
	int i, check = 0, lockfd, listenfd;

	log_buffered();
	event_set_log_callback(main_evlog);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			file = argv[++i];
		} else if (!strcmp(argv[i], "--check-config")) {
			check = 1;
		} else if (!strcmp(argv[i], "--version")) {
			printf("baoxued %s\n", BAOXUE_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (file == NULL) {
		usage(stderr);
		return 2;
	}
	if ((cfg = calloc(1, sizeof *cfg)) == NULL)
		return 1;
	if (config_load(file, cfg, err, sizeof err) != 0) {
		fprintf(stderr, "baoxued: %s\n", err);
		free(cfg);
		return 1;
	}
	if (check) {
		int bad = main_check_paths(cfg, err, sizeof err);

		if (bad)
			fprintf(stderr, "baoxued: %s\n", err);
		else
			printf("%s: configuration OK\n", file);
		free(cfg);
		return bad;
	}
	/* As the check says it, not as "DATABASE.lock: No such file". */
	if (main_check_paths(cfg, err, sizeof err) != 0) {
		fprintf(stderr, "baoxued: %s\n", err);
		free(cfg);
		return 1;
	}
	log_set_level(cfg->log_level);
	signal(SIGPIPE, SIG_IGN);
	/* No epoll changelist here nor on the HTTP thread (httpfront.c):
	 * it applies a closed descriptor's EPOLL_CTL_DEL after close(2),
	 * when the other thread may have the same number. */
	if ((evcfg = event_config_new()) == NULL ||
	    (base = event_base_new_with_config(evcfg)) == NULL)
		fatalx("event_base_new failed");
	event_config_free(evcfg);
	/* Before the store is opened: its migrations, and the sender's
	 * requeue of what a crash left "sending", are the one daemon's. */
	lockfd = lock_database(cfg->database);
	/* And the port, before anything is made: a port in use (another
	 * daemon, a mistyped listen) stopped the start only after a new
	 * database had been created and migrated. */
	if ((listenfd = http_listen_open(cfg, err, sizeof err)) < 0)
		fatalx("%s", err);
	if ((g = gw_new(base, cfg, err, sizeof err)) == NULL)
		fatalx("%s", err);
	m.base = base;
	m.g = g;
	m.deadline = evtimer_new(base, main_deadline_cb, &m);
	/*
	 * Before the port is open: whoever sees it listening may stop the
	 * daemon, and a SIGTERM in between killed it unhandled (exit by
	 * signal 15, in check_daemon once, a test whose 413 the HTTP
	 * thread gave before this thread got here). One that comes now
	 * waits for the loop.
	 */
	ev_term = evsignal_new(base, SIGTERM, main_signal_cb, &m);
	ev_int = evsignal_new(base, SIGINT, main_signal_cb, &m);
	ev_hup = evsignal_new(base, SIGHUP, main_hup_cb, NULL);
	if (!ev_term || !ev_int || !ev_hup || evsignal_add(ev_term, NULL) ||
	    evsignal_add(ev_int, NULL) || evsignal_add(ev_hup, NULL))
		fatalx("cannot install signal handlers");
	if ((http = http_new(g, listenfd, err, sizeof err)) == NULL)
		fatalx("%s", err);
	log_info("baoxued %s started (%s clock, time zone %s)",
	    BAOXUE_VERSION, cfg->clock_manual ? "manual" : "system",
	    cfg->timezone);
	/* Whatever fell due while the daemon was down, in order, once. */
	gw_run_due(g);
	if (event_base_dispatch(base) < 0)
		fatalx("the event loop failed");

	/* What still waits is answered 503 (sent if the HTTP thread gets
	 * to it before it stops; the provider retries either way), and
	 * what each answer owned is freed. */
	pipeline_drop(g->pipeline);
	http_free(http);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
	if (m.deadline)
		event_free(m.deadline);
	gw_free(g);
	event_base_free(base);
	close(lockfd);
	free(cfg);
	log_info("stopped; database closed");
	return 0;
}
