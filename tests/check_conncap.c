/*
 * The connection count behind max_connections: the sockets of this
 * process that a listener on the port accepted, and nothing else (the
 * listener, the clients' own ends, a UDP socket on the same number).
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/conncap.h"
#include "tests/testutil.h"

static int
tcp_listener(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static int
tcp_client(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

START_TEST(test_count_accepted_only)
{
	int l, port, cl[3], srv[3], udp, i;
	struct sockaddr_in sa = { .sin_family = AF_INET };

	l = tcp_listener(&port);
	ck_assert_int_eq(conncap_count(port), 0);
	for (i = 0; i < 3; i++) {
		cl[i] = tcp_client(port);
		ck_assert_int_ge(srv[i] = accept(l, NULL, NULL), 0);
	}
	ck_assert_int_eq(conncap_count(port), 3);
	/* A UDP socket with the same number, connected: not one. */
	ck_assert_int_ge(udp = socket(AF_INET, SOCK_DGRAM, 0), 0);
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(udp, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(connect(udp, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(conncap_count(port), 3);
	close(srv[0]);
	ck_assert_int_eq(conncap_count(port), 2);
	for (i = 0; i < 3; i++) {
		close(cl[i]);
		if (i > 0)
			close(srv[i]);
	}
	close(udp);
	close(l);
	ck_assert_int_eq(conncap_count(port), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("conncap");
	TCase *tc = tcase_create("conncap");

	tcase_add_test(tc, test_count_accepted_only);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
