/* keymap.h: not written yet */
