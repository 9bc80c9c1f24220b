/* SPDX-License-Identifier: GPL-2.0-or-later */
/* atab.c - address tables: every address a snapshot's records name, once.
 *
 * A record keeps a 4-byte index per address instead of 16 bytes; its
 * one-byte conn.atab names the table (sw_atabs[]).  Registering a table
 * takes a lock; reading one does not (a record's table outlives it: it
 * is the table of the snapshot holding the record, moved and freed with
 * it).  Table 0 is the process's own, for records made outside any
 * snapshot; it is only ever added to, under its lock.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "util.h"

static uint8_t zero_addrs[1][16];
static struct sw_atab table0 = {.a = zero_addrs, .n = 1, .cap = 1};
struct sw_atab *sw_atabs[SW_ATAB_MAX] = {&table0};
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t t0_lock = PTHREAD_MUTEX_INITIALIZER;

struct sw_atab *sw_atab_new(void)
{
	struct sw_atab *t = xcalloc(1, sizeof *t);
	t->cap = 16;
	t->a = xcalloc(t->cap, sizeof *t->a);
	t->n = 1;
	pthread_mutex_lock(&reg_lock);
	for (unsigned i = 1; i < SW_ATAB_MAX; i++) {
		if (!sw_atabs[i]) {
			t->id = (uint8_t)i;
			sw_atabs[i] = t;
			break;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	if (!t->id) {
		fprintf(stderr, "sockwatch: internal error: more than %d address tables\n",
			SW_ATAB_MAX - 1);
		abort();
	}
	return t;
}

void sw_atab_free(struct sw_atab *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&reg_lock);
	sw_atabs[t->id] = NULL;
	pthread_mutex_unlock(&reg_lock);
	free(t->a);
	free(t->slot);
	free(t);
}

void sw_atab_clear(struct sw_atab *t)
{
	t->n = 1;
	t->last = 0;
	if (t->slot)
		memset(t->slot, 0, t->nslot * sizeof *t->slot);
}

static size_t addr_hash(const uint8_t a[16])
{
	uint64_t w[2];
	memcpy(w, a, 16);
	return (size_t)sw_hash64(w[0] ^ (w[1] * 0x9e3779b97f4a7c15ULL));
}

static void rehash(struct sw_atab *t, uint32_t nslot)
{
	free(t->slot);
	t->slot = xcalloc(nslot, sizeof *t->slot);
	t->nslot = nslot;
	for (uint32_t i = 1; i < t->n; i++) {
		size_t h = addr_hash(t->a[i]) & (nslot - 1);
		while (t->slot[h])
			h = (h + 1) & (nslot - 1);
		t->slot[h] = i + 1;
	}
}

static uint32_t intern(struct sw_atab *t, const uint8_t addr[16])
{
	if (memcmp(t->a[t->last], addr, 16) == 0)
		return t->last;
	static const uint8_t zero[16];
	if (memcmp(addr, zero, 16) == 0)
		return 0;
	if (t->n * 2 >= t->nslot)
		rehash(t, t->nslot ? t->nslot * 2 : 64);
	size_t h = addr_hash(addr) & (t->nslot - 1);
	for (uint32_t v; (v = t->slot[h]) != 0; h = (h + 1) & (t->nslot - 1)) {
		if (memcmp(t->a[v - 1], addr, 16) == 0)
			return t->last = v - 1;
	}
	if (t->n == t->cap) {
		/* table 0 starts on a static array of one */
		size_t cap = t->cap;
		uint8_t(*na)[16] = xmalloc(cap * 2 * sizeof *na);
		memcpy(na, t->a, cap * sizeof *na);
		if (t->a != zero_addrs)
			free(t->a);
		t->a = na;
		t->cap = (uint32_t)(cap * 2);
	}
	memcpy(t->a[t->n], addr, 16);
	t->slot[h] = t->n + 1;
	return t->last = t->n++;
}

uint32_t sw_atab_intern(struct sw_atab *t, const uint8_t addr[16])
{
	if (t && t != &table0)
		return intern(t, addr);
	pthread_mutex_lock(&t0_lock);
	uint32_t i = intern(&table0, addr);
	pthread_mutex_unlock(&t0_lock);
	return i;
}

void sw_conn_rehome(struct sw_conn *c, struct sw_atab *t)
{
	if (!t)
		t = &table0;
	if (c->atab == t->id)
		return;
	if (!c->local.ai && !c->remote.ai) { /* zeros in every table */
		c->atab = t->id;
		return;
	}
	uint8_t l[16], r[16];
	memcpy(l, sw_laddr(c), 16);
	memcpy(r, sw_raddr(c), 16);
	c->local.ai = sw_atab_intern(t, l);
	c->remote.ai = sw_atab_intern(t, r);
	c->atab = t->id;
}

void sw_conn_set_addr(struct sw_conn *c, struct sw_atab *t, bool remote, const uint8_t addr[16])
{
	sw_conn_rehome(c, t);
	uint32_t ai = sw_atab_intern(t ? t : &table0, addr);
	if (remote)
		c->remote.ai = ai;
	else
		c->local.ai = ai;
}
