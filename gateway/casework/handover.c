/*
 * Telling who took work over at an import --replace (store/leave.c):
 * baoxuectl hands the tasks and cases over in its transaction but renders
 * no texts, so it leaves the new holder in handover_pending and the
 * scheduler comes here. A handed task is reminded besides (its code and
 * deadline); this says how much is theirs now, once.
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <string.h>

#include "gateway/log.h"

/* Co-signatures asked of a new inspector at most, each an SMS: a school
 * has a few confirmed dropouts a term, not dozens. */
#define CW_HANDOVER_COSIGN 64

int
casework_handover(struct casework *cw, int64_t person_id, int on_roster,
    int64_t now)
{
	char cases[24], tasks[24], text[CW_REPLY_MAX];
	int64_t ids[CW_HANDOVER_COSIGN], nt, nc;
	struct store_person p;
	struct store_place pl;
	struct cw_msg m;
	size_t n = 0, i;

	if (!on_roster)
		return 0;
	memset(&m, 0, sizeof m);
	m.from = "";
	m.now = now;
	if (store_person_get(cw->store, person_id, &p) != STORE_OK ||
	    store_place_get(cw->store, p.scope, &pl) != STORE_OK ||
	    store_person_workload(cw->store, person_id, &nt, &nc) != STORE_OK)
		return -1;
	if (nt + nc > 0) {
		struct render_var v[3] = {
			{ "place", pl.name }, { "cases", cases },
			{ "tasks", tasks }
		};

		snprintf(cases, sizeof cases, "%lld", (long long)nc);
		snprintf(tasks, sizeof tasks, "%lld", (long long)nt);
		if (render(cw->cat, "handover_notice", v, 3, text,
		    sizeof text) != 0 ||
		    cw_enqueue(cw, p.phone, "notice", text, 0, 0, now) != 0)
			return -1;
	}
	if (!strcmp(p.role, "inspector")) {
		if (store_cosign_pending(cw->store, p.scope, person_id, ids,
		    CW_HANDOVER_COSIGN, &n) != STORE_OK)
			return -1;
		for (i = 0; i < n; i++) {
			char by[STORE_PHONE_MAX];

			/* Never one's own report (SIGN refuses it). */
			if (store_case_dropout_by(cw->store, ids[i], by,
			    sizeof by) != STORE_OK)
				return -1;
			if (strcmp(by, p.phone) != 0 &&
			    (cw_ask_cosign_of(cw, &m, ids[i], p.phone) != 0 ||
			    cw_cosign_rechase(cw, ids[i], now) != 0))
				return -1;
		}
		if (n == CW_HANDOVER_COSIGN)
			log_warnx("handover: inspector %lld asked for the "
			    "first %d co-signatures only", (long long)person_id,
			    CW_HANDOVER_COSIGN);
	}
	log_info("handover: person %lld told of %lld case(s), %lld task(s), "
	    "asked for %zu co-signature(s)", (long long)person_id,
	    (long long)nc, (long long)nt, n);
	return 0;
}
