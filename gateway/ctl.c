/*
 * baoxuectl: the operator's tool.
 *   baoxuectl -d DB import DIR       load the roster CSVs (one transaction)
 *   baoxuectl sim [-u URL] [-t TOKEN] [-i ID] FROM TEXT
 *                                    send an SMS to a running baoxued as a
 *                                    gateway would, and print its answer
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/import.h"
#include "store/store.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: baoxuectl -d DB import DIR\n"
	    "       baoxuectl sim [-u URL] [-t TOKEN] [-i ID] FROM TEXT\n"
	    "       baoxuectl --version\n"
	    "  sim defaults: -u http://127.0.0.1:8080/sms/inbound -t demo\n");
}

static void
ctl_report(void *arg, int error, const char *line)
{
	(void)arg;
	fprintf(stderr, "%s%s\n", error ? "" : "note: ", line);
}

static int
ctl_import(const char *db, const char *dir)
{
	struct import_counts n;
	struct store *st;
	char err[1024];
	int rc;

	if ((st = store_open(db, err, sizeof err)) == NULL) {
		fprintf(stderr, "baoxuectl: %s\n", err);
		return 1;
	}
	if ((rc = roster_import(st, dir, &n, ctl_report, NULL)) != 0) {
		if (rc > 0)
			fprintf(stderr, "baoxuectl: import refused: %d "
			    "problem(s), nothing changed\n", rc);
		else
			fprintf(stderr, "baoxuectl: import failed, nothing "
			    "changed\n");
		store_close(st);
		return 1;
	}
	store_close(st);
	printf("imported %zu places, %zu people, %zu students into %s\n",
	    n.places, n.people, n.students, db);
	return 0;
}

static size_t
ctl_write_cb(char *p, size_t size, size_t n, void *arg)
{
	(void)arg;
	return fwrite(p, size, n, stdout);
}

static int
ctl_sim(int argc, char **argv)
{
	const char *url = "http://127.0.0.1:8080/sms/inbound", *token = "demo";
	const char *id = NULL;
	char *e_from, *e_text, *e_tok, *e_id = NULL, *body;
	CURL *c;
	CURLcode rc;
	long code = 0;
	size_t len;
	int i;

	for (i = 0; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			return usage(stderr), 2;
		if (!strcmp(argv[i], "-u"))
			url = argv[i + 1];
		else if (!strcmp(argv[i], "-t"))
			token = argv[i + 1];
		else if (!strcmp(argv[i], "-i"))
			id = argv[i + 1];
		else
			return usage(stderr), 2;
	}
	if (argc - i != 2)
		return usage(stderr), 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((c = curl_easy_init()) == NULL)
		return 1;
	e_from = curl_easy_escape(c, argv[i], 0);
	e_text = curl_easy_escape(c, argv[i + 1], 0);
	e_tok = curl_easy_escape(c, token, 0);
	if (id)
		e_id = curl_easy_escape(c, id, 0);
	len = strlen(e_from) + strlen(e_text) + strlen(e_tok) +
	    (e_id ? strlen(e_id) : 0) + 32;
	body = malloc(len);
	snprintf(body, len, "from=%s&text=%s&token=%s%s%s", e_from, e_text,
	    e_tok, e_id ? "&id=" : "", e_id ? e_id : "");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ctl_write_cb);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	else
		fprintf(stderr, "baoxuectl: %s: %s\n", url,
		    curl_easy_strerror(rc));
	curl_free(e_from);
	curl_free(e_text);
	curl_free(e_tok);
	curl_free(e_id);
	free(body);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return rc == CURLE_OK && code == 200 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *db = NULL;
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("baoxuectl %s\n", BAOXUE_VERSION);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "-d")) {
		db = argv[2];
		i = 3;
	}
	if (i < argc && !strcmp(argv[i], "import") && argc == i + 2) {
		if (db == NULL)
			return usage(stderr), 2;
		return ctl_import(db, argv[i + 1]);
	}
	if (i < argc && !strcmp(argv[i], "sim"))
		return ctl_sim(argc - i - 1, argv + i + 1);
	usage(stderr);
	return 2;
}
