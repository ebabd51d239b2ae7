/* Private to casework/: shared state and helpers of the domain modules. */
#ifndef BX_CASEWORK_INT_H
#define BX_CASEWORK_INT_H

#include "gateway/casework/casework.h"
#include "parsers/command.h"
#include "store/store.h"
#include "templates/render.h"

#define CW_MAX_ROLES 16
#define CW_REPLY_MAX 1024

struct casework {
	struct store *store;
	const struct catalog *cat;
	const struct command_parser *parser;
	char signature[128];
};

/* What the pipeline knows about the message being handled. */
struct cw_msg {
	int64_t inbound_id;
	const char *from;
	int64_t now;
	struct store_person roles[CW_MAX_ROLES];	/* the sender's rows */
	size_t nroles;
	char reply[CW_REPLY_MAX];			/* lines so far */
	size_t replylen;
};

/* Appends rendered template key as a line of the sender's reply. */
int cw_reply(struct casework *, struct cw_msg *, const char *key,
    const struct render_var *, size_t nvars);
/* Queues text (signature added here) to one number. */
int cw_enqueue(struct casework *, const char *to, const char *kind,
    const char *body, int64_t inbound_id, int64_t now);

int cw_abs(struct casework *, struct cw_msg *, const struct cmd *);

/* Template keys and the placeholders each may use. */
struct cw_template {
	const char *key;
	const char *const *vars;
};
extern const struct cw_template cw_templates[];

#endif
