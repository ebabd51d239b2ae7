/*
 * Roster import: the demo roster loads; every kind of bad line aborts the
 * whole import with file:line and leaves the database as it was.
 */
#include <check.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gateway/import.h"
#include "store/store.h"
#include "tests/testutil.h"

static char *dir;
static char dbpath[4096], rdir[4096];
static struct store *st;

static const char places[] =
    "code,name,kind,parent\n"
    "C,示范县,county,\n"
    "T,后柳镇,township,C\n"
    "V,中坝村,village,T\n"
    "S,中心小学,school,T\n"
    "K,三年级二班,class,S\n";
static const char people[] =
    "phone,name,role,scope\n"
    "138-0000-0001,王丽,head_teacher,K\n"
    "+86 138 0000 0002,刘建国,principal,S\n";
static const char students[] =
    "student_no,name,gender,class,village,guardian_phone,categories\n"
    "20240101,张小明,男,K,V,13900000001,left_behind|orphan\n"
    "g51012320130101123x,钱多多,F,K,V,,\n";

static void
write_roster(const char *pl, const char *pe, const char *stu)
{
	char p[4200];

	snprintf(p, sizeof p, "%s/places.csv", rdir);
	if (pl)
		ck_assert_int_eq(tu_write(p, pl), 0);
	snprintf(p, sizeof p, "%s/people.csv", rdir);
	if (pe)
		ck_assert_int_eq(tu_write(p, pe), 0);
	snprintf(p, sizeof p, "%s/students.csv", rdir);
	if (stu)
		ck_assert_int_eq(tu_write(p, stu), 0);
}

static void
setup(void)
{
	char err[256];

	dir = tu_tmpdir();
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	snprintf(rdir, sizeof rdir, "%s/roster", dir);
	ck_assert_int_eq(mkdir(rdir, 0700), 0);
	st = store_open(dbpath, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
}

static void
teardown(void)
{
	store_close(st);
	tu_rmdir(dir);
}

static long long
count(const char *table)
{
	char q[128];

	snprintf(q, sizeof q, "SELECT count(*) FROM %s", table);
	return tu_sql_int(dbpath, q);
}

START_TEST(test_demo_roster)
{
	struct import_counts n;
	char err[512];

	ck_assert_msg(roster_import(st, tu_src("examples/demo"), &n, err,
	    sizeof err) == 0, "%s", err);
	ck_assert_int_eq(n.places, 11);
	ck_assert_int_eq(n.people, 14);
	ck_assert_int_eq(n.students, 6);
	ck_assert_int_eq(count("students"), 6);
}
END_TEST

START_TEST(test_normalizes)
{
	struct import_counts n;
	struct store_student s;
	char err[512];

	write_roster(places, people, students);
	ck_assert_msg(roster_import(st, rdir, &n, err, sizeof err) == 0, "%s",
	    err);
	ck_assert_int_eq(tu_sql_int(dbpath, "SELECT count(*) FROM people "
	    "WHERE phone IN ('+8613800000001', '+8613800000002')"), 2);
	ck_assert_int_eq(store_student_get(st, "G51012320130101123X", &s),
	    STORE_OK);
	ck_assert_str_eq(s.gender, "F");
	ck_assert_int_eq(store_student_get(st, "20240101", &s), STORE_OK);
	ck_assert_str_eq(s.gender, "M");
	ck_assert_str_eq(s.categories, "left_behind|orphan");
	/* Importing again updates instead of duplicating. */
	ck_assert_int_eq(roster_import(st, rdir, &n, err, sizeof err), 0);
	ck_assert_int_eq(count("students"), 2);
	ck_assert_int_eq(count("people"), 2);
}
END_TEST

/* One bad line anywhere: nothing at all is imported. */
struct bad_case {
	const char *file;	/* which file gets the bad text */
	const char *text;
	const char *where;	/* expected "file:line" */
	const char *why;	/* expected words in the reason */
};

static const struct bad_case bad_cases[] = {
	{ "places", "code,name,kind,parent\nC,县,county,\nT,镇,town,C\n",
	    "places.csv:3", "kind 'town'" },
	{ "places", "code,name,kind,parent\nT,镇,township,C\nC,县,county,\n",
	    "places.csv:2", "before its children" },
	{ "places", "code,name,kind,parent\nC,县,county,\nK,班,class,C\n",
	    "places.csv:3", "is a county, not a school" },
	{ "places", "code,nom,kind,parent\n", "places.csv:1", "header" },
	{ "places", "code,name,kind,parent\nC,县,county\n", "places.csv:2",
	    "3 fields" },
	{ "places", "code,name,kind,parent\n\"C,县,county,\n",
	    "places.csv:2", "quote" },
	{ "places", "code,name,kind,parent\nC D,县,county,\n",
	    "places.csv:2", "code 'C D'" },
	{ "people", "phone,name,role,scope\n12345,王,teacher,S\n",
	    "people.csv:2", "not a phone number" },
	{ "people", "phone,name,role,scope\n13800000001,王,boss,S\n",
	    "people.csv:2", "role 'boss'" },
	{ "people", "phone,name,role,scope\n13800000001,王,head_teacher,S\n",
	    "people.csv:2", "is a school, not a class" },
	{ "people", "phone,name,role,scope\n13800000001,,teacher,S\n",
	    "people.csv:2", "name is empty" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,张,X,K,V,,\n", "students.csv:2", "gender" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n\n\n12,张,M,K,V,,\n", "students.csv:4",
	    "student_no '12'" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,张,M,K,V,,rich\n", "students.csv:2",
	    "category 'rich'" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,张,M,V,V,,\n", "students.csv:2",
	    "class 'V' is a village" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,张,M,K,V,abc,\n", "students.csv:2",
	    "guardian_phone" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,\xff\xfe,M,K,V,,\n", "students.csv",
	    "neither UTF-8 nor GB18030" },
};

START_TEST(test_bad_lines)
{
	const struct bad_case *c = &bad_cases[_i];
	struct import_counts n;
	char err[512];

	write_roster(places, people, students);
	if (!strcmp(c->file, "places"))
		write_roster(c->text, NULL, NULL);
	else if (!strcmp(c->file, "people"))
		write_roster(NULL, c->text, NULL);
	else
		write_roster(NULL, NULL, c->text);
	ck_assert_int_eq(roster_import(st, rdir, &n, err, sizeof err), -1);
	ck_assert_msg(strstr(err, c->where) != NULL, "'%s' lacks '%s'", err,
	    c->where);
	ck_assert_msg(strstr(err, c->why) != NULL, "'%s' lacks '%s'", err,
	    c->why);
	ck_assert_int_eq(count("places"), 0);
	ck_assert_int_eq(count("people"), 0);
	ck_assert_int_eq(count("students"), 0);
}
END_TEST

START_TEST(test_gb18030_and_bom)
{
	struct import_counts n;
	struct store_person p[2];
	char err[512], gb[1024], *in = (char *)people, *out = gb, path[4200];
	size_t il = strlen(people), ol = sizeof gb, k;
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	FILE *f;

	ck_assert(cd != (iconv_t)-1);
	ck_assert(iconv(cd, &in, &il, &out, &ol) != (size_t)-1);
	iconv_close(cd);
	write_roster(places, NULL, NULL);
	snprintf(path, sizeof path, "%s/people.csv", rdir);
	f = fopen(path, "wb");
	fwrite(gb, 1, (size_t)(out - gb), f);
	fclose(f);
	snprintf(path, sizeof path, "%s/places.csv", rdir);
	f = fopen(path, "wb");
	fwrite("\xEF\xBB\xBF", 1, 3, f);
	fputs(places, f);
	fclose(f);
	ck_assert_msg(roster_import(st, rdir, &n, err, sizeof err) == 0, "%s",
	    err);
	ck_assert_int_eq(store_people_by_phone(st, "+8613800000001", p, 2, &k),
	    STORE_OK);
	ck_assert_int_eq(k, 1);
	ck_assert_str_eq(p[0].name, "王丽");
}
END_TEST

START_TEST(test_empty_dir)
{
	struct import_counts n;
	char err[512];

	ck_assert_int_eq(roster_import(st, rdir, &n, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "none of"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_demo_roster);
	tcase_add_test(tc, test_normalizes);
	tcase_add_loop_test(tc, test_bad_lines, 0,
	    sizeof bad_cases / sizeof bad_cases[0]);
	tcase_add_test(tc, test_gb18030_and_bom);
	tcase_add_test(tc, test_empty_dir);
	suite_add_tcase(s, tc);
	failed = tu_run(s);
	return failed;
}
