/*
 * Review through the real daemon and baoxuectl: a scripted week on the
 * demo roster under the manual clock; the Monday digest for the township,
 * a principal and the bureau; SUM for a village; the statistics table as
 * CSV checked cell by cell, and as xlsx read back by LibreOffice (from
 * Debian) and compared with the CSV; a missed digest sent once after a
 * restart.
 */
#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define TOWNHEAD "+8613800000007"
#define PRINCIPAL "+8613800000002"
#define BUREAU "+8613800000008"
#define VHEAD1 "+8613800000004"

static void
clock_set_iso(const char *iso)
{
	char body[96];
	struct resp r;

	snprintf(body, sizeof body, "set=%s", iso);
	http(NULL, "/admin/clock", body, ADMIN, NULL, &r);
	ck_assert_msg(r.code == 200, "%s", r.body);
}

static void
sms(const char *from, const char *text)
{
	char body[512];
	struct resp r;

	snprintf(body, sizeof body, "from=%s&text=%s&token=" TOKEN, from, text);
	post("/sms/inbound", body, &r);
	ck_assert_int_eq(r.code, 200);
	http(NULL, "/admin/clock", "advance=0", ADMIN, NULL, &r);
}

/* The week: Tuesday to Thursday, 2026-09-01 to 09-03. */
static void
script_week(void)
{
	sms("13800000001", "ABS+20240101+3");	/* case #1, left behind */
	sms("13800000001", "ABS+20240102+1");	/* below the threshold */
	sms("13800000002", "DROP+20241002+%E5%B7%A5");	/* case #2, 工 */
	sms("13800000003", "SIGN+20241002");	/* the inspector co-signs */
	sms("13800000021", "ABS+20230701+1");	/* case #3, S02 */
	clock_set_iso("2026-09-02T09:00:00%2B08:00");
	sms("13800000004", "VIS+20240101+%E8%BF%94");	/* 返 */
	clock_set_iso("2026-09-03T09:00:00%2B08:00");
	sms("13800000001", "RET+20240101");	/* case #1 struck off */
}

static const char *
digest_to(const char *to)
{
	static char buf[2048];
	char q[256];

	snprintf(q, sizeof q, "SELECT group_concat(text, '|') FROM outbound "
	    "WHERE kind = 'digest' AND recipient = '%s'", to);
	snprintf(buf, sizeof buf, "%s", tu_sql_text(db, q));
	return buf;
}

START_TEST(test_monday_digest_and_sum)
{
	const char *t;

	script_week();
	clock_set_iso("2026-09-07T07:59:00%2B08:00");
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), 0);
	clock_set_iso("2026-09-07T08:00:00%2B08:00");
	t = digest_to(TOWNHEAD);
	/* #2 (上河村) is at level 2 with its home visit overdue; #3, special
	 * (shorter deadlines), at level 3 with two of 石桥村's tasks overdue;
	 * #1 was struck off. */
	ck_assert_str_eq(t, SIG "后柳镇8月31日至9月6日周报：新报缺勤3人（上周0），"
	    "在办2案（1级0/2级1/3级1/4级0），销号1，转学等结案0，逾期任务3，石桥村2，上河村1。");
	t = digest_to(PRINCIPAL);
	ck_assert_str_eq(t, SIG "后柳镇中心小学8月31日至9月6日周报：新报缺勤2人"
	    "（上周0），在办1案（1级0/2级1/3级0/4级0），销号1，转学等结案0，逾期任务1，上河村1。");
	t = digest_to(BUREAU);
	ck_assert_str_eq(t, SIG "示范县8月31日至9月6日周报：新报缺勤3人（上周0），"
	    "在办2案（1级0/2级1/3级1/4级0），销号1，转学等结案0，逾期任务3，石桥村2，上河村1。");
	/* Everyone who gets one got exactly one. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), 7);
	/* SUM for a village, this week so far. */
	sms("13800000004", "SUM");
	ck_assert_ptr_nonnull(strstr(tu_sql_text(db, "SELECT text FROM "
	    "outbound WHERE recipient = '" VHEAD1 "' AND kind = 'reply' "
	    "ORDER BY id DESC LIMIT 1"), "中坝村本周（9月7日至9月7日）"));
}
END_TEST

/* A CSV file as rows of cells (BOM, CRLF and quotes understood). */
static int
csv_rows(const char *path, char cells[64][32][96], int maxrows)
{
	char *t = tu_read(path), *p;
	int r = 0, c = 0, o = 0, q = 0;

	ck_assert_ptr_nonnull(t);
	p = t;
	if (!strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	memset(cells, 0, sizeof(char[64][32][96]));
	for (; *p && r < maxrows; p++) {
		if (q) {
			if (*p == '"' && p[1] == '"')
				cells[r][c][o++] = *++p;
			else if (*p == '"')
				q = 0;
			else if (o < 95)
				cells[r][c][o++] = *p;
		} else if (*p == '"') {
			q = 1;
		} else if (*p == ',') {
			c++;
			o = 0;
		} else if (*p == '\r') {
			continue;
		} else if (*p == '\n') {
			r++;
			c = o = 0;
		} else if (o < 95 && c < 32) {
			cells[r][c][o++] = *p;
		}
	}
	free(t);
	return r;
}

static char (*cells)[32][96];

static void
report(const char *format, const char *out)
{
	char *const argv[] = { (char *)env("BAOXUECTL"), "-d", db, "report",
	    "--from", "2026-08-31", "--to", "2026-09-06", "--format",
	    (char *)format, "--templates", (char *)tu_src("templates/zh-CN"),
	    "-o", (char *)out, NULL };
	char tmpl[1100], log[1200];

	(void)tmpl;
	snprintf(log, sizeof log, "%s/report.log", dir);
	ck_assert_int_eq(proc_run(argv, log), 0);
}

START_TEST(test_report_csv_and_xlsx)
{
	char csv[1100], xlsx[1100], lo[1100], sheet[1200], prof[1200];
	static char other[64][32][96];
	int n, i, j, k, m;

	script_week();
	cells = calloc(64, sizeof *cells);
	snprintf(csv, sizeof csv, "%s/report.csv", dir);
	report("csv", csv);
	n = csv_rows(csv, cells, 64);
	/* 按学校, header, S01, S02, 合计, blank, 按户籍村, header, V01..V05,
	 * 合计. */
	ck_assert_int_eq(n, 14);
	ck_assert_str_eq(cells[0][0], "按学校");
	ck_assert_str_eq(cells[1][3], "缺勤达到立案天数");
	ck_assert_str_eq(cells[1][5], "确认辍学");
	ck_assert_str_eq(cells[1][6], "督学会签");
	ck_assert_str_eq(cells[1][8], "转学延缓送教结案");
	ck_assert_str_eq(cells[1][14], "原因:外出务工");
	/* S01: 142 enrolled; 20240101 absent over its threshold (20240102
	 * under); cases #1 and #2; #2 a dropout (工), co-signed; #1 back;
	 * #2 out. */
	{
		static const char *const s01[] = { "S01", "后柳镇中心小学",
		    "142", "1", "2", "1", "1", "1", "0", "1", "0", "0", "0",
		    "0", "1", "0", "0", "1", "1", "0", "0", "0", "0", "0",
		    "0", "0", "0" };
		static const char *const s02[] = { "S02", "后柳镇中学", "58",
		    "1", "1", "0", "0", "0", "0", "1", "0", "0", "0", "0",
		    "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0",
		    "1", "0" };
		static const char *const tot[] = { "", "合计", "200", "2", "3",
		    "1", "1", "1", "0", "2", "0", "0", "0", "0", "1", "0", "0",
		    "2", "1", "0", "0", "0", "0", "0", "0", "1", "0" };

		for (j = 0; j < 27; j++) {
			ck_assert_msg(!strcmp(cells[2][j], s01[j]), "S01 col "
			    "%d: %s, want %s", j, cells[2][j], s01[j]);
			ck_assert_msg(!strcmp(cells[3][j], s02[j]), "S02 col "
			    "%d: %s, want %s", j, cells[3][j], s02[j]);
			ck_assert_msg(!strcmp(cells[4][j], tot[j]), "total col "
			    "%d: %s, want %s", j, cells[4][j], tot[j]);
		}
	}
	/* Villages: V01 #1 (returned), V02 #2 (dropout), V03 #3. */
	ck_assert_str_eq(cells[8][0], "V01");
	ck_assert_str_eq(cells[8][4], "1");
	ck_assert_str_eq(cells[8][7], "1");
	ck_assert_str_eq(cells[9][0], "V02");
	ck_assert_str_eq(cells[9][5], "1");
	ck_assert_str_eq(cells[9][6], "1");
	ck_assert_str_eq(cells[10][0], "V03");
	ck_assert_str_eq(cells[10][9], "1");
	ck_assert_str_eq(cells[13][1], "合计");
	ck_assert_str_eq(cells[13][2], "200");

	/* The same numbers in the xlsx, as LibreOffice reads it. */
	snprintf(xlsx, sizeof xlsx, "%s/report.xlsx", dir);
	report("xlsx", xlsx);
	snprintf(lo, sizeof lo, "%s/lo", dir);
	snprintf(prof, sizeof prof, "-env:UserInstallation=file://%s/lo-prof",
	    dir);
	{
		char *const argv[] = { "/usr/bin/soffice", prof, "--headless",
		    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,"
		    "1,,0,false,true,false,false,false,-1", "--outdir", lo,
		    xlsx, NULL };
		char log[1200];

		snprintf(log, sizeof log, "%s/soffice.log", dir);
		ck_assert_msg(access(argv[0], X_OK) == 0, "LibreOffice is "
		    "missing (Debian libreoffice-calc-nogui)");
		ck_assert_int_eq(proc_run(argv, log), 0);
	}
	for (k = 0; k < 2; k++) {
		int base = k == 0 ? 1 : 7, rowsn = k == 0 ? 4 : 7;

		snprintf(sheet, sizeof sheet, "%s/report-%s.csv", lo,
		    k == 0 ? "按学校" : "按户籍村");
		m = csv_rows(sheet, other, 64);
		ck_assert_int_eq(m, rowsn);
		for (i = 0; i < rowsn; i++)
			for (j = 0; j < 26; j++)
				ck_assert_msg(!strcmp(other[i][j],
				    cells[base + i][j]), "sheet %d row %d col "
				    "%d: xlsx %s, csv %s", k, i, j, other[i][j],
				    cells[base + i][j]);
	}
	free(cells);
}
END_TEST

START_TEST(test_cases_listing)
{
	char *const argv[] = { (char *)env("BAOXUECTL"), "-d", db, "cases",
	    "--templates", (char *)tu_src("templates/zh-CN"), NULL };
	char *const full[] = { (char *)env("BAOXUECTL"), "-d", db, "cases",
	    "--open", "--full", "--templates",
	    (char *)tu_src("templates/zh-CN"), NULL };
	char out[1100], *t;

	script_week();
	/* #4: a national 学籍号, which holds the child's ID number. */
	sms("13800000001", "ABS+G51012320130101123X+3");
	snprintf(out, sizeof out, "%s/cases.out", dir);
	ck_assert_int_eq(proc_run(argv, out), 0);
	t = tu_read(out);
	/* A header and four cases, names and ID numbers masked, columns
	 * aligned. */
	ck_assert_msg(strstr(t, "案号  学号                 姓名") != NULL,
	    "%s", t);
	ck_assert_ptr_nonnull(strstr(t, "#1    20240101             张*明"));
	ck_assert_ptr_nonnull(strstr(t, "G**************123X"));
	ck_assert_ptr_null(strstr(t, "G51012320130101123X"));
	ck_assert_ptr_nonnull(strstr(t, "已销号"));
	/* #2, the dropout, co-signed by the inspector in script_week(). */
	ck_assert_ptr_nonnull(strstr(t, "在办（确认辍学，督学已会签）"));
	ck_assert_ptr_null(strstr(t, "张小明"));
	free(t);
	unlink(out);
	ck_assert_int_eq(proc_run(full, out), 0);
	t = tu_read(out);
	ck_assert_ptr_null(strstr(t, "#1 "));		/* --open */
	ck_assert_ptr_nonnull(strstr(t, "孙悟"));	/* --full */
	ck_assert_ptr_nonnull(strstr(t, "G51012320130101123X"));
	ck_assert_ptr_nonnull(strstr(t, "do not share"));
	free(t);
}
END_TEST

/* The line of a listing that starts with first, its cells joined by one
 * space ("" if none). */
static const char *
visit_row(const char *listing, const char *first)
{
	static char buf[512];
	const char *p = listing, *e;
	size_t n = 0;

	buf[0] = '\0';
	while (p && *p && strncmp(p, first, strlen(first)) != 0)
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	if (p == NULL || *p == '\0')
		return buf;
	for (e = p; *e && *e != '\n' && n + 1 < sizeof buf; e++) {
		if (*e == ' ' && (n == 0 || buf[n - 1] == ' '))
			continue;
		buf[n++] = *e;
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

/* baoxuectl -d db ARGS... --templates (the source's): a NULL ends the
 * arguments; its output in out, a fresh file each run; its exit status. */
static int
ctl(const char *out, ...)
{
	char *argv[24];
	va_list ap;
	char *a;
	int n = 0;

	argv[n++] = (char *)env("BAOXUECTL");
	argv[n++] = "-d";
	argv[n++] = db;
	va_start(ap, out);
	while ((a = va_arg(ap, char *)) != NULL && n < 21)
		argv[n++] = a;
	va_end(ap);
	argv[n++] = "--templates";
	argv[n++] = (char *)tu_src("templates/zh-CN");
	argv[n] = NULL;
	unlink(out);
	return proc_run(argv, out);
}

/* The output of a listing with runs of spaces made one ("" kept out). */
static char *
squeezed(const char *path)
{
	char *t = tu_read(path), *r, *w;

	ck_assert_ptr_nonnull(t);
	for (r = w = t; *r; r++)
		if (*r != ' ' || (w > t && w[-1] != ' ' && w[-1] != '\n'))
			*w++ = *r;
	*w = '\0';
	return t;
}

/*
 * One student's history (DOMAIN rules 3, 8: the ledger, every report,
 * visit and notice attributable to a person and a time): what was
 * reported, by whom and when, each step of the case, and every SMS sent
 * about it with its fate; by 学号 or by case number; names of minors
 * masked, numbers too, notes left out, unless --full.
 */
START_TEST(test_history)
{
	char out[1100];
	char *t;

	script_week();
	/* A routine visit (在校): an event of no case; an absence with a
	 * note (病 发烧). */
	sms("13800000001", "VIS+20240102+%E5%9C%A8%E6%A0%A1");
	sms("13800000001", "ABS+20240102+1+%E7%97%85+%E5%8F%91%E7%83%A7");
	snprintf(out, sizeof out, "%s/history.out", dir);
	ck_assert_int_eq(ctl(out, "history", "20240101", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "20240101 张*明") != NULL, "%s", t);
	ck_assert_ptr_null(strstr(t, "张小明"));
	/* Reported, opened, visited, struck off: who, when, how. */
	ck_assert_msg(strstr(t, "2026-09-01 09:00 报缺勤 王丽 班主任 K0302 "
	    "缺勤3天") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "2026-09-01 09:00 #1 立案 王丽 班主任 K0302 "
	    "缺勤3天\n") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "2026-09-02 09:00 #1 家访 张大山 村长 V01 "
	    "结果：同意返校") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "2026-09-03 09:00 #1 返校销号 王丽") != NULL,
	    "%s", t);
	/* The SMS about it: the village head's task, to them by name and
	 * a masked number, sent. */
	ck_assert_msg(strstr(t, "2026-09-01 09:00 #1 任务 张大山 "
	    "+86138****0004 已发 2026-09-01 09:00") != NULL, "%s", t);
	/* The county's bureau told at once (the 48-hour rule), and the
	 * teacher's own answer. */
	ck_assert_msg(strstr(t, "2026-09-01 09:00 #1 通知 ") != NULL &&
	    strstr(t, " +86138****0008 已发") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "2026-09-01 09:00 回复 王丽 +86138****0001 "
	    "已发") != NULL, "%s", t);
	/* No code left in English, nor a key=value. */
	ck_assert_msg(strstr(t, "head_teacher") == NULL &&
	    strstr(t, "sent") == NULL && strchr(t, '=') == NULL, "%s", t);
	ck_assert_ptr_null(strstr(t, "13800000004"));
	ck_assert_ptr_null(strstr(t, "#2"));	/* another student's */
	free(t);

	/* By case number: the dropout the principal reported, and the
	 * inspector's co-signature. */
	ck_assert_int_eq(ctl(out, "history", "#2", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "#2 立案 刘建国 校长 S01 原因：外出务工，"
	    "确认辍学") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "#2 督学会签 陈督学 责任督学 S01") != NULL,
	    "%s", t);
	free(t);

	/* No case: the absence below the threshold and the routine visit. */
	ck_assert_int_eq(ctl(out, "history", "20240102", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "报缺勤 王丽 班主任 K0302 缺勤1天") != NULL,
	    "%s", t);
	ck_assert_msg(strstr(t, "2026-09-03 09:00 例行家访 王丽") != NULL, "%s",
	    t);
	ck_assert_msg(strstr(t, "缺勤1天，原因：病\n") != NULL, "%s", t);
	ck_assert_ptr_null(strstr(t, "发烧"));	/* a note: --full only */
	ck_assert_ptr_null(strstr(t, "#"));
	free(t);

	/* --full: the names and numbers, with the warning. */
	ck_assert_int_eq(ctl(out, "history", "K1", "--full", NULL), 0);
	t = squeezed(out);
	ck_assert_ptr_nonnull(strstr(t, "张小明"));
	ck_assert_ptr_nonnull(strstr(t, "+8613800000004"));
	ck_assert_ptr_nonnull(strstr(t, "do not share"));
	free(t);
	ck_assert_int_eq(ctl(out, "history", "20240102", "--full", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "缺勤1天，原因：病，备注：发烧") != NULL, "%s",
	    t);
	free(t);

	/* A registration's notice, of no case (from a review): 20240103
	 * registered as transferred, then back. */
	sms("13800000002", "CLOSE+20240103+%E8%BD%AC%E5%AD%A6");
	sms("13800000001", "RET+20240103");
	ck_assert_int_eq(ctl(out, "history", "20240103", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "登记去向 刘建国 校长 S01 转学") != NULL &&
	    strstr(t, "返校（无案） 王丽 班主任 K0302 原登记转学") != NULL &&
	    strstr(t, "通知 刘建国 +86138****0002") != NULL, "%s", t);
	free(t);

	/* A national 学籍号 asked for, masked in what is printed; in
	 * lower case as an SMS may write it. */
	ck_assert_int_eq(ctl(out, "history", "g51012320130101123x", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "学生：G**************123X") != NULL, "%s", t);
	ck_assert_ptr_null(strstr(t, "G51012320130101123X"));
	free(t);

	/* Unknown: said so, exit 1; not a 学号 or case number, or none:
	 * usage, exit 2. */
	ck_assert_int_eq(ctl(out, "history", "99999999", NULL), 1);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "99999999") != NULL, "%s", t);
	free(t);
	ck_assert_int_eq(ctl(out, "history", "#99", NULL), 1);
	ck_assert_int_eq(ctl(out, "history", "abc", NULL), 2);
	ck_assert_int_eq(ctl(out, "history", NULL), 2);

	/* From a review: the village head's number passed to a newcomer
	 * (numbers are recycled) and the work handed over; a co-signature
	 * chase with no inspector to ask. Each SMS names who held the
	 * number then; each record is in words. */
	ck_assert_int_eq(tu_sql_exec(db, "UPDATE people SET left_at = "
	    "strftime('%s', '2026-09-03 02:00:00') WHERE name = '张大山';"
	    "INSERT INTO people(phone, name, role, scope) VALUES "
	    "('" VHEAD1 "', '钱新', 'village_cadre', 'V01');"
	    "INSERT INTO outbound(recipient, text, kind, priority, created_at, "
	    "due_at, case_id) SELECT '" VHEAD1 "', 'x', 'task', 1, "
	    "strftime('%s', '2026-09-04 01:00:00'), strftime('%s', "
	    "'2026-09-04 01:00:00'), 1;"
	    "INSERT INTO events(case_id, student_id, actor_id, at, what, detail) "
	    "SELECT 1, student_id, NULL, strftime('%s', '2026-09-03 02:00:00'), "
	    "'handover', 'role=village_head scope=V01 from=' || "
	    "(SELECT id FROM people WHERE name = '张大山') || ' to=' || "
	    "(SELECT id FROM people WHERE name = '钱新') FROM cases WHERE id = 1;"
	    "INSERT INTO events(case_id, student_id, actor_id, at, what, detail) "
	    "SELECT 1, student_id, NULL, strftime('%s', '2026-09-03 02:00:00'), "
	    "'cosign_overdue', 'no_inspector' FROM cases WHERE id = 1"), 0);
	ck_assert_int_eq(ctl(out, "history", "20240101", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "2026-09-01 09:00 #1 任务 张大山 "
	    "+86138****0004") != NULL && strstr(t, "2026-09-04 09:00 #1 任务 "
	    "钱新 +86138****0004") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "2026-09-03 10:00 #1 工作交接 村长，V01，"
	    "原张大山，接手钱新\n") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "2026-09-03 10:00 #1 会签逾期 学校无责任督学\n")
	    != NULL, "%s", t);
	free(t);

	/* From a review: the import renames a roster row in place (its
	 * number, role and place unchanged: a name corrected, or an office
	 * phone passed on). What was done and sent before keeps the name of
	 * then (rule 8); an SMS queued after it, the new one. */
	ck_assert_int_eq(tu_sql_exec(db, "UPDATE people SET name = '李永福' "
	    "WHERE name = '陈督学';"
	    "UPDATE people SET name = '钱二' WHERE name = '钱新';"
	    "INSERT INTO outbound(recipient, text, kind, priority, created_at, "
	    "due_at, case_id) SELECT phone, 'x', 'notice', 2, unixepoch() + 60, "
	    "unixepoch() + 60, 1 FROM people WHERE name = '李永福' AND role = "
	    "'inspector'"), 0);
	ck_assert_int_eq(ctl(out, "history", "#2", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "#2 督学会签 陈督学 责任督学 S01") != NULL &&
	    strstr(t, "#2 通知 陈督学 +86138****0003") != NULL, "%s", t);
	free(t);
	ck_assert_int_eq(ctl(out, "history", "#1", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "#1 通知 陈督学 +86138****0003 已发") != NULL &&
	    strstr(t, "#1 通知 李永福 +86138****0003 待发") != NULL, "%s", t);
	/* Who gave and took the work, by their names then too. */
	ck_assert_msg(strstr(t, "工作交接 村长，V01，原张大山，接手钱新\n") !=
	    NULL, "%s", t);
	free(t);
}
END_TEST

/*
 * Who holds which role where (an operator's first question when a task
 * did not reach someone): by place and what lies under it, by role, by
 * number; staff numbers in full (they are to be called); a place that is
 * not there exits 1, a number that is not one 2.
 */
/* baoxuectl run where an operator runs it, not in the source tree, with
 * no --templates: it finds the catalog beside itself (a review: every
 * listing failed on "templates/zh-CN: No such file"); a directory named
 * by BAOXUE_TEMPLATES that is not there is said, with the way out. */
START_TEST(test_templates_found)
{
	char out[1100];
	char *argv[] = { "/bin/sh", "-c",
	    "cd / && exec \"$0\" -d \"$1\" people --role village_head",
	    (char *)env("BAOXUECTL"), db, NULL };
	char *t;

	snprintf(out, sizeof out, "%s/tdir.out", dir);
	unsetenv("BAOXUE_TEMPLATES");
	unlink(out);
	ck_assert_int_eq(proc_run(argv, out), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "电话 姓名 岗位 地点代码 地点\n") != NULL &&
	    strstr(t, "张大山 村长 V01") != NULL, "%s", t);
	free(t);
	setenv("BAOXUE_TEMPLATES", "/nonexistent/zh-CN", 1);
	unlink(out);
	ck_assert_int_eq(proc_run(argv, out), 1);
	unsetenv("BAOXUE_TEMPLATES");
	t = tu_read(out);
	ck_assert_ptr_nonnull(t);
	ck_assert_msg(strstr(t, "/nonexistent/zh-CN") != NULL &&
	    strstr(t, "--templates") != NULL, "%s", t);
	free(t);
}
END_TEST

/* A place code mistyped, or of the wrong kind, is said with exit 1, not
 * an empty ledger or an all-zero table with exit 0; a period that ends
 * before it starts is refused (a review). */
START_TEST(test_places_checked)
{
	char out[1100], xlsx[1100];
	char *t;

	snprintf(out, sizeof out, "%s/places.out", dir);
	snprintf(xlsx, sizeof xlsx, "%s/places.csv", dir);
	ck_assert_int_eq(ctl(out, "cases", "--village", "zz", NULL), 1);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "ZZ: no such village") != NULL, "%s", t);
	free(t);
	ck_assert_int_eq(ctl(out, "cases", "--school", "V01", NULL), 1);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "V01: no such school") != NULL, "%s", t);
	free(t);
	ck_assert_int_eq(ctl(out, "cases", "--school", "s01", NULL), 0);
	ck_assert_int_eq(ctl(out, "report", "--from", "2026-09-01", "--to",
	    "2026-09-30", "--township", "ZZ", "--format", "csv", "-o", xlsx,
	    NULL), 1);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "ZZ: no such township") != NULL, "%s", t);
	free(t);
	ck_assert_int_eq(access(xlsx, F_OK), -1);
	ck_assert_int_eq(ctl(out, "report", "--from", "2026-09-30", "--to",
	    "2026-09-01", "--format", "csv", "-o", xlsx, NULL), 2);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "--to") != NULL && strstr(t, "before") !=
	    NULL, "%s", t);
	free(t);
	ck_assert_int_eq(ctl(out, "report", "--from", "2026-09-01", "--to",
	    "2026-09-30", "--township", "t01", "--format", "csv", "-o", xlsx,
	    NULL), 0);
}
END_TEST

/* baoxuectl's import as a clerk types it: a refused first import (or a
 * mistyped -d) leaves no empty database behind, "nothing changed" being
 * true; --replace without its code is said; a code in lower case is
 * the place; --help is not an error (a review). */
START_TEST(test_import_args)
{
	char out[1100], fresh[1100], roster[1100];
	char *bad[] = { (char *)env("BAOXUECTL"), "-d", fresh, "import",
	    "/nonexistent", NULL };
	char *noc[] = { (char *)env("BAOXUECTL"), "-d", fresh, "import",
	    "--replace", NULL };
	char *lower[] = { (char *)env("BAOXUECTL"), "-d", db, "import",
	    "--replace", "t01", roster, NULL };
	char *help[] = { (char *)env("BAOXUECTL"), "--help", NULL };
	char *t;

	snprintf(out, sizeof out, "%s/import.out", dir);
	snprintf(fresh, sizeof fresh, "%s/typo.db", dir);
	snprintf(roster, sizeof roster, "%s", tu_src("examples/demo"));
	unlink(out);
	ck_assert_int_eq(proc_run(bad, out), 1);
	ck_assert_int_eq(access(fresh, F_OK), -1);
	unlink(out);
	ck_assert_int_eq(proc_run(noc, out), 2);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "--replace CODE") != NULL, "%s", t);
	free(t);
	ck_assert_int_eq(access(fresh, F_OK), -1);
	unlink(out);
	ck_assert_int_eq(proc_run(lower, out), 0);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "left the roster of T01") != NULL, "%s", t);
	free(t);
	unlink(out);
	ck_assert_int_eq(proc_run(help, out), 0);
}
END_TEST

START_TEST(test_people_listing)
{
	char out[1100];
	char *t;

	/* A code as typed, in lower case (from a review). */
	snprintf(out, sizeof out, "%s/people.out", dir);
	ck_assert_int_eq(ctl(out, "people", "--place", "v01", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "电话 姓名 岗位 地点代码 地点\n") != NULL, "%s",
	    t);
	ck_assert_msg(strstr(t, "+8613800000004 张大山 村长 V01 中坝村")
	    != NULL && strstr(t, "+8613800000005 周干部 包村干部 V01 "
	    "中坝村") != NULL && strstr(t, "李永福") == NULL, "%s", t);
	free(t);
	/* Under a township: its villages' heads, not its schools' staff. */
	ck_assert_int_eq(ctl(out, "people", "--place", "T01", "--role",
	    "village_head", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "张大山 村长 V01") != NULL &&
	    strstr(t, "李永福 村长 V02") != NULL &&
	    strstr(t, "王丽") == NULL && strstr(t, "孙办事") == NULL, "%s", t);
	ck_assert_int_eq(tu_lines(out), 6);	/* the header, V01-V05 */
	free(t);
	/* One number, each of its rows: written as people write it. */
	ck_assert_int_eq(ctl(out, "people", "--phone", "138 0000 0001", NULL),
	    0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "王丽 班主任 K0302 三年级二班") != NULL &&
	    strstr(t, "王丽 任课教师 S01 后柳镇中心小学") != NULL, "%s", t);
	ck_assert_int_eq(tu_lines(out), 3);
	free(t);
	ck_assert_int_eq(ctl(out, "people", "--role", "inspector", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "陈督学 责任督学 S01") != NULL &&
	    strstr(t, "冯督学 责任督学 S02") != NULL, "%s", t);
	free(t);
	/* A role asked for by its Chinese name, as the listing shows it. */
	ck_assert_int_eq(ctl(out, "people", "--role", "责任督学", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "陈督学 责任督学 S01") != NULL &&
	    strstr(t, "王丽") == NULL, "%s", t);
	free(t);
	ck_assert_int_eq(ctl(out, "people", "--place", "V99", NULL), 1);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "V99") != NULL, "%s", t);
	free(t);
	ck_assert_int_eq(ctl(out, "people", "--role", "mayor", NULL), 2);
	ck_assert_int_eq(ctl(out, "people", "--phone", "12x", NULL), 2);
}
END_TEST

/*
 * The queue as an operator reads it when /healthz counts failures, or
 * someone says a task never came: the newest SMS first, of one status or
 * to one number, kind and status in words, who by name, the number
 * masked (in full with --full), when sent, the report and the error.
 */
START_TEST(test_sms_listing)
{
	char out[1100];
	char *t;

	script_week();
	snprintf(out, sizeof out, "%s/sms.out", dir);
	ck_assert_int_eq(ctl(out, "sms", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "时间 案号 类别 收信人 号码 状态 发出 回执 "
	    "错误\n") == t, "%s", t);
	ck_assert_msg(strstr(t, "2026-09-01 09:00 #1 任务 张大山 "
	    "+86138****0004 已发 2026-09-01 09:00\n") != NULL, "%s", t);
	/* Newest first: Thursday's answer to the RET before Tuesday's. */
	ck_assert_msg(strstr(t, "2026-09-03 09:00") < strstr(t,
	    "2026-09-01 09:00"), "%s", t);
	ck_assert_ptr_null(strstr(t, "13800000004"));
	free(t);

	/* One failed, by hand as a provider's refusal would: found alone,
	 * with its error; what the provider said after the status (which
	 * may quote the text or the number, a review found) and its line
	 * breaks only with --full, and never breaking the table. */
	ck_assert_int_eq(tu_sql_exec(db, "UPDATE outbound SET status = "
	    "'failed', last_error = 'HTTP 500: <html>' || char(13, 10) || "
	    "'张小明 13800000004' || char(27) || '[2J' || char(155) || '2J' "
	    "|| char(8238) || 'cba' || char(8233) "
	    "WHERE id = (SELECT max(id) FROM outbound "
	    "WHERE kind = 'task')"), 0);
	ck_assert_int_eq(ctl(out, "sms", "--status", "failed", NULL), 0);
	t = squeezed(out);
	ck_assert_int_eq(tu_lines(out), 2);
	ck_assert_msg(strstr(t, " 任务 ") != NULL && strstr(t, " 发送失败 ") !=
	    NULL && strstr(t, "HTTP 500\n") != NULL &&
	    strstr(t, "张小明") == NULL, "%s", t);
	free(t);
	ck_assert_int_eq(ctl(out, "sms", "--status", "failed", "--full", NULL),
	    0);
	ck_assert_int_eq(tu_lines(out), 3);	/* and the warning */
	t = squeezed(out);
	ck_assert_msg(strstr(t, "HTTP 500: <html> 张小明 13800000004 [2J 2J "
	    "cba\n") != NULL, "%s", t);
	free(t);

	/* To one number, written as people write it; the newest two. */
	ck_assert_int_eq(ctl(out, "sms", "--to", "138 0000 0004", NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "张大山 +86138****0004") != NULL &&
	    strstr(t, "王丽") == NULL && strstr(t, "刘建国") == NULL, "%s", t);
	free(t);
	ck_assert_int_eq(ctl(out, "sms", "--limit", "2", NULL), 0);
	ck_assert_int_eq(tu_lines(out), 3);
	ck_assert_int_eq(ctl(out, "sms", "--to", "13800000004", "--full",
	    NULL), 0);
	t = squeezed(out);
	ck_assert_msg(strstr(t, "张大山 +8613800000004") != NULL, "%s", t);
	free(t);

	/* What is not a status, a number or a count: exit 2. */
	ck_assert_int_eq(ctl(out, "sms", "--status", "lost", NULL), 2);
	ck_assert_int_eq(ctl(out, "sms", "--to", "12x", NULL), 2);
	ck_assert_int_eq(ctl(out, "sms", "--limit", "0", NULL), 2);
	ck_assert_int_eq(ctl(out, "sms", "--limit", "x", NULL), 2);
	ck_assert_int_eq(ctl(out, "sms", "--limit", "10001", NULL), 2);
	ck_assert_int_eq(ctl(out, "sms", "--limit", "10000", NULL), 0);
}
END_TEST

/* The term's routine home visits of one school's students (DOMAIN rule
 * 4): who has had how many, and who none. */
START_TEST(test_visits_listing)
{
	const char *tdir = tu_src("templates/zh-CN");
	char *const argv[] = { (char *)env("BAOXUECTL"), "-d", db, "visits",
	    "--school", "s01", "--term", "2026-09-15", "--templates",
	    (char *)tdir, NULL };
	char *const missing[] = { (char *)env("BAOXUECTL"), "-d", db,
	    "visits", "--school", "S01", "--term", "2026-10-01", "--missing",
	    "--templates", (char *)tdir, NULL };
	char *const thrice[] = { (char *)env("BAOXUECTL"), "-d", db,
	    "visits", "--school", "S01", "--term", "2026-10-01", "--missing",
	    "--special", "3", "--templates", (char *)tdir, NULL };
	char *const badspecial[] = { (char *)env("BAOXUECTL"), "-d", db,
	    "visits", "--school", "S01", "--missing", "--special", "3x", NULL };
	char *const nomissing[] = { (char *)env("BAOXUECTL"), "-d", db,
	    "visits", "--school", "S01", "--special", "3", NULL };
	char *const spring[] = { (char *)env("BAOXUECTL"), "-d", db, "visits",
	    "--school", "S01", "--term", "2027-03-01", "--templates",
	    (char *)tdir, NULL };
	char *const before[] = { (char *)env("BAOXUECTL"), "-d", db, "visits",
	    "--school", "S01", "--term", "2026-03-01", "--templates",
	    (char *)tdir, NULL };
	char *const nosuch[] = { (char *)env("BAOXUECTL"), "-d", db, "visits",
	    "--school", "S99", "--templates", (char *)tdir, NULL };
	char *const noschool[] = { (char *)env("BAOXUECTL"), "-d", db,
	    "visits", "--templates", (char *)tdir, NULL };
	char *const baddate[] = { (char *)env("BAOXUECTL"), "-d", db,
	    "visits", "--school", "S01", "--term", "2026-13-01", NULL };
	char out[1100], *t;

	sms("13800000001", "VIS+20240101+%E5%9C%A8%E6%A0%A1");	/* 在校 */
	clock_set_iso("2026-09-02T09:00:00%2B08:00");
	sms("13800000112", "VIS+20240101+%E5%A4%96");	/* 外, a teacher */
	snprintf(out, sizeof out, "%s/visits.out", dir);
	ck_assert_int_eq(proc_run(argv, out), 0);
	t = tu_read(out);
	ck_assert_msg(!strncmp(t, "学号 ", strlen("学号 ")) &&
	    strstr(t, "本学期家访  最近家访\n") != NULL, "%.400s", t);
	/* Two visits, the last on 2 September; names masked. */
	ck_assert_str_eq(visit_row(t, "20240101"),
	    "20240101 张*明 三年级二班 中坝村 重点 2 2026-09-02");
	ck_assert_ptr_null(strstr(t, "张小明"));
	/* A national 学籍号 masked: it holds the child's ID number. */
	ck_assert_ptr_nonnull(strstr(t, "G**************123X"));
	ck_assert_ptr_null(strstr(t, "G51012320130101123X"));
	/* Every student of the school: 142, and the header. */
	ck_assert_int_eq(tu_lines(out), 143);
	free(t);
	unlink(out);

	ck_assert_int_eq(proc_run(missing, out), 0);
	t = tu_read(out);
	ck_assert_ptr_null(strstr(t, "20240101"));
	ck_assert_ptr_nonnull(strstr(t, "20240102"));
	ck_assert_int_eq(tu_lines(out), 142);
	free(t);
	unlink(out);
	/* A special-need student needs more visits: two by default (the
	 * daemon's [visits] special_per_term), here three. */
	ck_assert_int_eq(proc_run(thrice, out), 0);
	t = tu_read(out);
	ck_assert_ptr_nonnull(strstr(t, "20240101"));
	ck_assert_int_eq(tu_lines(out), 143);
	free(t);
	unlink(out);
	ck_assert_int_eq(proc_run(badspecial, out), 2);
	unlink(out);
	ck_assert_int_eq(proc_run(nomissing, out), 2);
	unlink(out);

	/* The spring term starts again from none. */
	ck_assert_int_eq(proc_run(spring, out), 0);
	t = tu_read(out);
	ck_assert_str_eq(visit_row(t, "20240101"),
	    "20240101 张*明 三年级二班 中坝村 重点 0");
	free(t);
	/* A term before: the visits after it are not its (from a review). */
	unlink(out);
	ck_assert_int_eq(proc_run(before, out), 0);
	t = tu_read(out);
	ck_assert_str_eq(visit_row(t, "20240101"),
	    "20240101 张*明 三年级二班 中坝村 重点 0");
	free(t);
	unlink(out);

	ck_assert_int_eq(proc_run(nosuch, out), 1);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "S99") != NULL && strstr(t, "school") != NULL,
	    "%.400s", t);
	free(t);
	unlink(out);
	ck_assert_int_eq(proc_run(noschool, out), 2);
	unlink(out);
	ck_assert_int_eq(proc_run(baddate, out), 2);
}
END_TEST

/* Reading is not writing: a mistyped database is not made by asking for
 * its cases or its report, and the answer says what is wrong. */
START_TEST(test_reading_a_missing_database)
{
	char missing[1100], xlsx[1100], out[1100], *t;
	char *const cases[] = { (char *)env("BAOXUECTL"), "-d", missing,
	    "cases", "--templates", (char *)tu_src("templates/zh-CN"), NULL };
	char *const rep[] = { (char *)env("BAOXUECTL"), "-d", missing,
	    "report", "--from", "2026-08-31", "--to", "2026-09-06",
	    "--templates", (char *)tu_src("templates/zh-CN"), "-o", xlsx,
	    NULL };

	snprintf(missing, sizeof missing, "%s/typo.db", dir);
	snprintf(xlsx, sizeof xlsx, "%s/typo.xlsx", dir);
	snprintf(out, sizeof out, "%s/typo.out", dir);
	ck_assert_int_eq(proc_run(cases, out), 1);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "typo.db: No such file") != NULL, "%s", t);
	free(t);
	ck_assert_int_eq(access(missing, F_OK), -1);
	ck_assert_int_eq(proc_run(rep, out), 1);
	t = tu_read(out);
	ck_assert_msg(strstr(t, "typo.db: No such file") != NULL, "%s", t);
	free(t);
	ck_assert_int_eq(access(missing, F_OK), -1);
	ck_assert_int_eq(access(xlsx, F_OK), -1);
}
END_TEST

START_TEST(test_missed_digest_sent_once)
{
	long long before;

	clock_set_iso("2026-09-13T20:00:00%2B08:00");	/* Sunday */
	ck_assert_int_ge(proc_stop(&daemon_p, SIGTERM, 30000), 0);
	before = rows("SELECT count(*) FROM outbound WHERE kind = 'digest'");
	/* The Monday 7 September digests went out before; down over Monday
	 * 14 September 08:00, back at 10:00. */
	ck_assert_int_eq(before, 7);
	write_conf_at("manual", "2026-09-14T10:00:00+08:00", "");
	ck_assert(proc_start(&daemon_p, env("BAOXUED"), conf, logpath,
	    10000) == 0);
	wait_rows("SELECT count(*) FROM outbound WHERE kind = 'digest' AND "
	    "text LIKE '%9月7日至9月13日周报%'", 7);
	/* And only once. */
	ck_assert_int_ge(proc_stop(&daemon_p, SIGTERM, 30000), 0);
	write_conf_at("manual", "2026-09-14T11:00:00+08:00", "");
	ck_assert(proc_start(&daemon_p, env("BAOXUED"), conf, logpath,
	    10000) == 0);
	http(NULL, "/admin/clock", "advance=0", ADMIN, NULL, &(struct resp){0});
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), before + 7);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("review");
	TCase *tc = tcase_create("review");

	tcase_add_checked_fixture(tc, setup_manual, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_monday_digest_and_sum);
	tcase_add_test(tc, test_report_csv_and_xlsx);
	tcase_add_test(tc, test_missed_digest_sent_once);
	tcase_add_test(tc, test_cases_listing);
	tcase_add_test(tc, test_visits_listing);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_people_listing);
	tcase_add_test(tc, test_templates_found);
	tcase_add_test(tc, test_places_checked);
	tcase_add_test(tc, test_import_args);
	tcase_add_test(tc, test_sms_listing);
	tcase_add_test(tc, test_reading_a_missing_database);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
