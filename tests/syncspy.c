/* fdatasync(2), held or failed on a test's demand; see syncspy.h. */
#include "tests/syncspy.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

int __real_fdatasync(int);
int __wrap_fdatasync(int);

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int holding, failing, calls, waiting;

int
__wrap_fdatasync(int fd)
{
	int err, rc;

	pthread_mutex_lock(&mu);
	waiting++;
	pthread_cond_broadcast(&cv);
	while (holding)
		pthread_cond_wait(&cv, &mu);
	waiting--;
	err = failing;
	pthread_mutex_unlock(&mu);
	rc = err ? (errno = err, -1) : __real_fdatasync(fd);
	pthread_mutex_lock(&mu);
	calls++;
	pthread_mutex_unlock(&mu);
	return rc;
}

void
syncspy_hold(int on)
{
	pthread_mutex_lock(&mu);
	holding = on;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

void
syncspy_fail(int err)
{
	pthread_mutex_lock(&mu);
	failing = err;
	pthread_mutex_unlock(&mu);
}

int
syncspy_calls(void)
{
	int n;

	pthread_mutex_lock(&mu);
	n = calls;
	pthread_mutex_unlock(&mu);
	return n;
}

int
syncspy_await_held(void)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 30;	/* a loaded machine may be slow */
	pthread_mutex_lock(&mu);
	while (waiting == 0 && rc == 0)
		rc = pthread_cond_timedwait(&cv, &mu, &until);
	rc = waiting > 0 ? 0 : -1;
	pthread_mutex_unlock(&mu);
	return rc;
}
