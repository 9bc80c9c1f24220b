/* output.h: not written yet */
