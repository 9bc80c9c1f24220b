/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sampler.c - see sampler.h.  One mutex guards the job; the worker wakes
 * on a condition variable, the main thread's poll() on an eventfd. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "sampler.h"

struct sampler {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;   /* a job, a stop, a job done */
	int efd;             /* the main thread's wakeup */
	unsigned delay_ms;   /* SOCKWATCH_DEBUG_COLLECT_DELAY_MS */
	/* under mu */
	bool job, done, stop, orphan;
	bool merging;        /* the job's merge function runs */
	sampler_merge_fn merge;
	void *merge_arg;
	struct sw_collector *col;
	struct sw_snapshot snap; /* the worker's while job */
	int rc;
	char err[256];
};

/* A sampler whose collection outlived the quit: reachable for the leak
 * checker until the process is gone. */
static struct sampler *sampler_orphaned;

static void deadline_after(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* The debug delay, unless a stop comes first (mu held). */
static void debug_delay(struct sampler *s)
{
	struct timespec until;
	deadline_after(&until, s->delay_ms);
	while (!s->stop && pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
		;
}

/* Everything sampler_new made (the thread is gone or never was). */
static void destroy(struct sampler *s)
{
	snapshot_done(&s->snap);
	close(s->efd);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static void orphan_free(struct sampler *s)
{
	collector_free(s->col);
	sampler_orphaned = NULL;
	destroy(s);
}

static void *worker(void *arg)
{
	struct sampler *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->job && !s->stop)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->job)
			break; /* stopped while idle */
		pthread_mutex_unlock(&s->mu);
		char err[sizeof s->err] = "";
		int rc = collector_sample(s->col, &s->snap, err, sizeof err);
		pthread_mutex_lock(&s->mu);
		if (s->delay_ms) /* a slow collection */
			debug_delay(s);
		if (rc >= 0 && s->merge && !s->orphan && !s->stop) {
			/* from here the caller's data is in use: a quit waits */
			s->merging = true;
			pthread_mutex_unlock(&s->mu);
			s->merge(s->merge_arg, &s->snap);
			pthread_mutex_lock(&s->mu);
			s->merging = false;
		}
		s->rc = rc;
		memcpy(s->err, err, sizeof err);
		s->job = false;
		s->done = true;
		if (s->orphan)
			break;
		pthread_cond_broadcast(&s->cv);
		uint64_t one = 1;
		if (write(s->efd, &one, sizeof one) < 0) {
			/* cannot fail with a counter far from overflow */
		}
	}
	bool orphan = s->orphan;
	pthread_mutex_unlock(&s->mu);
	if (orphan)
		orphan_free(s);
	return NULL;
}

struct sampler *sampler_new(void)
{
	struct sampler *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0) {
		free(s);
		return NULL;
	}
	snapshot_init(&s->snap);
	s->delay_ms = sw_env_ms("SOCKWATCH_DEBUG_COLLECT_DELAY_MS");
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* signals (SIGWINCH, SIGINT, ...) must interrupt the main thread's
	 * poll(), never land here */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int e = pthread_create(&s->thread, NULL, worker, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!e) /* top -H, perf: the collection apart from the screen */
		pthread_setname_np(s->thread, "sw-collect");
	if (e) {
		destroy(s);
		errno = e;
		return NULL;
	}
	return s;
}

int sampler_fd(const struct sampler *s)
{
	return s->efd;
}

void sampler_start(struct sampler *s, struct sw_collector *c, struct sw_snapshot *snap,
		   sampler_merge_fn merge, void *arg)
{
	pthread_mutex_lock(&s->mu);
	s->merge = merge;
	s->merge_arg = arg;
	snapshot_done(&s->snap);
	s->snap = *snap;
	snapshot_init(snap);
	s->col = c;
	s->job = true;
	s->done = false;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

bool sampler_finish(struct sampler *s, struct sw_snapshot *snap, int *rc, char *err,
		    size_t errlen)
{
	uint64_t n;
	if (read(s->efd, &n, sizeof n) < 0 && errno != EAGAIN)
		return false;
	pthread_mutex_lock(&s->mu);
	bool done = s->done;
	if (done) {
		snapshot_done(snap);
		*snap = s->snap;
		snapshot_init(&s->snap);
		*rc = s->rc;
		sw_strlcpy(err, s->err, errlen);
		s->done = false;
	}
	pthread_mutex_unlock(&s->mu);
	return done;
}

bool sampler_stop(struct sampler *s, int wait_ms, struct sw_collector *c)
{
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_broadcast(&s->cv);
	struct timespec until;
	if (wait_ms >= 0)
		deadline_after(&until, (unsigned)wait_ms);
	int e = 0;
	while (s->job && (e != ETIMEDOUT || s->merging))
		e = wait_ms < 0 || s->merging ? pthread_cond_wait(&s->cv, &s->mu)
					      : pthread_cond_timedwait(&s->cv, &s->mu, &until);
	if (s->job) {
		/* the worker frees it all when the collection ends */
		s->orphan = true;
		s->col = c;
		sampler_orphaned = s;
		pthread_mutex_unlock(&s->mu);
		pthread_detach(s->thread);
		return false;
	}
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	destroy(s);
	return true;
}
