/*
 * The domain's vocabulary from DOMAIN.md: role codes, place kinds and
 * special-need categories, and which kind of place each role's scope is.
 * Pure lookups; returns -1 (or NULL) for a word that is not in the list.
 */
#ifndef BX_VOCAB_H
#define BX_VOCAB_H

#include <stddef.h>

enum vocab_kind {
	VOCAB_COUNTY, VOCAB_TOWNSHIP, VOCAB_VILLAGE, VOCAB_SCHOOL, VOCAB_CLASS
};

enum vocab_line { VOCAB_SCHOOL_LINE, VOCAB_GOV_LINE };

int vocab_kind(const char *word);		/* enum vocab_kind or -1 */
const char *vocab_kind_name(int kind);
/* The kind a place of this kind must have as parent; -1 for the county. */
int vocab_kind_parent(int kind);

int vocab_role(const char *word);		/* index or -1 */
const char *vocab_role_name(int role);
int vocab_role_scope_kind(int role);		/* enum vocab_kind */
int vocab_role_line(int role);			/* enum vocab_line */
/* School-line roles that may report absences (teacher, head teacher, principal). */
int vocab_role_reports_absence(int role);

int vocab_category(const char *word);		/* index or -1 */

/*
 * The same lookups for what a township clerk types in a spreadsheet: the
 * code itself or its Chinese name (村长 → village_head, 留守儿童 →
 * left_behind, 镇 → township). -1 if neither.
 */
int vocab_kind_cn(const char *word);
int vocab_role_cn(const char *word);
int vocab_category_cn(const char *word);
const char *vocab_category_name(int cat);

/* "code (中文), ..." of every kind, role or category, for error messages;
 * always NUL-terminated, returns the length wanted (like snprintf). */
size_t vocab_kind_words(char *buf, size_t sz);
size_t vocab_role_words(char *buf, size_t sz);
size_t vocab_category_words(char *buf, size_t sz);

/* The canonical roster column a Chinese header names, or NULL; and the
 * first Chinese header of a column (the column itself if none). */
const char *vocab_column(const char *header);
const char *vocab_column_cn(const char *column);
/* 'M' or 'F' for M/m/男 and F/f/女, else -1. */
int vocab_gender(const char *word);
/* Bytes of a category-list separator (| , ; space 、 ， ；) at p, or 0. */
size_t vocab_category_sep(const char *p);
/* A 学号: 4-20 digits, or the national 学籍号 G + 17 digits + digit or X
 * (upper case), which holds the child's ID-card number. */
int vocab_student_no_ok(const char *s);
int vocab_student_no_national(const char *s);
/* A 学号 that is a 身份证号 (a school that numbers its pupils by their
 * ID): 18 digits with GB 11643's check digit, or 15 with a month and day
 * where the first generation had them. */
int vocab_student_no_id(const char *s);

#endif
