/*
 * baoxuectl's words for the ledger's codes (gateway/ctlwords.c), with the
 * shipped catalog: what an inspector reads in `baoxuectl history` in
 * place of "days=3 reason=work dropout=1".
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/ctlwords.h"
#include "parsers/taskcode.h"
#include "templates/render.h"
#include "tests/testutil.h"

static struct catalog *cat;

static void
cat_load(void)
{
	char err[512] = "";

	cat = catalog_load(tu_src("templates/zh-CN"), err, sizeof err);
	ck_assert_msg(cat != NULL, "%s", err);
}

static void
cat_free(void)
{
	catalog_free(cat);
	cat = NULL;
}

/* People 5 and 9 are on the roster; anyone else has left it. */
static int
person(void *arg, int64_t id, char *out, size_t sz)
{
	(void)arg;
	if (id != 5 && id != 9)
		return -1;
	snprintf(out, sz, "%s", id == 5 ? "张大山" : "李新");
	return 0;
}

static const char *
words(const char *what, const char *detail, int full)
{
	static char out[512];

	memset(out, 'x', sizeof out);
	ctlwords_detail(cat, what, detail, full, person, NULL, out,
	    sizeof out);
	return out;
}

START_TEST(test_case_events)
{
	ck_assert_str_eq(words("open", "days=3 reason=work dropout=1", 0),
	    "缺勤3天，原因：外出务工，确认辍学");
	/* An empty value and a flag not set say nothing. */
	ck_assert_str_eq(words("open", "days=3 reason= dropout=0", 0),
	    "缺勤3天");
	ck_assert_str_eq(words("update", "days=2", 0), "缺勤2天");
	/* A DROP of a student with no days reported. */
	ck_assert_str_eq(words("open", "days=0 reason=work dropout=1", 0),
	    "原因：外出务工，确认辍学");
	ck_assert_str_eq(words("return", "days_out=4 excused_as=transfer", 0),
	    "离校4天，原登记转学");
	ck_assert_str_eq(words("level", "level=2", 0), "升至2级");
	ck_assert_str_eq(words("cosign_remind", "inspectors=2", 0), "督学2人");
	ck_assert_str_eq(words("cosign", "", 0), "");
}
END_TEST

/* A note is people's own words (a child's name perhaps): --full only,
 * whole, spaces and '=' in it too; it is always last. */
START_TEST(test_note_full_only)
{
	ck_assert_str_eq(words("visit", "outcome=away note=家长 说=打工", 0),
	    "结果：外出");
	ck_assert_str_eq(words("visit", "outcome=away note=家长 说=打工", 1),
	    "结果：外出，备注：家长 说=打工");
	ck_assert_str_eq(words("close", "how=transfer note=已转入县一小", 1),
	    "转学，备注：已转入县一小");
	ck_assert_str_eq(words("absence", "days=1 reason=illness note=发烧", 0),
	    "缺勤1天，原因：病");
}
END_TEST

/* Details with no key: a dropout's reason, a level nobody took. */
START_TEST(test_bare_codes)
{
	ck_assert_str_eq(words("dropout", "work", 0), "原因：外出务工");
	ck_assert_str_eq(words("no_assignee", "joint_visit", 0), "联合家访");
}
END_TEST

/* The task as its holder saw it in the SMS: by its code. */
START_TEST(test_task_code)
{
	char code[TASKCODE_LEN + 1], want[64];

	taskcode_make(12, code);
	snprintf(want, sizeof want, "任务%s", code);
	ck_assert_str_eq(words("remind", "task=12", 0), want);
}
END_TEST

/* A handover names the role and who gave and took it; one who has left
 * the roster by number. */
START_TEST(test_handover_people)
{
	ck_assert_str_eq(words("handover",
	    "role=village_head scope=V01 from=5 to=9", 0),
	    "村长，V01，原张大山，接手李新");
	ck_assert_str_eq(words("handover",
	    "role=village_head scope=V01 from=7 to=9", 0),
	    "村长，V01，原#7，接手李新");
}
END_TEST

/* What has no words is kept as written: nothing is lost. */
START_TEST(test_unknown_kept)
{
	ck_assert_str_eq(words("visit", "outcome=weird", 0), "结果：weird");
	ck_assert_str_eq(words("x", "colour=red days=2", 0),
	    "colour=red，缺勤2天");
	ck_assert_str_eq(words("x", "  days=2   ", 0), "缺勤2天");
	ck_assert_str_eq(words("x", "=3 ==", 0), "=3，==");
}
END_TEST

/* Cut to the buffer at a character, never inside one. */
START_TEST(test_bounded)
{
	char out[11];

	ctlwords_detail(cat, "open", "days=3 reason=work dropout=1", 0,
	    person, NULL, out, sizeof out);
	/* "缺勤3天" is 10 bytes; the separator does not fit. */
	ck_assert_str_eq(out, "缺勤3天");
	ctlwords_detail(cat, "open", "days=3", 0, person, NULL, out, 1);
	ck_assert_str_eq(out, "");
}
END_TEST

/* A code by its words; no words (or no code): as written. */
static const struct {
	const char *prefix, *code, *want;
} codes[] = {
	{ "role_", "head_teacher", "班主任" },
	{ "role_", "township_official", "控辍保学办" },
	{ "sms_kind_", "task", "任务" },
	{ "sms_status_", "sent", "已发" },
	{ "dlr_", "failed", "未送达" },
	{ "role_", "astronaut", "astronaut" },
	{ "dlr_", "", "" },
};

START_TEST(test_codes)
{
	char out[64];

	ctlwords_code(cat, codes[_i].prefix, codes[_i].code, out, sizeof out);
	ck_assert_str_eq(out, codes[_i].want);
}
END_TEST

static Suite *
ctlwords_suite(void)
{
	Suite *s = suite_create("ctlwords");
	TCase *tc = tcase_create("words");

	tcase_add_checked_fixture(tc, cat_load, cat_free);
	tcase_add_test(tc, test_case_events);
	tcase_add_test(tc, test_note_full_only);
	tcase_add_test(tc, test_bare_codes);
	tcase_add_test(tc, test_task_code);
	tcase_add_test(tc, test_handover_people);
	tcase_add_test(tc, test_unknown_kept);
	tcase_add_test(tc, test_bounded);
	tcase_add_loop_test(tc, test_codes, 0, sizeof codes / sizeof codes[0]);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(ctlwords_suite());
}
