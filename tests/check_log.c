/*
 * The log: one line per call whatever the message holds, and the held
 * lines of a group (log_hold ... log_release) cut back to a mark when what
 * they tell was rolled back.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/log.h"
#include "tests/testutil.h"

static char *dir;
static char path[4200];
static int saved = -1;

static void
setup(void)
{
	dir = tu_tmpdir();
	snprintf(path, sizeof path, "%s/log", dir);
	saved = tu_stderr_to(path);
	log_set_level(LOGL_INFO);
}

static void
teardown(void)
{
	if (saved >= 0)
		tu_stderr_back(saved);
	saved = -1;
	tu_rmdir(dir);
}

/* What was written so far (the caller frees). */
static char *
written(void)
{
	char *s;

	fflush(stderr);
	ck_assert_ptr_nonnull(s = tu_read(path));
	return s;
}

/* A field from outside (a provider's reference, a text at debug level)
 * cannot start a line of its own: a forged "INFO" line, say. */
START_TEST(test_one_line_per_call)
{
	char *s;

	log_info("ref %s done", "x\n2026-11-22T00:00:00.000Z INFO  forged");
	log_warnx("tab\there, cr\r, bell\a, del\x7f end");
	s = written();
	ck_assert_int_eq(tu_lines(path), 2);
	ck_assert_ptr_nonnull(strstr(s, "ref x\\n2026-11-22T00:00:00.000Z "
	    "INFO  forged done\n"));
	ck_assert_ptr_nonnull(strstr(s, "tab\\there, cr\\r, bell?, del? "
	    "end\n"));
	free(s);
}
END_TEST

/* Each line starts with the time in UTC to the millisecond and the level
 * padded to five: "2026-11-24T05:58:14.437Z INFO  ". */
START_TEST(test_prefix)
{
	static const char *const level[] = { "WARN  a", "INFO  b" };
	char *s, *line;
	int i, k;

	log_warnx("a");
	log_info("b");
	s = written();
	for (i = 0, line = s; i < 2; i++, line = strchr(line, '\n') + 1) {
		for (k = 0; k < 24; k++) {
			char c = line[k];

			if (k == 4 || k == 7)
				ck_assert_int_eq(c, '-');
			else if (k == 10)
				ck_assert_int_eq(c, 'T');
			else if (k == 13 || k == 16)
				ck_assert_int_eq(c, ':');
			else if (k == 19)
				ck_assert_int_eq(c, '.');
			else if (k == 23)
				ck_assert_int_eq(c, 'Z');
			else
				ck_assert_msg(c >= '0' && c <= '9', "%.40s", line);
		}
		ck_assert_int_eq(line[24], ' ');
		ck_assert_int_eq(strncmp(line + 25, level[i], 7), 0);
	}
	free(s);
}
END_TEST

/* Info lines wait for the release, warnings do not; cut drops what was
 * held since the mark. */
START_TEST(test_hold_mark_cut)
{
	size_t mark;
	char *s;

	log_hold();
	log_info("first");
	mark = log_mark();
	log_info("second");
	log_warnx("a warning");
	s = written();
	ck_assert_int_eq(tu_count(s, "first"), 0);
	ck_assert_int_eq(tu_count(s, "a warning"), 1);
	free(s);
	log_cut(mark);
	log_info("third");
	log_release();
	s = written();
	ck_assert_int_eq(tu_count(s, "first"), 1);
	ck_assert_int_eq(tu_count(s, "second"), 0);
	ck_assert_int_eq(tu_count(s, "third"), 1);
	ck_assert(strstr(s, "a warning") < strstr(s, "first"));
	free(s);
	/* Not held: at once. */
	log_info("fourth");
	s = written();
	ck_assert_int_eq(tu_count(s, "fourth"), 1);
	free(s);
}
END_TEST

/* A pass that will be done again holds its warnings too, and drops them
 * with its other lines. */
START_TEST(test_hold_warnings)
{
	char *s;

	log_hold();
	log_hold_warnings(1);
	log_warnx("first pass");
	s = written();
	ck_assert_int_eq(tu_count(s, "first pass"), 0);
	free(s);
	log_cut(0);
	log_hold_warnings(0);
	log_warnx("second pass");
	s = written();
	ck_assert_int_eq(tu_count(s, "second pass"), 1);
	free(s);
	log_release();
	s = written();
	ck_assert_int_eq(tu_count(s, "first pass"), 0);
	free(s);
}
END_TEST

/* A group that logs more than the buffer holds: the early lines go out
 * whole and stay; what is cut is only what was still held. */
START_TEST(test_hold_overflow)
{
	char pad[200];
	int i, n = 2000;
	char *s;

	memset(pad, 'p', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	log_hold();
	for (i = 0; i < n; i++)
		log_info("line %d %s", i, pad);
	log_cut(0);
	log_release();
	s = written();
	/* Some went out early (2000 lines of ~250 bytes > 128 kB), each
	 * whole, and the rest was dropped. */
	ck_assert_int_gt(tu_lines(path), 0);
	ck_assert_int_lt(tu_lines(path), n);
	ck_assert_int_eq(tu_count(s, pad), tu_lines(path));
	ck_assert_int_eq(tu_count(s, "line 0 "), 1);
	free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_one_line_per_call);
	tcase_add_test(tc, test_prefix);
	tcase_add_test(tc, test_hold_mark_cut);
	tcase_add_test(tc, test_hold_overflow);
	tcase_add_test(tc, test_hold_warnings);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
