/*
 * SMS command parser over PCRE2 (UTF mode, caseless, anchored patterns
 * compiled once). A part is read token by token so that an error names
 * exactly which argument was wrong and where; the keyword table lives in
 * command.def.
 */
#include "parsers/command.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/normalize.h"
#include "parsers/utf8.h"

#define COMMAND_NORM_MAX 4096
#define COMMAND_KW_PATTERN_MAX 1024

enum command_arg {
	ARG_NONE, ARG_STUDENT, ARG_TARGET, ARG_DAYS, ARG_REASON, ARG_OUTCOME,
	ARG_CLOSURE,
	ARG_PLACE, ARG_TOPIC
};

static const struct command_def {
	const char *keyword;
	const char *aliases;
	enum command_arg args[3];
} command_defs[CMD_KIND_COUNT] = {
	[CMD_NONE] = { "", "", { ARG_NONE, ARG_NONE, ARG_NONE } },
#define CMD(id, kw, alias, a1, a2, a3) [CMD_##id] = { kw, alias, { a1, a2, a3 } },
#include "parsers/command.def"
#undef CMD
};

static const char *const command_keys[CMD_KIND_COUNT] = {
	[CMD_NONE] = "",
	[CMD_ABS] = "abs", [CMD_LEAVE] = "leave", [CMD_RET] = "ret",
	[CMD_DROP] = "drop", [CMD_VIS] = "vis", [CMD_ACK] = "ack",
	[CMD_TASKS] = "tasks", [CMD_CASE] = "case", [CMD_SUM] = "sum",
	[CMD_NOTICE] = "notice", [CMD_SIGN] = "sign", [CMD_HELP] = "help",
	[CMD_CLOSE] = "close", [CMD_TERM] = "term",
};

/*
 * Words that name a reason (ABS, LEAVE, DROP) or a visit outcome (VIS).
 * The longest word that starts the argument wins; what follows is a note.
 */
struct command_word {
	const char *word;
	const char *code;
};

static const struct command_word command_reasons[] = {
	{ "外出打工", "work" }, { "无原因", "none" },
	{ "生病", "illness" }, { "疾病", "illness" }, { "病假", "illness" },
	{ "事假", "family" }, { "家事", "family" }, { "有事", "family" },
	{ "厌学", "weariness" }, { "贫困", "poverty" }, { "家贫", "poverty" },
	{ "打工", "work" }, { "务工", "work" }, { "结婚", "marriage" },
	{ "早婚", "marriage" }, { "订婚", "marriage" }, { "路远", "distance" },
	{ "交通", "distance" }, { "不明", "none" },
	{ "病", "illness" }, { "事", "family" }, { "厌", "weariness" },
	{ "贫", "poverty" }, { "工", "work" }, { "婚", "marriage" },
	{ "远", "distance" }, { "无", "none" },
	{ NULL, NULL }
};

static const struct command_word command_outcomes[] = {
	{ "同意返校", "return" }, { "联系不上", "unreachable" },
	{ "返校", "return" }, { "同意", "return" }, { "拒绝", "refuse" },
	{ "外出", "away" }, { "外地", "away" }, { "生病", "ill" },
	{ "失联", "unreachable" }, { "转学", "transfer" },
	/* A routine home visit's: all is well (DOMAIN rule 4). */
	{ "在校", "fine" }, { "正常", "fine" },
	{ "返", "return" }, { "拒", "refuse" }, { "外", "away" },
	{ "病", "ill" }, { "失", "unreachable" }, { "转", "transfer" },
	{ NULL, NULL }
};

/* How a case ends other than by a return (DOMAIN rule 7): a proper
 * transfer, delayed enrolment, schooling at home for a disabled child. */
static const struct command_word command_closures[] = {
	{ "转学", "transfer" }, { "延缓入学", "deferred" },
	{ "送教上门", "home_schooling" }, { "延缓", "deferred" },
	{ "缓学", "deferred" }, { "送教", "home_schooling" },
	{ "转", "transfer" },
	{ NULL, NULL }
};

enum command_pat {
	PAT_KEYWORD, PAT_STUDENT, PAT_CASE, PAT_DAYS, PAT_PLACE, PAT_COUNT
};

static const char *const command_patterns[PAT_COUNT] = {
	[PAT_KEYWORD] = NULL,	/* built from command.def */
	[PAT_STUDENT] = "(G[0-9]{17}[0-9X]|[0-9]{4,20})(?![0-9A-Z])",
	/* #12, K12, and 案#12 as every notice prints it (案号12 said so). */
	[PAT_CASE] = "(?:案号[ :]?#?|案#|[#K])([0-9]{1,9})(?![0-9])",
	[PAT_DAYS] = "([0-9]+|[零一二两三四五六七八九十]+) ?(天|日)?",
	[PAT_PLACE] = "[A-Z0-9_][A-Z0-9_-]{0,30}(?![A-Z0-9_-])",
};

struct command_parser {
	pcre2_code *re[PAT_COUNT];
};

/* "(?:(ABS(?![A-Z])|缺勤|缺)|(LEAVE(?![A-Z])|请假|假)|...)": group i = kind i. */
static int
command_keyword_pattern(char *buf, size_t sz)
{
	size_t o = 0;
	int i, n;

	n = snprintf(buf, sz, "(?:");
	o = (size_t)n;
	for (i = 1; i < CMD_KIND_COUNT; i++) {
		n = snprintf(buf + o, sz - o, "%s(%s(?![A-Z])|%s)",
		    i > 1 ? "|" : "", command_defs[i].keyword,
		    command_defs[i].aliases);
		if (n < 0 || (size_t)n >= sz - o)
			return -1;
		o += (size_t)n;
	}
	if (o + 2 > sz)
		return -1;
	memcpy(buf + o, ")", 2);
	return 0;
}

struct command_parser *
command_parser_new(void)
{
	struct command_parser *p;
	char kw[COMMAND_KW_PATTERN_MAX];
	const char *pat;
	int i, ec;
	PCRE2_SIZE eo;

	if (command_keyword_pattern(kw, sizeof kw) != 0)
		return NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	for (i = 0; i < PAT_COUNT; i++) {
		pat = i == PAT_KEYWORD ? kw : command_patterns[i];
		p->re[i] = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
		    PCRE2_UTF | PCRE2_CASELESS | PCRE2_ANCHORED |
		    PCRE2_NO_UTF_CHECK, &ec, &eo, NULL);
		if (p->re[i] == NULL) {
			command_parser_free(p);
			return NULL;
		}
		/* JIT is a speed-up only; the interpreter is used without it. */
		(void)pcre2_jit_compile(p->re[i], PCRE2_JIT_COMPLETE);
	}
	return p;
}

void
command_parser_free(struct command_parser *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < PAT_COUNT; i++)
		pcre2_code_free(p->re[i]);
	free(p);
}

static const char *const command_cn_digits[] = {
	"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"
};

/* One Chinese digit at s (3 bytes); returns 0..9, 2 for 两, -1 otherwise. */
static int
command_cn_digit(const char *s, size_t len)
{
	int d;

	if (len < 3)
		return -1;
	if (memcmp(s, "两", 3) == 0)
		return 2;
	for (d = 0; d < 10; d++)
		if (memcmp(s, command_cn_digits[d], 3) == 0)
			return d;
	return -1;
}

int
command_days_value(const char *s, size_t len)
{
	long v = 0;
	size_t i;
	int tens = -1, unit = -1, d;

	if (len == 0)
		return -1;
	if (s[0] >= '0' && s[0] <= '9') {
		for (i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			if (v < 1000)
				v = v * 10 + (s[i] - '0');
		}
		return v >= 1 && v <= CMD_DAYS_MAX ? (int)v : -2;
	}
	/* 三, 十, 十二, 二十, 二十三: at most three characters of 3 bytes. */
	if (len % 3 != 0 || len > 9)
		return -1;
	for (i = 0; i < len; i += 3) {
		if (memcmp(s + i, "十", 3) == 0) {
			if (tens >= 0)
				return -1;
			tens = unit >= 0 ? unit : 1;
			unit = -1;
		} else if ((d = command_cn_digit(s + i, len - i)) >= 0) {
			if (unit >= 0 || (tens >= 0 && d == 0))
				return -1;
			unit = d;
		} else {
			return -1;
		}
	}
	if (tens == 0)
		return -1;		/* 零十 */
	v = (tens >= 0 ? tens * 10 : 0) + (unit >= 0 ? unit : 0);
	return v >= 1 && v <= CMD_DAYS_MAX ? (int)v : -2;
}

/* Anchored match of pattern at off; returns 1 with ovector, 0, or -1. */
static int
command_match(const struct command_parser *p, enum command_pat pat,
    const char *s, size_t len, size_t off, pcre2_match_data *md)
{
	int rc = pcre2_match(p->re[pat], (PCRE2_SPTR)s, len, off,
	    PCRE2_NO_UTF_CHECK, md, NULL);

	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return rc > 0 ? 1 : -1;
}

/* Which command the keyword pattern matched (its set group), or CMD_NONE. */
static enum cmd_kind
command_keyword_at(const struct command_parser *p, const char *s, size_t len,
    size_t off, pcre2_match_data *md, size_t *end)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	int i;

	if (command_match(p, PAT_KEYWORD, s, len, off, md) <= 0)
		return CMD_NONE;
	*end = ov[1];
	for (i = 1; i < CMD_KIND_COUNT; i++)
		if (ov[2 * i] != PCRE2_UNSET)
			return (enum cmd_kind)i;
	return CMD_NONE;
}

static int
command_is_sep(char c)
{
	return c == ' ' || c == ',' || c == ':' || c == '#' || c == '*' ||
	    c == '-' || c == '.';
}

/*
 * Skips argument separators. Where a 案号 may follow, a '#' right before
 * a digit is the case number's own prefix and is kept.
 */
static size_t
command_skip_seps(const char *s, size_t len, size_t pos, int keep_case_hash)
{
	while (pos < len && command_is_sep(s[pos])) {
		if (keep_case_hash && s[pos] == '#' && pos + 1 < len &&
		    s[pos + 1] >= '0' && s[pos + 1] <= '9')
			break;
		pos++;
	}
	return pos;
}

static void
command_upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* The longest word of list at s[pos..len); its code, and *pos past it. */
static const char *
command_word(const struct command_word *list, const char *s, size_t len,
    size_t *pos)
{
	const struct command_word *w, *best = NULL;
	size_t bl = 0, l;

	for (w = list; w->word; w++) {
		l = strlen(w->word);
		if (l > bl && l <= len - *pos && memcmp(s + *pos, w->word, l) == 0) {
			best = w;
			bl = l;
		}
	}
	if (best == NULL)
		return NULL;
	*pos += bl;
	return best->code;
}

static int
command_is_cjk(const char *s, size_t len, size_t at, const char *ch)
{
	return len - at >= 3 && memcmp(s + at, ch, 3) == 0;
}

/*
 * Is the 天数 whose number ends at num_end and whose match (unit and
 * space) ends at end a fraction: 1.5, 两天半, 3 半天? Days are whole
 * school days; the half must not be cut off into the note.
 */
static int
command_days_is_fraction(const char *s, size_t len, size_t num_end,
    size_t end)
{
	if (num_end + 1 < len && s[num_end] == '.' &&
	    s[num_end + 1] >= '0' && s[num_end + 1] <= '9')
		return 1;
	if (end > 0 && s[end - 1] != ' ' && command_is_cjk(s, len, end, "半"))
		return 1;
	/* Apart, only a half standing alone: "3 半夜发烧" is a note. */
	while (end < len && s[end] == ' ')
		end++;
	if (!command_is_cjk(s, len, end, "半"))
		return 0;
	end += 3;
	return end == len || command_is_sep(s[end]) ||
	    command_is_cjk(s, len, end, "天") ||
	    command_is_cjk(s, len, end, "日");
}

static enum perr_code
command_arg(const struct command_parser *p, enum command_arg a, const char *s,
    size_t len, size_t *pos, struct cmd *c, pcre2_match_data *md)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	size_t at = command_skip_seps(s, len, *pos, a == ARG_TARGET), end;
	int rc, days;

	*pos = at;
	switch (a) {
	case ARG_NONE:
		return PERR_NONE;
	case ARG_TARGET:
		if (at == len)
			return PERR_MISSING_TARGET;
		if ((rc = command_match(p, PAT_CASE, s, len, at, md)) > 0) {
			unsigned long v = strtoul(s + ov[2], NULL, 10);
			if (v == 0 || v > CMD_CASE_MAX)
				return PERR_BAD_TARGET;
			c->case_no = (uint32_t)v;
			*pos = ov[1];
			return PERR_NONE;
		}
		if (rc < 0)
			return PERR_NOMEM;
		if ((rc = command_match(p, PAT_STUDENT, s, len, at, md)) <= 0)
			return rc < 0 ? PERR_NOMEM : PERR_BAD_TARGET;
		break;
	case ARG_STUDENT:
		if (at == len)
			return PERR_MISSING_STUDENT;
		if ((rc = command_match(p, PAT_STUDENT, s, len, at, md)) <= 0)
			return rc < 0 ? PERR_NOMEM : PERR_BAD_STUDENT;
		break;
	case ARG_DAYS:
		if (at == len)
			return PERR_MISSING_DAYS;
		if ((rc = command_match(p, PAT_DAYS, s, len, at, md)) <= 0)
			return rc < 0 ? PERR_NOMEM : PERR_BAD_DAYS;
		if (command_days_is_fraction(s, len, ov[3], ov[1]))
			return PERR_BAD_DAYS;
		days = command_days_value(s + ov[2], ov[3] - ov[2]);
		if (days < 0)
			return days == -2 ? PERR_DAYS_RANGE : PERR_BAD_DAYS;
		/* Without 天/日, what follows must not run on into the number:
		 * "两周" is two weeks, not two days. A reason word may. */
		if (ov[4] == PCRE2_UNSET && ov[3] < len &&
		    !command_is_sep(s[ov[3]])) {
			size_t at2 = ov[3];

			if (command_word(command_reasons, s, len, &at2) == NULL)
				return PERR_BAD_DAYS;
		}
		c->days = days;
		*pos = ov[1];
		return PERR_NONE;
	case ARG_REASON:
		c->reason = command_word(command_reasons, s, len, pos);
		return PERR_NONE;
	case ARG_OUTCOME:
		if (at == len)
			return PERR_MISSING_OUTCOME;
		c->outcome = command_word(command_outcomes, s, len, pos);
		return c->outcome ? PERR_NONE : PERR_BAD_OUTCOME;
	case ARG_CLOSURE:
		if (at == len)
			return PERR_MISSING_CLOSURE;
		c->outcome = command_word(command_closures, s, len, pos);
		return c->outcome ? PERR_NONE : PERR_BAD_CLOSURE;
	case ARG_TOPIC:
		/* A keyword or alias asked about (帮助缺勤怎么报); anything
		 * else is the note. */
		if (at < len && (c->topic = command_keyword_at(p, s, len, at,
		    md, &end)) != CMD_NONE)
			*pos = end;
		/* "？？" is a question still: the sender's list. */
		if (c->topic == CMD_HELP) {
			c->topic = CMD_NONE;
			*pos = at;
		}
		return PERR_NONE;
	case ARG_PLACE:
		if (at == len)
			return PERR_NONE;
		if ((rc = command_match(p, PAT_PLACE, s, len, at, md)) <= 0) {
			/* Free text after SUM is not a place code. */
			return rc < 0 ? PERR_NOMEM : PERR_BAD_PLACE;
		}
		utf8_copy(c->place, sizeof c->place, s + ov[0],
		    ov[1] - ov[0]);
		command_upper(c->place);
		*pos = ov[1];
		return PERR_NONE;
	}
	/* A 学号, for ARG_STUDENT and ARG_TARGET. */
	utf8_copy(c->student, sizeof c->student, s + ov[2], ov[3] - ov[2]);
	command_upper(c->student);
	*pos = ov[1];
	return PERR_NONE;
}

/*
 * Did you mean: the ASCII keyword within one edit (substitution, insertion,
 * deletion or swap of neighbours) of what starts the part, reading the
 * digits people type for look-alike letters (5 S, 0 O, 1 I) as letters.
 */
static char
command_fold_alike(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	switch (c) {
	case '5': return 'S';
	case '0': return 'O';
	case '1': return 'I';
	case '8': return 'B';
	}
	return c;
}

/* Is s[0..l) the keyword kw with one letter left out (look-alikes read
 * as letters)? */
static int
command_left_out(const char *s, size_t l, const char *kw)
{
	size_t i = 0, j = 0, skipped = 0;

	while (i < l && kw[j]) {
		if (command_fold_alike(s[i]) == kw[j]) {
			i++;
			j++;
		} else if (skipped++ == 0)
			j++;
		else
			return 0;
	}
	return i == l && strlen(kw + j) + skipped == 1;
}

/* Optimal string alignment distance; both strings at most 9 bytes. */
static int
command_distance(const char *a, size_t la, const char *b, size_t lb)
{
	int d[10][10], v;
	size_t i, j;

	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			v = d[i - 1][j - 1] +
			    (command_fold_alike(a[i - 1]) != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 &&
			    command_fold_alike(a[i - 1]) == b[j - 2] &&
			    command_fold_alike(a[i - 2]) == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

static enum cmd_kind
command_suggest(const char *s, size_t len)
{
	enum cmd_kind best = CMD_NONE;
	size_t run = 0, letters = 0, kl, l;
	int i;

	while (run < len && run < 8 && ((s[run] >= 'A' && s[run] <= 'Z') ||
	    (s[run] >= 'a' && s[run] <= 'z') || (s[run] >= '0' && s[run] <= '9'))) {
		if (s[run] > '9')
			letters++;
		run++;
	}
	if (letters < 2)
		return CMD_NONE;
	for (i = 1; i < CMD_KIND_COUNT; i++) {
		kl = strlen(command_defs[i].keyword);
		for (l = kl > 1 ? kl - 1 : kl; l <= kl + 1 && l <= run; l++) {
			if (command_distance(s, l, command_defs[i].keyword,
			    kl) > 1)
				continue;
			/* A letter left out is the likeliest slip: such a
			 * keyword wins over one that needs another edit
			 * ("CLSE" is CLOSE's before CASE's). */
			if (l + 1 == kl && command_left_out(s, l,
			    command_defs[i].keyword))
				return (enum cmd_kind)i;
			if (best == CMD_NONE)
				best = (enum cmd_kind)i;
			break;
		}
	}
	return best;
}

/* The end of s[from..end) without the separators that close it. */
static size_t
command_trim_end(const char *s, size_t from, size_t end)
{
	while (end > from && command_is_sep(s[end - 1]))
		end--;
	return end;
}

/*
 * A 学号 (for ARG_TARGET, a 案号 too) at s[at] that stands alone: the end
 * of the part or a separator follows it, not more words ("2024年").
 */
static int
command_id_at(const struct command_parser *p, enum command_arg a,
    const char *s, size_t len, size_t at, pcre2_match_data *md)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

	if ((a != ARG_TARGET || command_match(p, PAT_CASE, s, len, at,
	    md) <= 0) && command_match(p, PAT_STUDENT, s, len, at, md) <= 0)
		return 0;
	return ov[1] == len || command_is_sep(s[ov[1]]);
}

/* Does a command and its 学号 or 案号 start at s[at] ("ABS 1002"), in
 * a note? Its keyword in letters, or an alias of two characters or more
 * (缺勤, 家访): a one-character alias there (收, 访, 返) is the note's
 * word ("家长说 收 #2 的通知了", "收 2000 元"). */
static int
command_starts_with_id(const struct command_parser *p, const char *s,
    size_t len, size_t at, pcre2_match_data *md)
{
	enum cmd_kind k;
	enum command_arg a;
	size_t end, q, chars = 0;

	if ((k = command_keyword_at(p, s, len, at, md, &end)) == CMD_NONE)
		return 0;
	for (q = at; q < end; q++)
		chars += ((unsigned char)s[q] & 0xC0) != 0x80;
	if (chars < 2)
		return 0;
	a = command_defs[k].args[0];
	if (a != ARG_STUDENT && a != ARG_TARGET)
		return 0;
	end = command_skip_seps(s, len, end, a == ARG_TARGET);
	return command_id_at(p, a, s, len, end, md);
}

/*
 * Where in s[from..len) (a note, or what follows an error) another
 * command with its 学号 begins, at from or after a separator: the note of
 * "ABS 1001 2 病 ABS 1002 2" is not "ABS 1002 2". len if nowhere.
 */
static size_t
command_next_start(const struct command_parser *p, const char *s,
    size_t len, size_t from, pcre2_match_data *md)
{
	size_t q;

	for (q = from; q < len; q++)
		if ((q == from || command_is_sep(s[q - 1])) &&
		    command_starts_with_id(p, s, len, q, md))
			return q;
	return len;
}

/*
 * Parses one part s[0..len) (a line, or a piece of one) into c; with kind
 * other than CMD_NONE, the part is the next 学号 of a list of that command
 * and has no keyword. Returns where the next part starts in s (len if
 * none), with *list the command whose list it goes on, or CMD_NONE if it
 * has a keyword of its own.
 */
static size_t
command_parse_part(const struct command_parser *p, const char *s, size_t len,
    enum cmd_kind kind, struct cmd *c, enum cmd_kind *list,
    pcre2_match_data *md)
{
	const enum command_arg *args;
	size_t pos = 0, next;
	enum perr_code rc;
	int i;

	*list = CMD_NONE;
	c->kind = kind != CMD_NONE ? kind :
	    command_keyword_at(p, s, len, 0, md, &pos);
	if (c->kind == CMD_NONE) {
		c->err = PERR_UNKNOWN_COMMAND;
		c->suggest = command_suggest(s, len);
		return len;
	}
	args = command_defs[c->kind].args;
	for (i = 0; i < 3; i++) {
		rc = command_arg(p, args[i], s, len, &pos, c, md);
		/* Another 学号: its own command where the 学号 is all the
		 * command takes (RET 1001 1002); where more follows, whose
		 * days or reason is whose cannot be told, nor two 学号 from
		 * one split (ABS 2024 1003 3). */
		if (rc == PERR_NONE && i == 0 && (args[0] == ARG_STUDENT ||
		    args[0] == ARG_TARGET)) {
			next = command_skip_seps(s, len, pos,
			    args[0] == ARG_TARGET);
			if (command_id_at(p, args[0], s, len, next, md)) {
				/* A list is written with commas (，、);
				 * spaces alone may be one 学号 split
				 * (RET 2024 0101: both may be 学号), but
				 * never a 案号 (#13, K13, 案#13). */
				if (args[1] == ARG_NONE &&
				    (memchr(s + pos, ',', next - pos) != NULL ||
				    command_match(p, PAT_CASE, s, len, next,
				    md) > 0)) {
					*list = c->kind;
					return next;
				}
				rc = PERR_SEVERAL_STUDENTS;
				pos = next;
			}
		}
		if (rc != PERR_NONE) {
			c->err = rc;
			c->err_off = pos;
			return command_next_start(p, s, len, pos, md);
		}
	}
	pos = command_skip_seps(s, len, pos, 0);
	next = command_next_start(p, s, len, pos, md);
	utf8_copy(c->note, sizeof c->note, s + pos,
	    command_trim_end(s, pos, next) - pos);
	return next;
}

/* Does a new part start at s[pos]? Only if it opens with a keyword that
 * cannot be read as the previous part's words (see command.h). */
static int
command_part_starts(const struct command_parser *p, const char *s, size_t len,
    size_t pos, pcre2_match_data *md)
{
	size_t end;
	enum cmd_kind k;
	char c;

	while (pos < len && s[pos] == ' ')
		pos++;
	if ((k = command_keyword_at(p, s, len, pos, md, &end)) == CMD_NONE)
		return 0;
	if ((s[pos] >= 'A' && s[pos] <= 'Z') || (s[pos] >= 'a' && s[pos] <= 'z'))
		return 1;
	end = command_skip_seps(s, len, end, 1);
	c = end < len ? s[end] : '\0';
	/* 帮助他, 统计不到: words of a note, not a HELP or a SUM. */
	if (command_defs[k].args[0] == ARG_NONE)
		return c == '\0' || c == ',';
	if (command_defs[k].args[0] == ARG_TOPIC) {
		/* 帮助 缺勤 asks; 帮助返校未果 is a note's words. */
		if (c == '\0' || c == ',')
			return 1;
		if (command_keyword_at(p, s, len, end, md, &end) == CMD_NONE)
			return 0;
		while (end < len && s[end] == ' ')
			end++;
		return end == len || s[end] == ',' || s[end] == ';';
	}
	if (command_defs[k].args[0] == ARG_PLACE)
		return c == '\0' || c == ',' || (c >= '0' && c <= '9') ||
		    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
	return (c >= '0' && c <= '9') || c == 'G' || c == 'g' || c == 'K' ||
	    c == 'k' || c == '#' || (command_defs[k].args[0] == ARG_TARGET &&
	    command_match(p, PAT_CASE, s, len, end, md) > 0);
}

/*
 * Adds the part s[a..b), and the parts it turns out to hold: the other
 * 学号 of a list (RET 1001 1002), each its own command with the note
 * after the list, and a command that begins in its note. Past CMD_MAX,
 * parts are parsed to be counted only.
 */
static void
command_add_part(const struct command_parser *p, const char *s, size_t a,
    size_t b, struct cmd_list *out, pcre2_match_data *md)
{
	struct cmd *c, spare;
	enum cmd_kind list = CMD_NONE, more;
	size_t next, first = 0, i;

	while (a < b && command_is_sep(s[a]) && s[a] != '#')
		a++;
	while (b > a && s[b - 1] == ' ')
		b--;
	for (; a < b; a = next, list = more) {
		c = out->n < CMD_MAX ? &out->v[out->n++] : &spare;
		if (c == &spare)
			out->dropped++;
		if (list == CMD_NONE)
			first = out->n - (c != &spare);
		memset(c, 0, sizeof *c);
		c->off = a;
		next = a + command_parse_part(p, s + a, b - a, list, c, &more,
		    md);
		if (next <= a)		/* cannot be; never loop on it */
			next = b;
		c->err_off += a;
		if (c->err == PERR_UNKNOWN_COMMAND)
			c->err_off = a;
		if (c->err != PERR_NONE && c != &spare)
			out->nerr++;
		/* The note after a list is each one's (RET 1001 1002 病愈). */
		if (list != CMD_NONE && more == CMD_NONE)
			for (i = first; i < out->n && &out->v[i] != c; i++)
				memcpy(out->v[i].note, c->note, sizeof c->note);
	}
}

/* Splits one line into parts at ';' and at a ',' that opens a command. */
static void
command_parse_line(const struct command_parser *p, const char *s,
    size_t start, size_t end, struct cmd_list *out, pcre2_match_data *md)
{
	size_t i, a = start;

	for (i = start; i < end; i++) {
		if (s[i] == ';' || (s[i] == ',' &&
		    command_part_starts(p, s, end, i + 1, md))) {
			command_add_part(p, s, a, i, out, md);
			a = i + 1;
		}
	}
	command_add_part(p, s, a, end, out, md);
}

enum perr_code
command_parse(const struct command_parser *p, const char *text, size_t len,
    struct cmd_list *out, struct perr *err)
{
	char norm[COMMAND_NORM_MAX + 1];	/* + NUL: 4096 bytes in are read */
	size_t nlen;
	enum perr_code rc;

	out->n = out->nerr = out->dropped = 0;
	err->code = PERR_NONE;
	err->off = 0;
	rc = normalize_text(text, len, norm, sizeof norm, &nlen);
	if (rc != PERR_NONE) {
		err->code = rc;
		return rc;
	}
	return command_parse_normalized(p, norm, nlen, out, err);
}

enum perr_code
command_parse_normalized(const struct command_parser *p, const char *norm,
    size_t nlen, struct cmd_list *out, struct perr *err)
{
	size_t ls, le;
	pcre2_match_data *md;
	int after_blank = 0;

	out->n = out->nerr = out->dropped = 0;
	err->code = PERR_NONE;
	err->off = 0;
	if ((md = pcre2_match_data_create(CMD_KIND_COUNT + 1, NULL)) == NULL) {
		err->code = PERR_NOMEM;
		return PERR_NOMEM;
	}
	for (ls = 0; ls < nlen; ls = le + 1) {
		const char *nl = memchr(norm + ls, '\n', nlen - ls);
		size_t e;

		le = nl ? (size_t)(nl - norm) : nlen;
		if (le == ls) {		/* a blank line */
			after_blank = 1;
			continue;
		}
		/* A phone's signature: "--" line, or text after a blank line
		 * that is not a command. */
		if (nlen - ls >= 2 && norm[ls] == '-' && norm[ls + 1] == '-')
			break;
		if (after_blank && command_keyword_at(p, norm, le, ls, md,
		    &e) == CMD_NONE)
			break;
		after_blank = 0;
		command_parse_line(p, norm, ls, le, out, md);
	}
	pcre2_match_data_free(md);
	if (out->n == 0) {
		err->code = PERR_EMPTY;
		return PERR_EMPTY;
	}
	return PERR_NONE;
}

const char *
cmd_kind_name(enum cmd_kind k)
{
	return (unsigned)k < CMD_KIND_COUNT ? command_defs[k].keyword : "";
}

const char *
cmd_kind_key(enum cmd_kind k)
{
	return (unsigned)k < CMD_KIND_COUNT ? command_keys[k] : "";
}

const char *
perr_name(enum perr_code c)
{
	static const char *const names[PERR_COUNT] = {
		[PERR_NONE] = "none",
		[PERR_EMPTY] = "empty",
		[PERR_TOO_LONG] = "too_long",
		[PERR_BAD_UTF8] = "bad_utf8",
		[PERR_TOO_MANY] = "too_many",
		[PERR_UNKNOWN_COMMAND] = "unknown_command",
		[PERR_MISSING_STUDENT] = "missing_student",
		[PERR_BAD_STUDENT] = "bad_student",
		[PERR_MISSING_TARGET] = "missing_target",
		[PERR_BAD_TARGET] = "bad_target",
		[PERR_MISSING_DAYS] = "missing_days",
		[PERR_BAD_DAYS] = "bad_days",
		[PERR_DAYS_RANGE] = "days_range",
		[PERR_MISSING_OUTCOME] = "missing_outcome",
		[PERR_BAD_OUTCOME] = "bad_outcome",
		[PERR_MISSING_CLOSURE] = "missing_closure",
		[PERR_BAD_CLOSURE] = "bad_closure",
		[PERR_BAD_PLACE] = "bad_place",
		[PERR_SEVERAL_STUDENTS] = "several_students",
		[PERR_NOMEM] = "nomem",
	};

	return (unsigned)c < PERR_COUNT && names[c] ? names[c] : "unknown";
}

enum cmd_kind
cmd_keyword_kind(const char *s, size_t len)
{
	size_t i;
	int k;

	for (k = 1; k < CMD_KIND_COUNT; k++) {
		const char *kw = command_defs[k].keyword;

		if (strlen(kw) != len)
			continue;
		for (i = 0; i < len; i++)
			if ((s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' :
			    s[i]) != kw[i])
				break;
		if (i == len)
			return (enum cmd_kind)k;
	}
	return CMD_NONE;
}

/* The first (canonical) word of a table for a code, or NULL. */
static const char *
command_word_of(const struct command_word *t, const char *code)
{
	for (; t->word; t++)
		if (!strcmp(t->code, code))
			return t->word;
	return NULL;
}

const char *
cmd_reason_word(const char *code)
{
	return command_word_of(command_reasons, code);
}

const char *
cmd_outcome_word(const char *code)
{
	return command_word_of(command_outcomes, code);
}
