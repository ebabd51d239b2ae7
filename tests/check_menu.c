/*
 * Numbered replies to task SMS and words that are no command, through the
 * casework on the demo roster: the answer to words nobody understood, by
 * the sender's roles. Every answer here fits one SMS with the demo
 * signature.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gw.h"
#include "tests/gwfix.h"
#include "tests/testutil.h"

#define T0 1788224400	/* 2026-09-01T09:00:00+08:00 */

#define HT "+8613800000001"		/* head_teacher K0302, teacher S01 */
#define PRINCIPAL "+8613800000002"	/* principal S01 */
#define INSPECTOR "+8613800000003"	/* inspector S01 */
#define VHEAD1 "+8613800000004"		/* village_head V01 */
#define VCADRE "+8613800000005"		/* village_cadre V01 */
#define TOWNOFF "+8613800000006"	/* township_official T01 */
#define BUREAU "+8613800000008"		/* bureau C01 */
#define COUNTY "+8613800000009"		/* county C01 */

/* One UCS-2 SMS, signature included. */
#define SMS_MAX 70

static struct gwfix F;

static void
setup(void)
{
	gwfix_config(&F, T0);
	snprintf(F.cfg.signature, sizeof F.cfg.signature, "【后柳镇控辍保学】");
	gwfix_start(&F, 1);
}

static void
teardown(void)
{
	gwfix_free(&F);
}

/* The newest reply to the village head of V01. */
static const char *
reply(void)
{
	return tu_sql_text(F.db, "SELECT text FROM outbound WHERE recipient = '"
	    VHEAD1 "' AND kind = 'reply' ORDER BY id DESC LIMIT 1");
}

START_TEST(test_unknown_by_role)
{
	static const char *const everyone[] = {
		HT, PRINCIPAL, INSPECTOR, VHEAD1, VCADRE, TOWNOFF, BUREAU,
		COUNTY,
	};
	size_t i;
	const char *t;

	/* A village head is told to answer by number, not the school's
	 * commands. */
	gwfix_sms(&F, VHEAD1, "你好");
	t = reply();
	ck_assert_msg(strstr(t, "回复数字") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "ABS") == NULL, "%s", t);
	/* A teacher is given the school's. */
	gwfix_sms(&F, HT, "你好");
	ck_assert_ptr_nonnull(strstr(tu_last_to(F.db, HT), "ABS缺勤"));
	/* A county leader neither. */
	gwfix_sms(&F, COUNTY, "你好");
	ck_assert_ptr_null(strstr(tu_last_to(F.db, COUNTY), "ABS"));
	for (i = 0; i < sizeof everyone / sizeof everyone[0]; i++) {
		gwfix_sms(&F, everyone[i], "你好");
		t = tu_last_to(F.db, everyone[i]);
		ck_assert_msg(strstr(t, "未识别") != NULL, "%s: %s",
		    everyone[i], t);
		ck_assert_msg(tu_last_len(F.db, everyone[i]) <= SMS_MAX,
		    "%s: %s", everyone[i], t);
	}
}
END_TEST

static Suite *
menu_suite(void)
{
	Suite *s = suite_create("menu");
	TCase *tu = tcase_create("unknown");

	tcase_add_checked_fixture(tu, setup, teardown);
	tcase_add_test(tu, test_unknown_by_role);
	suite_add_tcase(s, tu);
	return s;
}

int
main(void)
{
	return tu_run(menu_suite());
}
