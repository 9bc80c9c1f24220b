/* diag.c: not written yet */
