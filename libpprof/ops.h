/*
 * ops.h - the operations on profiles (HACKING.md section 3): merge.c,
 * filter.c, pgo.c, labels.c, report.c, normalize.c. They work on the model
 * and never see bytes, so they use model.h and base.h only.
 */
#ifndef PPROF_OPS_H
#define PPROF_OPS_H

#include "model.h"

/* ---- labels.c: label edits ------------------------------------------- */

/* Sets ids[i] to the index in p's string table of the C string strs[i]:
 * that of an equal string, else of a copy appended to the table (in p's
 * arena, NUL-terminated like decoded strings). The table is searched, so
 * this is for a few strings per profile. False when out of memory. */
bool pp_profile_add_strings(pprof_profile *p, const char *const *strs, size_t n, int64_t *ids);

/* ---- filter.c and pgo.c: filters --------------------------------------- */

/*
 * Reduces p, in place and in its arena, to what `go build -pgo` reads
 * (HACKING.md section 9; pgo.c says why nothing the compiler uses changes).
 * Adds locations (leaf copies) with new ids, which p's id maps do not know:
 * merge a view of p->pb adopted anew. PPROF_ERR_DATA, with err, when Go
 * could not use the profile.
 */
int pp_pgo_reduce(pprof_profile *p, char *err);

#endif /* PPROF_OPS_H */
