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
	t->last[0] = t->last[1] = 0;
	if (t->slot)
		memset(t->slot, 0, t->nslot * sizeof *t->slot);
}

/* An address as two words (the compare and the hash read them, not
 * bytes: this runs twice a socket in a dump). */
struct aw {
	uint64_t w0, w1;
};

static inline struct aw aw_of(const uint8_t a[16])
{
	struct aw w;
	memcpy(&w.w0, a, 8);
	memcpy(&w.w1, a + 8, 8);
	return w;
}

static inline bool aw_is(const uint8_t a[16], struct aw w)
{
	struct aw x = aw_of(a);
	return ((x.w0 ^ w.w0) | (x.w1 ^ w.w1)) == 0;
}

/* Multiplicative: the table's bits from the top of one product. */
static inline size_t aw_slot(struct aw w, uint32_t nslot)
{
	uint64_t x = (w.w0 ^ (w.w1 * 0xc2b2ae3d27d4eb4fULL)) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(x >> 32) & (nslot - 1);
}

static void rehash(struct sw_atab *t, uint32_t nslot)
{
	free(t->slot);
	t->slot = xcalloc(nslot, sizeof *t->slot);
	t->nslot = nslot;
	for (uint32_t i = 1; i < t->n; i++) {
		size_t h = aw_slot(aw_of(t->a[i]), nslot);
		while (t->slot[h])
			h = (h + 1) & (nslot - 1);
		t->slot[h] = i + 1;
	}
}

static uint32_t intern(struct sw_atab *t, const uint8_t addr[16], int side)
{
	struct aw w = aw_of(addr);
	if (aw_is(t->a[t->last[side]], w))
		return t->last[side];
	if ((w.w0 | w.w1) == 0)
		return 0;
	if (t->n * 2 >= t->nslot)
		rehash(t, t->nslot ? t->nslot * 2 : 64);
	size_t h = aw_slot(w, t->nslot);
	for (uint32_t v; (v = t->slot[h]) != 0; h = (h + 1) & (t->nslot - 1)) {
		if (aw_is(t->a[v - 1], w))
			return t->last[side] = v - 1;
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
	return t->last[side] = t->n++;
}

uint32_t sw_atab_intern_slow(struct sw_atab *t, const uint8_t addr[16], int side)
{
	return intern(t, addr, side);
}

uint32_t sw_atab_intern(struct sw_atab *t, const uint8_t addr[16])
{
	if (t && t != &table0)
		return intern(t, addr, 0);
	pthread_mutex_lock(&t0_lock);
	uint32_t i = intern(&table0, addr, 0);
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
