/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgname.h - which container or unit a process is in, from the path of its
 * cgroup (/proc/PID/cgroup): the runtimes name their cgroups after the
 * container, so the path says docker-<id>.scope, a Kubernetes pod's uid,
 * libpod-<id>.scope, systemd-nspawn@NAME.service, lxc.payload.NAME or a
 * systemd unit.  Pure string work: no file is read here. */
#ifndef SW_CGNAME_H
#define SW_CGNAME_H

#include <stdbool.h>
#include <stddef.h>

enum sw_cg_kind {
	SW_CG_NONE,      /* nothing recognised (/, user sessions, init.scope) */
	SW_CG_CONTAINER, /* a container runtime's cgroup */
	SW_CG_UNIT,      /* a systemd service (e.g. PrivateNetwork=yes) */
};

struct sw_cgname {
	int kind;          /* enum sw_cg_kind */
	char runtime[16];  /* "docker", "containerd", "cri-o", "kubernetes",
	                      "podman", "nspawn", "lxc", "systemd" */
	char name[72];     /* container id (first 12 hex digits), machine or
	                      container name, unit name */
	char pod[40];      /* Kubernetes: the pod's uid (the path carries no
	                      pod name), "" otherwise */
};

/* Parse one cgroup path ("/system.slice/docker-<id>.scope"). */
bool cgname_parse_path(const char *path, struct sw_cgname *out);
/* Parse the text of /proc/PID/cgroup: the v2 line ("0::/path"), else the
 * v1 name=systemd line, else any v1 line that parses. */
bool cgname_parse(const char *text, size_t len, struct sw_cgname *out);
/* "docker:3f2a1b4c5d6e", "k8s:pod<uid>/<id>", "nspawn:web", "nginx.service". */
void cgname_label(const struct sw_cgname *cg, char *buf, size_t len);

#endif
