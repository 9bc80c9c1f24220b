/* keymap.c: not written yet */
