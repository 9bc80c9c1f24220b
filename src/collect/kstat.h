/* kstat.h: not written yet */
