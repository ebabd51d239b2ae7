/*
 * The benchmarks' generated county (bench_load roster writes it): its
 * sizes and how a student's number, class and head teacher's phone are
 * derived, shared by every program that drives traffic against it, so
 * that they cannot drift apart. Header-only: static functions, each
 * program uses what it needs.
 */
#ifndef BX_BENCH_COUNTY_H
#define BX_BENCH_COUNTY_H

#include <stddef.h>
#include <stdio.h>

#define TOWNSHIPS 20
#define VILLAGES 20		/* per township */
#define SCHOOLS 10		/* per township */
#define CLASSES 6		/* per school */
#define NCLASS (TOWNSHIPS * SCHOOLS * CLASSES)
#define STUDENTS 100000
#define PEOPLE 8000
#define TEACHERS_PER_SCHOOL \
	((PEOPLE - NCLASS - TOWNSHIPS * SCHOOLS - TOWNSHIPS * VILLAGES * 2 - \
	    TOWNSHIPS * 2 - 2) / (TOWNSHIPS * SCHOOLS))

/* Deterministic roster: both subcommands derive the same numbers. */
static inline void
student_no(int i, char *buf, size_t len)
{
	snprintf(buf, len, "3%07d", i);
}

static inline int
student_class(int i)
{
	return i % NCLASS;
}

static inline void
head_teacher_phone(int cls, char *buf, size_t len)
{
	snprintf(buf, len, "1370%07d", cls);
}

static inline void
class_code(int cls, char *buf, size_t len)
{
	int t = cls / (SCHOOLS * CLASSES), s = cls / CLASSES % SCHOOLS;

	snprintf(buf, len, "K%02d%02d%d", t, s, cls % CLASSES);
}

#endif
