/*
 * The USSD menu engine over the demo roster: every page any role can reach
 * (a breadth-first walk over every input that matters, from every kind of
 * phone) fits one USSD screen in UCS-2 (80 units) and is never cut;
 * every page of a session offers its way back; the commands the engine
 * builds read back as what was chosen; the final page is the SMS reply
 * when it fits.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/casework/casework.h"
#include "gateway/clock.h"
#include "gateway/gw.h"
#include "gateway/pipeline.h"
#include "parsers/smslen.h"
#include "store/store.h"
#include "tests/gwfix.h"
#include "tests/testutil.h"

#define T0 1788224400	/* Tuesday 2026-09-01 09:00 +08:00 */

#define HT "+8613800000001"
#define PRINCIPAL "+8613800000002"
#define INSPECTOR "+8613800000003"
#define VHEAD2 "+8613800000014"
#define OFFICIAL "+8613800000006"
#define TOWNHEAD "+8613800000007"
#define BUREAU "+8613800000008"
#define COUNTY "+8613800000009"
#define STRANGER "+8613999999999"

static struct gwfix F;

static void
setup(void)
{
	gwfix_demo(&F, T0);
}

static void
teardown(void)
{
	gwfix_free(&F);
}

/* Cases in the principal's school with village V02 tasks: enough for
 * every list to need a second page. */
static void
open_many_cases(void)
{
	char q[256], text[64];
	const char *list;
	char *copy, *tok, *save;

	snprintf(q, sizeof q, "SELECT group_concat(student_no, ' ') FROM "
	    "(SELECT s.student_no FROM students s JOIN places c ON c.code = "
	    "s.class WHERE s.village = 'V02' AND c.parent = (SELECT scope "
	    "FROM people WHERE phone = '%s') ORDER BY s.student_no LIMIT 5)",
	    PRINCIPAL);
	list = tu_sql_text(F.db, q);
	copy = strdup(list);
	for (tok = strtok_r(copy, " ", &save); tok;
	    tok = strtok_r(NULL, " ", &save)) {
		snprintf(text, sizeof text, "ABS %s 3", tok);
		gwfix_sms(&F, PRINCIPAL, text);
	}
	free(copy);
	ck_assert_int_ge(tu_sql_int(F.db, "SELECT count(*) FROM tasks WHERE "
	    "status = 'open'"), 5);
}

static struct menu_page page;

/* Place names as long as a county clerk might type them. */
static void
long_names(void)
{
	sqlite3 *h;

	ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "UPDATE places SET name = CASE kind "
	    "WHEN 'township' THEN '后柳镇人民政府教育管理办公室' "
	    "WHEN 'village' THEN name || '村民委员会第一村民小组' "
	    "WHEN 'school' THEN name || '九年一贯制寄宿学校' "
	    "WHEN 'class' THEN name || '（寄宿班）' ELSE name END", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void
step(struct menu_state *st, const char *phone, const char *in)
{
	ck_assert_int_eq(casework_menu_step(F.g->casework, st, phone, in, 0,
	    T0 + 3600, &page), 0);
}

/* Every page reachable from one phone; returns how many states. */
#define SEEN_MAX 20000
struct walk {
	uint32_t *slot;			/* index + 1 into seen, 0 if free */
	struct menu_state *seen;
	size_t nseen;
	size_t pages, submits, lists_paged, errors;
};

/*
 * What a page and the inputs after it depend on: the page on top and the
 * session's data (the engine forgets what a page chose when the user goes
 * back past it). The pages under it were on top once and were walked
 * then, so the history of the stack need not be part of the key (it
 * would make the walk endless).
 */
static void
walk_key(const struct menu_state *st, struct menu_state *key)
{
	memset(key, 0, sizeof *key);
	key->stack[0] = st->stack[st->depth - 1];
	key->depth = st->depth > 1;
	key->action = st->action;
	memcpy(key->student_no, st->student_no, sizeof key->student_no);
	key->days = st->days;
	key->reason = st->reason;
	key->task_id = st->task_id;
	key->choice = st->choice;
	/* No page shows the note (only the command carries it): whether
	 * there is one is all that matters to the pages after it. */
	key->note[0] = st->note[0] ? 'x' : '\0';
}

/* A set of keys: open addressing over FNV-1a hashes. */
#define SLOTS 65536
static uint32_t
walk_hash(const struct menu_state *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof *k; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static int
walk_seen(struct walk *w, const struct menu_state *st)
{
	struct menu_state key;
	uint32_t i;

	walk_key(st, &key);
	for (i = walk_hash(&key) % SLOTS; w->slot[i]; i = (i + 1) % SLOTS)
		if (!memcmp(&w->seen[w->slot[i] - 1], &key, sizeof key))
			return 1;
	ck_assert_uint_lt(w->nseen, SEEN_MAX);
	w->seen[w->nseen++] = key;
	w->slot[i] = (uint32_t)w->nseen;
	return 0;
}

static size_t longest;
static char longest_text[MENU_PAGE_MAX];

static void
check_page(const char *phone, const char *path, const struct menu_page *p)
{
	size_t len = strlen(p->text);

	ck_assert_msg(len > 0, "%s %s: empty page", phone, path);
	ck_assert_msg(!p->cut, "%s %s: cut to fit: %s", phone, path, p->text);
	ck_assert_msg(smslen_ussd_fits(p->text, len), "%s %s: too long: %s",
	    phone, path, p->text);
	{
		struct smslen r;

		ck_assert_int_eq(smslen_measure(p->text, len, &r), 0);
		ck_assert_uint_le(r.units, r.enc == SMSLEN_UCS2 ? 80 : 182);
		if (r.units > longest) {
			longest = r.units;
			snprintf(longest_text, sizeof longest_text, "%s",
			    p->text);
		}
	}
}

static void
walk(const char *phone, const char *const *inputs, struct walk *w)
{
	struct menu_state *queue;
	char (*paths)[160];
	size_t head = 0, tail = 0, i;
	struct menu_state st;

	queue = calloc(SEEN_MAX, sizeof *queue);
	paths = calloc(SEEN_MAX, sizeof *paths);
	ck_assert_ptr_nonnull(queue);
	casework_menu_start(&st);
	step(&st, phone, NULL);
	check_page(phone, "(first)", &page);
	w->pages++;
	if (page.end)
		goto out;
	/* A lost session starts again, with a line that says so. */
	{
		struct menu_state r = st;

		ck_assert_int_eq(casework_menu_step(F.g->casework, &r, phone,
		    "1*2", 1, T0, &page), 0);
		check_page(phone, "(restarted)", &page);
		ck_assert_ptr_nonnull(strstr(page.text, "会话已中断"));
	}
	walk_seen(w, &st);
	queue[tail] = st;
	snprintf(paths[tail++], sizeof paths[0], "%s", "");
	while (head < tail) {
		for (i = 0; inputs[i]; i++) {
			struct menu_state next = queue[head];
			char path[160];

			snprintf(path, sizeof path, "%.120s*%s", paths[head],
			    inputs[i]);
			step(&next, phone, inputs[i]);
			w->pages++;
			if (page.submit) {
				/* Not applied here: the command reads back
				 * (the engine checked) and is bounded. */
				ck_assert_uint_gt(strlen(page.command), 0);
				w->submits++;
				continue;
			}
			check_page(phone, path, &page);
			ck_assert_msg(!page.end, "%s %s: END on a typo?", phone,
			    path);
			if (strstr(page.text, "99下页"))
				w->lists_paged++;
			if (strstr(page.text, "有误") ||
			    strstr(page.text, "不对") ||
			    strstr(page.text, "最后一页"))
				w->errors++;
			/* Every page but the main menu offers a way back. */
			if (next.depth > 1)
				ck_assert_msg(strstr(page.text, "0返回") &&
				    strstr(page.text, "00主菜单"), "%s %s: no "
				    "way back: %s", phone, path, page.text);
			if (!walk_seen(w, &next) && tail < SEEN_MAX) {
				queue[tail] = next;
				snprintf(paths[tail++], sizeof paths[0], "%s",
				    path);
			}
		}
		head++;
	}
out:
	free(queue);
	free(paths);
}

START_TEST(test_every_page_fits)
{
	static const char *const phones[] = {
		HT, PRINCIPAL, INSPECTOR, VHEAD2, OFFICIAL, TOWNHEAD, BUREAU,
		COUNTY, "+8613800000004", "+8613800000005", "+8613800000119",
		STRANGER, NULL
	};
	const char *inputs[24];
	char ok_student[32], national[32];
	struct walk total;
	size_t i, k = 0;

	open_many_cases();
	/* A national 学号 (the longest a page shows), long place names, and
	 * every kind of task: the cases climb to levels 2 and 3. */
	gwfix_sms(&F, PRINCIPAL, "ABS G51012320130101123X 3");
	long_names();
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 4 * 86400), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 11 * 86400), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_gt(tu_sql_int(F.db, "SELECT count(*) FROM tasks WHERE "
	    "kind = 'joint_visit' AND status = 'open'"), 0);
	ck_assert_int_gt(tu_sql_int(F.db, "SELECT count(*) FROM tasks WHERE "
	    "kind = 'serve_notice' AND status = 'open'"), 0);
	snprintf(ok_student, sizeof ok_student, "%s", "20240102");
	snprintf(national, sizeof national, "%s", "g51012320130101123x");
	inputs[k++] = "0";
	inputs[k++] = "00";
	inputs[k++] = "99";
	for (i = 0; i < 9; i++) {
		static const char *const d[] = { "1", "2", "3", "4", "5", "6",
		    "7", "8", "9" };
		inputs[k++] = d[i];
	}
	inputs[k++] = "61";
	inputs[k++] = ok_student;
	inputs[k++] = national;
	inputs[k++] = "20249999";	/* no such student */
	inputs[k++] = "abc*12";		/* a typo; a note with a star */
	inputs[k] = NULL;
	memset(&total, 0, sizeof total);
	total.seen = calloc(SEEN_MAX, sizeof *total.seen);
	total.slot = calloc(SLOTS, sizeof *total.slot);
	for (i = 0; phones[i]; i++) {
		total.nseen = 0;
		memset(total.slot, 0, SLOTS * sizeof *total.slot);
		walk(phones[i], inputs, &total);
	}
	fprintf(stderr, "ussd walk: %zu pages, %zu submits, %zu paged; the "
	    "longest, %zu units:\n%s\n", total.pages, total.submits,
	    total.lists_paged, longest, longest_text);
	free(total.seen);
	free(total.slot);
	/* The walk went everywhere: lists with more pages, errors, and an
	 * action at the end of every flow. */
	ck_assert_uint_gt(total.pages, 1000);
	ck_assert_uint_gt(total.lists_paged, 0);
	ck_assert_uint_gt(total.errors, 0);
	ck_assert_uint_gt(total.submits, 10);
}
END_TEST

START_TEST(test_flows_build_commands)
{
	struct menu_state st;

	/* Teacher: 1 报缺勤 → 学号 → 天数 → 原因 → 1 确认. */
	casework_menu_start(&st);
	step(&st, HT, NULL);
	ck_assert_ptr_nonnull(strstr(page.text, "1报缺勤"));
	ck_assert_ptr_null(strstr(page.text, "6本周汇总"));
	step(&st, HT, "1");
	ck_assert_str_eq(page.text, "报缺勤：请输入学号\n0返回 00主菜单");
	step(&st, HT, "20249999");
	ck_assert_str_eq(page.text, "您的范围内没有学号20249999，未处理。\n"
	    "报缺勤：请输入学号\n0返回 00主菜单");
	step(&st, HT, "20240102");
	ck_assert_ptr_nonnull(strstr(page.text, "20240102 李*"));
	step(&st, HT, "0");
	ck_assert_str_eq(page.text, "报缺勤：请输入学号\n0返回 00主菜单");
	step(&st, HT, "20240102");
	step(&st, HT, "99");
	ck_assert_ptr_nonnull(strstr(page.text, "已是最后一页"));
	step(&st, HT, "3");
	ck_assert_ptr_nonnull(strstr(page.text, "缺勤原因：1病 2事"));
	step(&st, HT, "1");
	ck_assert_str_eq(page.text, "确认：20240102 李*缺勤3天，原因：病。"
	    "回复1确认\n0返回 00主菜单");
	step(&st, HT, "2");
	ck_assert_ptr_nonnull(strstr(page.text, "输入有误"));
	step(&st, HT, "1");
	ck_assert_int_eq(page.submit, 1);
	ck_assert_str_eq(page.command, "ABS 20240102 3 生病");

	/* Village head: 5 我的任务 → 1 → 3 外出 → note with '*' → 1. */
	gwfix_sms(&F, HT, "ABS 20240102 3");
	casework_menu_start(&st);
	step(&st, VHEAD2, NULL);
	ck_assert_str_eq(page.text, "保学菜单：5我的任务");
	step(&st, VHEAD2, "5");
	ck_assert_ptr_nonnull(strstr(page.text, "我的任务1项"));
	step(&st, VHEAD2, "1");
	ck_assert_ptr_nonnull(strstr(page.text, "1同意返校 2拒绝返校"));
	step(&st, VHEAD2, "3");
	step(&st, VHEAD2, "家长说*下周回");
	ck_assert_ptr_nonnull(strstr(page.text, "外出"));
	step(&st, VHEAD2, "1");
	ck_assert_int_eq(page.submit, 1);
	ck_assert_str_eq(page.command, "VIS #1 外出 家长说*下周回");

	/* A note in Chinese punctuation, or with a keyword after a comma,
	 * is still one command: what separates commands becomes a space. */
	casework_menu_start(&st);
	step(&st, VHEAD2, NULL);
	step(&st, VHEAD2, "5");
	step(&st, VHEAD2, "1");
	step(&st, VHEAD2, "2");
	step(&st, VHEAD2, "家长说；下周回，RET了");
	ck_assert_ptr_nonnull(strstr(page.text, "确认"));
	step(&st, VHEAD2, "1");
	ck_assert_int_eq(page.submit, 1);
	ck_assert_str_eq(page.command, "VIS #1 拒绝 家长说 下周回 RET了");
	/* A note too long for the ledger: said so, asked again. */
	casework_menu_start(&st);
	step(&st, VHEAD2, NULL);
	step(&st, VHEAD2, "5");
	step(&st, VHEAD2, "1");
	step(&st, VHEAD2, "2");
	{
		char note[700];
		int i;

		for (i = 0; i < 200; i++)
			memcpy(note + 3 * i, "说", 3);
		note[600] = '\0';
		step(&st, VHEAD2, note);
	}
	ck_assert_ptr_nonnull(strstr(page.text, "说明有误或太长"));
	ck_assert_ptr_nonnull(strstr(page.text, "可输入说明"));

	/* The national 学号 is masked on every page, the reason page too. */
	casework_menu_start(&st);
	step(&st, PRINCIPAL, NULL);
	step(&st, PRINCIPAL, "1");
	step(&st, PRINCIPAL, "g51012320130101123x");
	ck_assert_ptr_nonnull(strstr(page.text, "G**************123X"));
	step(&st, PRINCIPAL, "2");
	ck_assert_ptr_nonnull(strstr(page.text, "G**************123X缺勤原因"));
	ck_assert_ptr_null(strstr(page.text, "51012320130101"));
	step(&st, PRINCIPAL, "3");
	ck_assert_ptr_null(strstr(page.text, "51012320130101"));
	step(&st, PRINCIPAL, "1");
	ck_assert_str_eq(page.command, "ABS G51012320130101123X 2 厌学");

	/* Leader: summary and overdue tasks. */
	casework_menu_start(&st);
	step(&st, TOWNHEAD, NULL);
	step(&st, TOWNHEAD, "6");
	ck_assert_ptr_nonnull(strstr(page.text, "本周：报缺勤"));
	step(&st, TOWNHEAD, "00");
	step(&st, TOWNHEAD, "7");
	ck_assert_ptr_nonnull(strstr(page.text, "没有逾期任务"));

	/* A stranger: one END page. */
	casework_menu_start(&st);
	step(&st, STRANGER, NULL);
	ck_assert_int_eq(page.end, 1);
	ck_assert_ptr_nonnull(strstr(page.text, "未登记"));
}
END_TEST

START_TEST(test_result_page)
{
	struct pipeline_in in = { "ussd", "s1:1", HT, NULL, "RET 20240102",
	    12, NULL, 0 };
	int64_t id;

	gwfix_sms(&F, HT, "ABS 20240102 3");
	ck_assert_int_eq(pipeline_inbound(F.g->pipeline, &in, &id),
	    PIPELINE_ACCEPTED);
	ck_assert_int_eq(casework_menu_result(F.g->casework, HT, id, 1, &page),
	    0);
	ck_assert_int_eq(page.end, 1);
	/* The SMS reply, without the signature. */
	ck_assert_ptr_nonnull(strstr(page.text, "#1"));
	ck_assert_ptr_null(strstr(page.text, "【"));
	ck_assert(smslen_ussd_fits(page.text, strlen(page.text)));
	ck_assert_int_eq(casework_menu_result(F.g->casework, HT, id, 0, &page),
	    0);
	ck_assert_str_eq(page.text, "系统忙，未记录，请稍后重拨。");
	/* No reply found (or too long): the short page. */
	ck_assert_int_eq(casework_menu_result(F.g->casework, HT, 999, 1, &page),
	    0);
	ck_assert_str_eq(page.text, "已记录，确认短信将发到您的手机。");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ussd");
	TCase *tc = tcase_create("menus");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_flows_build_commands);
	tcase_add_test(tc, test_result_page);
	tcase_add_test(tc, test_every_page_fits);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
