/* SPDX-License-Identifier: GPL-2.0-or-later */
/* resolver.c - background reverse DNS and service names with a cache.
 *
 * A fixed-size open-addressing table holds answers and pending requests;
 * a ring buffer feeds the worker threads.  When the table fills up it is
 * emptied (names come back on demand).  An eventfd wakes the loop.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "resolver.h"

#define NWORKERS 4
#define TABLE_SIZE 8192 /* power of two */
#define QUEUE_SIZE 1024

enum { K_HOST = 1, K_SERV = 2 };
enum { E_EMPTY, E_PENDING, E_DONE };

struct rkey {
	uint8_t kind;
	uint8_t family;
	uint8_t udp;
	uint8_t pad;
	uint16_t port;
	uint8_t addr[16];
};

struct entry {
	struct rkey k;
	uint8_t state;
	char name[80];
};

struct resolver {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th[NWORKERS];
	int nthreads;
	bool quit;
	int efd;
	struct entry *table;
	size_t used;
	struct rkey queue[QUEUE_SIZE];
	size_t qhead, qlen;
};

static uint64_t key_hash(const struct rkey *k)
{
	uint64_t a, b;
	memcpy(&a, k->addr, 8);
	memcpy(&b, k->addr + 8, 8);
	uint64_t h = sw_hash64(((uint64_t)k->kind << 40) | ((uint64_t)k->family << 32) |
			       ((uint64_t)k->udp << 24) | k->port);
	h = sw_hash64(h ^ a);
	return sw_hash64(h ^ b);
}

static bool key_eq(const struct rkey *a, const struct rkey *b)
{
	return memcmp(a, b, sizeof *a) == 0;
}

/* Lookup or insert (locked).  NULL when the table is full. */
static struct entry *table_slot(struct resolver *r, const struct rkey *k, bool insert)
{
	size_t i = key_hash(k) & (TABLE_SIZE - 1);
	for (size_t n = 0; n < TABLE_SIZE; n++, i = (i + 1) & (TABLE_SIZE - 1)) {
		struct entry *e = &r->table[i];
		if (e->state == E_EMPTY) {
			if (!insert)
				return NULL;
			if (r->used >= TABLE_SIZE * 3 / 4)
				return NULL;
			e->k = *k;
			e->state = E_PENDING;
			e->name[0] = '\0';
			r->used++;
			return e;
		}
		if (key_eq(&e->k, k))
			return e;
	}
	return NULL;
}

static void resolve_one(const struct rkey *k, char *out, size_t len)
{
	out[0] = '\0';
	if (k->kind == K_HOST) {
		struct sockaddr_storage ss;
		socklen_t sl;
		memset(&ss, 0, sizeof ss);
		if (k->family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
			sin->sin_family = AF_INET;
			memcpy(&sin->sin_addr, k->addr, 4);
			sl = sizeof *sin;
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
			sin6->sin6_family = AF_INET6;
			memcpy(&sin6->sin6_addr, k->addr, 16);
			sl = sizeof *sin6;
		}
		char host[NI_MAXHOST];
		if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, NULL, 0,
				NI_NAMEREQD) == 0)
			sw_strlcpy(out, host, len);
	} else {
		struct servent se, *res = NULL;
		char buf[1024];
		if (getservbyport_r(htons(k->port), k->udp ? "udp" : "tcp", &se, buf, sizeof buf,
				    &res) == 0 && res && res->s_name)
			sw_strlcpy(out, res->s_name, len);
	}
}

static void *worker(void *arg)
{
	struct resolver *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->quit && r->qlen == 0)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->quit)
			break;
		struct rkey k = r->queue[r->qhead];
		r->qhead = (r->qhead + 1) % QUEUE_SIZE;
		r->qlen--;
		pthread_mutex_unlock(&r->mu);

		char name[80];
		resolve_one(&k, name, sizeof name);

		pthread_mutex_lock(&r->mu);
		if (r->quit)
			break;
		struct entry *e = table_slot(r, &k, false);
		if (e) {
			sw_strlcpy(e->name, name, sizeof e->name);
			e->state = E_DONE;
			uint64_t one = 1;
			ssize_t w = write(r->efd, &one, sizeof one);
			(void)w;
		}
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct resolver *resolver_new(void)
{
	struct resolver *r = xcalloc(1, sizeof *r);
	r->table = xcalloc(TABLE_SIZE, sizeof *r->table);
	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	/* Workers block every signal: SIGWINCH, SIGTERM and the ones that
	 * restore the terminal (crt.c) are handled by the main thread. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 0; i < NWORKERS; i++)
		if (pthread_create(&r->th[r->nthreads], NULL, worker, r) == 0)
			r->nthreads++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->quit = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	/* A worker stuck in a slow DNS lookup is left behind (the process is
	 * usually exiting); everything it can touch then stays allocated. */
	bool all = true;
	for (int i = 0; i < r->nthreads; i++) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_timedjoin_np(r->th[i], NULL, &ts) != 0) {
			pthread_detach(r->th[i]);
			all = false;
		}
	}
	if (!all)
		return;
	if (r->efd >= 0)
		close(r->efd);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r->table);
	free(r);
}

int resolver_fd(const struct resolver *r)
{
	return r ? r->efd : -1;
}

void resolver_drain(struct resolver *r)
{
	uint64_t v;
	while (r && read(r->efd, &v, sizeof v) == sizeof v)
		;
}

/* Known: copy the answer (true).  Unknown: queue it (false). */
static bool ask(struct resolver *r, const struct rkey *k, char *buf, size_t len)
{
	bool known = false;
	pthread_mutex_lock(&r->mu);
	struct entry *e = table_slot(r, k, false);
	if (e) {
		if (e->state == E_DONE) {
			sw_strlcpy(buf, e->name, len); /* "" when there is no name */
			known = true;
		}
		pthread_mutex_unlock(&r->mu);
		return known;
	}
	if (r->qlen < QUEUE_SIZE) {
		e = table_slot(r, k, true);
		if (!e) { /* full: start over */
			memset(r->table, 0, TABLE_SIZE * sizeof *r->table);
			r->used = 0;
			e = table_slot(r, k, true);
		}
		if (e) {
			r->queue[(r->qhead + r->qlen) % QUEUE_SIZE] = *k;
			r->qlen++;
			pthread_cond_signal(&r->cv);
		}
	}
	pthread_mutex_unlock(&r->mu);
	return false;
}

bool resolver_host(struct resolver *r, int family, const uint8_t addr[16], char *buf,
		   size_t len)
{
	struct rkey k;
	memset(&k, 0, sizeof k);
	k.kind = K_HOST;
	k.family = (uint8_t)family;
	memcpy(k.addr, addr, family == AF_INET ? 4 : 16);
	return ask(r, &k, buf, len);
}

bool resolver_service(struct resolver *r, uint16_t port, const char *proto, char *buf,
		      size_t len)
{
	struct rkey k;
	memset(&k, 0, sizeof k);
	k.kind = K_SERV;
	k.port = port;
	k.udp = proto && strncmp(proto, "udp", 3) == 0;
	return ask(r, &k, buf, len);
}
