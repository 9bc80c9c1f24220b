/* record.h: not written yet */
