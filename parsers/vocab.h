/*
 * The domain's vocabulary from DOMAIN.md: role codes, place kinds and
 * special-need categories, and which kind of place each role's scope is.
 * Pure lookups; returns -1 (or NULL) for a word that is not in the list.
 */
#ifndef BX_VOCAB_H
#define BX_VOCAB_H

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

#endif
