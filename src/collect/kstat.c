/* kstat.c: not written yet */
