/* ui.h: not written yet */
