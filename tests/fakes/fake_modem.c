/*
 * A fake GSM modem on a pseudo-terminal, for the tests: it answers the AT
 * commands baoxued uses the way 27.005/27.007 modems do, keeps a SIM with
 * stored PDUs, records what it is sent, and takes orders from a control
 * file that the test appends to:
 *   store HEX        put a PDU on the SIM and announce it (+CMTI)
 *   store-quiet HEX  put a PDU on the SIM without announcing it
 *   mute / unmute    stop / resume answering (a hung modem)
 *   unplug           close the pty (the device vanishes), open a new one
 *   keep / delete    answer AT+CMGD with OK but delete nothing (as if
 *                    the daemon died before it could) / delete again
 *   keep-after N     delete N more, then keep
 * The device path the daemon opens is a symlink (argv[1]) that always
 * points at the current pty. Everything received and done is logged to
 * argv[3] ("CMD ...", "SENT HEX", "DEL n"). SIM state: argv[2]/sim.
 * Usage: fake_modem LINK CONTROL LOG
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#define SLOTS 32

static char *sim[SLOTS];
static int master = -1, slavefd = -1, muted, keep, mr, keep_after = -1;
static const char *linkpath, *ctlpath, *logpath;

static void
logf_(const char *fmt, const char *a, int n)
{
	FILE *f = fopen(logpath, "a");

	if (f == NULL)
		return;
	fprintf(f, fmt, a, n);
	fputc('\n', f);
	fclose(f);
}

static void
say(const char *s)
{
	if (master >= 0 && !muted && write(master, s, strlen(s)) < 0)
		return;
}

static void
plug(void)
{
	char name[256];
	int slave;
	struct termios t;

	if (openpty(&master, &slave, name, NULL, NULL) != 0)
		exit(1);
	tcgetattr(slave, &t);
	cfmakeraw(&t);
	tcsetattr(slave, TCSANOW, &t);
	/* Keep the slave open so that the master sees no hangup while the
	 * daemon reopens. */
	slavefd = slave;
	unlink(linkpath);
	if (symlink(name, linkpath) != 0)
		exit(1);
	fcntl(master, F_SETFL, O_NONBLOCK);
	logf_("PLUG %s%.0d", name, 0);
}

static void
unplug(void)
{
	unlink(linkpath);
	close(master);
	close(slavefd);
	master = slavefd = -1;
	usleep(300000);
	plug();
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ?
	    c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A status report for mr back to the SUBMIT's destination (23.040
 * §9.2.2.3): 00 SMSC, 06, MR, RA, SCTS, DT, ST = 00 (delivered). */
static void
status_report(const char *submit_hex, int ref)
{
	char out[256], line[64];
	const char *p = submit_hex;
	int smsc = hexval(p[0]) * 16 + hexval(p[1]), dalen, i, o;

	p += 2 + smsc * 2;		/* SMSC field */
	p += 4;				/* first octet, MR */
	dalen = hexval(p[0]) * 16 + hexval(p[1]);
	o = snprintf(out, sizeof out, "0006%02X", ref & 0xff);
	/* RA = the DA: length, type, semi-octets. */
	for (i = 0; i < 4 + ((dalen + 1) / 2) * 2; i++)
		out[o++] = p[i];
	out[o] = '\0';
	strcat(out, "62101191000023" "62101191000523" "00");
	snprintf(line, sizeof line, "\r\n+CDS: %zu\r\n",
	    (strlen(out) - 2) / 2);
	say(line);
	say(out);
	say("\r\n");
}

static void
command(char *cmd, int *cmgs)
{
	char buf[512];
	int i, n;

	logf_("CMD %s%.0d", cmd, 0);
	if (!strncmp(cmd, "AT+CMGS=", 8)) {
		*cmgs = 1;
		say("\r\n> ");
		return;
	}
	if (!strcmp(cmd, "AT+CPIN?")) {
		say("\r\n+CPIN: READY\r\n\r\nOK\r\n");
	} else if (!strcmp(cmd, "AT+CREG?")) {
		say("\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	} else if (!strcmp(cmd, "AT+CSQ")) {
		say("\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
	} else if (!strncmp(cmd, "AT+CMGL", 7)) {
		for (i = 0; i < SLOTS; i++) {
			if (sim[i] == NULL)
				continue;
			snprintf(buf, sizeof buf, "\r\n+CMGL: %d,0,,%zu\r\n",
			    i, (strlen(sim[i]) - 2) / 2);
			say(buf);
			say(sim[i]);
		}
		say("\r\n\r\nOK\r\n");
	} else if (!strncmp(cmd, "AT+CMGD=", 8)) {
		n = atoi(cmd + 8);
		if (!keep && n >= 0 && n < SLOTS && sim[n]) {
			free(sim[n]);
			sim[n] = NULL;
			logf_("DEL %s%d", "", n);
			if (keep_after > 0 && --keep_after == 0)
				keep = 1;
		}
		say("\r\nOK\r\n");
	} else if (!strncmp(cmd, "AT", 2)) {
		say("\r\nOK\r\n");
	}
}

static void
store(const char *hex, int announce)
{
	char buf[64];
	int i;

	for (i = 0; i < SLOTS && sim[i]; i++)
		;
	if (i == SLOTS)
		return;
	sim[i] = strdup(hex);
	if (announce) {
		snprintf(buf, sizeof buf, "\r\n+CMTI: \"SM\",%d\r\n", i);
		say(buf);
	}
}

static void
control(long *done)
{
	FILE *f = fopen(ctlpath, "r");
	char line[2048];
	long n = 0;

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
		if (n++ < *done)
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		if (!strncmp(line, "store ", 6))
			store(line + 6, 1);
		else if (!strncmp(line, "store-quiet ", 12))
			store(line + 12, 0);
		else if (!strcmp(line, "mute"))
			muted = 1;
		else if (!strcmp(line, "unmute"))
			muted = 0;
		else if (!strcmp(line, "unplug"))
			unplug();
		else if (!strcmp(line, "keep"))
			keep = 1;	/* say OK to AT+CMGD, delete nothing */
		else if (!strcmp(line, "delete"))
			keep = 0;
		else if (!strncmp(line, "keep-after ", 11)) {
			keep_after = atoi(line + 11);
			keep = keep_after == 0;
		}
	}
	*done = n;
	fclose(f);
}

int
main(int argc, char **argv)
{
	char line[2048], pdu[1024], buf[512];
	size_t ll = 0, pl = 0;
	long done = 0;
	int cmgs = 0;

	if (argc != 4)
		return 2;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	linkpath = argv[1];
	ctlpath = argv[2];
	logpath = argv[3];
	plug();
	for (;;) {
		struct pollfd p = { master, POLLIN, 0 };
		ssize_t n;
		int i;

		control(&done);
		if (poll(&p, 1, 20) <= 0 || !(p.revents & POLLIN))
			continue;
		if ((n = read(master, buf, sizeof buf)) <= 0)
			continue;	/* EIO while nobody has the slave open */
		for (i = 0; i < n; i++) {
			char c = buf[i];

			if (cmgs) {
				if (c == 0x1b) {	/* ESC: cancelled */
					cmgs = 0;
					pl = 0;
					continue;
				}
				if (c == 0x1a) {
					pdu[pl] = '\0';
					logf_("SENT %s%.0d", pdu, 0);
					cmgs = 0;
					pl = 0;
					snprintf(line, sizeof line,
					    "\r\n+CMGS: %d\r\n\r\nOK\r\n", ++mr);
					say(line);
					status_report(pdu, mr);
					ll = 0;
				} else if (pl + 1 < sizeof pdu && c != '\r' &&
				    c != '\n') {
					pdu[pl++] = c;
				}
				continue;
			}
			if (c == 0x1b)
				continue;	/* ESC outside a PDU: nothing */
			if (c == '\r' || c == '\n') {
				if (ll) {
					line[ll] = '\0';
					command(line, &cmgs);
				}
				ll = 0;
			} else if (ll + 1 < sizeof line) {
				line[ll++] = c;
			}
		}
	}
}
