/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_resolver: the name resolver's threads (src/ui/resolver.c) under
 * concurrent lookups.  Two asking threads and the main thread hammer the
 * same resolver with service and host lookups while its workers answer,
 * overflowing the table (the "start over" path) and the queue; every
 * answer that comes back must be the right one.  Only local sources are
 * asked (/etc/services, /etc/hosts: 127.0.0.1 and ::1), never the network.
 * Built with --enable-tsan this is the ThreadSanitizer run of the
 * resolver (see scripts/build.sh). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/util.h"
#include "ui/resolver.h"

#define NPORTS 4000 /* x2 protocols: more keys than the table keeps */

/* What getservbyport_r says itself, for comparison ("" if nothing). */
static void expect_service(uint16_t port, bool udp, char *out, size_t len)
{
	struct servent se, *res = NULL;
	char buf[1024];
	out[0] = '\0';
	if (getservbyport_r(htons(port), udp ? "udp" : "tcp", &se, buf, sizeof buf, &res) == 0 &&
	    res && res->s_name)
		sw_strlcpy(out, res->s_name, len);
}

struct asker {
	struct resolver *r;
	unsigned seed;
	long answers, wrong;
};

/* Ask for ports in a scrambled order until the deadline; check every
 * answer that is known. */
static void *ask_loop(void *arg)
{
	struct asker *a = arg;
	uint64_t end = sw_mono_ns() + 1500000000ull;
	unsigned x = a->seed;
	while (sw_mono_ns() < end) {
		x = x * 1103515245u + 12345u;
		uint16_t port = (uint16_t)(1 + (x >> 8) % NPORTS);
		bool udp = (x >> 4) & 1;
		char got[80], want[80];
		if (resolver_service(a->r, port, udp ? "udp" : "tcp", got, sizeof got)) {
			expect_service(port, udp, want, sizeof want);
			a->answers++;
			if (strcmp(got, want) != 0)
				a->wrong++;
		}
		if ((x & 63) == 0)
			resolver_drain(a->r);
	}
	return NULL;
}

/* Wait (bounded) until a lookup is answered. */
static bool wait_known(struct resolver *r, bool (*ask)(struct resolver *, void *, char *),
		       void *arg, char *out)
{
	for (int i = 0; i < 1000; i++) {
		if (ask(r, arg, out))
			return true;
		struct pollfd p = {.fd = resolver_fd(r), .events = POLLIN};
		poll(&p, 1, 20);
		resolver_drain(r);
	}
	return false;
}

static bool ask_ssh(struct resolver *r, void *arg, char *out)
{
	(void)arg;
	return resolver_service(r, 22, "tcp", out, 80);
}

static bool ask_host(struct resolver *r, void *arg, char *out)
{
	const int *family = arg;
	uint8_t addr[16] = {0};
	if (*family == AF_INET) {
		addr[0] = 127;
		addr[3] = 1;
	} else {
		addr[15] = 1;
	}
	return resolver_host(r, *family, addr, out, 80);
}

static void test_concurrent(void **state)
{
	(void)state;
	struct resolver *r = resolver_new();
	assert_non_null(r);
	assert_true(resolver_fd(r) >= 0);
	struct asker a[2] = {{r, 1, 0, 0}, {r, 7, 0, 0}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, ask_loop, &a[i]), 0);
	/* the main thread asks too, as the UI does, meanwhile */
	char out[80];
	int v4 = AF_INET, v6 = AF_INET6;
	char want[80];
	expect_service(22, false, want, sizeof want);
	assert_true(wait_known(r, ask_ssh, NULL, out));
	assert_string_equal(out, want);
	assert_true(wait_known(r, ask_host, &v4, out));
	assert_true(wait_known(r, ask_host, &v6, out));
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	/* answers came back, all of them right */
	assert_true(a[0].answers + a[1].answers > 0);
	assert_int_equal(a[0].wrong + a[1].wrong, 0);
	resolver_free(r);
}

/* Freeing with lookups still queued stops the workers cleanly. */
static void test_free_busy(void **state)
{
	(void)state;
	struct resolver *r = resolver_new();
	char out[80];
	for (uint16_t p = 1; p < 2000; p++)
		resolver_service(r, p, "udp", out, sizeof out);
	resolver_free(r);
	resolver_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_free_busy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
