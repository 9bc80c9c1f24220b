/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cells.c - the visible text of a connection row's cells: the column
 * table's format, or "host:service" from the resolver when names are on. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cells.h"
#include "core/util.h"
#include "uistate.h"

/* "host:service" with names from the resolver (numeric while pending). */
static void resolved_ep(struct ui *ui, const struct sw_row *r, bool remote, char *buf,
			size_t len)
{
	const struct sw_conn *c = r->conn;
	const struct sw_epix *ep = remote ? &c->remote : &c->local;
	int fam = c->family;
	uint8_t a[16];
	memcpy(a, sw_conn_addr(c, ep), 16);
	if (fam == AF_INET6 && sw_addr_is_v4mapped(a)) {
		memmove(a, a + 12, 4);
		fam = AF_INET;
	}
	char host[128], serv[64];
	if (sw_addr_is_any(fam, a)) {
		/* as sw_local_str: 0.0.0.0 (IPv4), [::] (v6only), * (dual-stack) */
		bool v6only = c->flags & SW_CF_V6ONLY;
		sw_strlcpy(host, remote || (fam == AF_INET6 && !v6only) ? "*"
				 : fam == AF_INET ? "0.0.0.0" : "[::]", sizeof host);
	} else {
		sw_addr_str(fam, a, false, host, sizeof host);
		char name[128];
		if (resolver_host(ui->res, fam, a, name, sizeof name) && name[0])
			sw_strlcpy(host, name, sizeof host);
		else if (fam == AF_INET6) {
			char b[160];
			snprintf(b, sizeof b, "[%s]", host);
			sw_strlcpy(host, b, sizeof host);
		}
	}
	if (ep->port == 0) {
		sw_strlcpy(serv, "*", sizeof serv);
	} else {
		snprintf(serv, sizeof serv, "%u", ep->port);
		char name[64];
		if (resolver_service(ui->res, ep->port, sw_proto_name(c->proto), name, sizeof name) &&
		    name[0])
			sw_strlcpy(serv, name, sizeof serv);
	}
	snprintf(buf, len, "%s:%s", host, serv);
}

void cell_text(struct ui *ui, const struct sw_row *r, enum sw_col_id id, char *buf, size_t len)
{
	const struct sw_conn *c = r->conn;
	bool inet = c->family == AF_INET || c->family == AF_INET6;
	if (ui->resolve && ui->res && inet && (id == SW_COL_LOCAL || id == SW_COL_REMOTE)) {
		resolved_ep(ui, r, id == SW_COL_REMOTE, buf, len);
		return;
	}
	buf[0] = '\0';
	const struct sw_column *col = column_get(id);
	if (col && col->format)
		col->format(r, buf, len);
}

void cell_describe(struct ui *ui, const struct sw_row *r, char *buf, size_t len)
{
	char proto[32], local[256], remote[256];
	column_get(SW_COL_PROTO)->format(r, proto, sizeof proto);
	cell_text(ui, r, SW_COL_LOCAL, local, sizeof local);
	cell_text(ui, r, SW_COL_REMOTE, remote, sizeof remote);
	snprintf(buf, len, "%s %s -> %s %s", proto, local, remote,
		 sw_state_name(r->conn->state, r->conn->proto));
}
