/*
 * The demo township's roster (examples/demo/) as the suites that run on
 * it name its people, and the hour they start at.
 */
#ifndef BX_TESTS_DEMO_H
#define BX_TESTS_DEMO_H

#define T0 1788224400	/* 2026-09-01T09:00:00+08:00 */

#define HT "+8613800000001"		/* head_teacher K0302, teacher S01 */
#define PRINCIPAL "+8613800000002"	/* principal S01 */
#define INSPECTOR "+8613800000003"	/* inspector S01 */
#define VHEAD1 "+8613800000004"		/* village_head V01 */
#define VCADRE "+8613800000005"		/* village_cadre V01 */
#define TOWNOFF "+8613800000006"	/* township_official T01 */
#define BUREAU "+8613800000008"		/* bureau C01 */
#define COUNTY "+8613800000009"		/* county C01 */

#endif
