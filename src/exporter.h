/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exporter.h - `sockwatch --listen ADDR:PORT`: /metrics over HTTP with
 * libmicrohttpd.  The sampling loop renders each exposition into a buffer
 * and publishes it; libmicrohttpd's own thread serves the last complete
 * buffer (reference counted, swapped under a mutex held only for the swap),
 * so a slow or stuck scraper never delays a sample. */
#ifndef SW_EXPORTER_H
#define SW_EXPORTER_H

#include <stddef.h>
#include <sys/socket.h>

struct exporter;

/* Listen on addr and serve: "/" a small page, "/metrics" the last buffer
 * published (503 until the first), other paths 404, methods other than
 * GET and HEAD 405.  NULL with a message in err on failure (bind: the
 * errno text). */
struct exporter *exporter_start(const struct sockaddr *addr, socklen_t len, char *err,
				size_t errlen);
/* The port it listens on (useful after binding port 0). */
unsigned exporter_port(const struct exporter *e);
/* Serve buf (len bytes, malloc'd; the exporter frees it) from now on. */
void exporter_publish(struct exporter *e, char *buf, size_t len);
/* Stop serving (waits for the server thread) and free everything. */
void exporter_stop(struct exporter *e);

#endif
