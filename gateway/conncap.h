/*
 * A cap on the HTTP connections open at once, so that memory stays
 * bounded however many clients connect (each may hold a request half
 * sent). libevent 2.1's evhttp has no such limit and says nothing when a
 * connection ends (the limit came in 2.2), so the connections are counted
 * where the kernel keeps them: the process's TCP sockets whose local port
 * is the listener's, the listener aside. A count is taken only when the
 * accepts since the last one could have reached the cap; at the cap the
 * listener stops accepting (the kernel's backlog holds the next clients)
 * and a timer counts again every 100 ms until one has closed.
 *
 * Owns its timer; the listener stays evhttp's, so conncap_free must come
 * before evhttp_free.
 */
#ifndef BX_CONNCAP_H
#define BX_CONNCAP_H

struct conncap;
struct event_base;
struct evconnlistener;

/* Accepted TCP sockets of this process whose local port is port, those
 * whose client has reset included (not the listener); -1 with errno if
 * /proc/self/fd cannot be read. */
int conncap_count(int port);

struct conncap *conncap_new(struct event_base *, struct evconnlistener *,
    int port, int max);
void conncap_free(struct conncap *);
/* A connection was accepted (from evhttp's bufferevent callback). */
void conncap_accepted(struct conncap *);
/* No connection is accepted from now on (the daemon is stopping). */
void conncap_stop(struct conncap *);
/*
 * Slow clients. A client that sends its request a byte now and then is
 * never timed out by evhttp (its timeout is on idleness), and enough of
 * them would hold every connection for ever. At the cap, a connection
 * that has brought no whole request for slow_s seconds, since a count
 * first saw it or since its last request, is shut down: the clients
 * waiting in the backlog get in. Below the cap nobody is closed.
 * Connections are known by their descriptor and socket (/proc, as the
 * count).
 */
void conncap_set_slow(struct conncap *, int slow_s);
/* A whole request came on the connection of descriptor fd: it is with
 * the loop, and the connection is not slow, until conncap_answered. */
void conncap_served(struct conncap *, int fd);
/* Its answer is being written: the connection's time starts again. */
void conncap_answered(struct conncap *, int fd);
/* Connections open now (counted, or as counted less than 100 ms ago),
 * and the cap. */
int conncap_open(struct conncap *);
int conncap_max(const struct conncap *);

#endif
