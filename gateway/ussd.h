/*
 * POST /ussd: the USSD callback in the widespread aggregator convention
 * (PROTOCOLS.md §4.1). Form fields sessionId, serviceCode, phoneNumber,
 * networkCode and text (every input so far joined by '*', empty on the
 * first request); the answer is text/plain "CON page" (wait for input) or
 * "END page". Authenticated like the SMS webhook.
 *
 * Sessions are kept in memory, bounded ([inbound.http] ussd_sessions) and
 * forgotten after ussd_timeout idle seconds: a restart loses them and the
 * user starts again from the main menu; nothing is applied until the last
 * page, whose action goes through the pipeline as an inbound message of
 * channel "ussd", deduplicated by session and input.
 */
#ifndef BX_USSD_H
#define BX_USSD_H

struct evhttp_request;
struct gw;
struct http;
struct ussd;

struct ussd *ussd_new(struct gw *);
void ussd_free(struct ussd *);
void ussd_request(struct ussd *, struct http *, struct evhttp_request *);

#endif
