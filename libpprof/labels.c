/*
 * labels.c - label edits (HACKING.md section 8, pprof-tag): an ordered list of
 * changes to the labels of every sample and to the comments of a profile,
 * with the semantics of google/pprof's Profile methods (SetLabel,
 * RemoveLabel, SetNumLabel, RemoveNumLabel).
 *
 * The edits are applied in place to a work copy of a decoded profile (the
 * list itself is not changed: what one apply needs is in an "applying" on
 * the stack): their strings are found in (or appended to) its string table;
 * each label an edit adds is made once, in the profile's arena, and shared
 * by every sample that gets it; each sample's label pointers are edited in
 * a scratch list and, when they changed, copied to a new array in the
 * arena. Labels are compared by the bytes of their strings, so a string
 * table with duplicates does no harm. The copy is then merged on its own,
 * so that samples whose labels became equal are one sample, as pprof would
 * have them.
 */
#include <stdlib.h>
#include <string.h>

#include "ops.h"

typedef enum {
	EDIT_SET,
	EDIT_ADD,
	EDIT_SET_IF_MISSING,
	EDIT_NUM,
	EDIT_DELETE,
	EDIT_RENAME,
	EDIT_KEEP,
	EDIT_COMMENT
} edit_kind;

/* One edit. Its strings are strs[first .. first + n) of the list: key and
 * value (set, add, set-if-missing), key and unit (num), key (delete), from
 * and to (rename), the keys (keep), or the text (comment). */
typedef struct {
	edit_kind kind;
	size_t first, n;
	int64_t num;
} edit;

typedef VEC(pb_label *) label_list;

struct pprof_label_edits {
	VEC(edit) edits;
	VEC(char *) strs;    /* the edits' strings, owned */
	char err[PP_ERRLEN]; /* of the calls that add an edit */
};

/* One apply of the edits to a profile (the list itself is not changed). */
typedef struct {
	const pprof_label_edits *e;
	pprof_profile *p;
	int64_t *ids;    /* each of e's strings' index in p */
	pb_label **made; /* per edit: the label it adds, or NULL */
	label_list work; /* the labels of the sample being edited */
} applying;

/* Any kind of label, as a mask of pp_label_kind's bits. */
enum { KIND_ANY = PP_LABEL_NONE | PP_LABEL_STR | PP_LABEL_NUM };

/* ---- strings of a decoded profile ------------------------------------- */

/* Whether strings a and b of p are equal. */
static bool same_string(const pprof_profile *p, int64_t a, int64_t b)
{
	const ProtobufCBinaryData *x, *y;

	if (a == b)
		return true;
	x = pp_profile_string(p, a);
	y = pp_profile_string(p, b);
	return x->len == y->len && (x->len == 0 || memcmp(x->data, y->data, x->len) == 0);
}

/* Whether a key is one of pprof's own ("pprof::base"). */
static bool reserved(const void *key, size_t len)
{
	return len >= 7 && memcmp(key, "pprof::", 7) == 0;
}

/* ---- building the list ------------------------------------------------ */

pprof_label_edits *pprof_label_edits_new(void)
{
	return calloc(1, sizeof(pprof_label_edits));
}

void pprof_label_edits_free(pprof_label_edits *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->strs.n; i++)
		free(e->strs.v[i]);
	free(e->strs.v);
	free(e->edits.v);
	free(e);
}

const char *pprof_label_edits_error(const pprof_label_edits *e)
{
	return e->err;
}
size_t pprof_label_edits_count(const pprof_label_edits *e)
{
	return e->edits.n;
}

/* Appends a copy of s to the edits' strings. */
static bool push_string(pprof_label_edits *e, const char *s)
{
	size_t len = strlen(s);
	char *copy;

	if (!VEC_RESERVE(e->strs, e->strs.n + 1) || !(copy = malloc(len + 1)))
		return false;
	memcpy(copy, s, len + 1);
	e->strs.v[e->strs.n++] = copy;
	return true;
}

/* Appends an edit with n strings; when out of memory, adds nothing. */
static int push_edit(pprof_label_edits *e, edit_kind kind, const char *const *strs, size_t n,
                     int64_t num)
{
	size_t i, first = e->strs.n;
	edit *ed;

	if (!VEC_RESERVE(e->edits, e->edits.n + 1))
		goto nomem;
	for (i = 0; i < n; i++)
		if (!push_string(e, strs[i]))
			goto nomem;
	ed = &e->edits.v[e->edits.n++];
	ed->kind = kind;
	ed->first = first;
	ed->n = n;
	ed->num = num;
	return PPROF_OK;
nomem:
	while (e->strs.n > first)
		free(e->strs.v[--e->strs.n]);
	pp_seterr(e->err, "out of memory");
	return PPROF_ERR_NOMEM;
}

/* PPROF_OK for a key an edit may name; else PPROF_ERR_ARG, saying why. */
static int check_key(pprof_label_edits *e, const char *key)
{
	if (!key || !*key) {
		pp_seterr(e->err, "empty key");
		return PPROF_ERR_ARG;
	}
	if (reserved(key, strlen(key))) {
		pp_seterr(e->err,
		          "key '%s' is reserved: keys starting with pprof:: are pprof's own", key);
		return PPROF_ERR_ARG;
	}
	return PPROF_OK;
}

/* Checks and appends an edit that gives key the string value. */
static int string_edit(pprof_label_edits *e, edit_kind kind, const char *key, const char *value)
{
	const char *strs[2] = { key, value };
	int rc = check_key(e, key);

	if (rc != PPROF_OK)
		return rc;
	if (!value || !*value) {
		pp_seterr(e->err,
		          "empty value for key '%s': pprof reads a label with an empty "
		          "value as no label",
		          key);
		return PPROF_ERR_ARG;
	}
	return push_edit(e, kind, strs, 2, 0);
}

int pprof_label_edits_set(pprof_label_edits *e, const char *key, const char *value)
{
	return string_edit(e, EDIT_SET, key, value);
}

int pprof_label_edits_add(pprof_label_edits *e, const char *key, const char *value)
{
	return string_edit(e, EDIT_ADD, key, value);
}

int pprof_label_edits_set_if_missing(pprof_label_edits *e, const char *key, const char *value)
{
	return string_edit(e, EDIT_SET_IF_MISSING, key, value);
}

int pprof_label_edits_num(pprof_label_edits *e, const char *key, int64_t num, const char *unit)
{
	const char *strs[2] = { key, unit ? unit : "" };
	int rc = check_key(e, key);

	if (rc != PPROF_OK)
		return rc;
	if (num == 0 && !*strs[1]) {
		pp_seterr(e->err,
		          "numeric label '%s' of 0 needs a unit: pprof reads 0 without a "
		          "unit as no label",
		          key);
		return PPROF_ERR_ARG;
	}
	return push_edit(e, EDIT_NUM, strs, 2, num);
}

int pprof_label_edits_delete(pprof_label_edits *e, const char *key)
{
	int rc = check_key(e, key);

	return rc != PPROF_OK ? rc : push_edit(e, EDIT_DELETE, &key, 1, 0);
}

int pprof_label_edits_rename(pprof_label_edits *e, const char *from, const char *to)
{
	const char *strs[2] = { from, to };
	int rc = check_key(e, from);

	if (rc == PPROF_OK)
		rc = check_key(e, to);
	return rc != PPROF_OK ? rc : push_edit(e, EDIT_RENAME, strs, 2, 0);
}

int pprof_label_edits_keep(pprof_label_edits *e, const char *const *keys, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = check_key(e, keys[i])) != PPROF_OK)
			return rc;
	return push_edit(e, EDIT_KEEP, keys, n, 0);
}

int pprof_label_edits_comment(pprof_label_edits *e, const char *text)
{
	if (!text || !*text) {
		pp_seterr(e->err, "empty comment");
		return PPROF_ERR_ARG;
	}
	return push_edit(e, EDIT_COMMENT, &text, 1, 0);
}

/* ---- editing one sample's labels -------------------------------------- */

/* Whether label l has key and is of one of kinds. */
static bool is(const pprof_profile *p, const pb_label *l, int64_t key, unsigned kinds)
{
	return (pp_label_kind(l) & kinds) && same_string(p, l->key, key);
}

/* Whether w has a label with key of one of kinds. */
static bool has_key(const label_list *w, const pprof_profile *p, int64_t key, unsigned kinds)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (is(p, w->v[i], key, kinds))
			return true;
	return false;
}

/* Whether w has the string label l (same key and value). */
static bool has_string(const label_list *w, const pprof_profile *p, const pb_label *l)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (is(p, w->v[i], l->key, PP_LABEL_STR) && same_string(p, w->v[i]->str, l->str))
			return true;
	return false;
}

/* Removes from w the labels with key of one of kinds. */
static void drop(label_list *w, const pprof_profile *p, int64_t key, unsigned kinds)
{
	size_t i, kept = 0;

	for (i = 0; i < w->n; i++)
		if (!is(p, w->v[i], key, kinds))
			w->v[kept++] = w->v[i];
	w->n = kept;
}

/* Appends l to w (which has room: see edit_sample). */
static void push(label_list *w, pb_label *l)
{
	w->v[w->n++] = l;
}

/* Per kind: labels with key from get key to, replacing those with key to.
 * The renamed labels are new ones in p's arena (others may share the old). */
static bool rename_key(label_list *w, pprof_profile *p, int64_t from, int64_t to)
{
	static const unsigned kinds[] = { PP_LABEL_STR, PP_LABEL_NUM };
	size_t k, i;

	for (k = 0; k < 2 && !same_string(p, from, to); k++) {
		if (!has_key(w, p, from, kinds[k]))
			continue;
		drop(w, p, to, kinds[k]);
		for (i = 0; i < w->n; i++) {
			pb_label *copy;
			if (!is(p, w->v[i], from, kinds[k]))
				continue;
			if (!(copy = pp_arena_alloc(p->arena, sizeof(*copy))))
				return false;
			*copy = *w->v[i];
			copy->key = to;
			w->v[i] = copy;
		}
	}
	return true;
}

/* Keeps in w only the labels whose key is one of keys[0..n), or reserved. */
static void keep_keys(label_list *w, const pprof_profile *p, const int64_t *keys, size_t n)
{
	size_t i, j, kept = 0;

	for (i = 0; i < w->n; i++) {
		const ProtobufCBinaryData *key = pp_profile_string(p, w->v[i]->key);
		bool keep = reserved(key->data, key->len);
		for (j = 0; j < n && !keep; j++)
			keep = same_string(p, w->v[i]->key, keys[j]);
		if (keep)
			w->v[kept++] = w->v[i];
	}
	w->n = kept;
}

/* Applies edit k to the labels in a->work. */
static bool apply_edit(applying *a, size_t k)
{
	const edit *ed = &a->e->edits.v[k];
	label_list *w = &a->work;
	pprof_profile *p = a->p;
	const int64_t *ids = a->ids + ed->first;

	switch (ed->kind) {
	case EDIT_SET:
		drop(w, p, ids[0], PP_LABEL_STR);
		push(w, a->made[k]);
		break;
	case EDIT_ADD:
		if (!has_string(w, p, a->made[k]))
			push(w, a->made[k]);
		break;
	case EDIT_SET_IF_MISSING:
		if (!has_key(w, p, ids[0], PP_LABEL_STR | PP_LABEL_NUM))
			push(w, a->made[k]);
		break;
	case EDIT_NUM:
		drop(w, p, ids[0], PP_LABEL_NUM);
		push(w, a->made[k]);
		break;
	case EDIT_DELETE: drop(w, p, ids[0], KIND_ANY); break;
	case EDIT_RENAME: return rename_key(w, p, ids[0], ids[1]);
	case EDIT_KEEP: keep_keys(w, p, ids, ed->n); break;
	case EDIT_COMMENT: break;
	}
	return true;
}

/* Applies the edits to sample s; gives it a new label array if they changed
 * its labels. Each edit adds at most one label. */
static bool edit_sample(applying *a, pb_sample *s)
{
	label_list *w = &a->work;
	size_t i, size = s->n_label * sizeof(*s->label);
	pb_label **labels;

	if (!VEC_RESERVE(*w, s->n_label + a->e->edits.n + 1))
		return false;
	if (size)
		memcpy(w->v, s->label, size);
	w->n = s->n_label;
	for (i = 0; i < a->e->edits.n; i++)
		if (!apply_edit(a, i))
			return false;
	if (w->n == s->n_label && (size == 0 || memcmp(w->v, s->label, size) == 0))
		return true;
	labels = pp_arena_alloc(a->p->arena, w->n * sizeof(*labels));
	if (!labels)
		return false;
	memcpy(labels, w->v, w->n * sizeof(*labels));
	s->label = labels;
	s->n_label = w->n;
	return true;
}

/* ---- applying the list ------------------------------------------------ */

/* Makes the label edit k adds to samples, if any, in p's arena. */
static bool make_label(applying *a, size_t k)
{
	const edit *ed = &a->e->edits.v[k];
	const int64_t *ids = a->ids + ed->first;
	pb_label *made;

	a->made[k] = NULL;
	if (ed->kind != EDIT_SET && ed->kind != EDIT_ADD && ed->kind != EDIT_SET_IF_MISSING &&
	    ed->kind != EDIT_NUM)
		return true;
	if (!(made = a->made[k] = pp_arena_alloc(a->p->arena, sizeof(*made))))
		return false;
	perftools__profiles__label__init(made);
	made->key = ids[0];
	if (ed->kind == EDIT_NUM) {
		made->num = ed->num;
		made->num_unit = ids[1];
	} else {
		made->str = ids[1];
	}
	return true;
}

/* Finds or adds the edits' strings in p and makes the labels they add. */
static bool prepare(applying *a)
{
	const pprof_label_edits *e = a->e;
	size_t i;

	a->ids = malloc((e->strs.n + 1) * sizeof(*a->ids));
	a->made = malloc((e->edits.n + 1) * sizeof(*a->made));
	if (!a->ids || !a->made ||
	    !pp_profile_add_strings(a->p, (const char *const *)e->strs.v, e->strs.n, a->ids))
		return false;
	for (i = 0; i < e->edits.n; i++)
		if (!make_label(a, i))
			return false;
	return true;
}

/* Appends the comments of the edits to p's. */
static bool add_comments(applying *a)
{
	const pprof_label_edits *e = a->e;
	pb_profile *pb = a->p->pb;
	size_t i, n = 0;
	int64_t *comments;

	for (i = 0; i < e->edits.n; i++)
		n += e->edits.v[i].kind == EDIT_COMMENT;
	if (n == 0)
		return true;
	if (!(comments = pp_arena_alloc(a->p->arena, (pb->n_comment + n) * sizeof(*comments))))
		return false;
	if (pb->n_comment)
		memcpy(comments, pb->comment, pb->n_comment * sizeof(*comments));
	for (i = 0; i < e->edits.n; i++)
		if (e->edits.v[i].kind == EDIT_COMMENT)
			comments[pb->n_comment++] = a->ids[e->edits.v[i].first];
	pb->comment = comments;
	return true;
}

/* Applies the edits to every sample of p, and its comments. */
static bool edit_profile(const pprof_label_edits *e, pprof_profile *p)
{
	applying a = { e, p, NULL, NULL, { NULL, 0, 0 } };
	bool ok = prepare(&a);
	size_t i;

	for (i = 0; ok && i < p->pb->n_sample; i++)
		ok = edit_sample(&a, p->pb->sample[i]);
	ok = ok && add_comments(&a);
	free(a.ids);
	free(a.made);
	VEC_FREE(a.work);
	return ok;
}

/* The edits change the profile in place: they run on a work copy, so that
 * *p stays as it was when one fails. The copy is then merged on its own. */
int pprof_label_edits_apply(const pprof_label_edits *e, pprof_profile **p)
{
	pprof_profile *w = pp_profile_work_copy(*p), *out = NULL;
	pprof_merger *m = NULL;
	char err[PP_ERRLEN];
	int rc;

	if (!w)
		return PPROF_ERR_NOMEM;
	rc = edit_profile(e, w) ? pp_merge_alone(&m, w, false, &out, err) : PPROF_ERR_NOMEM;
	pprof_merger_free(m);
	pprof_profile_free(w);
	if (rc == PPROF_OK) {
		pprof_profile_free(*p);
		*p = out;
	}
	return rc;
}
