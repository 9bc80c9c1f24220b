/* columns.c: not written yet */
