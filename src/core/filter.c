/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filter.c - the ss-like filter language: parse to a compiled tree once
 * (filter_priv.h); filtermatch.c evaluates it per socket with no allocation
 * and no string parsing.
 *
 * The accepted language is described precisely in doc/filter.md (the man
 * page's FILTER EXPRESSIONS section).  In short:
 *
 *   expr   := term { ("or" | "||" | ",") term }
 *   term   := factor { ["and" | "&&"] factor }          juxtaposition = and
 *   factor := ("not" | "!") factor | "(" expr ")" | cond
 *
 * with one ss habit kept: a run of juxtaposed `state X` / `exclude X`
 * conditions builds ONE state set, as ss does ("state established state
 * syn-sent" = either state; "exclude listen" = every state but LISTEN).
 *
 * Nodes live in one array, each after its operands; AND/OR chains are
 * built left-deep (a flat chain of any length is a loop here, in the
 * evaluator and in the hint planners of filterhint.c), and the nesting of
 * parentheses and "not" (the only recursion, here and when evaluating) is
 * limited to MAX_DEPTH levels at parse time.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "filter.h"
#include "filter_priv.h"
#include "i18n.h"
#include "util.h"

#define MAX_DEPTH 64
#define MAX_WORD 256

/* ---- the filter object ----------------------------------------------------- */

static const struct sw_filter_env *env; /* filter_set_env */

void filter_set_env(const struct sw_filter_env *e)
{
	env = e;
}

const char *filter_text(const struct sw_filter *f)
{
	return f ? f->text : "";
}

void filter_free(struct sw_filter *f)
{
	if (!f)
		return;
	free(f->nodes);
	free(f->strs);
	free(f->text);
	free(f);
}

/* ---- lexer ------------------------------------------------------------------- */

enum tkind { T_EOF, T_WORD, T_LP, T_RP, T_NOT, T_AND, T_OR, T_OP };

struct tok {
	enum tkind kind;
	int pos, len;
	int op;
	bool quoted;
	char w[MAX_WORD]; /* WORD text without quotes */
};

struct parser {
	const char *src;
	size_t at;
	struct tok t;
	struct sw_filter *f;
	struct sw_filter_error *err;
	bool failed;
	int depth;
	/* The last name looked up (a user, interface, service, cgroup):
	 * lookups read files or ask the kernel, and a long filter repeats
	 * the same name ("uid www-data" 100,000 times must stay fast). */
	struct {
		int kind;
		uint64_t v;
		char name[MAX_WORD];
	} memo;
};

static bool memo_get(const struct parser *P, int kind, const char *name, uint64_t *v)
{
	if (P->memo.kind != kind || strcmp(P->memo.name, name) != 0)
		return false;
	*v = P->memo.v;
	return true;
}

static void memo_put(struct parser *P, int kind, const char *name, uint64_t v)
{
	P->memo.kind = kind;
	P->memo.v = v;
	sw_strlcpy(P->memo.name, name, sizeof P->memo.name);
}

static void perr(struct parser *P, int pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *P, int pos, const char *fmt, ...)
{
	if (P->failed)
		return;
	P->failed = true;
	P->t.kind = T_EOF;
	if (!P->err)
		return;
	char raw[sizeof P->err->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* the words quoted in it come from the user: no terminal escapes */
	sw_escape(raw, sizeof raw, P->err->msg, sizeof P->err->msg);
	P->err->pos = pos;
}

/* The source text of the current token, for messages (truncated). */
static const char *tok_text(const struct parser *P, char *buf, size_t len)
{
	size_t n = (size_t)P->t.len;
	if (P->t.kind == T_EOF)
		return "";
	if (n > 40) {
		memcpy(buf, P->src + P->t.pos, 37);
		memcpy(buf + 37, "...", 4);
		return buf;
	}
	if (n >= len)
		n = len - 1;
	memcpy(buf, P->src + P->t.pos, n);
	buf[n] = '\0';
	return buf;
}

static bool is_word_char(char ch)
{
	return ch && !isspace((unsigned char)ch) && !strchr("()!,=<>&|\"'", ch);
}

static void lex(struct parser *P)
{
	const char *s = P->src;
	size_t i = P->at;
	struct tok *t = &P->t;

	if (P->failed) {
		t->kind = T_EOF;
		return;
	}
	while (s[i] && isspace((unsigned char)s[i]))
		i++;
	t->pos = (int)i;
	t->len = 1;
	t->op = OP_EQ;
	t->quoted = false;
	t->w[0] = '\0';
	switch (s[i]) {
	case '\0':
		t->kind = T_EOF;
		t->len = 0;
		break;
	case '(':
		t->kind = T_LP;
		break;
	case ')':
		t->kind = T_RP;
		break;
	case ',':
		t->kind = T_OR;
		break;
	case '!':
		if (s[i + 1] == '=') {
			t->kind = T_OP;
			t->op = OP_NE;
			t->len = 2;
		} else {
			t->kind = T_NOT;
		}
		break;
	case '=':
		t->kind = T_OP;
		t->op = OP_EQ;
		t->len = s[i + 1] == '=' ? 2 : 1;
		break;
	case '<':
	case '>':
		t->kind = T_OP;
		if (s[i + 1] == '=') {
			t->op = s[i] == '<' ? OP_LE : OP_GE;
			t->len = 2;
		} else {
			t->op = s[i] == '<' ? OP_LT : OP_GT;
		}
		break;
	case '&':
	case '|':
		if (s[i + 1] == s[i]) {
			t->kind = s[i] == '&' ? T_AND : T_OR;
			t->len = 2;
		} else {
			perr(P, (int)i, _("unexpected character '%c' (use '%c%c' or '%s')"),
			     s[i], s[i], s[i], s[i] == '&' ? "and" : "or");
			return;
		}
		break;
	case '"':
	case '\'': {
		const char *e = strchr(s + i + 1, s[i]);
		if (!e) {
			perr(P, (int)i, _("unterminated quote"));
			return;
		}
		size_t n = (size_t)(e - (s + i + 1));
		if (n >= MAX_WORD) {
			perr(P, (int)i, _("word too long"));
			return;
		}
		memcpy(t->w, s + i + 1, n);
		t->w[n] = '\0';
		t->kind = T_WORD;
		t->quoted = true;
		t->len = (int)(e - (s + i)) + 1;
		break;
	}
	default: {
		size_t j = i;
		while (is_word_char(s[j]))
			j++;
		size_t n = j - i;
		if (n >= MAX_WORD) {
			perr(P, (int)i, _("word too long"));
			return;
		}
		memcpy(t->w, s + i, n);
		t->w[n] = '\0';
		t->len = (int)n;
		t->kind = T_WORD;
		if (strcasecmp(t->w, "and") == 0)
			t->kind = T_AND;
		else if (strcasecmp(t->w, "or") == 0)
			t->kind = T_OR;
		else if (strcasecmp(t->w, "not") == 0)
			t->kind = T_NOT;
		break;
	}
	}
	P->at = i + (size_t)t->len;
}

/* ---- tree building ------------------------------------------------------------ */

static uint32_t node_new(struct parser *P, int kind)
{
	struct sw_filter *f = P->f;
	f->nodes = xgrow(f->nodes, &f->capnodes, f->nnodes + 1, sizeof *f->nodes);
	struct fnode *n = &f->nodes[f->nnodes];
	memset(n, 0, sizeof *n);
	n->kind = (uint8_t)kind;
	return (uint32_t)f->nnodes++;
}

static uint32_t node_bin(struct parser *P, int kind, uint32_t l, uint32_t r)
{
	uint32_t i = node_new(P, kind);
	P->f->nodes[i].l = l;
	P->f->nodes[i].r = r;
	return i;
}

static uint32_t str_add(struct parser *P, const char *s)
{
	struct sw_filter *f = P->f;
	size_t n = strlen(s);
	f->strs = xgrow(f->strs, &f->strscap, f->strslen + n + 1, 1);
	memcpy(f->strs + f->strslen, s, n + 1);
	uint32_t off = (uint32_t)f->strslen;
	f->strslen += n + 1;
	return off;
}

/* ---- states -------------------------------------------------------------------- */

#define ST(x) SW_STATE_BIT(SW_ST_##x)
#define BUCKET (ST(SYN_RECV) | ST(NEW_SYN_RECV) | ST(TIME_WAIT))
#define CONNECTED (SW_STATE_ALL & ~(ST(LISTEN) | ST(CLOSE) | ST(UNKNOWN) | ST(BOUND_INACTIVE)))

static const struct {
	const char *name;
	uint32_t mask;
} state_groups[] = {
	{"all", SW_STATE_ALL},
	{"connected", CONNECTED},
	{"synchronized", CONNECTED & ~ST(SYN_SENT)},
	{"bucket", BUCKET},
	{"big", SW_STATE_ALL & ~BUCKET},
};

/* Suggestions for a misspelt state (the spellings ss and netstat print). */
static const char *const state_words[] = {
	"established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2",
	"time-wait", "closed", "close-wait", "last-ack", "listening", "listen",
	"closing", "unconn", "estab", "syn_recv", "time_wait", "close_wait",
	"all", "connected", "synchronized", "bucket", "big",
};

/* State or group name -> mask; 0 if unknown. */
static uint32_t state_mask(const char *w)
{
	for (size_t i = 0; i < sizeof state_groups / sizeof state_groups[0]; i++)
		if (strcasecmp(w, state_groups[i].name) == 0)
			return state_groups[i].mask;
	int st = sw_state_from_name(w);
	if (st < 0 || st >= SW_ST_COUNT)
		return 0;
	if (st == SW_ST_SYN_RECV)
		return ST(SYN_RECV) | ST(NEW_SYN_RECV);
	return SW_STATE_BIT(st);
}

/* ---- conditions ------------------------------------------------------------------ */

/* Current token is the state/group word; apply to *mask. */
static bool parse_state_word(struct parser *P, const char *kw, uint32_t *m)
{
	if (P->t.kind != T_WORD) {
		perr(P, P->t.pos, _("expected a state name after '%s'"), kw);
		return false;
	}
	*m = state_mask(P->t.w);
	if (!*m) {
		const char *s = sw_closest(P->t.w, state_words,
					sizeof state_words / sizeof state_words[0]);
		if (s)
			perr(P, P->t.pos, _("unknown state '%s' — did you mean '%s'?"),
			     P->t.w, s);
		else
			perr(P, P->t.pos, _("unknown state '%s'"), P->t.w);
		return false;
	}
	lex(P);
	return true;
}

/* Services people filter on, so lookups need no /etc/services. */
static const struct {
	const char *name;
	uint16_t port;
} services[] = {
	{"ftp", 21},         {"ssh", 22},        {"telnet", 23},      {"smtp", 25},
	{"domain", 53},      {"dns", 53},        {"http", 80},        {"www", 80},
	{"pop3", 110},       {"ntp", 123},       {"imap", 143},       {"snmp", 161},
	{"ldap", 389},       {"https", 443},     {"smtps", 465},      {"submission", 587},
	{"ldaps", 636},      {"imaps", 993},     {"pop3s", 995},      {"mssql", 1433},
	{"mysql", 3306},     {"rdp", 3389},      {"postgresql", 5432}, {"postgres", 5432},
	{"amqp", 5672},      {"redis", 6379},    {"http-alt", 8080},  {"php-fpm", 9000},
	{"memcache", 11211}, {"memcached", 11211}, {"mongodb", 27017},
};

/* "N", ":N", "SERVICE", ":SERVICE" -> port.  pos is for errors. */
static bool parse_port(struct parser *P, const char *w, int pos, uint16_t *port)
{
	if (*w == ':') {
		w++;
		pos++;
	}
	if (!*w) {
		perr(P, pos, _("expected a port number or service name"));
		return false;
	}
	if (sw_all_digits(w)) {
		uint64_t v;
		if (!sw_parse_u64(w, 65535, &v)) {
			perr(P, pos, _("port %s out of range (0-65535)"), w);
			return false;
		}
		*port = (uint16_t)v;
		return true;
	}
	for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
		if (strcasecmp(w, services[i].name) == 0) {
			*port = services[i].port;
			return true;
		}
	}
	bool plausible = true;
	for (const char *p = w; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			plausible = false;
	uint64_t v;
	if (memo_get(P, 's', w, &v)) {
		*port = (uint16_t)v;
		return true;
	}
	if (plausible) {
		struct servent *se = getservbyname(w, "tcp");
		if (!se)
			se = getservbyname(w, NULL);
		if (se) {
			*port = ntohs((uint16_t)se->s_port);
			memo_put(P, 's', w, *port);
			return true;
		}
	}
	perr(P, pos, _("unknown service '%s' (use a port number)"), w);
	return false;
}

static bool word_op(const char *w, int *op)
{
	static const struct {
		const char *n;
		int op;
	} ops[] = {
		{"eq", OP_EQ}, {"neq", OP_NE}, {"ne", OP_NE}, {"lt", OP_LT},
		{"le", OP_LE}, {"gt", OP_GT},  {"ge", OP_GE},
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcasecmp(w, ops[i].n) == 0) {
			*op = ops[i].op;
			return true;
		}
	return false;
}

/* ss's optional "=" after src, dst, dev, fwmark and cgroup ("==" and "eq"
 * too); "!=" ("ne", "neq") sets *neg where ne_ok.  False after an error. */
static bool opt_eq(struct parser *P, const char *kw, bool ne_ok, bool *neg)
{
	int op = -1;
	*neg = false;
	if (P->t.kind == T_OP)
		op = P->t.op;
	else if (P->t.kind != T_WORD || P->t.quoted || !word_op(P->t.w, &op))
		return true;
	if (op == OP_EQ || (op == OP_NE && ne_ok)) {
		*neg = op == OP_NE;
		lex(P);
		return true;
	}
	char b[8];
	if (ne_ok)
		perr(P, P->t.pos, _("'%s' cannot follow '%s' (only '=' or '!=')"),
		     tok_text(P, b, sizeof b), kw);
	else
		perr(P, P->t.pos, _("'%s' cannot follow '%s' (only '='; negate with 'not')"),
		     tok_text(P, b, sizeof b), kw);
	return false;
}

/* sport/dport/port [OP] PORT; the keyword was consumed. */
static uint32_t cond_port(struct parser *P, const char *kw, int side)
{
	char ctx[64];
	int op = OP_EQ;
	snprintf(ctx, sizeof ctx, "%.20s", kw);
	if (P->t.kind == T_OP) {
		op = P->t.op;
		char b[8];
		snprintf(ctx, sizeof ctx, "%.20s %.8s", kw, tok_text(P, b, sizeof b));
		lex(P);
	} else if (P->t.kind == T_WORD && !P->t.quoted && word_op(P->t.w, &op)) {
		snprintf(ctx, sizeof ctx, "%.20s %.8s", kw, P->t.w);
		lex(P);
	}
	if (P->t.kind != T_WORD) {
		perr(P, P->t.pos, _("expected a port after '%s'"), ctx);
		return 0;
	}
	uint16_t port;
	if (!parse_port(P, P->t.w, P->t.pos, &port))
		return 0;
	lex(P);
	uint32_t i = node_new(P, N_PORT);
	struct fnode *n = &P->f->nodes[i];
	n->side = (uint8_t)side;
	n->op = (uint8_t)op;
	n->u.port = port;
	return i;
}

static void set_prefix(struct fhost *h, const uint8_t a[16], int plen, bool v4)
{
	uint8_t m[16] = {0}, am[16];
	int bytes = v4 ? 4 : 16;
	for (int b = 0; b < bytes; b++) {
		int bits = plen - 8 * b;
		m[b] = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		am[b] = a[b] & m[b];
	}
	h->v4 = v4;
	h->has_addr = true;
	if (v4) {
		memcpy(&h->a4, am, 4);
		memcpy(&h->m4, m, 4);
	} else {
		memcpy(h->a6, am, 16);
		memcpy(h->m6, m, 16);
	}
}

/* ss's short IPv4 forms (iproute2's get_addr_ipv4): one to four dotted
 * decimal parts, the missing ones zero: "10" is 10.0.0.0 and "198.51.100"
 * 198.51.100.0, so that "dst 198.51.100/24" and "10/8" work as in ss. */
static bool short_v4(const char *a, uint8_t out[4])
{
	memset(out, 0, 4);
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		int digits = 0;
		for (; isdigit((unsigned char)*a); a++) {
			v = v * 10 + (unsigned)(*a - '0');
			if (++digits > 3 || v > 255)
				return false;
		}
		if (!digits)
			return false;
		out[part] = (uint8_t)v;
		if (!*a)
			return true;
		if (*a++ != '.')
			return false;
	}
	return false;
}

/* Parse an address with optional /prefix (no port) into h.  pos: errors. */
static bool parse_addr(struct parser *P, const char *a, const char *pfx,
		       bool v6only, int pos, struct fhost *h)
{
	uint8_t bin[16] = {0};
	bool v4 = false;
	if (!v6only && (inet_pton(AF_INET, a, bin) == 1 || short_v4(a, bin))) {
		v4 = true;
	} else if (inet_pton(AF_INET6, a, bin) != 1) {
		perr(P, pos, _("bad address '%s' (numeric IPv4 or IPv6 expected)"), a);
		return false;
	}
	int max = v4 ? 32 : 128, plen = max;
	if (pfx) {
		uint64_t v;
		if (!sw_all_digits(pfx) || !sw_parse_u64(pfx, (uint64_t)max, &v)) {
			perr(P, pos, _("bad prefix length '/%s' (0-%d)"), pfx, max);
			return false;
		}
		plen = (int)v;
	}
	if (!v4 && sw_addr_is_v4mapped(bin) && plen >= 96) {
		/* [::ffff:a.b.c.d]/N: the IPv4 prefix, matching both forms */
		memmove(bin, bin + 12, 4);
		plen -= 96;
		v4 = true;
	}
	set_prefix(h, bin, plen, v4);
	return true;
}

static uint32_t host_node(struct parser *P, int side, const struct fhost *h)
{
	uint32_t i = node_new(P, N_HOST);
	P->f->nodes[i].side = (uint8_t)side;
	P->f->nodes[i].u.host = *h;
	return i;
}

/* HOSTSPEC in the current token; kw for messages.  Consumes the token. */
static uint32_t cond_host(struct parser *P, const char *kw, int side)
{
	bool neg;
	if (!opt_eq(P, kw, false, &neg))
		return 0;
	if (P->t.kind != T_WORD) {
		perr(P, P->t.pos, _("expected an address after '%s'"), kw);
		return 0;
	}
	char w[MAX_WORD];
	int pos = P->t.pos + (P->t.quoted ? 1 : 0);
	memcpy(w, P->t.w, sizeof w);
	struct fhost h;
	memset(&h, 0, sizeof h);

	if (w[0] == '/' || w[0] == '@') { /* UNIX socket name */
		if (side != SIDE_SRC) {
			perr(P, pos, _("UNIX socket names can only be matched with 'src'"));
			return 0;
		}
		lex(P);
		uint32_t i = node_new(P, N_UPATH);
		uint32_t off = str_add(P, w);
		P->f->nodes[i].u.str.off = off;
		P->f->nodes[i].glob = strpbrk(w, "*?[") != NULL;
		return i;
	}

	char *port = NULL, *pfx = NULL, *addr = w;
	bool v6only = false;
	if (w[0] == '[') {
		char *e = strchr(w, ']');
		if (!e) {
			perr(P, pos, _("missing ']' in '%s'"), w);
			return 0;
		}
		*e = '\0';
		addr = w + 1;
		v6only = true;
		char *rest = e + 1;
		if (*rest == '/') {
			pfx = rest + 1;
			char *c = strchr(pfx, ':');
			if (c) {
				*c = '\0';
				port = c + 1;
			}
		} else if (*rest == ':') {
			port = rest + 1;
		} else if (*rest) {
			perr(P, pos + (int)(rest - w), _("unexpected '%s' after ']'"), rest);
			return 0;
		}
	} else {
		char *c1 = strchr(w, ':');
		if (c1 && strchr(c1 + 1, ':')) {
			v6only = true; /* bare IPv6: no port possible */
		} else if (c1) {
			*c1 = '\0';
			port = c1 + 1;
		}
		char *sl = strchr(w, '/');
		if (sl) {
			*sl = '\0';
			pfx = sl + 1;
		}
	}
	if (port) {
		if (strcmp(port, "*") != 0) {
			h.has_port = true;
			if (!parse_port(P, port, pos + (int)(port - w), &h.port))
				return 0;
		}
	}
	if (*addr == '\0' || strcmp(addr, "*") == 0) {
		if (pfx) {
			perr(P, pos, _("a prefix needs an address"));
			return 0;
		}
		lex(P);
		if (!h.has_port)
			return node_new(P, N_TRUE);
		return host_node(P, side, &h);
	}
	if (strcasecmp(addr, "localhost") == 0 && !pfx) {
		struct fhost h6 = h;
		uint8_t lo4[16] = {127}, lo6[16] = {0};
		lo6[15] = 1;
		set_prefix(&h, lo4, 8, true);
		set_prefix(&h6, lo6, 128, false);
		lex(P);
		uint32_t a = host_node(P, side, &h);
		uint32_t b = host_node(P, side, &h6);
		return node_bin(P, N_OR, a, b);
	}
	if (!parse_addr(P, addr, pfx, v6only, pos + (int)(addr - w), &h))
		return 0;
	lex(P);
	return host_node(P, side, &h);
}

static uint32_t cond_proto(struct parser *P, const char *kw)
{
	if (P->t.kind != T_WORD) {
		perr(P, P->t.pos, _("expected a protocol name after '%s'"), kw);
		return 0;
	}
	char w[32];
	uint32_t protos = 0;
	uint8_t fam = 0;
	sw_strlcpy(w, P->t.w, sizeof w);
	size_t n = strlen(w);
	if (strcasecmp(w, "inet") == 0) {
		protos = INET_PROTOS;
	} else if (strcasecmp(w, "inet6") == 0) {
		protos = INET_PROTOS;
		fam = 6;
	} else {
		if (n > 1 && (w[n - 1] == '4' || w[n - 1] == '6') &&
		    strcasecmp(w, "unix") != 0) {
			fam = (uint8_t)(w[n - 1] - '0');
			w[n - 1] = '\0';
		}
		int p = sw_proto_from_name(w);
		if (p < 0 || (fam && p == SW_PROTO_UNIX)) {
			static const char *const names[] = {
				"tcp", "udp", "udplite", "mptcp", "raw", "sctp", "unix",
				"inet", "tcp6", "udp6", "tcp4", "udp4",
			};
			const char *s = sw_closest(P->t.w, names, sizeof names / sizeof names[0]);
			if (s)
				perr(P, P->t.pos, _("unknown protocol '%s' — did you mean '%s'?"),
				     P->t.w, s);
			else
				perr(P, P->t.pos, _("unknown protocol '%s'"), P->t.w);
			return 0;
		}
		protos = SW_PROTO_BIT(p);
	}
	lex(P);
	uint32_t i = node_new(P, N_PROTO);
	P->f->nodes[i].u.proto.protos = protos;
	P->f->nodes[i].u.proto.fam = fam;
	return i;
}

/* proc NAME, netns NAME|INODE (kind): an exact name or a glob. */
static uint32_t cond_proc(struct parser *P, const char *kw, int kind)
{
	if (P->t.kind != T_WORD || !P->t.w[0]) {
		perr(P, P->t.pos, kind == N_NETNS ? _("expected a namespace name or inode after '%s'")
			: _("expected a process name after '%s'"), kw);
		return 0;
	}
	uint32_t off = str_add(P, P->t.w);
	bool glob = strpbrk(P->t.w, "*?[") != NULL;
	lex(P);
	uint32_t i = node_new(P, kind);
	P->f->nodes[i].u.str.off = off;
	P->f->nodes[i].glob = glob;
	return i;
}

static uint32_t cond_num(struct parser *P, const char *kw, int kind)
{
	uint64_t max = kind == N_COOKIE ? UINT64_MAX : kind == N_PID ? INT32_MAX : UINT32_MAX;
	uint64_t v;
	if (P->t.kind != T_WORD) {
		perr(P, P->t.pos, _("expected a number after '%s'"), kw);
		return 0;
	}
	if (!sw_parse_u64(P->t.w, max, &v)) {
		perr(P, P->t.pos, _("'%s' is not a valid number for '%s'"), P->t.w, kw);
		return 0;
	}
	lex(P);
	uint32_t i = node_new(P, kind);
	P->f->nodes[i].u.num = v;
	return i;
}

/* Name lookups for cond_id: fill *v, or report the unknown name. */
static bool lookup_user(struct parser *P, uint64_t *v)
{
	struct passwd pw, *res = NULL;
	char buf[1024];
	if (memo_get(P, 'u', P->t.w, v))
		return true;
	if (getpwnam_r(P->t.w, &pw, buf, sizeof buf, &res) != 0 || !res) {
		perr(P, P->t.pos, _("unknown user '%s'"), P->t.w);
		return false;
	}
	*v = res->pw_uid;
	memo_put(P, 'u', P->t.w, *v);
	return true;
}

static bool lookup_dev(struct parser *P, uint64_t *v)
{
	if (memo_get(P, 'd', P->t.w, v))
		return true;
	unsigned idx = strlen(P->t.w) < IF_NAMESIZE ? if_nametoindex(P->t.w) : 0;
	if (!idx) {
		perr(P, P->t.pos, _("unknown interface '%s'"), P->t.w);
		return false;
	}
	*v = idx;
	memo_put(P, 'd', P->t.w, *v);
	return true;
}

/* A 32-bit number or a name (the current word, non-empty) that lookup
 * turns into one: "uid 1000" / "uid www-data", "dev 2" / "dev eth0". */
static uint32_t cond_id(struct parser *P, const char *kw, int kind,
			bool (*lookup)(struct parser *, uint64_t *))
{
	uint64_t v;
	if (sw_all_digits(P->t.w)) {
		if (!sw_parse_u64(P->t.w, UINT32_MAX, &v)) {
			perr(P, P->t.pos, _("'%s' is not a valid number for '%s'"), P->t.w, kw);
			return 0;
		}
	} else if (!lookup(P, &v)) {
		return 0;
	}
	lex(P);
	uint32_t i = node_new(P, kind);
	P->f->nodes[i].u.num = v;
	return i;
}

static uint32_t cond_uid(struct parser *P, const char *kw)
{
	if (P->t.kind != T_WORD || !P->t.w[0]) {
		perr(P, P->t.pos, _("expected a user name or uid after '%s'"), kw);
		return 0;
	}
	return cond_id(P, kw, N_UID, lookup_user);
}

static uint32_t maybe_not(struct parser *P, uint32_t i, bool neg)
{
	return neg && !P->failed ? node_bin(P, N_NOT, i, 0) : i;
}

/* KW [= | !=] WORD: true when a non-empty WORD follows (the current
 * token); false after opt_eq's error or (no error yet) when none does. */
static bool eq_word(struct parser *P, const char *kw, bool *neg)
{
	return opt_eq(P, kw, true, neg) && P->t.kind == T_WORD && P->t.w[0];
}

static uint32_t cond_dev(struct parser *P, const char *kw)
{
	bool neg;
	if (!eq_word(P, kw, &neg)) {
		if (!P->failed)
			perr(P, P->t.pos, _("expected an interface name or index after '%s'"), kw);
		return 0;
	}
	return maybe_not(P, cond_id(P, kw, N_DEV, lookup_dev), neg);
}

/* fwmark [EQ] MARK[/MASK]: (socket mark & MASK) == MARK, as ss. */
static uint32_t cond_mark(struct parser *P, const char *kw)
{
	bool neg;
	if (!eq_word(P, kw, &neg)) {
		if (!P->failed)
			perr(P, P->t.pos, _("expected a mark after '%s' (MARK or MARK/MASK)"), kw);
		return 0;
	}
	char w[MAX_WORD];
	sw_strlcpy(w, P->t.w, sizeof w);
	char *sl = strchr(w, '/');
	if (sl)
		*sl++ = '\0';
	uint64_t v, m = UINT32_MAX;
	if (!sw_parse_u64(w, UINT32_MAX, &v) || (sl && !sw_parse_u64(sl, UINT32_MAX, &m))) {
		perr(P, P->t.pos, _("bad mark '%s' (MARK or MARK/MASK: 32-bit numbers, "
				    "decimal or 0x-hex)"), P->t.w);
		return 0;
	}
	lex(P);
	uint32_t i = node_new(P, N_MARK);
	P->f->nodes[i].u.mark.value = (uint32_t)v;
	P->f->nodes[i].u.mark.mask = (uint32_t)m;
	return maybe_not(P, i, neg);
}

/* cgroup [EQ] PATH: the socket's cgroup v2 id is PATH's (resolved now by
 * the environment's cgroup_id, as ss does when it parses). */
static uint32_t cond_cgroup(struct parser *P, const char *kw)
{
	bool neg;
	if (!eq_word(P, kw, &neg)) {
		if (!P->failed)
			perr(P, P->t.pos, _("expected a cgroup path after '%s'"), kw);
		return 0;
	}
	uint64_t id;
	if (!memo_get(P, 'c', P->t.w, &id)) {
		char why[96] = "";
		if (!env || !env->cgroup_id) {
			perr(P, P->t.pos, _("cgroup filters are not available here"));
			return 0;
		}
		if (!env->cgroup_id(P->t.w, &id, why, sizeof why)) {
			perr(P, P->t.pos, _("cgroup '%s': %s"), P->t.w, why);
			return 0;
		}
		memo_put(P, 'c', P->t.w, id);
	}
	lex(P);
	uint32_t i = node_new(P, N_CGROUP);
	P->f->nodes[i].u.num = id;
	return maybe_not(P, i, neg);
}

/* autobound: the local port was chosen by the kernel (ss's heuristic:
 * in the ephemeral range; see filtermatch.c). */
static uint32_t cond_auto(struct parser *P)
{
	uint16_t r[2] = {32768, 60999}; /* the kernel's default */
	if (env && env->port_range && !env->port_range(r))
		r[0] = 32768, r[1] = 60999;
	uint32_t i = node_new(P, N_AUTO);
	P->f->nodes[i].u.eph.lo = r[0];
	P->f->nodes[i].u.eph.hi = r[1];
	return i;
}

enum kwkind {
	K_STATE, K_EXCLUDE, K_HOST, K_PORT, K_PROTO, K_PROC, K_NUM, K_UID, K_DEV,
	K_MARK, K_CGROUP, K_AUTO,
};

static const struct keyword {
	const char *name;
	int kind;
	int arg;
} keywords[] = {
	{"state", K_STATE, 0},        {"exclude", K_EXCLUDE, 0},   {"excl", K_EXCLUDE, 0},
	{"src", K_HOST, SIDE_SRC},    {"dst", K_HOST, SIDE_DST},   {"host", K_HOST, SIDE_ANY},
	{"sport", K_PORT, SIDE_SRC},  {"dport", K_PORT, SIDE_DST}, {"port", K_PORT, SIDE_ANY},
	{"proto", K_PROTO, 0},        {"proc", K_PROC, N_PROC},    {"comm", K_PROC, N_PROC},
	{"pid", K_NUM, N_PID},        {"uid", K_UID, 0},           {"user", K_UID, 0},
	{"inode", K_NUM, N_INODE},    {"ino", K_NUM, N_INODE},     {"cookie", K_NUM, N_COOKIE},
	{"dev", K_DEV, 0},            {"fwmark", K_MARK, 0},       {"cgroup", K_CGROUP, 0},
	{"autobound", K_AUTO, 0},     {"netns", K_PROC, N_NETNS},
};

static const struct keyword *keyword_find(const char *w)
{
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (strcasecmp(w, keywords[i].name) == 0)
			return &keywords[i];
	return NULL;
}

/* Does this bare word look like an address ("10.1.2.3", "[::1]:80",
 * "fe80::1", "10.0.0.0/8")? */
static bool looks_like_addr(const char *w)
{
	if (w[0] == '[' || (w[0] == ':' && w[1] == ':'))
		return true;
	if (!isxdigit((unsigned char)w[0]))
		return false;
	/* "10/8": ss's short IPv4 prefix */
	return strchr(w, '.') || strchr(w, ':') || (isdigit((unsigned char)w[0]) && strchr(w, '/'));
}

static uint32_t state_node(struct parser *P, uint32_t mask)
{
	uint32_t i = node_new(P, N_STATES);
	P->f->nodes[i].u.mask = mask;
	return i;
}

/* A condition starting at the current WORD.  *is_state is set when it is a
 * state/exclude condition (mergeable with a juxtaposed neighbour). */
static uint32_t parse_cond(struct parser *P, bool *is_state)
{
	char kw[MAX_WORD];
	int kwpos = P->t.pos;
	sw_strlcpy(kw, P->t.w, sizeof kw);
	*is_state = false;

	if (P->t.quoted) {
		perr(P, kwpos, _("unexpected quoted word '%s'"), kw);
		return 0;
	}
	const struct keyword *k = keyword_find(kw);
	if (!k) {
		uint32_t m = state_mask(kw);
		if (m) { /* a bare state name means "state NAME" */
			lex(P);
			*is_state = true;
			return state_node(P, m);
		}
		int p = sw_proto_from_name(kw);
		if (p >= 0) { /* a bare protocol name means "proto NAME" */
			return cond_proto(P, "proto");
		}
		if (kw[0] == ':' && kw[1] != ':') /* ":3306" = sport or dport 3306 */
			return cond_port(P, "port", SIDE_ANY);
		if (looks_like_addr(kw))
			return cond_host(P, "host", SIDE_ANY);
		static const char *const words[] = {
			"state", "exclude", "src", "dst", "sport", "dport", "port", "proto",
			"proc", "pid", "uid", "user", "inode", "cookie", "dev", "host",
			"established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2",
			"time-wait", "closed", "close-wait", "last-ack", "listening",
			"closing", "tcp", "udp", "unix", "and", "or", "not",
			"fwmark", "cgroup", "autobound", "netns",
		};
		const char *s = sw_closest(kw, words, sizeof words / sizeof words[0]);
		if (s)
			perr(P, kwpos, _("unknown keyword '%s' — did you mean '%s'?"), kw, s);
		else
			perr(P, kwpos, _("unknown keyword '%s'"), kw);
		return 0;
	}
	lex(P);
	switch (k->kind) {
	case K_STATE:
	case K_EXCLUDE: {
		uint32_t m;
		if (!parse_state_word(P, k->name, &m))
			return 0;
		*is_state = true;
		uint32_t i = state_node(P, k->kind == K_STATE ? m : SW_STATE_ALL & ~m);
		P->f->nodes[i].op = k->kind == K_EXCLUDE; /* for merging */
		return i;
	}
	case K_HOST:
		return cond_host(P, k->name, k->arg);
	case K_PORT:
		return cond_port(P, k->name, k->arg);
	case K_PROTO:
		return cond_proto(P, k->name);
	case K_PROC:
		return cond_proc(P, k->name, k->arg);
	case K_NUM:
		return cond_num(P, k->name, k->arg);
	case K_UID:
		return cond_uid(P, k->name);
	case K_DEV:
		return cond_dev(P, k->name);
	case K_MARK:
		return cond_mark(P, k->name);
	case K_CGROUP:
		return cond_cgroup(P, k->name);
	case K_AUTO:
		return cond_auto(P);
	}
	return 0;
}

static uint32_t parse_expr(struct parser *P);

static bool factor_start(const struct parser *P)
{
	return P->t.kind == T_WORD || P->t.kind == T_NOT || P->t.kind == T_LP;
}

static uint32_t parse_factor(struct parser *P, bool *is_state)
{
	char b[48];
	*is_state = false;
	if (P->failed)
		return 0;
	if (++P->depth > MAX_DEPTH) {
		perr(P, P->t.pos, _("filter too deeply nested (more than %d levels)"), MAX_DEPTH);
		return 0;
	}
	uint32_t r = 0;
	bool dummy;
	switch (P->t.kind) {
	case T_NOT: {
		sw_strlcpy(b, tok_text(P, b, sizeof b), sizeof b);
		lex(P);
		if (!factor_start(P)) {
			if (!P->failed)
				perr(P, P->t.pos, _("expected a condition after '%s'"), b);
			break;
		}
		uint32_t c = parse_factor(P, &dummy);
		if (P->failed)
			break;
		r = node_bin(P, N_NOT, c, 0);
		break;
	}
	case T_LP: {
		int lp = P->t.pos;
		lex(P);
		if (P->t.kind == T_RP) {
			perr(P, P->t.pos, _("empty parentheses"));
			break;
		}
		r = parse_expr(P);
		if (P->failed)
			break;
		if (P->t.kind == T_EOF) {
			perr(P, lp, _("unbalanced parenthesis: '(' is never closed"));
			break;
		}
		if (P->t.kind != T_RP) {
			perr(P, P->t.pos, _("unexpected '%s' (expected ')')"), tok_text(P, b, sizeof b));
			break;
		}
		lex(P);
		break;
	}
	case T_WORD:
		r = parse_cond(P, is_state);
		break;
	default:
		if (P->t.kind == T_EOF)
			perr(P, P->t.pos, _("expected a condition"));
		else
			perr(P, P->t.pos, _("unexpected '%s' (expected a condition)"),
			     tok_text(P, b, sizeof b));
		break;
	}
	P->depth--;
	return r;
}

static uint32_t parse_term(struct parser *P)
{
	bool st;
	uint32_t a = parse_factor(P, &st);
	uint32_t last = a; /* the previous factor, for state merging */
	bool last_state = st;
	while (!P->failed) {
		bool explicit_and = false;
		if (P->t.kind == T_AND) {
			char b[8];
			tok_text(P, b, sizeof b);
			explicit_and = true;
			lex(P);
			if (!factor_start(P)) {
				if (!P->failed)
					perr(P, P->t.pos, _("expected a condition after '%s'"), b);
				break;
			}
		} else if (!factor_start(P)) {
			break;
		}
		uint32_t c = parse_factor(P, &st);
		if (P->failed)
			break;
		if (!explicit_and && st && last_state) {
			/* "state A state B" / "state A exclude B": one set, as ss */
			struct fnode *prev = &P->f->nodes[last];
			const struct fnode *cur = &P->f->nodes[c];
			/* an exclude node holds ALL & ~X (op set), a state node X */
			if (cur->op)
				prev->u.mask &= cur->u.mask;
			else
				prev->u.mask |= cur->u.mask;
			P->f->nnodes--; /* c is the last node created */
			continue;
		}
		a = node_bin(P, N_AND, a, c);
		last = c;
		last_state = st;
	}
	return a;
}

static uint32_t parse_expr(struct parser *P)
{
	uint32_t a = parse_term(P);
	while (!P->failed && P->t.kind == T_OR) {
		char b[8];
		tok_text(P, b, sizeof b);
		lex(P);
		if (!factor_start(P)) {
			if (!P->failed)
				perr(P, P->t.pos, _("expected a condition after '%s'"), b);
			break;
		}
		uint32_t c = parse_term(P);
		if (P->failed)
			break;
		a = node_bin(P, N_OR, a, c);
	}
	return a;
}

struct sw_filter *filter_parse(const char *expr, struct sw_filter_error *err)
{
	if (!expr)
		expr = "";
	struct sw_filter *f = xcalloc(1, sizeof *f);
	f->text = xstrdup(expr);
	struct parser P = {.src = expr, .f = f, .err = err};
	if (err) {
		err->pos = 0;
		err->msg[0] = '\0';
	}
	lex(&P);
	if (!P.failed && P.t.kind == T_EOF) {
		f->root = node_new(&P, N_TRUE);
		return f;
	}
	f->root = parse_expr(&P);
	if (!P.failed && P.t.kind != T_EOF) {
		char b[48];
		if (P.t.kind == T_RP)
			perr(&P, P.t.pos, _("unbalanced parenthesis: ')' without '('"));
		else
			perr(&P, P.t.pos, _("trailing input at '%s'"), tok_text(&P, b, sizeof b));
	}
	if (P.failed) {
		filter_free(f);
		return NULL;
	}
	return f;
}
