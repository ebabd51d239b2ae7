/*
 * Numbered replies to a menu SMS (a task text begins "任务#12：" and ends
 * "回复数字：1同意返校 2拒绝返校 ..."): "3", "K7QX 3", "任务K7QX：3",
 * "任务#12 3", "3 家长说要去打工", and the choice copied as the menu wrote
 * it, "4生病", "回复1", "K7QX 1同意返校". Read from one part of a message
 * (a line, or a piece of one after ';'), already normalized (normalize.h),
 * before the command parser: a reply may open with 回复, then with 任务 or
 * 提醒 and a case number (#12) or a four-character code that is not a
 * command keyword, and a separator; then a number of one or two digits.
 * The number ends the text, a separator follows it, or one of the menu's
 * labels does ("4生病"); other words glued to it make no reply ("3天后回来"
 * is words). Labels are the menu's words, given by the caller: the typed
 * one is returned, for the caller to hold against the choice the number
 * names (reply_label_is). Whether the code is right and the choice is on
 * the menu is for the caller to say too (taskcode.h). Pure.
 */
#ifndef BX_REPLY_H
#define BX_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "parsers/command.h"
#include "parsers/taskcode.h"

#define REPLY_LABEL_MAX 48

struct menu_reply {
	char code[TASKCODE_LEN + 1];	/* as typed, upper case; "" if none */
	uint32_t case_no;		/* 任务#12 3: 12; 0 if none */
	int choice;			/* 0..99 as typed */
	char label[REPLY_LABEL_MAX];	/* a label typed after the number
					 * ("4生病", "4 生病"); "" if none */
	char note[CMD_NOTE_MAX];	/* what follows, "" if nothing */
};

/*
 * 1 if text[0..len) is a menu reply (out filled), 0 if it is not. labels:
 * every label of every menu, NULL-terminated (NULL: none), by which a
 * label after the number is told from a note: glued to the number, a
 * label or its start (two characters or more) is one, other words make no
 * reply; after a separator, a first word that is a label (or its start)
 * is one, anything else a note.
 */
int reply_parse(const char *text, size_t len, const char *const *labels,
    struct menu_reply *out);
/* 1 if typed (a menu_reply's label) names label: the same words or their
 * start of two characters or more ("拒绝" for 拒绝返校); 0 if not. */
int reply_label_is(const char *typed, const char *label);

#endif
