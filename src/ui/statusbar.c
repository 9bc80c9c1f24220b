/* statusbar.c - the status line (messages, prompts, the selected socket's
 * process) and the htop-like function-key bar, both from the key table. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "uipriv.h"

#define FKEY_LABEL_W 6

static void owner_hint(struct ui *ui, char *buf, size_t len)
{
	buf[0] = '\0';
	const struct sw_row *r = NULL;
	if (ui->focus == PANEL_CONNS)
		r = conntable_selected(ui);
	else if (ui->focus == PANEL_LISTENERS) {
		const struct sw_listener *l = listeners_selected(ui);
		r = l ? &l->row : NULL;
	} else if (ui->focus == PANEL_ALERTS) {
		snprintf(buf, len, "%s", _("a: hide alerts   z: zoom   Tab: next panel   h: help"));
		return;
	} else if (ui->focus == PANEL_ROUTES || ui->focus == PANEL_IFACES) {
		snprintf(buf, len, "%s", _("6: routes   7: interfaces   Tab: next panel   h: help"));
		return;
	} else {
		snprintf(buf, len, "%s", _("Enter: show these connections   Tab: next panel   h: help"));
		return;
	}
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
