#include "gateway/channels/channel.h"

#include <stdlib.h>

void
channel_report(struct channel *ch, int64_t msg_id, enum chan_result r,
    const char *ref, const char *err)
{
	if (ch->result_cb)
		ch->result_cb(ch->result_arg, msg_id, r, ref, err);
}

void
channel_flush(struct channel *ch)
{
	if (ch->ops->flush)
		ch->ops->flush(ch);
}

void
channel_free(struct channel *ch)
{
	if (ch == NULL)
		return;
	if (ch->ops && ch->ops->free)
		ch->ops->free(ch);
	free(ch);
}
