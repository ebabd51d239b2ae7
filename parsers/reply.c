/* Menu replies (reply.h): a small hand-written scanner, no patterns. */
#include "parsers/reply.h"

#include <string.h>

#include "parsers/utf8.h"

#define RP_TASK_WORD "\xe4\xbb\xbb\xe5\x8a\xa1"	/* 任务 */
#define RP_REMIND_WORD "\xe6\x8f\x90\xe9\x86\x92"	/* 提醒 */
#define RP_REPLY_WORD "\xe5\x9b\x9e\xe5\xa4\x8d"	/* 回复 */

static int
rp_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

static int
rp_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of a separator at s (space, ASCII or CJK punctuation), or 0. */
static size_t
rp_sep(const char *s, size_t len)
{
	static const char *const cjk[] = {
		"\xef\xbc\x9a", "\xef\xbc\x8c", "\xe3\x80\x81", "\xe3\x80\x82",
		NULL	/* ： ， 、 。 (if they survive normalizing) */
	};
	size_t i;

	if (len == 0)
		return 0;
	if (strchr(" \t\n,.:;-", s[0]) && s[0] != '\0')
		return 1;
	for (i = 0; cjk[i]; i++)
		if (len >= 3 && !memcmp(s, cjk[i], 3))
			return 3;
	return 0;
}

static size_t
rp_skip_seps(const char *s, size_t len, size_t pos)
{
	size_t k;

	while ((k = rp_sep(s + pos, len - pos)) > 0)
		pos += k;
	return pos;
}

/* The rest of the text as a note: lines joined by spaces, cut whole. */
static void
rp_note(char *dst, size_t dstsz, const char *s, size_t len)
{
	size_t i;

	if (len >= dstsz) {
		len = dstsz - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	for (i = 0; i < len; i++)
		dst[i] = s[i] == '\n' ? ' ' : s[i];
	dst[len] = '\0';
}

/* Code points in s[0..len) (UTF-8 lead bytes). */
static size_t
rp_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Is s[0..len) label, or its start of two characters or more? */
static int
rp_names(const char *s, size_t len, const char *label)
{
	size_t ll = strlen(label);

	if (len == 0 || len > ll || memcmp(s, label, len) != 0)
		return 0;
	return len == ll || rp_chars(s, len) >= 2;
}

int
reply_label_is(const char *typed, const char *label)
{
	return rp_names(typed, strlen(typed), label);
}

/* Bytes of a word at s: up to a separator or the end. */
static size_t
rp_word(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && rp_sep(s + i, len - i) == 0)
		i++;
	return i;
}

/*
 * Bytes of a label at s[0..len), 0 if none: the word there naming a label
 * (rp_names), or, glued (words may follow without a separator: "4生病了"),
 * a whole label that s starts with.
 */
static size_t
rp_label(const char *s, size_t len, const char *const *labels, int glued)
{
	size_t w = rp_word(s, len), i, ll;

	for (i = 0; labels && labels[i]; i++)
		if (rp_names(s, w, labels[i]))
			return w;
	for (i = 0; glued && labels && labels[i]; i++) {
		ll = strlen(labels[i]);
		if (ll > 0 && ll <= len && !memcmp(s, labels[i], ll))
			return ll;
	}
	return 0;
}

/* Does s[pos..len) start with word? */
static int
rp_starts(const char *s, size_t len, size_t pos, const char *word)
{
	size_t wl = strlen(word);

	return len - pos >= wl && !memcmp(s + pos, word, wl);
}

/* A case number after 任务: "#12", then a separator. Its end, or 0. */
static size_t
rp_case_no(const char *text, size_t len, size_t pos, uint32_t *case_no)
{
	uint32_t v = 0;
	size_t start;

	if (pos >= len || text[pos] != '#')
		return 0;
	start = ++pos;
	while (pos < len && rp_digit(text[pos]) && pos - start < 9)
		v = v * 10 + (uint32_t)(text[pos++] - '0');
	if (pos == start || v == 0 || rp_sep(text + pos, len - pos) == 0)
		return 0;
	*case_no = v;
	return pos;
}

int
reply_parse(const char *text, size_t len, const char *const *labels,
    struct menu_reply *out)
{
	size_t pos = 0, start, i, k;
	int named = 0;

	memset(out, 0, sizeof *out);
	/* 回复 as the menu says it: "回复1", "回复：K7QX 3". */
	if (rp_starts(text, len, 0, RP_REPLY_WORD))
		pos = rp_skip_seps(text, len, sizeof RP_REPLY_WORD - 1);
	/* The head of the task SMS or its reminder, copied. */
	if (rp_starts(text, len, pos, RP_TASK_WORD) ||
	    rp_starts(text, len, pos, RP_REMIND_WORD)) {
		named = 1;
		pos += sizeof RP_TASK_WORD - 1;
		while (pos < len && text[pos] == ' ')
			pos++;
	}
	if (named && (k = rp_case_no(text, len, pos, &out->case_no)) > 0)
		pos = rp_skip_seps(text, len, k);
	/* A code: four letters or digits, then a separator. */
	else if (len - pos > TASKCODE_LEN && rp_alnum(text[pos]) &&
	    rp_alnum(text[pos + 1]) && rp_alnum(text[pos + 2]) &&
	    rp_alnum(text[pos + 3]) && rp_sep(text + pos + TASKCODE_LEN,
	    len - pos - TASKCODE_LEN) > 0) {
		if (cmd_keyword_kind(text + pos, TASKCODE_LEN) != CMD_NONE)
			return 0;
		for (i = 0; i < TASKCODE_LEN; i++) {
			char c = text[pos + i];

			out->code[i] = c >= 'a' && c <= 'z' ?
			    (char)(c - 'a' + 'A') : c;
		}
		out->code[TASKCODE_LEN] = '\0';
		pos = rp_skip_seps(text, len, pos + TASKCODE_LEN);
	} else if (named)
		return 0;	/* 任务 without a code is the TASKS command */
	/* The choice: one or two digits, not the start of a longer number. */
	start = pos;
	while (pos < len && rp_digit(text[pos]) && pos - start < 3)
		pos++;
	if (pos == start || pos - start > 2)
		return 0;
	out->choice = text[start] - '0';
	if (pos - start == 2)
		out->choice = out->choice * 10 + (text[start + 1] - '0');
	/* The number ends the text, a separator follows, or a label: "3天后
	 * 回来" and "12月3日" are words, not choices. */
	if (pos < len && rp_sep(text + pos, len - pos) == 0) {
		if ((k = rp_label(text + pos, len - pos, labels, 1)) == 0)
			return 0;
	} else {
		pos = rp_skip_seps(text, len, pos);
		k = rp_label(text + pos, len - pos, labels, 0);
	}
	if (k > 0) {
		utf8_copy(out->label, sizeof out->label, text + pos, k);
		pos = rp_skip_seps(text, len, pos + k);
	}
	rp_note(out->note, sizeof out->note, text + pos, len - pos);
	return 1;
}
