/*
 * Roster import: the demo roster loads; every kind of bad line aborts the
 * whole import with file:line and leaves the database as it was.
 */
#include <check.h>
#include <sqlite3.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gateway/import.h"
#include "store/store.h"
#include "tests/testutil.h"

static char *dir;
static char said[16384];

/* Collects what the import reports, one line each. */
static void
collect(void *arg, int error, const char *line)
{
	(void)arg;
	snprintf(said + strlen(said), sizeof said - strlen(said), "%s%s\n",
	    error ? "E " : "N ", line);
}
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

	said[0] = '\0';
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

	ck_assert_msg(roster_import(st, tu_src("examples/demo"), &n, collect,
	    NULL) == 0, "%s", said);
	ck_assert_int_eq(n.places, 24);
	ck_assert_int_eq(n.people, 39);
	ck_assert_int_eq(n.students, 200);
	ck_assert_int_eq(count("students"), 200);
}
END_TEST

START_TEST(test_normalizes)
{
	struct import_counts n;
	struct store_student s;

	write_roster(places, people, students);
	ck_assert_msg(roster_import(st, rdir, &n, collect, NULL) == 0, "%s",
	    said);
	ck_assert_int_eq(tu_sql_int(dbpath, "SELECT count(*) FROM people "
	    "WHERE phone IN ('+8613800000001', '+8613800000002')"), 2);
	ck_assert_int_eq(store_student_get(st, "G51012320130101123X", &s),
	    STORE_OK);
	ck_assert_str_eq(s.gender, "F");
	ck_assert_int_eq(store_student_get(st, "20240101", &s), STORE_OK);
	ck_assert_str_eq(s.gender, "M");
	ck_assert_str_eq(s.categories, "left_behind|orphan");
	/* Importing again updates instead of duplicating. */
	ck_assert_int_eq(roster_import(st, rdir, &n, collect, NULL), 0);
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
	    "places.csv:2", "before their children" },
	{ "places", "code,name,kind,parent\nC,县,county,\nK,班,class,C\n",
	    "places.csv:3", "is a county, not a school" },
	{ "places", "code,nom,kind,parent\n", "places.csv:1",
	    "no column 'name'" },
	{ "places", "code,name,kind,parent\nC,县,county\n", "places.csv:2",
	    "3 fields" },
	{ "places", "code,name,kind,parent,code\n", "places.csv:1",
	    "given twice" },
	{ "places", "code,name,kind,parent\nC,县,county,\nC,县,county,\n",
	    "places.csv:3", "duplicate code 'C' (first on line 2)" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,张,M,K,V,,\n20240101,李,F,K,V,,\n",
	    "students.csv:3", "duplicate student_no '20240101'" },
	/* One row per phone, role and scope: a second, under another name,
	 * would overwrite the first unseen; an identical one is refused as
	 * well (it may be a row copied to add someone and never changed). */
	{ "people", "phone,name,role,scope\n13800000001,王丽,head_teacher,K\n"
	    "+86 138 0000 0002,刘建国,principal,S\n"
	    "138-0000-0001,王丽丽,班主任,k\n", "people.csv:4",
	    "duplicate phone, role and scope '+8613800000001, head_teacher, K' "
	    "(first on line 2)" },
	{ "people", "phone,name,role,scope\n13800000001,王丽,head_teacher,K\n"
	    "13800000001,王丽,head_teacher,K\n", "people.csv:3",
	    "duplicate phone, role and scope '+8613800000001, head_teacher, K' "
	    "(first on line 2)" },
	/* Keys compare as the roster holds them: upper-cased. */
	{ "places", "code,name,kind,parent\nC,县,county,\nc,县,county,\n",
	    "places.csv:3", "duplicate code 'C' (first on line 2)" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\ng51012320130101123x,钱,F,K,V,,\n"
	    "G51012320130101123X,钱,F,K,V,,\n", "students.csv:3",
	    "duplicate student_no 'G51012320130101123X' (first on line 2)" },
	{ "people", "phone,name,role,scope\n13800000001,王,teacher,NOPE\n",
	    "people.csv:2", "scope 'NOPE' is not a known place code" },
	{ "places", "code,name,kind,parent\n\"C,县,county,\n",
	    "places.csv:2", "quote" },
	{ "places", "code,name,kind,parent\nC D,县,county,\n",
	    "places.csv:2", "code 'C D'" },
	{ "people", "phone,name,role,scope\n12345,王,teacher,S\n",
	    "people.csv:2", "not a phone number" },
	{ "people", "phone,name,role,scope\n13800000001,王,boss,S\n",
	    "people.csv:2", "role 'boss' is not one of: teacher (任课教师), "
	    "head_teacher (班主任)" },
	{ "people", "phone,name,role,scope\n13800000001,王,head_teacher,S\n",
	    "people.csv:2", "is a school, not a class" },
	{ "people", "phone,name,role,scope\n13800000001,,teacher,S\n",
	    "people.csv:2", "name is empty" },
	/* Quotes keep spaces; a name of nothing else is still empty. */
	{ "people", "phone,name,role,scope\n13800000001,\"  \",teacher,S\n",
	    "people.csv:2", "name is empty" },
	{ "places", "code,name,kind,parent\nC,\" \",county,\n",
	    "places.csv:2", "name is empty" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,\"\t\",M,K,V,,\n", "students.csv:2",
	    "name is empty" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,张,X,K,V,,\n", "students.csv:2", "gender" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n\n\n12,张,M,K,V,,\n", "students.csv:4",
	    "student_no '12'" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n,,,,,,\n20240101,张,M,K9,V,,\n,,,,,,\n",
	    "students.csv:3", "class 'K9'" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,张,M,K,V,,rich\n", "students.csv:2",
	    "category 'rich'" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,张,M,V,V,,\n", "students.csv:2",
	    "class 'V' is a village" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,张,M,K,V,abc,\n", "students.csv:2",
	    "guardian phone" },
	{ "students", "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240101,\xff\xfe,M,K,V,,\n", "students.csv",
	    "neither UTF-8 nor GB18030" },
};

START_TEST(test_bad_lines)
{
	const struct bad_case *c = &bad_cases[_i];
	struct import_counts n;

	write_roster(places, people, students);
	if (!strcmp(c->file, "places"))
		write_roster(c->text, NULL, NULL);
	else if (!strcmp(c->file, "people"))
		write_roster(NULL, c->text, NULL);
	else
		write_roster(NULL, NULL, c->text);
	ck_assert_int_gt(roster_import(st, rdir, &n, collect, NULL), 0);
	ck_assert_msg(strstr(said, c->where) != NULL, "'%s' lacks '%s'", said,
	    c->where);
	ck_assert_msg(strstr(said, c->why) != NULL, "'%s' lacks '%s'", said,
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
	char gb[1024], *in = (char *)people, *out = gb, path[4200];
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
	ck_assert_msg(roster_import(st, rdir, &n, collect, NULL) == 0, "%s",
	    said);
	ck_assert_int_eq(store_people_by_phone(st, "+8613800000001", p, 2, &k),
	    STORE_OK);
	ck_assert_int_eq(k, 1);
	ck_assert_str_eq(p[0].name, "王丽");
}
END_TEST

START_TEST(test_empty_dir)
{
	struct import_counts n;

	ck_assert_int_eq(roster_import(st, rdir, &n, collect, NULL), 1);
	ck_assert_ptr_nonnull(strstr(said, "none of"));
}
END_TEST

/*
 * Rows of empty cells, as Excel writes for cells that were only formatted
 * (or a clerk's spaces), are no rows, in every file: above the header,
 * between rows and at the end (a bad row after them keeps its own line:
 * bad_cases).
 */
START_TEST(test_empty_cells)
{
	struct import_counts n;

	write_roster(
	    ",,,\r\n"
	    "code,name,kind,parent\r\n"
	    "C,示范县,county,\r\n"
	    ",,,\r\n"
	    "T,后柳镇,township,C\r\n"
	    "V,中坝村,village,T\r\n"
	    "S,中心小学,school,T\r\n"
	    "K,三年级二班,class,S\r\n"
	    ",,,\r\n,,,\r\n",
	    "phone,name,role,scope\n"
	    "  , ,\t,\n"
	    "13800000001,王丽,head_teacher,K\n"
	    "\"\",\"\",\" \",\n",
	    "student_no,name,gender,class,village,guardian_phone,categories\n"
	    "20240101,张小明,男,K,V,13900000001,left_behind\n"
	    ",,,,,,\n"
	    ",,,,,,\n"
	    "20240102,李四,女,K,V,,\n"
	    ",,,,,,");
	ck_assert_msg(roster_import(st, rdir, &n, collect, NULL) == 0, "%s",
	    said);
	ck_assert_int_eq(n.places, 5);
	ck_assert_int_eq(n.people, 1);
	ck_assert_int_eq(n.students, 2);
	ck_assert_int_eq(count("students"), 2);
}
END_TEST

/* The review's case: the demo's head teacher of K0302 a second time,
 * another name. Refused, both lines named, nothing written. */
START_TEST(test_demo_duplicate_person)
{
	static const char *names[] = { "places.csv", "people.csv",
	    "students.csv" };
	struct import_counts n;
	char path[4200], *text, *more;
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "examples/demo/%s", names[i]);
		ck_assert_ptr_nonnull(text = tu_read(tu_src(path)));
		ck_assert_ptr_nonnull(more = malloc(strlen(text) + 64));
		snprintf(more, strlen(text) + 64, "%s%s", text, i != 1 ? "" :
		    "13800000001,王丽丽,head_teacher,K0302\n");
		snprintf(path, sizeof path, "%s/%s", rdir, names[i]);
		ck_assert_int_eq(tu_write(path, more), 0);
		free(more);
		free(text);
	}
	ck_assert_int_eq(roster_import(st, rdir, &n, collect, NULL), 1);
	ck_assert_msg(strstr(said, "people.csv:41: duplicate phone, role and "
	    "scope '+8613800000001, head_teacher, K0302' (first on line 2)"),
	    "%s", said);
	ck_assert_int_eq(count("places"), 0);
	ck_assert_int_eq(count("people"), 0);
	ck_assert_int_eq(count("students"), 0);
}
END_TEST

/* Three bad lines in three places: all three reported, nothing written. */
START_TEST(test_all_problems_reported)
{
	struct import_counts n;

	write_roster(places,
	    "phone,name,role,scope\n"
	    "13800000001,王丽,head_teacher,K\n"
	    "12345,坏号码,teacher,S\n"
	    "13800000002,刘建国,principal,S\n",
	    "student_no,name,gender,class,village,guardian_phone,categories\n"
	    "20240101,张小明,男,K,V,,\n"
	    "20240102,李四,女,K9,V,,\n"
	    "20240103,王五,男,K,V,,富二代\n");
	ck_assert_int_eq(roster_import(st, rdir, &n, collect, NULL), 3);
	ck_assert_msg(strstr(said, "people.csv:3: phone '12345'") != NULL,
	    "%s", said);
	ck_assert_msg(strstr(said, "students.csv:3: class 'K9'") != NULL,
	    "%s", said);
	ck_assert_msg(strstr(said, "students.csv:4: category '富二代'") != NULL,
	    "%s", said);
	ck_assert_int_eq(count("places"), 0);
	ck_assert_int_eq(count("people"), 0);
	ck_assert_int_eq(count("students"), 0);
}
END_TEST

/* A clerk's Excel sheet: Chinese headers in another order, a 序号 column,
 * Chinese kinds, roles and categories, GB18030, CRLF, quotes. */
START_TEST(test_clerk_spreadsheet)
{
	static const char pl[] =
	    "序号,名称,代码,类型,上级\r\n"
	    "1,示范县,C,县,\r\n"
	    "2,后柳镇,T,镇,C\r\n"
	    "3,中坝村,V,村,T\r\n"
	    "4,\"后柳镇中心小学\",S,学校,T\r\n"
	    "5,\"三年级\"\"二\"\"班\",K,班级,S\r\n";
	static const char pe[] =
	    "姓名,电话,角色,范围\r\n"
	    "王丽,138 0000 0001,班主任,K\r\n"
	    "张大山,13800000004,村长,V\r\n"
	    "孙办事,13800000006,控辍保学办公室,T\r\n";
	static const char stu[] =
	    "学号,姓名,性别,班级,户籍村,监护人电话,类别\r\n"
	    "20240101,张小明,男,K,V,13900000001,\"留守儿童、单亲家庭\"\r\n"
	    "20240102,李四,女,K,V,,\r\n";
	const char *files[3] = { pl, pe, stu }, *names[3] = { "places.csv",
	    "people.csv", "students.csv" };
	char gb[2048], *in, *out, path[4200];
	size_t il, ol;
	struct import_counts n;
	struct store_student s;
	struct store_place p;
	iconv_t cd;
	FILE *f;
	int i;

	for (i = 0; i < 3; i++) {
		cd = iconv_open("GB18030", "UTF-8");
		in = (char *)files[i];
		il = strlen(in);
		out = gb;
		ol = sizeof gb;
		ck_assert(iconv(cd, &in, &il, &out, &ol) != (size_t)-1);
		iconv_close(cd);
		snprintf(path, sizeof path, "%s/%s", rdir, names[i]);
		f = fopen(path, "wb");
		fwrite(gb, 1, (size_t)(out - gb), f);
		fclose(f);
	}
	ck_assert_msg(roster_import(st, rdir, &n, collect, NULL) == 0, "%s",
	    said);
	ck_assert_ptr_nonnull(strstr(said, "N "));	/* 序号 ignored */
	ck_assert_int_eq(n.places, 5);
	ck_assert_int_eq(n.people, 3);
	ck_assert_int_eq(n.students, 2);
	ck_assert_int_eq(store_place_get(st, "K", &p), STORE_OK);
	ck_assert_str_eq(p.name, "三年级\"二\"班");
	ck_assert_str_eq(p.kind, "class");
	ck_assert_int_eq(store_student_get(st, "20240101", &s), STORE_OK);
	ck_assert_str_eq(s.categories, "left_behind|single_parent");
	ck_assert_int_eq(tu_sql_int(dbpath, "SELECT count(*) FROM people "
	    "WHERE role = 'township_official' AND scope = 'T'"), 1);
}
END_TEST

/* Re-importing keeps cases: rows are updated in place. */
START_TEST(test_reimport_keeps_ids)
{
	struct import_counts n;
	long long id;

	write_roster(places, people, students);
	ck_assert_int_eq(roster_import(st, rdir, &n, collect, NULL), 0);
	id = tu_sql_int(dbpath, "SELECT id FROM students WHERE student_no = "
	    "'20240101'");
	write_roster(NULL, NULL,
	    "student_no,name,gender,class,village,guardian_phone,categories\n"
	    "20240101,张晓明,男,K,V,,\n");
	ck_assert_int_eq(roster_import(st, rdir, &n, collect, NULL), 0);
	ck_assert_int_eq(tu_sql_int(dbpath, "SELECT id FROM students WHERE "
	    "student_no = '20240101'"), id);
	ck_assert_int_eq(tu_sql_int(dbpath, "SELECT count(*) FROM students "
	    "WHERE name = '张晓明'"), 1);
}
END_TEST

/* A case opened between two imports is still there, on the same student. */
START_TEST(test_reimport_keeps_cases)
{
	struct import_counts n;
	struct store_case c, got;

	write_roster(places, people, students);
	ck_assert_int_eq(roster_import(st, rdir, &n, collect, NULL), 0);
	memset(&c, 0, sizeof c);
	c.student_id = tu_sql_int(dbpath, "SELECT id FROM students WHERE "
	    "student_no = '20240101'");
	c.level = 1;
	snprintf(c.last_action, sizeof c.last_action, "open");
	ck_assert_int_eq(store_case_open(st, &c), STORE_OK);
	ck_assert_int_eq(roster_import(st, rdir, &n, collect, NULL), 0);
	ck_assert_int_eq(store_case_of_student(st, c.student_id, 1, &got),
	    STORE_OK);
	ck_assert_int_eq(got.id, c.id);
}
END_TEST

/* Place codes are held upper-case (the command language upper-cases
 * what it reads), whatever case the clerk typed. */
START_TEST(test_codes_upper_case)
{
	struct import_counts n;
	struct store_place p;
	struct store_student s;

	write_roster(
	    "code,name,kind,parent\n"
	    "c,示范县,county,\n"
	    "t01,后柳镇,township,c\n"
	    "v,中坝村,village,T01\n"
	    "s,中心小学,school,t01\n"
	    "k,三年级二班,class,s\n",
	    "phone,name,role,scope\n"
	    "13800000001,王丽,head_teacher,k\n",
	    "student_no,name,gender,class,village,guardian_phone,categories\n"
	    "20240101,张小明,男,k,v,,\n");
	ck_assert_msg(roster_import(st, rdir, &n, collect, NULL) == 0, "%s",
	    said);
	ck_assert_int_eq(store_place_get(st, "T01", &p), STORE_OK);
	ck_assert_str_eq(p.parent, "C");
	ck_assert_int_eq(store_place_get(st, "t01", &p), STORE_NOTFOUND);
	ck_assert_int_eq(store_student_get(st, "20240101", &s), STORE_OK);
	ck_assert_str_eq(s.class_code, "K");
	ck_assert_str_eq(s.village, "V");
	ck_assert_str_eq(tu_sql_text(dbpath, "SELECT scope FROM people"), "K");
}
END_TEST

/*
 * A re-import that would put a place under its own child is refused; and
 * should a damaged database hold a cycle anyway, the review queries that
 * walk down from a place still end.
 */
START_TEST(test_place_cycles)
{
	struct import_counts n;
	struct store_digest d;
	struct store_place p;

	write_roster(places, people, students);
	ck_assert_int_eq(roster_import(st, rdir, &n, collect, NULL), 0);
	said[0] = '\0';
	/* The county C becomes a village under its own township T. */
	write_roster("code,name,kind,parent\nC,示范县,village,T\n", NULL,
	    NULL);
	ck_assert_int_ne(roster_import(st, rdir, &n, collect, NULL), 0);
	ck_assert_msg(strstr(said, "parent 'T' is inside 'C' (a cycle)") !=
	    NULL, "%s", said);
	ck_assert_int_eq(store_place_get(st, "C", &p), STORE_OK);
	ck_assert_str_eq(p.kind, "county");
	/* Damage the roster by hand: T -> C -> T. */
	{
		sqlite3 *h;

		ck_assert_int_eq(sqlite3_open(dbpath, &h), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(h, "UPDATE places SET parent = "
		    "'T', kind = 'village' WHERE code = 'C'", NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(h);
	}
	ck_assert_int_eq(store_digest(st, "C", 0, 2000000000, &d), STORE_OK);
	ck_assert_int_eq(store_digest(st, "T", 0, 2000000000, &d), STORE_OK);
}
END_TEST

/* Big files say how far they are. */
START_TEST(test_progress)
{
	struct import_counts n;
	char path[4200];
	FILE *f;
	int i;

	write_roster(places, people, NULL);
	snprintf(path, sizeof path, "%s/students.csv", rdir);
	f = fopen(path, "w");
	fputs("student_no,name,gender,class,village,guardian_phone,"
	    "categories\n", f);
	for (i = 0; i < 10001; i++)
		fprintf(f, "3%07d,学生,男,K,V,,\n", i);
	fclose(f);
	ck_assert_msg(roster_import(st, rdir, &n, collect, NULL) == 0, "%s",
	    said);
	ck_assert_int_eq(n.students, 10001);
	ck_assert_msg(strstr(said, "N ") && strstr(said,
	    "students.csv: 10000 of about 10003 rows"), "%s", said);
}
END_TEST

/* More people in one role at one place than the casework tells: said,
 * and imported all the same (they can still send commands). */
START_TEST(test_crowded_role)
{
	struct import_counts n;
	char pe[4096];
	size_t off;
	int i;

	off = (size_t)snprintf(pe, sizeof pe, "phone,name,role,scope\n");
	for (i = 0; i < 9; i++)
		off += (size_t)snprintf(pe + off, sizeof pe - off,
		    "1380000%04d,督学,inspector,S\n", i);
	for (i = 0; i < 8; i++)
		off += (size_t)snprintf(pe + off, sizeof pe - off,
		    "1390000%04d,村长,village_head,V\n", i);
	/* A school's subject teachers are many, and never told by role. */
	for (i = 0; i < 12; i++)
		off += (size_t)snprintf(pe + off, sizeof pe - off,
		    "1370000%04d,老师,teacher,S\n", i);
	write_roster(places, pe, NULL);
	ck_assert_msg(roster_import(st, rdir, &n, collect, NULL) == 0, "%s",
	    said);
	ck_assert_int_eq(n.people, 29);
	ck_assert_msg(strstr(said, "N roster: 9 people are inspector at S; "
	    "case notices go to the first 8 of them"), "%s", said);
	ck_assert_msg(strstr(said, "village_head") == NULL, "%s", said);
	ck_assert_msg(strstr(said, "teacher") == NULL, "%s", said);
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
	tcase_add_test(tc, test_demo_duplicate_person);
	tcase_add_test(tc, test_crowded_role);
	tcase_add_test(tc, test_normalizes);
	tcase_add_loop_test(tc, test_bad_lines, 0,
	    sizeof bad_cases / sizeof bad_cases[0]);
	tcase_add_test(tc, test_gb18030_and_bom);
	tcase_add_test(tc, test_empty_dir);
	tcase_add_test(tc, test_all_problems_reported);
	tcase_add_test(tc, test_empty_cells);
	tcase_add_test(tc, test_clerk_spreadsheet);
	tcase_add_test(tc, test_reimport_keeps_ids);
	tcase_add_test(tc, test_reimport_keeps_cases);
	tcase_add_test(tc, test_codes_upper_case);
	tcase_add_test(tc, test_place_cycles);
	tcase_add_test(tc, test_progress);
	suite_add_tcase(s, tc);
	failed = tu_run(s);
	return failed;
}
