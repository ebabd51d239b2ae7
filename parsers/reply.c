/* Menu replies (reply.h): a small hand-written scanner, no patterns. */
#include "parsers/reply.h"

#include <string.h>

#define RP_TASK_WORD "\xe4\xbb\xbb\xe5\x8a\xa1"	/* 任务 */

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

int
reply_parse(const char *text, size_t len, struct menu_reply *out)
{
	size_t pos = 0, start, i;

	memset(out, 0, sizeof *out);
	if (len >= sizeof RP_TASK_WORD - 1 &&
	    !memcmp(text, RP_TASK_WORD, sizeof RP_TASK_WORD - 1)) {
		pos = sizeof RP_TASK_WORD - 1;
		while (pos < len && text[pos] == ' ')
			pos++;
	}
	/* A code: four letters or digits, then a separator. */
	if (len - pos > TASKCODE_LEN && rp_alnum(text[pos]) &&
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
	} else if (pos > 0)
		return 0;	/* 任务 without a code is the TASKS command */
	/* The choice: one or two digits, not the start of a longer number. */
	start = pos;
	while (pos < len && rp_digit(text[pos]) && pos - start < 3)
		pos++;
	if (pos == start || pos - start > 2)
		return 0;
	/* The number ends the text or a separator follows: "3天后回来" and
	 * "12月3日" are words, not choices. */
	if (pos < len && rp_sep(text + pos, len - pos) == 0)
		return 0;
	out->choice = text[start] - '0';
	if (pos - start == 2)
		out->choice = out->choice * 10 + (text[start + 1] - '0');
	pos = rp_skip_seps(text, len, pos);
	rp_note(out->note, sizeof out->note, text + pos, len - pos);
	return 1;
}
