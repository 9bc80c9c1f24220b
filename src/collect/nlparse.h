/* nlparse.h: not written yet */
