/*
 * The SMS command language (issue 3): every command and alias, forgiving
 * input, batches, signatures, precise errors and hostile input, one table
 * per command, one row per real-world message.
 */
#include "parsers/command.h"
#include "parsers/normalize.h"
#include "tests/testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Compiled once per TCase; read-only afterwards (unchecked fixture). */
static struct command_parser *parser;

static void
parser_setup(void)
{
	parser = command_parser_new();
	ck_assert_ptr_nonnull(parser);
}

static void
parser_teardown(void)
{
	command_parser_free(parser);
	parser = NULL;
}

/*
 * A message holding one part. With PERR_NONE: id is the 学号 (SUM: the
 * place), case_no the 案号, code the reason (VIS: the outcome; CLOSE: how
 * the case ends), note the free text (NULL: not checked). With an error, err_off is where the
 * parser stopped (-1: not checked).
 */
struct row {
	const char *in;
	enum cmd_kind kind;
	enum perr_code err;
	const char *id;
	uint32_t case_no;
	int days;
	const char *code;
	const char *note;
	long err_off;
};

#define OK(in, k, id, cno, days, code, note) \
	{ in, k, PERR_NONE, id, cno, days, code, note, -1 }
#define ERR(in, k, e, off) { in, k, e, NULL, 0, 0, NULL, NULL, off }

static void
check_row(const struct row *r)
{
	struct cmd_list l;
	struct perr e;
	const struct cmd *c;
	const char *code;
	enum perr_code rc;

	rc = command_parse(parser, r->in, strlen(r->in), &l, &e);
	ck_assert_msg(rc == PERR_NONE, "'%s': %s", r->in, perr_name(rc));
	ck_assert_int_eq(e.code, PERR_NONE);
	ck_assert_msg(l.n == 1, "'%s': %zu parts", r->in, l.n);
	ck_assert_uint_eq(l.dropped, 0);
	c = &l.v[0];
	ck_assert_msg(c->kind == r->kind, "'%s': kind %s, want %s", r->in,
	    cmd_kind_name(c->kind), cmd_kind_name(r->kind));
	ck_assert_msg(c->err == r->err, "'%s': %s, want %s", r->in,
	    perr_name(c->err), perr_name(r->err));
	ck_assert_uint_eq(l.nerr, r->err != PERR_NONE);
	ck_assert_uint_eq(c->off, 0);
	if (r->err != PERR_NONE) {
		if (r->err_off >= 0)
			ck_assert_msg(c->err_off == (size_t)r->err_off,
			    "'%s': err_off %zu, want %ld", r->in, c->err_off,
			    r->err_off);
		return;
	}
	ck_assert_int_eq(c->suggest, CMD_NONE);
	if (r->kind == CMD_SUM) {
		ck_assert_str_eq(c->place, r->id);
		ck_assert_str_eq(c->student, "");
	} else if (r->id != NULL) {
		ck_assert_str_eq(c->student, r->id);
		ck_assert_str_eq(c->place, "");
	}
	ck_assert_uint_eq(c->case_no, r->case_no);
	ck_assert_int_eq(c->days, r->days);
	code = r->kind == CMD_VIS || r->kind == CMD_CLOSE ? c->outcome :
	    c->reason;
	if (r->code == NULL)
		ck_assert_ptr_null(code);
	else
		ck_assert_msg(code != NULL && strcmp(code, r->code) == 0,
		    "'%s': code %s, want %s", r->in, code ? code : "NULL",
		    r->code);
	if (r->kind == CMD_VIS || r->kind == CMD_CLOSE)
		ck_assert_ptr_null(c->reason);
	else
		ck_assert_ptr_null(c->outcome);
	if (r->note != NULL)
		ck_assert_str_eq(c->note, r->note);
}

/* ABS, 缺, 缺勤: 学号 天数 [原因]. */
static const struct row abs_rows[] = {
	OK("ABS 1001 3",		CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("abs 1001 3",		CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("Abs 1001 3",		CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("aBs 1001 3",		CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("ABS1001 3",			CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("abs1001 3",			CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("  ABS   1001   3  ",	CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("ＡＢＳ　１００１　３",	CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("ａｂｓ１００１　３天",	CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("ABS 1001 3天",		CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("ABS 1001 3 日",		CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("ABS 1001 ３日",		CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("ABS 1001 03",		CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("缺 20240101 2",		CMD_ABS, "20240101", 0, 2, NULL, ""),
	OK("缺20240101 2",		CMD_ABS, "20240101", 0, 2, NULL, ""),
	OK("缺勤 20240101 2",		CMD_ABS, "20240101", 0, 2, NULL, ""),
	OK("缺勤20240101 两天",	CMD_ABS, "20240101", 0, 2, NULL, ""),
	OK("ABS 1001 一天",		CMD_ABS, "1001", 0, 1, NULL, ""),
	OK("ABS 1001 十",		CMD_ABS, "1001", 0, 10, NULL, ""),
	OK("ABS 1001 十二",		CMD_ABS, "1001", 0, 12, NULL, ""),
	OK("ABS 1001 二十三天",		CMD_ABS, "1001", 0, 23, NULL, ""),
	OK("ABS 1001 六十",		CMD_ABS, "1001", 0, 60, NULL, ""),
	OK("ABS 1001 60",		CMD_ABS, "1001", 0, 60, NULL, ""),
	OK("ABS 1001 1",		CMD_ABS, "1001", 0, 1, NULL, ""),
	OK("ABS 1001 3 病 发烧",	CMD_ABS, "1001", 0, 3, "illness", "发烧"),
	OK("ABS 1001 3天病",		CMD_ABS, "1001", 0, 3, "illness", ""),
	OK("ABS 1001 3 病假",		CMD_ABS, "1001", 0, 3, "illness", ""),
	OK("ABS 1001 3 事,回老家",	CMD_ABS, "1001", 0, 3, "family", "回老家"),
	OK("ABS 1001 3 外出打工 去广东", CMD_ABS, "1001", 0, 3, "work",
	    "去广东"),
	OK("ABS 1001 3 打工",		CMD_ABS, "1001", 0, 3, "work", ""),
	OK("ABS 1001 3 厌学",	CMD_ABS, "1001", 0, 3, "weariness", ""),
	OK("ABS 1001 3 贫",		CMD_ABS, "1001", 0, 3, "poverty", ""),
	OK("ABS 1001 3 婚",		CMD_ABS, "1001", 0, 3, "marriage", ""),
	OK("ABS 1001 3 路远",	CMD_ABS, "1001", 0, 3, "distance", ""),
	OK("ABS 1001 3 无",		CMD_ABS, "1001", 0, 3, "none", ""),
	OK("ABS 1001 3 发烧",		CMD_ABS, "1001", 0, 3, NULL, "发烧"),
	OK("ABS 1001 3 😀",		CMD_ABS, "1001", 0, 3, NULL, "😀"),
	OK("ABS g51012320130101123x 3",	CMD_ABS, "G51012320130101123X", 0, 3,
	    NULL, ""),
	OK("ABS 12345678901234567890 3", CMD_ABS, "12345678901234567890", 0, 3,
	    NULL, ""),
	ERR("ABS",			CMD_ABS, PERR_MISSING_STUDENT, 3),
	ERR("缺",			CMD_ABS, PERR_MISSING_STUDENT, 3),
	ERR("缺勤",			CMD_ABS, PERR_MISSING_STUDENT, 6),
	ERR("ABS 1001",			CMD_ABS, PERR_MISSING_DAYS, 8),
	ERR("ABS 1001 ",		CMD_ABS, PERR_MISSING_DAYS, 8),
	ERR("ABS:1001:",		CMD_ABS, PERR_MISSING_DAYS, 9),
	ERR("ABS 12 3",			CMD_ABS, PERR_BAD_STUDENT, 4),
	ERR("ABS abc 3",		CMD_ABS, PERR_BAD_STUDENT, 4),
	ERR("ＡＢＳ　ｘ",		CMD_ABS, PERR_BAD_STUDENT, 4),
	ERR("ABS 1001x 3",		CMD_ABS, PERR_BAD_STUDENT, 4),
	ERR("ABS 123456789012345678901 3", CMD_ABS, PERR_BAD_STUDENT, 4),
	ERR("ABS G1234567890123456 3",	CMD_ABS, PERR_BAD_STUDENT, 4),
	/* A 案号 is no 学号: ABS wants a student. */
	ERR("ABS #12 3",		CMD_ABS, PERR_BAD_STUDENT, 5),
	ERR("ABS K12 3",		CMD_ABS, PERR_BAD_STUDENT, 4),
	ERR("ABS 1001 x",		CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("ABS 1001 十十",		CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("ABS 1001 两三天",		CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("缺 1001 天",		CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("ABS 1001 0",		CMD_ABS, PERR_DAYS_RANGE, 9),
	ERR("ABS 1001 61",		CMD_ABS, PERR_DAYS_RANGE, 9),
	ERR("ABS 1001 七十",		CMD_ABS, PERR_DAYS_RANGE, 9),
	ERR("ABS 1001 99999999999天",	CMD_ABS, PERR_DAYS_RANGE, 9),
	/* Four digits and more alone read as a second 学号 (lists below). */
	ERR("ABS 1001 99999999999",	CMD_ABS, PERR_SEVERAL_STUDENTS, 9),
	/* Days are whole school days: a fraction or a half is refused, not
	 * cut to its whole part with the rest as a note (from a review). */
	ERR("ABS 20241064 1.5",		CMD_ABS, PERR_BAD_DAYS, 13),
	ERR("ABS 20241064 1.5天",	CMD_ABS, PERR_BAD_DAYS, 13),
	ERR("ABS 1001 1。5",		CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("ABS 1001 １．５天",	CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("ABS 1001 0.5",		CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("缺勤 20241003 两天半",	CMD_ABS, PERR_BAD_DAYS, 16),
	ERR("ABS 1001 一天半 病",	CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("ABS 1001 2天半",		CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("ABS 1001 2 半天",		CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("ABS 1001 2 半",		CMD_ABS, PERR_BAD_DAYS, 9),
	ERR("ABS 1001 半天",		CMD_ABS, PERR_BAD_DAYS, 9),
	OK("ABS 1001 3.",		CMD_ABS, "1001", 0, 3, NULL, ""),
	OK("ABS 1001 3。病",		CMD_ABS, "1001", 0, 3, "illness", ""),
	OK("ABS 1001 3 半夜发烧",	CMD_ABS, "1001", 0, 3, NULL, "半夜发烧"),
};

/* LEAVE, 假, 请假: 学号 天数 [原因]. */
static const struct row leave_rows[] = {
	OK("LEAVE 1001 2",		CMD_LEAVE, "1001", 0, 2, NULL, ""),
	OK("leave1001 2",		CMD_LEAVE, "1001", 0, 2, NULL, ""),
	OK("LeAvE 1001 2",		CMD_LEAVE, "1001", 0, 2, NULL, ""),
	OK("假 1001 2",			CMD_LEAVE, "1001", 0, 2, NULL, ""),
	OK("假1001 两天",		CMD_LEAVE, "1001", 0, 2, NULL, ""),
	OK("请假 1001 3 病",	CMD_LEAVE, "1001", 0, 3, "illness", ""),
	/* A number that runs on into another unit is not a number of days. */
	ERR("LEAVE 1001 两周",	CMD_LEAVE, PERR_BAD_DAYS, 11),
	ERR("LEAVE 1001 2周",	CMD_LEAVE, PERR_BAD_DAYS, 11),
	ERR("LEAVE 1001 3x",	CMD_LEAVE, PERR_BAD_DAYS, 11),
	OK("LEAVE 1001 3病",	CMD_LEAVE, "1001", 0, 3, "illness", ""),
	OK("LEAVE 1001 3天发烧",	CMD_LEAVE, "1001", 0, 3, NULL, "发烧"),
	OK("请假 1001 3 病假 发烧", CMD_LEAVE, "1001", 0, 3, "illness", "发烧"),
	OK("请假1001 五日 家事",	CMD_LEAVE, "1001", 0, 5, "family", ""),
	OK("LEAVE 1001 2 事假",	CMD_LEAVE, "1001", 0, 2, "family", ""),
	OK("ＬＥＡＶＥ　１００１　２",	CMD_LEAVE, "1001", 0, 2, NULL, ""),
	OK("LEAVE G12345678901234567X 十五", CMD_LEAVE, "G12345678901234567X",
	    0, 15, NULL, ""),
	ERR("LEAVE",			CMD_LEAVE, PERR_MISSING_STUDENT, 5),
	ERR("假",			CMD_LEAVE, PERR_MISSING_STUDENT, 3),
	ERR("请假",			CMD_LEAVE, PERR_MISSING_STUDENT, 6),
	ERR("请假 1001",		CMD_LEAVE, PERR_MISSING_DAYS, 11),
	ERR("LEAVE x 2",		CMD_LEAVE, PERR_BAD_STUDENT, 6),
	ERR("LEAVE 1001 61",		CMD_LEAVE, PERR_DAYS_RANGE, 11),
	ERR("假 1001 零",		CMD_LEAVE, PERR_DAYS_RANGE, 9),
	ERR("请假 1001 1.5",		CMD_LEAVE, PERR_BAD_DAYS, 12),
	ERR("请假 1001 三天半 病",	CMD_LEAVE, PERR_BAD_DAYS, 12),
};

/* RET, 返, 返校, 到校: 学号. */
static const struct row ret_rows[] = {
	OK("RET 1001",			CMD_RET, "1001", 0, 0, NULL, ""),
	OK("ret1001",			CMD_RET, "1001", 0, 0, NULL, ""),
	OK("返 1001",			CMD_RET, "1001", 0, 0, NULL, ""),
	OK("返1001",			CMD_RET, "1001", 0, 0, NULL, ""),
	OK("返校 1001",			CMD_RET, "1001", 0, 0, NULL, ""),
	OK("返校1001",			CMD_RET, "1001", 0, 0, NULL, ""),
	OK("到校 1001",			CMD_RET, "1001", 0, 0, NULL, ""),
	OK("到校 G12345678901234567X",	CMD_RET, "G12345678901234567X", 0, 0,
	    NULL, ""),
	OK("ＲＥＴ　１００１",		CMD_RET, "1001", 0, 0, NULL, ""),
	OK("RET 1001 今天回来了",	CMD_RET, "1001", 0, 0, NULL, "今天回来了"),
	/* RET takes no reason: a reason word is only a note. */
	OK("RET 1001 病",		CMD_RET, "1001", 0, 0, NULL, "病"),
	ERR("RET",			CMD_RET, PERR_MISSING_STUDENT, 3),
	ERR("返",			CMD_RET, PERR_MISSING_STUDENT, 3),
	ERR("返校",			CMD_RET, PERR_MISSING_STUDENT, 6),
	ERR("到校",			CMD_RET, PERR_MISSING_STUDENT, 6),
	ERR("RET #12",			CMD_RET, PERR_BAD_STUDENT, 5),
	ERR("RET abc",			CMD_RET, PERR_BAD_STUDENT, 4),
	ERR("到校 12",			CMD_RET, PERR_BAD_STUDENT, 7),
};

/* DROP, 辍, 辍学: 学号 [原因]. */
static const struct row drop_rows[] = {
	OK("DROP 1001",			CMD_DROP, "1001", 0, 0, NULL, ""),
	OK("drop 1001 工",		CMD_DROP, "1001", 0, 0, "work", ""),
	OK("DROP1001 工",		CMD_DROP, "1001", 0, 0, "work", ""),
	OK("辍 1001 婚",		CMD_DROP, "1001", 0, 0, "marriage", ""),
	OK("辍学 1001 贫困 家里困难",	CMD_DROP, "1001", 0, 0, "poverty",
	    "家里困难"),
	OK("辍学1001 外出打工",	CMD_DROP, "1001", 0, 0, "work", ""),
	OK("DROP 1001 订婚",	CMD_DROP, "1001", 0, 0, "marriage", ""),
	OK("DROP 1001 不明",		CMD_DROP, "1001", 0, 0, "none", ""),
	OK("DROP 1001 交通",	CMD_DROP, "1001", 0, 0, "distance", ""),
	OK("ＤＲＯＰ　１００１　工",	CMD_DROP, "1001", 0, 0, "work", ""),
	OK("DROP 1001 说不上",	CMD_DROP, "1001", 0, 0, NULL, "说不上"),
	OK("DROP 1001 3",		CMD_DROP, "1001", 0, 0, NULL, "3"),
	ERR("DROP",			CMD_DROP, PERR_MISSING_STUDENT, 4),
	ERR("辍",			CMD_DROP, PERR_MISSING_STUDENT, 3),
	ERR("辍学",			CMD_DROP, PERR_MISSING_STUDENT, 6),
	ERR("辍学 abc",			CMD_DROP, PERR_BAD_STUDENT, 7),
	ERR("DROP K3",			CMD_DROP, PERR_BAD_STUDENT, 5),
	ERR("DROP 案#3",		CMD_DROP, PERR_BAD_STUDENT, 5),
};

/* VIS, 访, 家访: 学号或案号 结果 [备注]. */
static const struct row vis_rows[] = {
	OK("VIS 1001 返",		CMD_VIS, "1001", 0, 0, "return", ""),
	OK("vis 1001 拒",		CMD_VIS, "1001", 0, 0, "refuse", ""),
	OK("VIS1001 外",		CMD_VIS, "1001", 0, 0, "away", ""),
	OK("访 1001 病",		CMD_VIS, "1001", 0, 0, "ill", ""),
	OK("家访 1001 失",		CMD_VIS, "1001", 0, 0, "unreachable", ""),
	OK("家访 #12 转",		CMD_VIS, "", 12, 0, "transfer", ""),
	OK("访 K12 转学 去县城",	CMD_VIS, "", 12, 0, "transfer", "去县城"),
	OK("VIS #12 拒",		CMD_VIS, "", 12, 0, "refuse", ""),
	OK("VIS#12 拒",			CMD_VIS, "", 12, 0, "refuse", ""),
	OK("VIS#12#拒",			CMD_VIS, "", 12, 0, "refuse", ""),
	OK("VIS＃12＃拒",		CMD_VIS, "", 12, 0, "refuse", ""),
	OK("vis k7 返校",		CMD_VIS, "", 7, 0, "return", ""),
	OK("VIS 1001 同意返校 下周一", CMD_VIS, "1001", 0, 0, "return",
	    "下周一"),
	OK("VIS 1001 联系不上",	CMD_VIS, "1001", 0, 0, "unreachable", ""),
	OK("VIS 1001 失联",	CMD_VIS, "1001", 0, 0, "unreachable", ""),
	OK("VIS 1001 外地",		CMD_VIS, "1001", 0, 0, "away", ""),
	OK("VIS 1001 外出打工",	CMD_VIS, "1001", 0, 0, "away", "打工"),
	OK("VIS 20240101 返,家长同意", CMD_VIS, "20240101", 0, 0, "return",
	    "家长同意"),
	/* A routine home visit's outcome (DOMAIN rule 4): all is well. */
	OK("VIS 1001 在校",		CMD_VIS, "1001", 0, 0, "fine", ""),
	OK("家访 1001 正常 家长支持",	CMD_VIS, "1001", 0, 0, "fine",
	    "家长支持"),
	OK("ｖｉｓ　＃１２　拒",	CMD_VIS, "", 12, 0, "refuse", ""),
	OK("VIS g12345678901234567x 拒", CMD_VIS, "G12345678901234567X", 0, 0,
	    "refuse", ""),
	ERR("VIS",			CMD_VIS, PERR_MISSING_TARGET, 3),
	ERR("访",			CMD_VIS, PERR_MISSING_TARGET, 3),
	ERR("家访",			CMD_VIS, PERR_MISSING_TARGET, 6),
	ERR("VIS 1001",			CMD_VIS, PERR_MISSING_OUTCOME, 8),
	ERR("家访 1001",		CMD_VIS, PERR_MISSING_OUTCOME, 11),
	ERR("VIS #12",			CMD_VIS, PERR_MISSING_OUTCOME, 7),
	ERR("VIS 1001 好",		CMD_VIS, PERR_BAD_OUTCOME, 9),
	ERR("VIS 1001 3",		CMD_VIS, PERR_BAD_OUTCOME, 9),
	ERR("VIS abc 返",		CMD_VIS, PERR_BAD_TARGET, 4),
	ERR("VIS #0 返",		CMD_VIS, PERR_BAD_TARGET, 4),
	ERR("VIS K1234567890 返",	CMD_VIS, PERR_BAD_TARGET, 4),
	ERR("VIS # 12 返",		CMD_VIS, PERR_BAD_TARGET, 6),
	ERR("家访 12 返",		CMD_VIS, PERR_BAD_TARGET, 7),
	/* The label every notice prints (案#19) is read back. */
	OK("VIS 案#19 拒",		CMD_VIS, "", 19, 0, "refuse", ""),
	OK("家访 案号19 返",		CMD_VIS, "", 19, 0, "return", ""),
};

/* ACK, 收, 收到: 学号或案号. */
static const struct row ack_rows[] = {
	OK("ACK 1001",			CMD_ACK, "1001", 0, 0, NULL, ""),
	OK("ack #12",			CMD_ACK, "", 12, 0, NULL, ""),
	OK("ACK#12",			CMD_ACK, "", 12, 0, NULL, ""),
	OK("ACK＃12",			CMD_ACK, "", 12, 0, NULL, ""),
	OK("ACK K12",			CMD_ACK, "", 12, 0, NULL, ""),
	OK("ack k12",			CMD_ACK, "", 12, 0, NULL, ""),
	OK("收 #3",			CMD_ACK, "", 3, 0, NULL, ""),
	OK("收到 #3",			CMD_ACK, "", 3, 0, NULL, ""),
	OK("收到K3",			CMD_ACK, "", 3, 0, NULL, ""),
	OK("收1001",			CMD_ACK, "1001", 0, 0, NULL, ""),
	OK("ＡＣＫ　＃１２",		CMD_ACK, "", 12, 0, NULL, ""),
	OK("ACK #123456789",		CMD_ACK, "", 123456789, 0, NULL, ""),
	OK("ACK ##12",			CMD_ACK, "", 12, 0, NULL, ""),
	OK("ACK #12 收到了",		CMD_ACK, "", 12, 0, NULL, "收到了"),
	OK("ack g12345678901234567x",	CMD_ACK, "G12345678901234567X", 0, 0,
	    NULL, ""),
	ERR("ACK",			CMD_ACK, PERR_MISSING_TARGET, 3),
	ERR("收",			CMD_ACK, PERR_MISSING_TARGET, 3),
	ERR("收到",			CMD_ACK, PERR_MISSING_TARGET, 6),
	ERR("收到，谢谢",		CMD_ACK, PERR_BAD_TARGET, 7),
	ERR("ACK 12",			CMD_ACK, PERR_BAD_TARGET, 4),
	ERR("ACK #0",			CMD_ACK, PERR_BAD_TARGET, 4),
	ERR("ACK K0",			CMD_ACK, PERR_BAD_TARGET, 4),
	ERR("ACK K1234567890",		CMD_ACK, PERR_BAD_TARGET, 4),
	ERR("ACK #abc",			CMD_ACK, PERR_BAD_TARGET, 5),
	ERR("ACK 1001x",		CMD_ACK, PERR_BAD_TARGET, 4),
	OK("收到 案#3",			CMD_ACK, "", 3, 0, NULL, ""),
	OK("ACK案#3",			CMD_ACK, "", 3, 0, NULL, ""),
};

/* TASKS, 任务: no arguments. */
static const struct row tasks_rows[] = {
	OK("TASKS",			CMD_TASKS, "", 0, 0, NULL, ""),
	OK("tasks",			CMD_TASKS, "", 0, 0, NULL, ""),
	OK("任务",			CMD_TASKS, "", 0, 0, NULL, ""),
	OK("ＴＡＳＫＳ",		CMD_TASKS, "", 0, 0, NULL, ""),
	OK("TASKS 多余",		CMD_TASKS, "", 0, 0, NULL, "多余"),
	OK("任务?",			CMD_TASKS, "", 0, 0, NULL, "?"),
	OK("TASKS1",			CMD_TASKS, "", 0, 0, NULL, "1"),
};

/* TERM, 开学: the school's term-start report (DOMAIN rule 6); no
 * argument, a note allowed. */
static const struct row term_rows[] = {
	OK("TERM",			CMD_TERM, "", 0, 0, NULL, ""),
	OK("term",			CMD_TERM, "", 0, 0, NULL, ""),
	OK("开学",			CMD_TERM, "", 0, 0, NULL, ""),
	OK("ＴＥＲＭ",			CMD_TERM, "", 0, 0, NULL, ""),
	OK("开学 全校已核实",		CMD_TERM, "", 0, 0, NULL, "全校已核实"),
	OK("开学。",			CMD_TERM, "", 0, 0, NULL, ""),
};

/* CASE, 查, 查询: 学号或案号. */
static const struct row case_rows[] = {
	OK("CASE 1001",			CMD_CASE, "1001", 0, 0, NULL, ""),
	OK("case #12",			CMD_CASE, "", 12, 0, NULL, ""),
	OK("查 #12",			CMD_CASE, "", 12, 0, NULL, ""),
	OK("查询 K12",			CMD_CASE, "", 12, 0, NULL, ""),
	OK("查询1001",			CMD_CASE, "1001", 0, 0, NULL, ""),
	OK("查K5",			CMD_CASE, "", 5, 0, NULL, ""),
	OK("ＣＡＳＥ　Ｋ５",		CMD_CASE, "", 5, 0, NULL, ""),
	OK("CASE #12 怎么样了",	CMD_CASE, "", 12, 0, NULL, "怎么样了"),
	ERR("CASE",			CMD_CASE, PERR_MISSING_TARGET, 4),
	ERR("查",			CMD_CASE, PERR_MISSING_TARGET, 3),
	ERR("查询",			CMD_CASE, PERR_MISSING_TARGET, 6),
	ERR("CASE abc",			CMD_CASE, PERR_BAD_TARGET, 5),
	ERR("CASE #0",			CMD_CASE, PERR_BAD_TARGET, 5),
	ERR("查询 12",			CMD_CASE, PERR_BAD_TARGET, 7),
	/* 案号 as the notices print it, and as people say it. */
	OK("查询 案#15",		CMD_CASE, "", 15, 0, NULL, ""),
	OK("CASE 案#15",		CMD_CASE, "", 15, 0, NULL, ""),
	OK("CASE 案＃15",		CMD_CASE, "", 15, 0, NULL, ""),
	OK("查案#15",			CMD_CASE, "", 15, 0, NULL, ""),
	OK("CASE 案号15",		CMD_CASE, "", 15, 0, NULL, ""),
	OK("CASE 案号#15",		CMD_CASE, "", 15, 0, NULL, ""),
	OK("查询 案号：15",		CMD_CASE, "", 15, 0, NULL, ""),
	OK("CASE 案#15 怎么样了",	CMD_CASE, "", 15, 0, NULL, "怎么样了"),
	ERR("CASE 案#0",		CMD_CASE, PERR_BAD_TARGET, 5),
	ERR("CASE 案件15",		CMD_CASE, PERR_BAD_TARGET, 5),
	ERR("CASE 案",			CMD_CASE, PERR_BAD_TARGET, 5),
	/* A zero-width space after the keyword (from a review). */
	OK("CASE\xe2\x80\x8b" "20241003", CMD_CASE, "20241003", 0, 0, NULL, ""),
};

/* SUM, 汇总, 统计: [地点代码]. */
static const struct row sum_rows[] = {
	OK("SUM",			CMD_SUM, "", 0, 0, NULL, ""),
	OK("sum",			CMD_SUM, "", 0, 0, NULL, ""),
	OK("汇总",			CMD_SUM, "", 0, 0, NULL, ""),
	OK("统计",			CMD_SUM, "", 0, 0, NULL, ""),
	OK("SUM A01",			CMD_SUM, "A01", 0, 0, NULL, ""),
	OK("sum a01",			CMD_SUM, "A01", 0, 0, NULL, ""),
	OK("SUM,A01",			CMD_SUM, "A01", 0, 0, NULL, ""),
	OK("汇总 xz-03",		CMD_SUM, "XZ-03", 0, 0, NULL, ""),
	OK("统计:b_1",			CMD_SUM, "B_1", 0, 0, NULL, ""),
	OK("ＳＵＭ　Ａ０１",		CMD_SUM, "A01", 0, 0, NULL, ""),
	OK("SUM A01 本周",		CMD_SUM, "A01", 0, 0, NULL, "本周"),
	OK("SUM 1234567890123456789012345678901", CMD_SUM,
	    "1234567890123456789012345678901", 0, 0, NULL, ""),
	ERR("SUM 村",			CMD_SUM, PERR_BAD_PLACE, 4),
	ERR("统计 全镇",		CMD_SUM, PERR_BAD_PLACE, 7),
	ERR("汇总 @",			CMD_SUM, PERR_BAD_PLACE, 7),
	ERR("SUM 12345678901234567890123456789012", CMD_SUM, PERR_BAD_PLACE, 4),
};

/* NOTICE, 通知, 限期: 学号或案号. */
static const struct row notice_rows[] = {
	OK("NOTICE 1001",		CMD_NOTICE, "1001", 0, 0, NULL, ""),
	OK("notice #12",		CMD_NOTICE, "", 12, 0, NULL, ""),
	OK("通知 #12",			CMD_NOTICE, "", 12, 0, NULL, ""),
	OK("通知K12",			CMD_NOTICE, "", 12, 0, NULL, ""),
	OK("限期 1001",			CMD_NOTICE, "1001", 0, 0, NULL, ""),
	OK("限期#3 已送达",		CMD_NOTICE, "", 3, 0, NULL, "已送达"),
	OK("ＮＯＴＩＣＥ　＃１２",	CMD_NOTICE, "", 12, 0, NULL, ""),
	ERR("NOTICE",			CMD_NOTICE, PERR_MISSING_TARGET, 6),
	ERR("通知",			CMD_NOTICE, PERR_MISSING_TARGET, 6),
	ERR("限期",			CMD_NOTICE, PERR_MISSING_TARGET, 6),
	ERR("NOTICE abc",		CMD_NOTICE, PERR_BAD_TARGET, 7),
	ERR("通知 #0",			CMD_NOTICE, PERR_BAD_TARGET, 7),
	ERR("限期 12",			CMD_NOTICE, PERR_BAD_TARGET, 7),
};

/* SIGN, 会签, 签字, 签: 学号或案号 (the inspector co-signs a dropout). */
static const struct row sign_rows[] = {
	OK("SIGN 1001",			CMD_SIGN, "1001", 0, 0, NULL, ""),
	OK("sign #12",			CMD_SIGN, "", 12, 0, NULL, ""),
	OK("会签 #12",			CMD_SIGN, "", 12, 0, NULL, ""),
	OK("签字 20240101",		CMD_SIGN, "20240101", 0, 0, NULL, ""),
	OK("签1001",			CMD_SIGN, "1001", 0, 0, NULL, ""),
	OK("签 K7 已核实",		CMD_SIGN, "", 7, 0, NULL, "已核实"),
	OK("ＳＩＧＮ　＃１２",		CMD_SIGN, "", 12, 0, NULL, ""),
	ERR("SIGN",			CMD_SIGN, PERR_MISSING_TARGET, 4),
	ERR("会签",			CMD_SIGN, PERR_MISSING_TARGET, 6),
	ERR("签 abc",			CMD_SIGN, PERR_BAD_TARGET, 4),
	OK("签 案#7",			CMD_SIGN, "", 7, 0, NULL, ""),
};

/* CLOSE, 结案: 学号或案号 去向 (DOMAIN rule 7: a case ends with a reason
 * other than a return). */
static const struct row close_rows[] = {
	OK("CLOSE 1001 转学",		CMD_CLOSE, "1001", 0, 0, "transfer", ""),
	OK("close #12 转 已转入县一小",	CMD_CLOSE, "", 12, 0, "transfer",
	    "已转入县一小"),
	OK("结案 20240101 延缓入学",	CMD_CLOSE, "20240101", 0, 0,
	    "deferred", ""),
	OK("结案 K7 延缓 县局批准",	CMD_CLOSE, "", 7, 0, "deferred",
	    "县局批准"),
	OK("结案#12#送教上门",		CMD_CLOSE, "", 12, 0, "home_schooling",
	    ""),
	OK("ＣＬＯＳＥ　１００１　送教",	CMD_CLOSE, "1001", 0, 0,
	    "home_schooling", ""),
	ERR("CLOSE",			CMD_CLOSE, PERR_MISSING_TARGET, 5),
	ERR("结案 1001",		CMD_CLOSE, PERR_MISSING_CLOSURE, 11),
	ERR("CLOSE 1001 返",		CMD_CLOSE, PERR_BAD_CLOSURE, 11),
	ERR("CLOSE 1001 外出",		CMD_CLOSE, PERR_BAD_CLOSURE, 11),
	ERR("结案 abc 转学",		CMD_CLOSE, PERR_BAD_TARGET, 7),
	OK("结案 案#7 转学",		CMD_CLOSE, "", 7, 0, "transfer", ""),
};

/* HELP, 帮助, ?, ？: no arguments. */
static const struct row help_rows[] = {
	OK("HELP",			CMD_HELP, "", 0, 0, NULL, ""),
	OK("help",			CMD_HELP, "", 0, 0, NULL, ""),
	OK("Help",			CMD_HELP, "", 0, 0, NULL, ""),
	OK("帮助",			CMD_HELP, "", 0, 0, NULL, ""),
	OK("?",				CMD_HELP, "", 0, 0, NULL, ""),
	OK("？",			CMD_HELP, "", 0, 0, NULL, ""),
	OK("ＨＥＬＰ",			CMD_HELP, "", 0, 0, NULL, ""),
	OK("HELP ABS",			CMD_HELP, "", 0, 0, NULL, ""),
	OK("？？",			CMD_HELP, "", 0, 0, NULL, "?"),
	OK("帮助 缺勤怎么报",		CMD_HELP, "", 0, 0, NULL, "怎么报"),
	OK("HELP me",			CMD_HELP, "", 0, 0, NULL, "me"),
};

/* HELP's topic: a command's keyword or alias after it, or none. */
struct topic_case {
	const char *in;
	enum cmd_kind topic;
	const char *note;
};

static const struct topic_case topic_cases[] = {
	{ "HELP",			CMD_NONE,	"" },
	{ "HELP ABS",			CMD_ABS,	"" },
	{ "help abs",			CMD_ABS,	"" },
	{ "帮助 缺勤",			CMD_ABS,	"" },
	{ "帮助缺勤怎么报",		CMD_ABS,	"怎么报" },
	{ "? 家访",			CMD_VIS,	"" },
	{ "？ＣＬＯＳＥ",		CMD_CLOSE,	"" },
	{ "帮助 结案",			CMD_CLOSE,	"" },
	{ "帮助 开学",			CMD_TERM,	"" },
	{ "HELP TERM",			CMD_TERM,	"" },
	{ "帮助：会签",			CMD_SIGN,	"" },
	{ "HELP SUM",			CMD_SUM,	"" },
	{ "帮助 帮助",			CMD_NONE,	"帮助" },
	{ "??",				CMD_NONE,	"?" },
	{ "HELP ABSENT",		CMD_NONE,	"ABSENT" },
	{ "帮助 开学典礼",		CMD_NONE,	"开学典礼" },
	{ "帮助 我",			CMD_NONE,	"我" },
	{ "HELP 1001",			CMD_NONE,	"1001" },
};

START_TEST(test_help_topic)
{
	const struct topic_case *t = &topic_cases[_i];
	struct cmd_list l;
	struct perr e;

	ck_assert_int_eq(command_parse(parser, t->in, strlen(t->in), &l, &e),
	    PERR_NONE);
	ck_assert_msg(l.n == 1 && l.v[0].kind == CMD_HELP &&
	    l.v[0].err == PERR_NONE, "'%s': %zu parts, %s", t->in, l.n,
	    cmd_kind_name(l.v[0].kind));
	ck_assert_msg(l.v[0].topic == t->topic, "'%s': topic %s, want %s",
	    t->in, cmd_kind_name(l.v[0].topic), cmd_kind_name(t->topic));
	ck_assert_str_eq(l.v[0].note, t->note);
}
END_TEST

#define ROW_TEST(name, rows)			\
	START_TEST(name)			\
	{					\
		check_row(&rows[_i]);		\
	}					\
	END_TEST

ROW_TEST(test_abs, abs_rows)
ROW_TEST(test_leave, leave_rows)
ROW_TEST(test_ret, ret_rows)
ROW_TEST(test_drop, drop_rows)
ROW_TEST(test_vis, vis_rows)
ROW_TEST(test_ack, ack_rows)
ROW_TEST(test_tasks, tasks_rows)
ROW_TEST(test_term, term_rows)
ROW_TEST(test_case, case_rows)
ROW_TEST(test_sum, sum_rows)
ROW_TEST(test_notice, notice_rows)
ROW_TEST(test_sign, sign_rows)
ROW_TEST(test_close, close_rows)
ROW_TEST(test_help, help_rows)

/* Every argument separator, half- and full-width: "ABS<sep>1001<sep>3". */
static const char *const separators[] = {
	" ", ",", ":", "#", "*", "-", ".", "\t",
	"\xe3\x80\x80",			/* ideographic space */
	"，", "：", "＃", "＊", "－", "．",
	"、", "。", "—",
	" , ", "：　", ",,", "#*-.",
};

START_TEST(test_separator)
{
	const char *sep = separators[_i];
	char in[64];
	struct cmd_list l;
	struct perr e;

	snprintf(in, sizeof in, "ABS%s1001%s3%s病", sep, sep, sep);
	ck_assert_int_eq(command_parse(parser, in, strlen(in), &l, &e),
	    PERR_NONE);
	ck_assert_msg(l.n == 1 && l.v[0].err == PERR_NONE,
	    "'%s': %zu parts, %s", in, l.n, perr_name(l.v[0].err));
	ck_assert_int_eq(l.v[0].kind, CMD_ABS);
	ck_assert_str_eq(l.v[0].student, "1001");
	ck_assert_int_eq(l.v[0].days, 3);
	ck_assert_str_eq(l.v[0].reason, "illness");
	ck_assert_str_eq(l.v[0].note, "");
}
END_TEST

/*
 * "KIND@off" per part; "?" for an unknown keyword, "~KIND" its suggestion,
 * "!error@err_off" for a failed part, " +N" for parts beyond CMD_MAX.
 */
static void
describe(const struct cmd_list *l, char *buf, size_t sz)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < l->n && o < sz; i++) {
		const struct cmd *c = &l->v[i];

		o += (size_t)snprintf(buf + o, sz - o, "%s%s%s%s@%zu",
		    i ? " " : "", c->kind ? cmd_kind_name(c->kind) : "?",
		    c->suggest ? "~" : "", cmd_kind_name(c->suggest), c->off);
		if (c->err != PERR_NONE && o < sz)
			o += (size_t)snprintf(buf + o, sz - o, "!%s@%zu",
			    perr_name(c->err), c->err_off);
	}
	if (l->dropped && o < sz)
		snprintf(buf + o, sz - o, " +%zu", l->dropped);
}

struct shape_case {
	const char *in;
	const char *want;	/* describe() of the parts */
};

static void
check_shape(const struct shape_case *c)
{
	struct cmd_list l;
	struct perr e;
	char got[512];
	size_t i, nerr = 0;

	ck_assert_int_eq(command_parse(parser, c->in, strlen(c->in), &l, &e),
	    PERR_NONE);
	describe(&l, got, sizeof got);
	ck_assert_msg(strcmp(got, c->want) == 0, "'%s': '%s', want '%s'",
	    c->in, got, c->want);
	for (i = 0; i < l.n; i++)
		nerr += l.v[i].err != PERR_NONE;
	ck_assert_uint_eq(l.nerr, nerr);
}

/* Several commands in one SMS: new lines, ';', '；' and the keyword comma. */
static const struct shape_case batch_cases[] = {
	{ "ABS 1001 3\nABS 1002 2",		"ABS@0 ABS@11" },
	{ "ABS 1001 3;ABS 1002 2",		"ABS@0 ABS@11" },
	{ "ABS 1001 3；ABS 1002 2",		"ABS@0 ABS@11" },
	{ "ABS 1001 3;ABS 1002 2;",		"ABS@0 ABS@11" },
	{ ";ABS 1001 3",			"ABS@1" },
	{ "ABS 1001 3;;;ABS 1002 2",		"ABS@0 ABS@13" },
	{ "ABS 1001 3 ; ABS 1002 2",		"ABS@0 ABS@13" },
	{ "ABS 1001 3\r\nRET 1002\rVIS 1003 返",	"ABS@0 RET@11 VIS@20" },
	{ "ABS 1001 3；缺 1002 两天 病\nabs 1003 5", "ABS@0 ABS@11 ABS@31" },
	{ "缺 1001 3；假 1002 2；返 1003；辍 1004；访 1005 返",
	    "ABS@0 LEAVE@11 RET@22 DROP@31 VIS@40" },
	{ "收 #1；查 #2；通知 #3；任务；统计；帮助",
	    "ACK@0 CASE@7 NOTICE@14 TASKS@24 SUM@31 HELP@38" },
	/* A comma opens a part before an ASCII keyword... */
	{ "ABS 1001 3,ABS 1002 2",		"ABS@0 ABS@11" },
	{ "ABS 1001 3，ABS 1002 2",		"ABS@0 ABS@11" },
	{ "ABS 1001 3、ABS 1002 2",		"ABS@0 ABS@11" },
	{ "ABS 1001 3 ,RET 1002",		"ABS@0 RET@12" },
	{ "ABS 1001 3，，RET 1002",		"ABS@0 RET@12" },
	{ "ABS 1001 3 事,help",			"ABS@0 HELP@15" },
	{ "VIS 1001 返,ack 1002",		"VIS@0 ACK@13" },
	/* ...before a Chinese keyword that needs no argument... */
	{ "ABS 1001 3,任务",			"ABS@0 TASKS@11" },
	{ "ABS 1001 3,帮助",			"ABS@0 HELP@11" },
	{ "ABS 1001 3,帮助 缺勤",		"ABS@0 HELP@11" },
	{ "ABS 1001 3,帮助缺勤",		"ABS@0 HELP@11" },
	{ "ABS 1001 3 病,帮助我",		"ABS@0" },
	/* A note's words after 帮助, an alias among them: still the note
	 * (from a review). */
	{ "VIS 20240101 拒 家长不配合,帮助返校未果",	"VIS@0" },
	{ "ABS 20240101 3 病,帮助查找原因",		"ABS@0" },
	{ "DROP 20240101 工,帮助假期补课",		"DROP@0" },
	{ "ABS 1001 3,帮助 缺勤;RET 1002",		"ABS@0 HELP@11 RET@25" },
	{ "ABS 1001 3,帮助 缺勤,RET 1002",		"ABS@0 HELP@11 RET@25" },
	{ "ABS 1001 3,统计",			"ABS@0 SUM@11" },
	{ "ABS 1001 3,?",			"ABS@0 HELP@11" },
	/* ...or before one followed by a digit, G, K or '#'. */
	{ "ABS 1001 3,缺 1002 2",		"ABS@0 ABS@11" },
	{ "ABS 1001 3,返 G12345678901234567X",	"ABS@0 RET@11" },
	{ "VIS 1001 返,收 K3",			"VIS@0 ACK@13" },
	{ "VIS 1001 返,查 #3",			"VIS@0 CASE@13" },
	{ "VIS 1001 返,收#3",			"VIS@0 ACK@13" },
	{ "VIS 1001 返,查 案#3",		"VIS@0 CASE@13" },
	{ "VIS 1001 返,查案号3",		"VIS@0 CASE@13" },
	/* Otherwise a comma is part of the note. */
	{ "VIS 20240101 返,家长同意",		"VIS@0" },
	/* Words of a note that begin with a keyword stay in the note. */
	{ "VIS 20240101 返,帮助他",		"VIS@0" },
	{ "ABS 20240101 3,统计不到",		"ABS@0" },
	{ "ABS 20240101 3,任务重",		"ABS@0" },
	{ "ABS 20240101 3,SUM",			"ABS@0 SUM@15" },
	{ "ABS 20240101 3,汇总 V01",		"ABS@0 SUM@15" },
	{ "ABS 20240101 3,帮助",		"ABS@0 HELP@15" },
	{ "ABS 1001 3 病,返校后补课",		"ABS@0" },
	{ "VIS 1001 拒,查 看情况",		"VIS@0" },
	{ "ABS 1001 3,absent",			"ABS@0" },
	{ "ABS 1001 3,返,好",			"ABS@0" },
	{ "ABS 1001 3,# 12",			"ABS@0" },
	{ "VIS 1001 拒,查案件",			"VIS@0" },
	/* One bad part does not discard the others. */
	{ "ABS 1001 3;ABS 1002",
	    "ABS@0 ABS@11!missing_days@19" },
	{ "ABS 1001 3;ASB 1002 2",
	    "ABS@0 ?~ABS@11!unknown_command@11" },
	{ "你好;ABS 1001 3",
	    "?@0!unknown_command@0 ABS@7" },
	{ "ABS x 3\nVIS 1001 好\nRET 1003",
	    "ABS@0!bad_student@4 VIS@8!bad_outcome@17 RET@21" },
	{ "ABS 1001 3,查 g1",
	    "ABS@0 CASE@11!bad_target@15" },
};

/*
 * Several 学号 in one command, and a command in another's note (from a
 * review: the second child was dropped without a word). Where the 学号 is
 * all a command takes, each is a command of its own; where more follows
 * (天数, 原因, 结果, 去向), which of it is whose cannot be known and a
 * split 学号 (2024 1003) reads the same, so the part is refused. A note
 * that begins with a keyword and its 学号 is a part of its own.
 */
static const struct shape_case list_cases[] = {
	{ "RET 20241003 20241064",		"RET@0!several_students@13" },
	{ "RET 20241003,20241064",		"RET@0 RET@13" },
	{ "RET 20241003，20241064",		"RET@0 RET@13" },
	{ "返校 20241003、20241064、20241112",	"RET@0 RET@16 RET@25" },
	{ "RET 1001,G12345678901234567X",	"RET@0 RET@9" },
	/* Spaces alone may be one 学号 split: refused (a review). */
	{ "RET 2024 0101",			"RET@0!several_students@9" },
	/* A 案号 is never half a 学号: spaces do for those. */
	{ "ACK #12 #13",			"ACK@0 ACK@8" },
	{ "收到 案#12 K13",			"ACK@0 ACK@14" },
	{ "ACK #12,#13",			"ACK@0 ACK@8" },
	{ "收到 案#12，案#13、1001",		"ACK@0 ACK@14 ACK@21" },
	{ "查 1001，1002",			"CASE@0 CASE@9" },
	{ "NOTICE 1001,K3",			"NOTICE@0 NOTICE@12" },
	{ "SIGN 1001,1002;RET 1003",		"SIGN@0 SIGN@10 RET@15" },
	/* Not a 学号 standing alone: the note, as before. */
	{ "RET 20241003 2024年9月回校",		"RET@0" },
	{ "RET 1001 3",				"RET@0" },
	{ "RET 1001 今天回来 1002",		"RET@0" },
	/* More arguments follow: refused, the extra 学号 named. */
	{ "ABS 20241003 20241064 2",
	    "ABS@0!several_students@13" },
	{ "ABS 2024 1003 3",			"ABS@0!several_students@9" },
	{ "LEAVE 1001,1002 2",			"LEAVE@0!several_students@11" },
	{ "DROP 20241003 20241064",		"DROP@0!several_students@14" },
	{ "辍学 1001 1002 工",			"DROP@0!several_students@12" },
	{ "VIS 1001 1002 返",			"VIS@0!several_students@9" },
	{ "VIS #12 #13 拒",			"VIS@0!several_students@8" },
	{ "CLOSE 1001 1002 转学",		"CLOSE@0!several_students@11" },
	{ "ABS 1001 1002 3;RET 1003",
	    "ABS@0!several_students@9 RET@16" },
	/* A note that begins with a command and its 学号. */
	{ "ABS 20241064 2 病 ABS 20241112 2",	"ABS@0 ABS@19" },
	{ "ABS 20241064 2 ABS 20241112 2",	"ABS@0 ABS@15" },
	{ "ABS 20241064 2 病。缺勤 20241112 2",	"ABS@0 ABS@19" },
	{ "ABS 1001 2 病 发烧 RET 1002",	"ABS@0 RET@22" },
	{ "ABS 1001 2 病 ABS 1002 2 事 ABS 1003 1",
	    "ABS@0 ABS@15 ABS@30" },
	{ "VIS 1001 拒 家访 #12 外",		"VIS@0 VIS@13" },
	{ "RET 1001,1002 ABS 1003 2",		"RET@0 RET@9 ABS@14" },
	{ "ABS 1001 2 病 ABS 1002",
	    "ABS@0 ABS@15!missing_days@23" },
	/* A keyword in a note without a 学号 of its own stays the note. */
	{ "ABS 1001 3 假 3天",			"ABS@0" },
	{ "ABS 1001 3 病 返校后补课",		"ABS@0" },
	{ "ABS 1001 3 病 查 看情况",		"ABS@0" },
	{ "ABS 1001 3 病 返1002一起",		"ABS@0" },
	{ "VIS 1001 拒 ABSENT 1002",		"VIS@0" },
	/* A one-character alias in a note is its word (a review: 收 #2
	 * acknowledged case #2's task, 收 2000 元 a student 2000's). */
	{ "VIS #1 返 家长说 收 #2 的通知了",	"VIS@0" },
	{ "VIS #12 返 家长 收 2000 元",		"VIS@0" },
	{ "ABS 1001 3 病 缺 1002 2",		"ABS@0" },
	{ "ABS 1001 3 病 缺勤 1002 2",		"ABS@0 ABS@15" },
};

/* A signature after a "--" line or a blank line is not a command. */
static const struct shape_case signature_cases[] = {
	{ "ABS 1001 3\n\n张老师",			"ABS@0" },
	{ "ABS 1001 3\n\n张老师\n13800000000",		"ABS@0" },
	{ "ABS 1001 3\n\n发自我的华为手机",		"ABS@0" },
	{ "ABS 1001 3\n\n【某某小学】",			"ABS@0" },
	{ "ABS 1001 3\n--\n张老师",			"ABS@0" },
	{ "ABS 1001 3\n-- \nABS 1002 2",		"ABS@0" },
	{ "ABS 1001 3\n——张老师",			"ABS@0" },
	{ "ABS 1001 3\n---",				"ABS@0" },
	{ "ABS 1001 3\n\nHELLO\nABS 1002 2",		"ABS@0" },
	{ "ABS 1001 3\n\nABS 1002 2\n\n张老师\nABS 1003 1", "ABS@0 ABS@12" },
	/* A command after a blank line is still a command. */
	{ "ABS 1001 3\n\nABS 1002 2",			"ABS@0 ABS@12" },
	{ "ABS 1001 3\n\n\n\nABS 1002 2",		"ABS@0 ABS@12" },
	{ "ABS 1001 3\n \n\t\nABS 1002 2",		"ABS@0 ABS@12" },
	{ "ABS 1001 3\r\n\r\n缺 1002 2\r\n\r\n张老师",	"ABS@0 ABS@12" },
	{ "ABS 1001 3\n\n?",				"ABS@0 HELP@12" },
	/* Without a blank line, text is a (bad) part of its own. */
	{ "ABS 1001 3\nhello",
	    "ABS@0 ?~HELP@11!unknown_command@11" },
	{ "张老师\n\nABS 1001 3",
	    "?@0!unknown_command@0 ABS@11" },
};

/* Unknown keywords, and the ASCII keyword one edit away. */
static const struct shape_case suggest_cases[] = {
	{ "ASB 1001 3",		"?~ABS@0!unknown_command@0" },
	{ "AB5 1001 3",		"?~ABS@0!unknown_command@0" },
	{ "ABSS 1001 3",	"?~ABS@0!unknown_command@0" },
	{ "A8S 1001 3",		"?~ABS@0!unknown_command@0" },
	{ "ASB1001 3",		"?~ABS@0!unknown_command@0" },
	{ "asb 1001 3",		"?~ABS@0!unknown_command@0" },
	{ "ＡＳＢ　１００１",	"?~ABS@0!unknown_command@0" },
	{ "LAEVE 1001 2",	"?~LEAVE@0!unknown_command@0" },
	{ "LEVE 1001 2",	"?~LEAVE@0!unknown_command@0" },
	{ "LEAVES 1001 2",	"?~LEAVE@0!unknown_command@0" },
	{ "RETURN 1001",	"?~RET@0!unknown_command@0" },
	{ "DORP 1001",		"?~DROP@0!unknown_command@0" },
	{ "DR0P 1001",		"?~DROP@0!unknown_command@0" },
	{ "V1S 1001 返",	"?~VIS@0!unknown_command@0" },
	{ "TASK",		"?~TASKS@0!unknown_command@0" },
	{ "TA5KS",		"?~TASKS@0!unknown_command@0" },
	{ "CAES 1001",		"?~CASE@0!unknown_command@0" },
	{ "CA5E 1001",		"?~CASE@0!unknown_command@0" },
	{ "5UM",		"?~SUM@0!unknown_command@0" },
	{ "SUMA01",		"?~SUM@0!unknown_command@0" },
	{ "NOTIC 1001",		"?~NOTICE@0!unknown_command@0" },
	{ "N0TICE 1001",	"?~NOTICE@0!unknown_command@0" },
	{ "HELLP",		"?~HELP@0!unknown_command@0" },
	{ "HLEP",		"?~HELP@0!unknown_command@0" },
	/* One edit from CASE and from CLOSE: a letter left out is the
	 * likelier slip. (From a review: CASE was offered.) */
	{ "CLSE 1001 转学",	"?~CLOSE@0!unknown_command@0" },
	{ "COSE 1001 转学",	"?~CLOSE@0!unknown_command@0" },
	{ "CLOS 1001 转学",	"?~CLOSE@0!unknown_command@0" },
	{ "CAS 1001",		"?~CASE@0!unknown_command@0" },
	{ "CASR 1001",		"?~CASE@0!unknown_command@0" },
	{ "hello",		"?~HELP@0!unknown_command@0" },
	{ "XYZ 1001",		"?@0!unknown_command@0" },
	{ "OK",			"?@0!unknown_command@0" },
	{ "Z 1001",		"?@0!unknown_command@0" },
	{ "1001 3",		"?@0!unknown_command@0" },
	{ "谢谢",		"?@0!unknown_command@0" },
	{ "😀",			"?@0!unknown_command@0" },
	{ "😀ABS 1001 3",	"?@0!unknown_command@0" },
	{ "#12",		"?@0!unknown_command@0" },
};

START_TEST(test_batch)
{
	check_shape(&batch_cases[_i]);
}
END_TEST

START_TEST(test_signature)
{
	check_shape(&signature_cases[_i]);
}
END_TEST

START_TEST(test_suggest)
{
	check_shape(&suggest_cases[_i]);
}
END_TEST

START_TEST(test_list)
{
	check_shape(&list_cases[_i]);
}
END_TEST

/* Parses in, which must give n parts, all understood. */
static void
parse_parts(const char *in, struct cmd_list *l, size_t n)
{
	struct perr e;

	ck_assert_int_eq(command_parse(parser, in, strlen(in), l, &e),
	    PERR_NONE);
	ck_assert_msg(l->n == n && l->nerr == 0, "'%s': %zu parts, %zu bad",
	    in, l->n, l->nerr);
}

/* Each of a list is the command with its own 学号, and the note after
 * the list is each one's; a command in a note takes its own words. */
START_TEST(test_list_fields)
{
	struct cmd_list l;

	parse_parts("RET 20241003，20241064 今天回来了", &l, 2);
	ck_assert_str_eq(l.v[0].student, "20241003");
	ck_assert_str_eq(l.v[1].student, "20241064");
	ck_assert_str_eq(l.v[0].note, "今天回来了");
	ck_assert_str_eq(l.v[1].note, "今天回来了");
	parse_parts("ABS 20241064 2 病 ABS 20241112 3 事 发烧", &l, 2);
	ck_assert_str_eq(l.v[0].student, "20241064");
	ck_assert_int_eq(l.v[0].days, 2);
	ck_assert_str_eq(l.v[0].reason, "illness");
	ck_assert_str_eq(l.v[0].note, "");
	ck_assert_str_eq(l.v[1].student, "20241112");
	ck_assert_int_eq(l.v[1].days, 3);
	ck_assert_str_eq(l.v[1].reason, "family");
	ck_assert_str_eq(l.v[1].note, "发烧");
	/* A list cut at CMD_MAX: the note still each stored one's. */
	parse_parts("ACK #1,#2,#3,#4,#5,#6,#7,#8,#9,#10,#11 收到", &l, 10);
	ck_assert_uint_eq(l.dropped, 1);
	ck_assert_uint_eq(l.v[9].case_no, 10);
	ck_assert_str_eq(l.v[0].note, "收到");
	ck_assert_str_eq(l.v[9].note, "收到");
}
END_TEST

/* Errors of the whole message: nothing parsed, out->n == 0. */
struct msg_case {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	enum perr_code rc;
};

static const struct msg_case msg_cases[] = {
	{ "",				0,  PERR_EMPTY },
	{ " ",				0,  PERR_EMPTY },
	{ "\xe3\x80\x80\xe3\x80\x80",	0,  PERR_EMPTY },
	{ "\t\r\n \n",			0,  PERR_EMPTY },
	{ ";;;",			0,  PERR_EMPTY },
	{ "ABS 1001 3\xc2\x85",		0,  PERR_BAD_UTF8 },	/* C1 NEL */
	{ "\xc2\x9b" "ABS 1001 3",		0,  PERR_BAD_UTF8 },	/* C1 CSI */
	{ ",,,;；\n:*",			0,  PERR_EMPTY },
	{ "、。 ",			0,  PERR_EMPTY },
	{ "--",				0,  PERR_EMPTY },
	{ "--\nABS 1001 3",		0,  PERR_EMPTY },
	{ "\xff",			0,  PERR_BAD_UTF8 },
	{ "ABS 1001 3\xff",		0,  PERR_BAD_UTF8 },
	{ "ABS \xc0\xaf 3",		0,  PERR_BAD_UTF8 },	/* overlong */
	{ "ABS 1001 3 \xed\xa0\x80",	0,  PERR_BAD_UTF8 },	/* surrogate */
	{ "ABS 1001 3 \xe4\xb8",	0,  PERR_BAD_UTF8 },	/* cut Han */
	{ "\xf4\x90\x80\x80",		0,  PERR_BAD_UTF8 },	/* > U+10FFFF */
	{ "\x80\x80\x80",		0,  PERR_BAD_UTF8 },
	{ "ABS 1001 3\x01",		0,  PERR_BAD_UTF8 },
	{ "ABS\x1b" "1001 3",		0,  PERR_BAD_UTF8 },
	{ "ABS 1001 3\x7f",		0,  PERR_BAD_UTF8 },
	{ "ABS 1001\v3",		0,  PERR_BAD_UTF8 },
	{ "\0",				1,  PERR_BAD_UTF8 },
	{ "ABS 1001\0 3",		11, PERR_BAD_UTF8 },
	{ "ABS 1001 3\0",		11, PERR_BAD_UTF8 },
	{ "\0ABS 1001 3",		11, PERR_BAD_UTF8 },
};

START_TEST(test_message_errors)
{
	const struct msg_case *c = &msg_cases[_i];
	size_t len = c->len ? c->len : strlen(c->in);
	struct cmd_list l;
	struct perr e;
	enum perr_code rc;

	rc = command_parse(parser, c->in, len, &l, &e);
	ck_assert_msg(rc == c->rc, "row %d: %s, want %s", _i, perr_name(rc),
	    perr_name(c->rc));
	ck_assert_int_eq(e.code, rc);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(l.nerr, 0);
	ck_assert_uint_eq(l.dropped, 0);
}
END_TEST

/* Hostile input built at run time: head, reps x unit, tail. */
struct gen_case {
	const char *head;
	const char *unit;
	int reps;
	const char *tail;
	enum perr_code rc;
	size_t n, nerr, dropped;
};

static const struct gen_case gen_cases[] = {
	/* 8 KiB and the 4096-byte bound. */
	{ "", "a", 8192, "",			PERR_TOO_LONG, 0, 0, 0 },
	{ "ABS 1001 3 ", "病", 2731, "",	PERR_TOO_LONG, 0, 0, 0 },
	{ "", "ABS 1001 3\n", 745, "",		PERR_TOO_LONG, 0, 0, 0 },
	{ "", "a", 4097, "",			PERR_TOO_LONG, 0, 0, 0 },
	{ "", "a", 4096, "",			PERR_NONE, 1, 1, 0 },
	{ "ABS 1001 3 ", "x", 4085, "",		PERR_NONE, 1, 0, 0 },
	{ "", "\xe3\x80\x80", 1366, "",		PERR_TOO_LONG, 0, 0, 0 },
	/* 600 bytes in, over 4 KiB once NFKC expands U+FDFA. */
	{ "ABS 1001 3 ", "\xef\xb7\xba", 200, "", PERR_TOO_LONG, 0, 0, 0 },
	/* 1000 separators. */
	{ "", ";", 1000, "",			PERR_EMPTY, 0, 0, 0 },
	{ "", ",", 1000, "",			PERR_EMPTY, 0, 0, 0 },
	{ "", " ", 1000, "",			PERR_EMPTY, 0, 0, 0 },
	{ "", "\n", 1000, "",			PERR_EMPTY, 0, 0, 0 },
	{ "", "\xe3\x80\x80", 1000, "",		PERR_EMPTY, 0, 0, 0 },
	{ "", "；", 1000, "",			PERR_EMPTY, 0, 0, 0 },
	{ "ABS", ":", 1000, "1001 3",		PERR_NONE, 1, 0, 0 },
	{ "ABS 1001", " ", 1000, "3",		PERR_NONE, 1, 0, 0 },
	{ "ACK", "#", 1000, "12",		PERR_NONE, 1, 0, 0 },
	{ "VIS 1001", "-", 1000, "返",		PERR_NONE, 1, 0, 0 },
	{ "ABS 1001 3", ";", 1000, "ABS 1002 2", PERR_NONE, 2, 0, 0 },
	{ "ABS 1001 3", ",", 1000, "ABS 1002 2", PERR_NONE, 2, 0, 0 },
	{ "ABS 1001 3", "\n", 1000, "ABS 1002 2", PERR_NONE, 2, 0, 0 },
	{ "ABS 1001 3", "，", 1000, "缺 1002 2", PERR_NONE, 2, 0, 0 },
	/* CMD_MAX parts are read; the rest are counted. */
	{ "", "ABS 1001 1;", 10, "",		PERR_NONE, 10, 0, 0 },
	{ "", "ABS 1001 1;", 11, "",		PERR_NONE, 10, 0, 1 },
	{ "", "ABS 1001 1\n", 12, "",		PERR_NONE, 10, 0, 2 },
	{ "", "缺 1001 1；", 30, "",		PERR_NONE, 10, 0, 20 },
	{ "", "ABS 1001 1,", 11, "",		PERR_NONE, 10, 0, 1 },
	/* A list of 学号 past CMD_MAX: the rest counted, not lost. */
	{ "RET", ",1001", 12, "",		PERR_NONE, 10, 0, 2 },
	{ "ACK", ",#1", 25, " 收到",		PERR_NONE, 10, 0, 15 },
	{ "", "ABS 1001 1 病 ", 11, "",		PERR_NONE, 10, 0, 1 },
	{ "", "ASB;", 15, "",			PERR_NONE, 10, 10, 5 },
	{ "", "?", 50, "",			PERR_NONE, 1, 0, 0 },
	/* Emoji (outside the BMP) everywhere. */
	{ "ABS 1001 3 ", "😀", 100, "",		PERR_NONE, 1, 0, 0 },
	{ "", "😀", 1000, "",			PERR_NONE, 1, 1, 0 },
	{ "", "😀", 1025, "",			PERR_TOO_LONG, 0, 0, 0 },
	{ "", "😀;", 20, "",			PERR_NONE, 10, 10, 10 },
};

START_TEST(test_generated)
{
	const struct gen_case *c = &gen_cases[_i];
	size_t hl = strlen(c->head), ul = strlen(c->unit), tl = strlen(c->tail);
	size_t len = hl + ul * (size_t)c->reps + tl, o = hl;
	char *in = malloc(len + 1);
	struct cmd_list l;
	struct perr e;
	enum perr_code rc;
	int i;

	ck_assert_ptr_nonnull(in);
	memcpy(in, c->head, hl);
	for (i = 0; i < c->reps; i++, o += ul)
		memcpy(in + o, c->unit, ul);
	memcpy(in + o, c->tail, tl + 1);
	rc = command_parse(parser, in, len, &l, &e);
	free(in);
	ck_assert_msg(rc == c->rc, "row %d: %s, want %s", _i, perr_name(rc),
	    perr_name(c->rc));
	ck_assert_int_eq(e.code, rc);
	ck_assert_msg(l.n == c->n && l.nerr == c->nerr &&
	    l.dropped == c->dropped, "row %d: n %zu nerr %zu dropped %zu", _i,
	    l.n, l.nerr, l.dropped);
	for (i = 0; i < (int)l.n; i++) {
		ck_assert_uint_lt(l.v[i].off, NORMALIZE_MAX_IN);
		ck_assert_uint_le(l.v[i].err_off, NORMALIZE_MAX_IN);
	}
}
END_TEST

/* A note longer than the field is cut on a UTF-8 boundary. */
START_TEST(test_long_note)
{
	char in[1024];
	size_t len, i;
	struct cmd_list l;
	struct perr e;

	len = (size_t)snprintf(in, sizeof in, "ABS 1001 3 病 ");
	for (i = 0; i < 100; i++)
		len += (size_t)snprintf(in + len, sizeof in - len, "发烧");
	ck_assert_int_eq(command_parse(parser, in, len, &l, &e), PERR_NONE);
	ck_assert_str_eq(l.v[0].reason, "illness");
	ck_assert_uint_lt(strlen(l.v[0].note), CMD_NOTE_MAX);
	ck_assert_uint_eq(strlen(l.v[0].note) % 3, 0);
	ck_assert_uint_ge(strlen(l.v[0].note), CMD_NOTE_MAX - 3);
	ck_assert_int_eq(strncmp(l.v[0].note, "发烧发烧", 12), 0);
}
END_TEST

/* A list reused for a second message holds only that message. */
START_TEST(test_reuse_list)
{
	static const char a[] = "ABS 1001 3;ABS x 2;RET 1002", b[] = "\xff";
	struct cmd_list l;
	struct perr e;

	ck_assert_int_eq(command_parse(parser, a, strlen(a), &l, &e),
	    PERR_NONE);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_uint_eq(l.nerr, 1);
	ck_assert_int_eq(command_parse(parser, b, 1, &l, &e), PERR_BAD_UTF8);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(l.nerr, 0);
	ck_assert_int_eq(command_parse(parser, "RET 1003", 8, &l, &e),
	    PERR_NONE);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.nerr, 0);
	ck_assert_str_eq(l.v[0].student, "1003");
	ck_assert_ptr_null(l.v[0].reason);
}
END_TEST

struct days_case {
	const char *in;
	int want;
};

static const struct days_case days_cases[] = {
	{ "3", 3 },	{ "03", 3 },	{ "0060", 60 },	{ "60", 60 },
	{ "1", 1 },	{ "两", 2 },	{ "一", 1 },	{ "九", 9 },
	{ "十", 10 },	{ "十二", 12 },	{ "二十", 20 },	{ "二十三", 23 },
	{ "两十", 20 },	{ "五十九", 59 }, { "六十", 60 },
	{ "0", -2 },	{ "61", -2 },	{ "999999", -2 },
	{ "99999999999999999999", -2 },	{ "零", -2 },
	{ "六十一", -2 }, { "七十", -2 },	{ "九十九", -2 },
	{ "十十", -1 },	{ "三三", -1 },	{ "", -1 },	{ "a", -1 },
	{ "3a", -1 },	{ "-3", -1 },	{ "天", -1 },	{ "二十三四", -1 },
	{ "三十一二", -1 }, { "零十", -1 }, { "十零", -1 }, { "零三", -1 },
	{ "３", -1 },	{ "六十天", -1 }, { "十\xe4", -1 },
};

START_TEST(test_days_value)
{
	const struct days_case *c = &days_cases[_i];
	int got = command_days_value(c->in, strlen(c->in));

	ck_assert_msg(got == c->want, "'%s': %d, want %d", c->in, got,
	    c->want);
}
END_TEST

/* Names and template keys exist for every kind and error code. */
START_TEST(test_names)
{
	char up[16];
	size_t j;
	int i;

	ck_assert_str_eq(cmd_kind_name(CMD_NONE), "");
	ck_assert_str_eq(cmd_kind_key(CMD_NONE), "");
	ck_assert_str_eq(cmd_kind_name(CMD_KIND_COUNT), "");
	ck_assert_str_eq(cmd_kind_key((enum cmd_kind)99), "");
	for (i = 1; i < CMD_KIND_COUNT; i++) {
		const char *key = cmd_kind_key((enum cmd_kind)i);

		ck_assert_uint_gt(strlen(key), 0);
		ck_assert_uint_lt(strlen(key), sizeof up);
		for (j = 0; key[j]; j++)
			up[j] = (char)(key[j] - 'a' + 'A');
		up[j] = '\0';
		ck_assert_str_eq(cmd_kind_name((enum cmd_kind)i), up);
	}
	ck_assert_str_eq(cmd_kind_name(CMD_ABS), "ABS");
	ck_assert_str_eq(cmd_kind_key(CMD_NOTICE), "notice");
	ck_assert_str_eq(cmd_kind_key(CMD_SIGN), "sign");
	for (i = 0; i < PERR_COUNT; i++)
		ck_assert_str_ne(perr_name((enum perr_code)i), "unknown");
	ck_assert_str_eq(perr_name(PERR_NONE), "none");
	ck_assert_str_eq(perr_name(PERR_MISSING_DAYS), "missing_days");
	ck_assert_str_eq(perr_name((enum perr_code)99), "unknown");
}
END_TEST

static TCase *
parser_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, parser_setup, parser_teardown);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
command_suite(void)
{
	Suite *s = suite_create("command");
	TCase *tc;

	tc = parser_tcase(s, "abs");
	tcase_add_loop_test(tc, test_abs, 0, NROWS(abs_rows));
	tcase_add_test(tc, test_long_note);
	tc = parser_tcase(s, "leave");
	tcase_add_loop_test(tc, test_leave, 0, NROWS(leave_rows));
	tc = parser_tcase(s, "ret");
	tcase_add_loop_test(tc, test_ret, 0, NROWS(ret_rows));
	tc = parser_tcase(s, "drop");
	tcase_add_loop_test(tc, test_drop, 0, NROWS(drop_rows));
	tc = parser_tcase(s, "vis");
	tcase_add_loop_test(tc, test_vis, 0, NROWS(vis_rows));
	tc = parser_tcase(s, "ack");
	tcase_add_loop_test(tc, test_ack, 0, NROWS(ack_rows));
	tc = parser_tcase(s, "tasks");
	tcase_add_loop_test(tc, test_tasks, 0, NROWS(tasks_rows));
	tc = parser_tcase(s, "case");
	tcase_add_loop_test(tc, test_case, 0, NROWS(case_rows));
	tc = parser_tcase(s, "sum");
	tcase_add_loop_test(tc, test_sum, 0, NROWS(sum_rows));
	tc = parser_tcase(s, "notice");
	tcase_add_loop_test(tc, test_notice, 0, NROWS(notice_rows));
	tcase_add_loop_test(tc, test_sign, 0, NROWS(sign_rows));
	tcase_add_loop_test(tc, test_term, 0, NROWS(term_rows));
	tcase_add_loop_test(tc, test_close, 0, NROWS(close_rows));
	tc = parser_tcase(s, "help");
	tcase_add_loop_test(tc, test_help, 0, NROWS(help_rows));
	tcase_add_loop_test(tc, test_help_topic, 0, NROWS(topic_cases));
	tc = parser_tcase(s, "separators");
	tcase_add_loop_test(tc, test_separator, 0, NROWS(separators));
	tc = parser_tcase(s, "batch");
	tcase_add_loop_test(tc, test_batch, 0, NROWS(batch_cases));
	tcase_add_test(tc, test_reuse_list);
	tc = parser_tcase(s, "signature");
	tcase_add_loop_test(tc, test_signature, 0, NROWS(signature_cases));
	tc = parser_tcase(s, "did_you_mean");
	tcase_add_loop_test(tc, test_suggest, 0, NROWS(suggest_cases));
	tc = parser_tcase(s, "lists");
	tcase_add_loop_test(tc, test_list, 0, NROWS(list_cases));
	tcase_add_test(tc, test_list_fields);
	tc = parser_tcase(s, "message_errors");
	tcase_add_loop_test(tc, test_message_errors, 0, NROWS(msg_cases));
	tc = parser_tcase(s, "hostile");
	tcase_add_loop_test(tc, test_generated, 0, NROWS(gen_cases));
	tc = tcase_create("days");
	tcase_add_loop_test(tc, test_days_value, 0, NROWS(days_cases));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(command_suite());
}
