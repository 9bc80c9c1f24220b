/* SPDX-License-Identifier: GPL-2.0-or-later */
/* resolver.h - reverse DNS and service names in background threads.
 *
 * The UI asks; a known answer comes back at once, an unknown one is queued
 * and the numeric form is shown meanwhile.  Worker threads resolve, cache
 * the answer, and make resolver_fd() readable so the loop redraws.  The
 * UI never waits for DNS.
 */
#ifndef SW_RESOLVER_H
#define SW_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct resolver;

struct resolver *resolver_new(void);
/* Stops the workers (without waiting long for a slow lookup). */
void resolver_free(struct resolver *r);
/* Readable when answers arrived since resolver_drain. */
int resolver_fd(const struct resolver *r);
void resolver_drain(struct resolver *r);
/* Host name of addr (family AF_INET/AF_INET6) into buf: true if known (""
 * when the address has no name), false if queued (buf untouched). */
bool resolver_host(struct resolver *r, int family, const uint8_t addr[16], char *buf,
		   size_t len);
/* Service name of port for proto ("tcp"/"udp"); the same contract. */
bool resolver_service(struct resolver *r, uint16_t port, const char *proto, char *buf,
		      size_t len);

#endif
