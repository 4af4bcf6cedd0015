/*
 * ops.h - the operations on profiles (HACKING.md section 3): merge.c,
 * filter.c, pgo.c, labels.c, report.c, normalize.c. They work on the model
 * and never see bytes, so they use model.h and base.h only.
 */
#ifndef PPROF_OPS_H
#define PPROF_OPS_H

#include "model.h"

/* ---- merge.c: a profile on its own ------------------------------------ */

/*
 * Merges p on its own into *out, as pprof's Merge of one profile does:
 * samples that became equal are one, and what nothing references goes (the
 * last step of filters and label edits). *m is the merger to use, empty; it
 * is made when NULL and left empty for the next call: after a failure it is
 * replaced (NULL if that fails too, to be made again next time). With
 * new_ids, p holds objects its id maps do not know (pp_pgo_reduce's leaf
 * copies): the merge reads a view of p->pb adopted anew. On failure *out is
 * untouched and err (PP_ERRLEN) says why.
 */
int pp_merge_alone(pprof_merger **m, const pprof_profile *p, bool new_ids, pprof_profile **out,
                   char *err);

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
