/* nlparse.c: not written yet */
