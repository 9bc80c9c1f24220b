/* prockill.c: not written yet */
