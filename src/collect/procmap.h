/* procmap.h: not written yet */
