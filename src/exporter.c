/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exporter.c - see exporter.h. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#ifdef MHD_SONAME
#include <dlfcn.h>
#endif

#include "core/i18n.h"
#include "core/util.h"
#include "exporter.h"

/* The libmicrohttpd functions used, typed by its header (a mismatch is a
 * compile error).  With MHD_SONAME (configure) they are looked up when the
 * first server starts: the library, and GnuTLS with eight more libraries
 * under it, is not loaded by runs that do not serve (their loading and
 * relocation cost every run ~2 ms). */
#define MHD_FUNCS(X)                                                  \
	X(start_daemon, MHD_start_daemon)                             \
	X(stop_daemon, MHD_stop_daemon)                               \
	X(get_daemon_info, MHD_get_daemon_info)                       \
	X(create_response_from_buffer, MHD_create_response_from_buffer) \
	X(create_response_with_free, MHD_create_response_from_buffer_with_free_callback_cls) \
	X(add_response_header, MHD_add_response_header)               \
	X(queue_response, MHD_queue_response)                         \
	X(destroy_response, MHD_destroy_response)

#define MHD_SLOT(slot, fn) __typeof__(fn) *slot;
static struct {
	MHD_FUNCS(MHD_SLOT)
} mhd;
#undef MHD_SLOT

#ifdef MHD_SONAME
/* The library's file name: the soname built against, or for tests
 * SOCKWATCH_DEBUG_MHD_SONAME (a library that cannot be loaded). */
static const char *mhd_soname(void)
{
	const char *s = getenv("SOCKWATCH_DEBUG_MHD_SONAME");
	return s && *s ? s : MHD_SONAME;
}
#endif

/* Fill mhd (once; exporter_start runs on one thread).  false with a
 * message in err when the library or one of its functions is missing. */
static bool mhd_load(char *err, size_t errlen)
{
	if (mhd.start_daemon)
		return true;
#ifdef MHD_SONAME
	void *h = dlopen(mhd_soname(), RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		/* dlerror() names the file: "libmicrohttpd.so.12: cannot
		 * open shared object file: ..." */
		snprintf(err, errlen, _("%s (--listen needs libmicrohttpd installed)"),
			 why ? why : mhd_soname());
		return false;
	}
	void *p;
#define MHD_SYM(slot, fn)                                                             \
	if (!(p = dlsym(h, #fn))) {                                                    \
		snprintf(err, errlen, _("%s has no %s: install libmicrohttpd 0.9.71 or later"), \
			 mhd_soname(), #fn);                                             \
		memset(&mhd, 0, sizeof mhd);                                            \
		dlclose(h);                                                             \
		return false;                                                           \
	}                                                                               \
	memcpy(&mhd.slot, &p, sizeof p);
	MHD_FUNCS(MHD_SYM)
#undef MHD_SYM
	/* the handle stays open for the rest of the run */
#else
	(void)err;
	(void)errlen;
#define MHD_SET(slot, fn) mhd.slot = fn;
	MHD_FUNCS(MHD_SET)
#undef MHD_SET
#endif
	return true;
}

/* One published exposition; freed by whoever drops the last reference
 * (the next publish, or the response that still sends it). */
struct page {
	struct exporter *owner;
	unsigned refs; /* under owner->lock */
	size_t len;
	char *data;
};

struct exporter {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	struct page *cur; /* NULL until the first publish */
};

static void page_unref(void *p)
{
	struct page *pg = p;
	struct exporter *e = pg->owner;
	pthread_mutex_lock(&e->lock);
	bool last = --pg->refs == 0;
	pthread_mutex_unlock(&e->lock);
	if (last) {
		free(pg->data);
		free(pg);
	}
}

static const char index_page[] =
	"<!DOCTYPE html>\n<html><head><title>sockwatch exporter</title></head>\n"
	"<body><h1>sockwatch exporter</h1>\n"
	"<p><a href=\"/metrics\">/metrics</a>: sockets, listeners, ephemeral ports, "
	"diagnoses and kernel counters in the Prometheus text format.</p>\n"
	"<p>See sockwatch(1) and doc/check.md.</p></body></html>\n";

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     struct MHD_Response *r)
{
	if (!r)
		return MHD_NO;
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ret = mhd.queue_response(c, status, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r = mhd.create_response_from_buffer(
		strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
	return reply(c, status, "text/plain; charset=utf-8", r);
}

static enum MHD_Result serve_metrics(struct exporter *e, struct MHD_Connection *c)
{
	pthread_mutex_lock(&e->lock);
	struct page *pg = e->cur;
	if (pg)
		pg->refs++;
	pthread_mutex_unlock(&e->lock);
	if (!pg)
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "no sample yet\n");
	struct MHD_Response *r = mhd.create_response_with_free(
		pg->len, pg->data, page_unref, pg);
	if (!r) {
		page_unref(pg);
		return MHD_NO;
	}
	return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", r);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (strcmp(url, "/metrics") == 0)
		return serve_metrics(cls, c);
	if (strcmp(url, "/") == 0) {
		struct MHD_Response *r = mhd.create_response_from_buffer(
			sizeof index_page - 1, (void *)(uintptr_t)index_page, MHD_RESPMEM_PERSISTENT);
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", r);
	}
	return reply_text(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n");
}

static int listen_socket(const struct sockaddr *addr, socklen_t len)
{
	int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, addr, len) < 0 || listen(fd, 64) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

struct exporter *exporter_start(const struct sockaddr *addr, socklen_t len, char *err,
				size_t errlen)
{
	if (!mhd_load(err, errlen))
		return NULL;
	int fd = listen_socket(addr, len);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(-fd));
		return NULL;
	}
	struct exporter *e = xcalloc(1, sizeof *e);
	pthread_mutex_init(&e->lock, NULL);
	/* SIGINT/SIGTERM must reach the sampling thread (its sleep is cut
	 * short): the server thread inherits a mask that blocks them. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if (addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	e->d = mhd.start_daemon(flags, 0, NULL, NULL, handle, e,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!e->d) {
		snprintf(err, errlen, "%s", _("libmicrohttpd could not start its server thread"));
		close(fd);
		pthread_mutex_destroy(&e->lock);
		free(e);
		return NULL;
	}
	return e;
}

unsigned exporter_port(const struct exporter *e)
{
	const union MHD_DaemonInfo *i = mhd.get_daemon_info(e->d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : 0;
}

void exporter_publish(struct exporter *e, char *buf, size_t len)
{
	struct page *pg = xmalloc(sizeof *pg);
	*pg = (struct page){.owner = e, .refs = 1, .len = len, .data = buf};
	pthread_mutex_lock(&e->lock);
	struct page *old = e->cur;
	e->cur = pg;
	pthread_mutex_unlock(&e->lock);
	if (old)
		page_unref(old);
}

void exporter_stop(struct exporter *e)
{
	if (!e)
		return;
	mhd.stop_daemon(e->d); /* closes the listening socket; every response freed */
	if (e->cur)
		page_unref(e->cur);
	pthread_mutex_destroy(&e->lock);
	free(e);
}
