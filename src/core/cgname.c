/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgname.c - container and unit names from cgroup paths (see cgname.h).
 *
 * Shapes recognised (the deepest component that names something wins, so
 * a runtime's inner cgroups such as libpod-<id>.scope/container resolve to
 * the container):
 *   docker        system.slice/docker-<id>.scope, docker/<id> (cgroupfs)
 *   containerd    ...pod<uid>.slice/cri-containerd-<id>.scope (Kubernetes)
 *   cri-o         ...pod<uid>.slice/crio-<id>.scope
 *   kubernetes    kubepods/<qos>/pod<uid>/<id> (cgroupfs driver)
 *   podman        libpod-<id>.scope (rootful machine.slice or rootless user@)
 *   nspawn        machine.slice/systemd-nspawn@NAME.service, machine-NAME.scope
 *   lxc           lxc.payload.NAME, lxc/NAME (older LXC)
 *   systemd       system.slice/NAME.service
 * systemd escapes '-' in unit names of machines as "\x2d": undone.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cgname.h"
#include "util.h"

static bool starts(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && memcmp(s, p, k) == 0;
}

static bool ends(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && memcmp(s + n - k, p, k) == 0;
}

static bool all_hex(const char *s, size_t n)
{
	if (n < 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* dst = s[0..n) with systemd's "\x2d" escapes undone, truncated. */
static void unescape(char *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		unsigned v;
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    sscanf(s + i + 2, "%2x", &v) == 1 && isxdigit((unsigned char)s[i + 3])) {
			dst[o++] = (char)v;
			i += 3;
			continue;
		}
		dst[o++] = s[i];
	}
	dst[o] = '\0';
}

static void set(struct sw_cgname *cg, int kind, const char *rt, const char *s, size_t n)
{
	cg->kind = kind;
	sw_strlcpy(cg->runtime, rt, sizeof cg->runtime);
	unescape(cg->name, sizeof cg->name, s, n);
}

/* A container id: the first 12 hex digits, as docker ps shows it. */
static void set_id(struct sw_cgname *cg, const char *rt, const char *s, size_t n)
{
	set(cg, SW_CG_CONTAINER, rt, s, n > 12 ? 12 : n);
}

/* "kubepods-burstable-pod<uid>.slice" or "pod<uid>": the uid, '_' -> '-'. */
static bool pod_uid(struct sw_cgname *cg, const char *s, size_t n)
{
	const char *p = NULL;
	for (size_t i = 0; i + 3 <= n; i++)
		if (memcmp(s + i, "pod", 3) == 0 && (i == 0 || s[i - 1] == '-'))
			p = s + i + 3;
	if (!p)
		return false;
	size_t k = (size_t)(s + n - p);
	if (ends(p, k, ".slice"))
		k -= 6;
	if (k < 8 || k >= sizeof cg->pod)
		return false;
	for (size_t i = 0; i < k; i++)
		cg->pod[i] = p[i] == '_' ? '-' : p[i];
	cg->pod[k] = '\0';
	return true;
}

struct scope_rule {
	const char *prefix, *suffix, *runtime;
};

static const struct scope_rule id_scopes[] = {
	{"docker-", ".scope", "docker"},
	{"cri-containerd-", ".scope", "containerd"},
	{"crio-", ".scope", "cri-o"},
	{"libpod-", ".scope", "podman"},
};

/* One path component c[0..n), with the previous one (p[0..pn), may be
 * empty).  true when it names something (cg set). */
static bool component(struct sw_cgname *cg, const char *c, size_t n, const char *p, size_t pn)
{
	for (size_t i = 0; i < sizeof id_scopes / sizeof id_scopes[0]; i++) {
		const struct scope_rule *r = &id_scopes[i];
		size_t a = strlen(r->prefix), b = strlen(r->suffix);
		if (starts(c, n, r->prefix) && ends(c, n, r->suffix) &&
		    all_hex(c + a, n - a - b)) {
			set_id(cg, r->runtime, c + a, n - a - b);
			return true;
		}
	}
	if (starts(c, n, "systemd-nspawn@") && ends(c, n, ".service")) {
		set(cg, SW_CG_CONTAINER, "nspawn", c + 15, n - 15 - 8);
		return true;
	}
	if (starts(c, n, "machine-") && ends(c, n, ".scope") && n > 14) {
		set(cg, SW_CG_CONTAINER, "nspawn", c + 8, n - 8 - 6);
		return true;
	}
	if (starts(c, n, "lxc.payload.") && n > 12) {
		set(cg, SW_CG_CONTAINER, "lxc", c + 12, n - 12);
		return true;
	}
	if (pn == 3 && memcmp(p, "lxc", 3) == 0 && n > 0) {
		set(cg, SW_CG_CONTAINER, "lxc", c, n);
		return true;
	}
	if (pn == 6 && memcmp(p, "docker", 6) == 0 && all_hex(c, n)) {
		set_id(cg, "docker", c, n);
		return true;
	}
	if (starts(p, pn, "pod") && all_hex(c, n)) { /* kubepods/<qos>/pod<uid>/<id> */
		set_id(cg, "kubernetes", c, n);
		return true;
	}
	if (ends(c, n, ".service") && n > 8 && !starts(c, n, "user@")) {
		set(cg, SW_CG_UNIT, "systemd", c, n);
		return true;
	}
	return false;
}

bool cgname_parse_path(const char *path, struct sw_cgname *out)
{
	struct sw_cgname cg, best;
	memset(&cg, 0, sizeof cg);
	memset(&best, 0, sizeof best);
	const char *p = "", *s = path;
	size_t pn = 0;
	bool pod = false;
	while (*s) {
		while (*s == '/')
			s++;
		size_t n = strcspn(s, "/\n");
		if (!n)
			break;
		if (strstr(path, "kubepods") && !pod && (starts(s, n, "kubepods-") || starts(s, n, "pod")))
			pod = pod_uid(&cg, s, n);
		struct sw_cgname t = cg;
		/* a container beats a unit; the deepest of a kind wins */
		if (component(&t, s, n, p, pn) &&
		    (t.kind == SW_CG_CONTAINER || best.kind != SW_CG_CONTAINER))
			best = t;
		p = s, pn = n;
		s += n;
		if (*s == '\n')
			break;
	}
	if (best.kind == SW_CG_NONE)
		return false;
	if (pod && best.kind == SW_CG_CONTAINER)
		memcpy(best.pod, cg.pod, sizeof best.pod);
	*out = best;
	return true;
}

/* The path of one line "ID:CONTROLLERS:PATH" when ctl says so. */
static bool line_path(const char *line, size_t n, const char *ctl, char *path, size_t cap)
{
	const char *a = memchr(line, ':', n);
	const char *b = a ? memchr(a + 1, ':', (size_t)(line + n - a - 1)) : NULL;
	if (!b)
		return false;
	size_t cl = (size_t)(b - a - 1), pl = (size_t)(line + n - b - 1);
	if (strlen(ctl) != cl || memcmp(a + 1, ctl, cl) != 0)
		if (*ctl != '*')
			return false;
	if (pl >= cap)
		pl = cap - 1;
	memcpy(path, b + 1, pl);
	path[pl] = '\0';
	return true;
}

bool cgname_parse(const char *text, size_t len, struct sw_cgname *out)
{
	static const char *const order[] = {"", "name=systemd", "*"};
	char path[512];
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		for (size_t i = 0; i < len;) {
			const char *nl = memchr(text + i, '\n', len - i);
			size_t n = nl ? (size_t)(nl - text - i) : len - i;
			if (line_path(text + i, n, order[k], path, sizeof path) &&
			    cgname_parse_path(path, out))
				return true;
			i += n + 1;
		}
	}
	return false;
}

void cgname_label(const struct sw_cgname *cg, char *buf, size_t len)
{
	if (cg->kind == SW_CG_UNIT)
		snprintf(buf, len, "%s", cg->name);
	else if (cg->pod[0])
		snprintf(buf, len, "k8s:pod%.8s/%s", cg->pod, cg->name);
	else
		snprintf(buf, len, "%s:%s", cg->runtime, cg->name);
}
