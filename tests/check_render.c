/* The message catalog: loading, checking and rendering templates. */
#include "templates/render.h"
#include "tests/testutil.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * One directory per TCase, made and removed by an unchecked fixture so a
 * failed test (which ends its forked child) still leaves nothing behind;
 * the checked fixture empties it so each test starts from nothing.
 */
static char tmpdir[64];

static void
dir_empty(void)
{
	struct dirent *de;
	char path[sizeof tmpdir + sizeof de->d_name + 1];
	DIR *d;

	if (tmpdir[0] == '\0' || (d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

static void
dir_create(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_render.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(EXIT_FAILURE);
	}
}

static void
dir_remove(void)
{
	dir_empty();
	if (tmpdir[0] != '\0')
		rmdir(tmpdir);
	tmpdir[0] = '\0';
}

static void
put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static struct catalog *
load_ok(void)
{
	char err[512] = "";
	struct catalog *c = catalog_load(tmpdir, err, sizeof err);

	ck_assert_msg(c != NULL, "catalog_load: %s", err);
	return c;
}

/* Loading must fail and the message must name the file. */
static void
load_fails(const char *file)
{
	char err[512] = "";

	ck_assert_ptr_null(catalog_load(tmpdir, err, sizeof err));
	ck_assert_msg(strstr(err, file) != NULL, "'%s' lacks %s", err, file);
}

/* --- rendering --- */

START_TEST(test_render_vars)
{
	static const struct render_var v[] = {
		{ "student_no", "1001" }, { "days", "3" },
	};
	struct catalog *c;
	char out[128];

	put("greet.txt", "学号{student_no}缺勤{days}天，{days}天。\n");
	c = load_ok();
	ck_assert_int_eq(render(c, "greet", v, 2, out, sizeof out), 0);
	ck_assert_str_eq(out, "学号1001缺勤3天，3天。");
	catalog_free(c);
}
END_TEST

/* The look-up is a binary search: every key is found, whatever order the
 * directory lists them in, and keys between or beyond them are not. */
START_TEST(test_lookup_every_key)
{
	static const char *const keys[] = {
		"m", "a", "zz", "b_2", "b_10", "ab", "z", "a_b", "mm", "b",
	};
	struct catalog *c;
	char name[32], text[32];
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		snprintf(name, sizeof name, "%s.txt", keys[i]);
		snprintf(text, sizeof text, "text of %s", keys[i]);
		put(name, text);
	}
	c = load_ok();
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		snprintf(text, sizeof text, "text of %s", keys[i]);
		ck_assert_ptr_nonnull(catalog_text(c, keys[i]));
		ck_assert_str_eq(catalog_text(c, keys[i]), text);
	}
	ck_assert_ptr_null(catalog_text(c, ""));
	ck_assert_ptr_null(catalog_text(c, "0"));
	ck_assert_ptr_null(catalog_text(c, "aa"));
	ck_assert_ptr_null(catalog_text(c, "b_1"));
	ck_assert_ptr_null(catalog_text(c, "zzz"));
	catalog_free(c);
}
END_TEST

START_TEST(test_render_no_placeholders)
{
	struct catalog *c;
	char out[64];

	put("plain.txt", "hello");
	c = load_ok();
	ck_assert_int_eq(render(c, "plain", NULL, 0, out, sizeof out), 0);
	ck_assert_str_eq(out, "hello");
	catalog_free(c);
}
END_TEST

START_TEST(test_comments_and_trailing_newlines)
{
	struct catalog *c;

	put("a.txt", "# translators: {x} is ignored here\nline one\n"
	    "# another note\nline two\n\n\n");
	c = load_ok();
	ck_assert_str_eq(catalog_text(c, "a"), "line one\nline two");
	catalog_free(c);
}
END_TEST

START_TEST(test_multiline_kept)
{
	static const struct render_var v[] = { { "n", "7" } };
	struct catalog *c;
	char out[64];

	put("m.txt", "first {n}\n\nthird\n");
	c = load_ok();
	ck_assert_str_eq(catalog_text(c, "m"), "first {n}\n\nthird");
	ck_assert_int_eq(render(c, "m", v, 1, out, sizeof out), 0);
	ck_assert_str_eq(out, "first 7\n\nthird");
	catalog_free(c);
}
END_TEST

START_TEST(test_render_missing_var)
{
	static const struct render_var v[] = { { "a", "1" } };
	struct catalog *c;
	char out[64];

	put("t.txt", "{a} and {b}");
	c = load_ok();
	ck_assert_int_eq(render(c, "t", v, 1, out, sizeof out), -1);
	catalog_free(c);
	/* A var whose name is a prefix of the placeholder does not match. */
	put("t.txt", "{ab}");
	c = load_ok();
	ck_assert_int_eq(render(c, "t", v, 1, out, sizeof out), -1);
	catalog_free(c);
}
END_TEST

START_TEST(test_render_unknown_key)
{
	struct catalog *c;
	char out[64];

	put("t.txt", "x");
	c = load_ok();
	ck_assert_int_eq(render(c, "nope", NULL, 0, out, sizeof out), -1);
	ck_assert_ptr_null(catalog_text(c, "nope"));
	ck_assert_ptr_null(catalog_text(c, "t.txt"));
	catalog_free(c);
}
END_TEST

START_TEST(test_render_buffer_size)
{
	static const struct render_var v[] = { { "v", "12345" } };
	struct catalog *c;
	char out[16];

	put("t.txt", "ab{v}cd");	/* renders to 9 bytes + NUL */
	c = load_ok();
	ck_assert_int_eq(render(c, "t", v, 1, out, 10), 0);
	ck_assert_str_eq(out, "ab12345cd");
	ck_assert_int_eq(render(c, "t", v, 1, out, 9), -1);
	ck_assert_int_eq(render(c, "t", v, 1, out, 6), -1);	/* in {v} */
	ck_assert_int_eq(render(c, "t", v, 1, out, 2), -1);	/* in "ab" */
	ck_assert_int_eq(render(c, "t", v, 1, out, 0), -1);
	catalog_free(c);
}
END_TEST

/* --- loading --- */

static const char *const malformed[] = {
	"open { brace", "empty {} name", "upper {Name}", "a}b", "tail {a",
	"{a-b}",
};

START_TEST(test_load_malformed)
{
	put("ok.txt", "fine {a}");
	put("bad.txt", malformed[_i]);
	load_fails("bad.txt");
}
END_TEST

START_TEST(test_load_empty)
{
	put("empty.txt", "");
	load_fails("empty.txt");
}
END_TEST

START_TEST(test_load_only_comments)
{
	put("c.txt", "# just a note\n\n\n");
	load_fails("c.txt");
}
END_TEST

START_TEST(test_load_ignores_other_files)
{
	struct catalog *c;

	put("a.txt", "A");
	put("notes.md", "{broken");
	put("b.txt.orig", "{broken");
	put(".hidden.txt", "{broken");
	put("README", "");
	c = load_ok();
	ck_assert_str_eq(catalog_text(c, "a"), "A");
	ck_assert_ptr_null(catalog_text(c, "notes"));
	ck_assert_ptr_null(catalog_text(c, "b.txt"));
	ck_assert_ptr_null(catalog_text(c, ".hidden"));
	catalog_free(c);
}
END_TEST

START_TEST(test_load_nonexistent_dir)
{
	char err[512] = "", path[128];

	snprintf(path, sizeof path, "%s/missing", tmpdir);
	ck_assert_ptr_null(catalog_load(path, err, sizeof err));
	ck_assert_msg(strstr(err, path) != NULL, "'%s'", err);
}
END_TEST

START_TEST(test_load_empty_dir)
{
	struct catalog *c = load_ok();

	ck_assert_ptr_null(catalog_text(c, "anything"));
	catalog_free(c);
}
END_TEST

/*
 * The shipped catalog outgrew a fixed 256 entries (every listing's
 * words are templates too): a directory of 600 loads, each found; one
 * past the bound is refused with the directory named, not truncated.
 */
START_TEST(test_load_many)
{
	char name[64], text[64], err[512] = "";
	const char *t;
	struct catalog *c;
	int i;

	for (i = 0; i < 600; i++) {
		snprintf(name, sizeof name, "k%03d.txt", i);
		snprintf(text, sizeof text, "text %d", i);
		put(name, text);
	}
	c = load_ok();
	for (i = 0; i < 600; i++) {
		snprintf(name, sizeof name, "k%03d", i);
		snprintf(text, sizeof text, "text %d", i);
		t = catalog_text(c, name);
		ck_assert_msg(t != NULL && strcmp(t, text) == 0, "%s", name);
	}
	catalog_free(c);
	for (i = 600; i < CATALOG_MAX_ENTRIES + 1; i++) {
		snprintf(name, sizeof name, "k%04d.txt", i);
		put(name, "x");
	}
	ck_assert_ptr_null(catalog_load(tmpdir, err, sizeof err));
	ck_assert_msg(strstr(err, "too many") != NULL &&
	    strstr(err, tmpdir) != NULL, "'%s'", err);
}
END_TEST

/* --- catalog_require --- */

static const char *const allowed[] = { "student_no", "days", NULL };

START_TEST(test_require_ok)
{
	char err[256] = "";
	struct catalog *c;

	put("abs.txt", "{student_no} {days} {days}");
	put("bare.txt", "no placeholders");
	c = load_ok();
	ck_assert_int_eq(catalog_require(c, "abs", allowed, err, sizeof err),
	    0);
	ck_assert_int_eq(catalog_require(c, "bare", allowed, err, sizeof err),
	    0);
	catalog_free(c);
}
END_TEST

START_TEST(test_require_missing_key)
{
	char err[256] = "";
	struct catalog *c;

	put("abs.txt", "x");
	c = load_ok();
	ck_assert_int_eq(catalog_require(c, "gone", allowed, err, sizeof err),
	    -1);
	ck_assert_msg(strstr(err, "gone.txt") != NULL, "'%s'", err);
	catalog_free(c);
}
END_TEST

START_TEST(test_require_unknown_placeholder)
{
	char err[256] = "";
	struct catalog *c;

	/* {student} is a prefix of an allowed name: still unknown. */
	put("abs.txt", "{student_no} {student} {days}");
	c = load_ok();
	ck_assert_int_eq(catalog_require(c, "abs", allowed, err, sizeof err),
	    -1);
	ck_assert_msg(strstr(err, "abs.txt") != NULL, "'%s'", err);
	ck_assert_msg(strstr(err, "{student}") != NULL, "'%s'", err);
	catalog_free(c);
}
END_TEST

/* --- the shipped catalog --- */

START_TEST(test_real_catalog)
{
	static const struct render_var v[] = {
		{ "student_no", "20240117" }, { "name", "张*" },
		{ "class", "七年级二班" }, { "days", "3" },
	};
	static const char *const abs_vars[] = {
		"student_no", "name", "class", "days", NULL,
	};
	const char *src = getenv("BX_SOURCE_DIR");
	char dir[1024], err[512] = "", out[CATALOG_MAX_TEXT];
	struct catalog *c;

	if (src == NULL || src[0] == '\0')
		return;		/* not run by ctest: nothing to load */
	snprintf(dir, sizeof dir, "%s/templates/zh-CN", src);
	c = catalog_load(dir, err, sizeof err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(catalog_require(c, "abs_ok", abs_vars, err,
	    sizeof err), 0);
	ck_assert_int_eq(render(c, "abs_ok", v, 4, out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "20240117"));
	ck_assert_ptr_nonnull(strstr(out, "七年级二班"));
	ck_assert_ptr_null(strchr(out, '{'));
	ck_assert_ptr_null(strchr(out, '#'));
	catalog_free(c);
}
END_TEST

static Suite *
render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc;

	tc = tcase_create("render");
	tcase_add_unchecked_fixture(tc, dir_create, dir_remove);
	tcase_add_checked_fixture(tc, dir_empty, NULL);
	tcase_add_test(tc, test_render_vars);
	tcase_add_test(tc, test_lookup_every_key);
	tcase_add_test(tc, test_render_no_placeholders);
	tcase_add_test(tc, test_render_missing_var);
	tcase_add_test(tc, test_render_unknown_key);
	tcase_add_test(tc, test_render_buffer_size);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_unchecked_fixture(tc, dir_create, dir_remove);
	tcase_add_checked_fixture(tc, dir_empty, NULL);
	tcase_add_test(tc, test_comments_and_trailing_newlines);
	tcase_add_test(tc, test_multiline_kept);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_unchecked_fixture(tc, dir_create, dir_remove);
	tcase_add_checked_fixture(tc, dir_empty, NULL);
	tcase_add_loop_test(tc, test_load_malformed, 0,
	    sizeof malformed / sizeof malformed[0]);
	tcase_add_test(tc, test_load_empty);
	tcase_add_test(tc, test_load_only_comments);
	tcase_add_test(tc, test_load_ignores_other_files);
	tcase_add_test(tc, test_load_nonexistent_dir);
	tcase_add_test(tc, test_load_empty_dir);
	tcase_add_test(tc, test_load_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("require");
	tcase_add_unchecked_fixture(tc, dir_create, dir_remove);
	tcase_add_checked_fixture(tc, dir_empty, NULL);
	tcase_add_test(tc, test_require_ok);
	tcase_add_test(tc, test_require_missing_key);
	tcase_add_test(tc, test_require_unknown_placeholder);
	suite_add_tcase(s, tc);

	tc = tcase_create("shipped");
	tcase_add_test(tc, test_real_catalog);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(render_suite());
}
