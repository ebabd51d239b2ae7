/*
 * Numbered replies to a menu SMS (a task text ends "回复 1同意返校 2拒绝
 * ..."): "3", "K7QX 3", "任务K7QX：3", "3 家长说要去打工". Read from text
 * already normalized (normalize.h), before the command parser: a reply
 * opens with a number of one or two digits, or with a four-character code
 * that is not a command keyword and a separator before the number; the
 * number ends the text or a separator follows it ("3天后回来" is words). Whether the code is right
 * and the choice is on the menu is for the caller to say (taskcode.h).
 * Pure.
 */
#ifndef BX_REPLY_H
#define BX_REPLY_H

#include <stddef.h>

#include "parsers/command.h"
#include "parsers/taskcode.h"

struct menu_reply {
	char code[TASKCODE_LEN + 1];	/* as typed, upper case; "" if none */
	int choice;			/* 0..99 as typed */
	char note[CMD_NOTE_MAX];	/* what follows, "" if nothing */
};

/* 1 if text[0..len) is a menu reply (out filled), 0 if it is not. */
int reply_parse(const char *text, size_t len, struct menu_reply *out);

#endif
