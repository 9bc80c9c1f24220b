/* SPDX-License-Identifier: GPL-2.0-or-later */
/* statusbar.c - the status line (messages, prompts, the selected socket's
 * process) and the htop-like function-key bar, both from the key table. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "prompt.h"
#include "statusbar.h"
#include "uistate.h"

#define FKEY_LABEL_W 6
#define MSG_NS (4ULL * 1000000000ULL)
#define MSG_ERR_NS (7ULL * 1000000000ULL)

void ui_status(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_error = error;
	ui->msg_until_ns = sw_mono_ns() + (error ? MSG_ERR_NS : MSG_NS);
	ui->status_dirty = true;
}

void statusbar_expire(struct ui *ui)
{
	if (ui->msg[0] && sw_mono_ns() >= ui->msg_until_ns) {
		ui->msg[0] = '\0';
		ui->status_dirty = true;
	}
}

int statusbar_timeout_ms(const struct ui *ui)
{
	if (!ui->msg[0])
		return -1;
	uint64_t now = sw_mono_ns();
	if (now >= ui->msg_until_ns)
		return 0;
	return (int)((ui->msg_until_ns - now) / 1000000ULL) + 1;
}

static void owner_hint(struct ui *ui, char *buf, size_t len)
{
	buf[0] = '\0';
	struct panel *fp = &ui->panels[ui->focus];
	if (!fp->ops->selected) {
		if (fp->ops->hint)
			snprintf(buf, len, "%s", _(fp->ops->hint));
		return;
	}
	const struct sw_row *r = fp->ops->selected(fp, ui);
	if (!r)
		return;
	const struct sw_conn *c = r->conn;
	const struct sw_proc *p = c->owners_n && r->snap ? snapshot_owner_proc(r->snap, c, 0) : NULL;
	if (!p) {
		if (c->inode == 0)
			snprintf(buf, len, "%s", _("No process holds this socket (kernel-owned, e.g. TIME-WAIT)"));
		else if (!ui->cfg.is_root)
			snprintf(buf, len, "%s", _("Process unknown (not root: run with sudo to see it)"));
		return;
	}
	const char *cmd = p->cmdline_len ? snapshot_str(r->snap, p->cmdline_off) : p->comm;
	if (c->owners_n > 1)
		snprintf(buf, len, _("pid %d (%s, +%u more) %s: %s"), p->pid, p->comm,
			 c->owners_n - 1, sw_user_name(p->uid), cmd);
	else
		snprintf(buf, len, _("pid %d (%s) %s: %s"), p->pid, p->comm, sw_user_name(p->uid),
			 cmd);
}

void statusbar_draw(struct ui *ui)
{
	WINDOW *w = ui->status;
	werase(w);
	wmove(w, 0, 0);
	if (ui->prompt.kind != PROMPT_NONE) {
		prompt_draw(ui, w);
		return;
	}
	if (ui->msg[0]) {
		wattrset(w, crt_attr(ui->msg_error ? CRT_ERROR : CRT_WARN));
		crt_put(w, ui->msg, ui->cols);
		wattrset(w, A_NORMAL);
		return;
	}
	char hint[1024];
	owner_hint(ui, hint, sizeof hint);
	wattrset(w, crt_attr(CRT_DIM));
	crt_put(w, hint, ui->cols);
	wattrset(w, A_NORMAL);
}

/* The slots: F1..F10 with a label, in order. */
static int fkey_slots(struct ui *ui, enum sw_action *acts, int *nums)
{
	int n = 0;
	for (int f = 1; f <= 10; f++) {
		enum sw_action a = keymap_lookup(&ui->km, SW_KEY_F(f));
		if (a == SW_ACT_NONE || !keymap_action_label(a))
			continue;
		acts[n] = a;
		nums[n] = f;
		n++;
	}
	return n;
}

static int slot_width(int f)
{
	return (f >= 10 ? 3 : 2) + FKEY_LABEL_W;
}

void fkeys_draw(struct ui *ui)
{
	WINDOW *w = ui->fkeys;
	werase(w);
	wmove(w, 0, 0);
	enum sw_action acts[10];
	int nums[10];
	int n = fkey_slots(ui, acts, nums);
	int x = 0;
	for (int i = 0; i < n && x < ui->cols; i++) {
		char k[8];
		snprintf(k, sizeof k, "F%d", nums[i]);
		wattrset(w, crt_attr(CRT_FKEY));
		x += crt_put(w, k, ui->cols - x);
		const char *label = _(keymap_action_label(acts[i]));
		if (acts[i] == SW_ACT_PAUSE && ui->wants.paused)
			label = _("Resume");
		int lw = FKEY_LABEL_W;
		if (x + lw > ui->cols)
			lw = ui->cols - x;
		wattrset(w, crt_attr(CRT_FKEY_LABEL));
		crt_put_pad(w, label, lw, false);
		x += lw;
	}
	wattrset(w, crt_attr(CRT_FKEY_LABEL));
	for (; x < ui->cols; x++)
		waddch(w, ' ');
	wattrset(w, A_NORMAL);
}

enum sw_action fkeys_action_at(struct ui *ui, int x)
{
	enum sw_action acts[10];
	int nums[10];
	int n = fkey_slots(ui, acts, nums);
	int cx = 0;
	for (int i = 0; i < n; i++) {
		int sw = slot_width(nums[i]);
		if (x >= cx && x < cx + sw)
			return acts[i];
		cx += sw;
	}
	return SW_ACT_NONE;
}
