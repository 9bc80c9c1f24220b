/* diag.h: not written yet */
