/* aggregate.c: not written yet */
