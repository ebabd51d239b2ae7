/*
 * Task codes and menu replies (taskcode.h, reply.h): every code reads back
 * to its value, every single-character typo and every swap of two
 * different neighbours is caught, codes never spell a keyword, and the
 * reply shapes a village head sends are read as replies while commands
 * are not.
 */
#include "parsers/reply.h"
#include "parsers/taskcode.h"
#include "tests/testutil.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char alphabet[] = "23456789BCDFGHJKMNPQRSTVWXYZ";

START_TEST(test_every_code_reads_back)
{
	char code[TASKCODE_LEN + 1];
	uint32_t v, seen = 0;
	int64_t id;

	for (id = 0; id < (int64_t)TASKCODE_SPACE; id++) {
		taskcode_make(id, code);
		ck_assert_uint_eq(strlen(code), TASKCODE_LEN);
		ck_assert_int_eq(strspn(code, alphabet), TASKCODE_LEN);
		ck_assert_msg(taskcode_read(code, TASKCODE_LEN, &v) ==
		    TASKCODE_OK, "%lld: %s", (long long)id, code);
		ck_assert_uint_eq(v, (uint32_t)id);
		seen++;
	}
	ck_assert_uint_eq(seen, TASKCODE_SPACE);
	/* Past the space the codes wrap: the value is the id modulo it. */
	taskcode_make(TASKCODE_SPACE + 5, code);
	ck_assert_int_eq(taskcode_read(code, 4, &v), TASKCODE_OK);
	ck_assert_uint_eq(v, 5);
	ck_assert_uint_eq(taskcode_value(TASKCODE_SPACE + 5), 5);
	/* Lower case is the same code. */
	taskcode_make(1234, code);
	code[0] = (char)(code[0] >= 'A' ? code[0] - 'A' + 'a' : code[0]);
	code[3] = (char)(code[3] >= 'A' ? code[3] - 'A' + 'a' : code[3]);
	ck_assert_int_eq(taskcode_read(code, 4, &v), TASKCODE_OK);
	ck_assert_uint_eq(v, 1234);
}
END_TEST

START_TEST(test_typos_are_caught)
{
	char code[TASKCODE_LEN + 1], bad[TASKCODE_LEN + 1];
	uint32_t v;
	int64_t id;
	size_t i, j;
	long caught = 0;

	for (id = 0; id < (int64_t)TASKCODE_SPACE; id += 7) {
		taskcode_make(id, code);
		/* Every single substitution by any other alphabet character. */
		for (i = 0; i < TASKCODE_LEN; i++)
			for (j = 0; alphabet[j]; j++) {
				if (alphabet[j] == code[i])
					continue;
				memcpy(bad, code, sizeof bad);
				bad[i] = alphabet[j];
				ck_assert_msg(taskcode_read(bad, 4, &v) ==
				    TASKCODE_BAD, "%s read as valid", bad);
				caught++;
			}
		/* Every swap of two different neighbours. */
		for (i = 0; i + 1 < TASKCODE_LEN; i++) {
			if (code[i] == code[i + 1])
				continue;
			memcpy(bad, code, sizeof bad);
			bad[i] = code[i + 1];
			bad[i + 1] = code[i];
			if (taskcode_read(bad, 4, &v) == TASKCODE_BAD)
				caught++;
			else
				/* Luhn mod N misses one pair of values. */
				ck_assert_msg((strchr(alphabet, bad[i]) -
				    alphabet) + (strchr(alphabet, bad[i + 1]) -
				    alphabet) == 28 - 1, "swap %s of %s", bad,
				    code);
		}
	}
	ck_assert_int_gt(caught, 0);
}
END_TEST

START_TEST(test_look_alikes_and_shapes)
{
	uint32_t v;

	/* 0/O, 1/I/L and vowels are not in the alphabet. */
	ck_assert_int_eq(taskcode_read("K0QX", 4, &v), TASKCODE_BAD);
	ck_assert_int_eq(taskcode_read("KOQX", 4, &v), TASKCODE_BAD);
	ck_assert_int_eq(taskcode_read("K1QX", 4, &v), TASKCODE_BAD);
	ck_assert_int_eq(taskcode_read("KIQX", 4, &v), TASKCODE_BAD);
	ck_assert_int_eq(taskcode_read("KLQX", 4, &v), TASKCODE_BAD);
	ck_assert_int_eq(taskcode_read("HELP", 4, &v), TASKCODE_BAD);
	ck_assert_int_eq(taskcode_read("K7Q", 3, &v), TASKCODE_BAD);
	ck_assert_int_eq(taskcode_read("K7QXX", 5, &v), TASKCODE_BAD);
	ck_assert_int_eq(taskcode_read("K7\xe4X", 4, &v), TASKCODE_BAD);
}
END_TEST

struct reply_case {
	const char *text;
	int is_reply;
	const char *code;
	int choice;
	const char *note;
};

/* Every label of the menus (gateway/casework/menu.c), as rendered. */
static const char *const menu_labels[] = {
	"同意返校", "拒绝返校", "外出", "生病", "联系不上", "转学", "收到",
	"已送达", NULL
};

static const struct reply_case reply_cases[] = {
	{ "3", 1, "", 3, "" },
	{ "3 家长说要去打工", 1, "", 3, "家长说要去打工" },
	{ "3,家长说要去打工", 1, "", 3, "家长说要去打工" },
	{ "3。", 1, "", 3, "" },
	{ "K7QX 3", 1, "K7QX", 3, "" },
	{ "k7qx 3", 1, "K7QX", 3, "" },
	{ "K7QX,3 外出打工", 1, "K7QX", 3, "外出打工" },
	{ "K7QX：3", 1, "K7QX", 3, "" },
	{ "任务K7QX 5", 1, "K7QX", 5, "" },
	{ "任务 K7QX 5", 1, "K7QX", 5, "" },
	{ "12", 1, "", 12, "" },
	{ "0", 1, "", 0, "" },
	{ "3\n第二行", 1, "", 3, "第二行" },
	{ "K0QX 3", 1, "K0QX", 3, "" },	/* read; the check refuses it */
	/* Not replies: commands, numbers that are not a choice. */
	{ "HELP 3", 0, NULL, 0, NULL },
	{ "case 3", 0, NULL, 0, NULL },
	{ "TASKS", 0, NULL, 0, NULL },
	{ "任务", 0, NULL, 0, NULL },
	{ "任务3", 0, NULL, 0, NULL },
	{ "ABS 20240101 3", 0, NULL, 0, NULL },
	{ "缺 20240101 3", 0, NULL, 0, NULL },
	{ "20240101", 0, NULL, 0, NULL },
	{ "123", 0, NULL, 0, NULL },
	{ "202401 3", 0, NULL, 0, NULL },
	{ "K7QX3", 0, NULL, 0, NULL },
	{ "K7QX", 0, NULL, 0, NULL },
	{ "K7QX ", 0, NULL, 0, NULL },
	{ "", 0, NULL, 0, NULL },
	{ "好的", 0, NULL, 0, NULL },
	/* Words that start with a number are not choices. */
	{ "3家长说要去打工", 0, NULL, 0, NULL },
	{ "3天后回来", 0, NULL, 0, NULL },
	{ "12月3日回校", 0, NULL, 0, NULL },
	{ "2个学生没来", 0, NULL, 0, NULL },
	{ "K7QX 3天", 0, NULL, 0, NULL },
};

/* text read with the menus' labels; the reply as expected if is_reply. */
static void
reply_check(const char *text, int is_reply, const char *code,
    uint32_t case_no, int choice, const char *label, const char *note)
{
	struct menu_reply r;
	int got = reply_parse(text, strlen(text), menu_labels, &r);

	ck_assert_msg(got == is_reply, "'%s': %d", text, got);
	if (!got)
		return;
	ck_assert_str_eq(r.code, code);
	ck_assert_uint_eq(r.case_no, case_no);
	ck_assert_int_eq(r.choice, choice);
	ck_assert_str_eq(r.label, label);
	ck_assert_str_eq(r.note, note);
}

START_TEST(test_reply_shapes)
{
	const struct reply_case *c = &reply_cases[_i];

	reply_check(c->text, c->is_reply, c->code, 0, c->choice, "", c->note);
}
END_TEST

START_TEST(test_reply_note_is_bounded)
{
	char text[1024];
	struct menu_reply r;
	size_t i;

	text[0] = '3';
	text[1] = ' ';
	for (i = 2; i + 3 < sizeof text; i += 3)
		memcpy(text + i, "\xe5\xae\xb6", 3);	/* 家 */
	text[i] = '\0';
	ck_assert_int_eq(reply_parse(text, i, menu_labels, &r), 1);
	ck_assert_uint_lt(strlen(r.note), CMD_NOTE_MAX);
	ck_assert_uint_eq(strlen(r.note) % 3, 0);	/* whole characters */
}
END_TEST

/* A choice copied as written, with 回复; a task SMS's head with its case
 * number. */
struct labelled_case {
	const char *text;
	int is_reply;
	const char *code;
	uint32_t case_no;
	int choice;
	const char *label;
	const char *note;
};

static const struct labelled_case labelled_cases[] = {
	{ "4生病", 1, "", 0, 4, "生病", "" },
	{ "4 生病", 1, "", 0, 4, "生病", "" },
	{ "4生病。", 1, "", 0, 4, "生病", "" },
	{ "4生病，孩子发烧", 1, "", 0, 4, "生病", "孩子发烧" },
	{ "4生病了", 1, "", 0, 4, "生病", "了" },
	{ "2拒绝", 1, "", 0, 2, "拒绝", "" },
	{ "2 拒绝", 1, "", 0, 2, "拒绝", "" },
	{ "1同意返校", 1, "", 0, 1, "同意返校", "" },
	{ "M598 1同意返校", 1, "M598", 0, 1, "同意返校", "" },
	{ "m598,1同意返校 下周一", 1, "M598", 0, 1, "同意返校", "下周一" },
	/* Another choice's label is returned as typed: the caller refuses. */
	{ "4同意返校", 1, "", 0, 4, "同意返校", "" },
	{ "1 生病，孩子发烧", 1, "", 0, 1, "生病", "孩子发烧" },
	/* Words that only begin with a label are a note. */
	{ "2 外出打工不愿回", 1, "", 0, 2, "", "外出打工不愿回" },
	{ "3 家长说要去打工", 1, "", 0, 3, "", "家长说要去打工" },
	{ "回复1", 1, "", 0, 1, "", "" },
	{ "回复 1", 1, "", 0, 1, "", "" },
	{ "回复：4生病", 1, "", 0, 4, "生病", "" },
	{ "回复K7QX 3", 1, "K7QX", 0, 3, "", "" },
	{ "回复任务K7QX：3", 1, "K7QX", 0, 3, "", "" },
	{ "任务#19 3", 1, "", 19, 3, "", "" },
	{ "任务#19：3", 1, "", 19, 3, "", "" },
	{ "任务 #19,3 家长不在", 1, "", 19, 3, "", "家长不在" },
	{ "提醒#19 7", 1, "", 19, 7, "", "" },
	{ "任务#19 4生病", 1, "", 19, 4, "生病", "" },
	/* Not replies. */
	{ "1同", 0, NULL, 0, 0, NULL, NULL },
	{ "3外", 0, NULL, 0, 0, NULL, NULL },
	{ "3外面下雨", 0, NULL, 0, 0, NULL, NULL },
	{ "回复", 0, NULL, 0, 0, NULL, NULL },
	{ "回复好的", 0, NULL, 0, 0, NULL, NULL },
	{ "任务#19", 0, NULL, 0, 0, NULL, NULL },
	{ "任务#193", 0, NULL, 0, 0, NULL, NULL },
	{ "任务#0 3", 0, NULL, 0, 0, NULL, NULL },
	{ "任务# 3", 0, NULL, 0, 0, NULL, NULL },
	{ "任务#19 3天后", 0, NULL, 0, 0, NULL, NULL },
	{ "提醒", 0, NULL, 0, 0, NULL, NULL },
	{ "#19 3", 0, NULL, 0, 0, NULL, NULL },
};

START_TEST(test_reply_labelled)
{
	const struct labelled_case *c = &labelled_cases[_i];

	reply_check(c->text, c->is_reply, c->code, c->case_no, c->choice,
	    c->label, c->note);
}
END_TEST

START_TEST(test_reply_without_labels)
{
	struct menu_reply r;

	/* No labels given: glued words make no reply, as before. */
	ck_assert_int_eq(reply_parse("4生病", strlen("4生病"), NULL, &r), 0);
	ck_assert_int_eq(reply_parse("4 生病", strlen("4 生病"), NULL, &r), 1);
	ck_assert_str_eq(r.label, "");
	ck_assert_str_eq(r.note, "生病");
}
END_TEST

START_TEST(test_label_is)
{
	ck_assert_int_eq(reply_label_is("生病", "生病"), 1);
	ck_assert_int_eq(reply_label_is("拒绝", "拒绝返校"), 1);
	ck_assert_int_eq(reply_label_is("拒", "拒绝返校"), 0);
	ck_assert_int_eq(reply_label_is("同意返校", "拒绝返校"), 0);
	ck_assert_int_eq(reply_label_is("拒绝返校了", "拒绝返校"), 0);
	ck_assert_int_eq(reply_label_is("", "生病"), 0);
}
END_TEST

static Suite *
taskcode_suite(void)
{
	Suite *s = suite_create("taskcode");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_every_code_reads_back);
	tcase_add_test(tc, test_typos_are_caught);
	tcase_add_test(tc, test_look_alikes_and_shapes);
	tcase_add_loop_test(tc, test_reply_shapes, 0,
	    (int)(sizeof reply_cases / sizeof reply_cases[0]));
	tcase_add_test(tc, test_reply_note_is_bounded);
	tcase_add_loop_test(tc, test_reply_labelled, 0,
	    (int)(sizeof labelled_cases / sizeof labelled_cases[0]));
	tcase_add_test(tc, test_reply_without_labels);
	tcase_add_test(tc, test_label_is);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(taskcode_suite());
}
