/* procmap.c: not written yet */
