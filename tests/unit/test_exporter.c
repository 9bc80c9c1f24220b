/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_exporter: --listen's HTTP side (src/exporter.c) on 127.0.0.1, port
 * chosen by the kernel.  503 before the first publish, 404, 405; then four
 * client threads scrape /metrics while this thread publishes 300 buffers:
 * every body must be one whole published buffer (never torn, never freed
 * under a response: ASan here, ThreadSanitizer in scripts/build.sh) and a
 * client never sees an older one after a newer. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exporter.h"

static unsigned port;

/* "METHOD PATH" over HTTP/1.0; the status, and the body into *body (free). */
static int request(const char *method, const char *path, char **body)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	char req[128];
	int n = snprintf(req, sizeof req, "%s %s HTTP/1.0\r\n\r\n", method, path);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	ssize_t r;
	while ((r = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)r;
		if (len == cap)
			buf = realloc(buf, (cap *= 2) + 1);
	}
	close(fd);
	buf[len] = '\0';
	int status = -1;
	sscanf(buf, "HTTP/1.%*d %d", &status);
	char *sep = strstr(buf, "\r\n\r\n");
	*body = strdup(sep ? sep + 4 : "");
	free(buf);
	return status;
}

/* A published buffer: "sample N\n" then 200 lines "N line K\n". */
static char *make_page(int n, size_t *len)
{
	char *b = NULL;
	FILE *fp = open_memstream(&b, len);
	fprintf(fp, "sample %d\n", n);
	for (int k = 0; k < 200; k++)
		fprintf(fp, "%d line %d\n", n, k);
	fclose(fp);
	return b;
}

/* The sample number of a whole page, or -1. */
static int page_ok(const char *body)
{
	int n;
	if (sscanf(body, "sample %d\n", &n) != 1)
		return -1;
	size_t len;
	char *want = make_page(n, &len);
	int ok = strcmp(want, body) == 0;
	free(want);
	return ok ? n : -1;
}

static atomic_int stop_clients;

struct client {
	pthread_t t;
	int scrapes, bad, backwards;
};

static void *client_run(void *p)
{
	struct client *c = p;
	int last = -1;
	while (!stop_clients) {
		char *body;
		int st = request("GET", "/metrics", &body);
		int n = st == 200 ? page_ok(body) : -1;
		free(body);
		c->scrapes++;
		if (n < 0)
			c->bad++;
		else if (n < last)
			c->backwards++;
		else
			last = n;
	}
	return NULL;
}

static void test_exporter(void **state)
{
	(void)state;
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	char err[256];
	struct exporter *e = exporter_start((struct sockaddr *)&a, sizeof a, err, sizeof err);
	assert_non_null(e);
	port = exporter_port(e);
	assert_true(port > 0);

	char *body;
	assert_int_equal(request("GET", "/metrics", &body), 503);
	free(body);
	assert_int_equal(request("GET", "/", &body), 200);
	assert_non_null(strstr(body, "href=\"/metrics\""));
	free(body);
	assert_int_equal(request("GET", "/metric", &body), 404);
	free(body);
	assert_int_equal(request("DELETE", "/metrics", &body), 405);
	free(body);

	size_t len;
	char *pg = make_page(0, &len);
	exporter_publish(e, pg, len);
	assert_int_equal(request("GET", "/metrics", &body), 200);
	assert_int_equal(page_ok(body), 0);
	free(body);
	assert_int_equal(request("HEAD", "/metrics", &body), 200);
	assert_string_equal(body, "");
	free(body);

	struct client c[4];
	memset(c, 0, sizeof c);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&c[i].t, NULL, client_run, &c[i]), 0);
	for (int n = 1; n <= 300; n++) {
		pg = make_page(n, &len);
		exporter_publish(e, pg, len);
		usleep(1000);
	}
	stop_clients = 1;
	int scrapes = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(c[i].t, NULL);
		assert_int_equal(c[i].bad, 0);
		assert_int_equal(c[i].backwards, 0);
		scrapes += c[i].scrapes;
	}
	print_message("%d scrapes during 300 publishes, all whole\n", scrapes);
	assert_true(scrapes >= 4);
	assert_int_equal(request("GET", "/metrics", &body), 200);
	assert_int_equal(page_ok(body), 300);
	free(body);
	exporter_stop(e);

	/* a port in use: NULL and the errno text */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t al = sizeof a;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_null(exporter_start((struct sockaddr *)&a, sizeof a, err, sizeof err));
	assert_string_equal(err, strerror(EADDRINUSE));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exporter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
