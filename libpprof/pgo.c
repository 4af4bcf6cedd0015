/*
 * pgo.c - reducing a profile to what `go build -pgo` reads (HACKING.md section
 * 9), without changing anything the compiler computes from it.
 *
 * Go (cmd/internal/pgo, FromPProf) takes the first sample type that is
 * samples/count or cpu/nanoseconds, builds internal/profile's graph of the
 * two leafmost locations of each sample, and sums the weights of its call
 * edges by (caller name, call line - caller start line, callee name). A node
 * of that graph is (address, function name, start line, line number): one
 * per line of a location (the innermost first), or one with the address
 * alone for a location without lines. Within a sample, an edge between two
 * equal nodes is skipped and an edge is counted once. So the edge weights
 * depend on the names, start lines and call lines of the two leafmost
 * locations and on which of their nodes are equal, nothing else.
 *
 * Every location becomes its "caller form": no mapping, address 0, columns
 * and folding dropped, lines kept; functions lose file and system names.
 * That keeps the names and lines, and the nodes of one location stay equal
 * or unequal among themselves (they shared an address, now 0). The leaf of
 * each sample becomes a "leaf copy": also without the line number of its
 * innermost line, which is never a caller, so leaves on different lines
 * merge. Two things could make nodes of one sample equal that were not:
 *  - that innermost line, now 0, may equal another line of the leaf with the
 *    same function: the leaf keeps its number then (the location's rule);
 *  - without addresses, the leaf's nodes may equal the caller's (the same
 *    function and line in both, or two locations without lines), which
 *    differed by address: the leaf copy gets address 1 then, the caller
 *    having 0 (the sample's rule).
 * When the leaf and the caller had the same address, their nodes could be
 * equal, and both keep their caller form. With values that are not negative
 * (a node whose values cancel out leaves Go's graph), the edges and their
 * weights, and so the total weight, are exactly those of the input.
 */
#include <stdlib.h>
#include <string.h>

#include "ops.h"

/* What the reduction works with. */
typedef struct {
	pprof_profile *p;
	pb_profile *pb;
	size_t column;        /* the value column Go reads */
	uint64_t *address;    /* per location index: its address before */
	bool *keep_leaf_line; /* per location index: the location's rule */
	uint64_t *leaf_id;    /* per location index, 2 each: its leaf copy's
	                           id, unmarked and marked; 0 = none yet */
	pb_location **added;  /* leaf copies */
	size_t n_added, cap_added;
	uint64_t next_id;
	char *err;
} pgo_ctx;

/* A node of Go's graph without its address: function name, start line,
 * line number. A location without lines has one, with name NULL. */
typedef struct {
	const ProtobufCBinaryData *name;
	int64_t start_line, line;
} node_key;

/* The first sample type Go reads, or false when there is none. */
static bool find_column(const pprof_profile *p, size_t *column)
{
	size_t i;

	for (i = 0; i < p->pb->n_sample_type; i++) {
		const char *unit, *type = pprof_profile_sample_type(p, i, &unit);
		if ((strcmp(type, "samples") == 0 && strcmp(unit, "count") == 0) ||
		    (strcmp(type, "cpu") == 0 && strcmp(unit, "nanoseconds") == 0)) {
			*column = i;
			return true;
		}
	}
	return false;
}

/* The function of a line (ids are valid). */
static const pb_function *line_function(const pprof_profile *p, const pb_line *ln)
{
	return p->pb->function[pp_idmap_get(&p->functions, ln->function_id)];
}

/* The location with this id (it exists). */
static const pb_location *location_by_id(const pprof_profile *p, uint64_t id)
{
	return p->pb->location[pp_idmap_get(&p->locations, id)];
}

/* Whether a function of the two leafmost locations of a sample with weight
 * has a start line: Go refuses a profile with samples and none. */
static bool has_start_lines(const pgo_ctx *c)
{
	size_t i, j, k;

	for (i = 0; i < c->pb->n_sample; i++) {
		const pb_sample *s = c->pb->sample[i];
		if (s->value[c->column] == 0)
			continue;
		for (j = 0; j < s->n_location_id && j < 2; j++) {
			const pb_location *l = location_by_id(c->p, s->location_id[j]);
			for (k = 0; k < l->n_line; k++)
				if (line_function(c->p, l->line[k])->start_line != 0)
					return true;
		}
	}
	return c->pb->n_sample == 0;
}

/* Whether two strings of the profile have the same bytes. */
static bool same_bytes(const ProtobufCBinaryData *a, const ProtobufCBinaryData *b)
{
	return a == b ||
	       (a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0));
}

/* Whether two keys are one node of Go's graph (addresses aside). */
static bool same_node(const node_key *a, const node_key *b)
{
	static const ProtobufCBinaryData empty = { 0, NULL };

	return same_bytes(a->name ? a->name : &empty, b->name ? b->name : &empty) &&
	       a->start_line == b->start_line && a->line == b->line;
}

/* The key of line j of location l; the innermost line's number is 0 in a
 * leaf copy that drops it. */
static node_key line_node(const pgo_ctx *c, const pb_location *l, size_t j, bool drop)
{
	const pb_function *f = line_function(c->p, l->line[j]);
	node_key k = { pp_profile_string(c->p, f->name), f->start_line, l->line[j]->line };

	if (drop && j == 0)
		k.line = 0;
	return k;
}

/* The location's rule: whether its innermost line keeps its number in a
 * leaf copy, because another of its lines has the same function. */
static bool keeps_leaf_line(const pgo_ctx *c, const pb_location *l)
{
	node_key first, other;
	size_t j;

	if (l->n_line == 0)
		return true;
	first = line_node(c, l, 0, false);
	for (j = 1; j < l->n_line; j++) {
		other = line_node(c, l, j, false);
		if (same_bytes(first.name, other.name) && first.start_line == other.start_line)
			return true;
	}
	return false;
}

/* The sample's rule: whether a node of the leaf (as its copy has it) equals
 * a node of the caller, once addresses are gone. */
static bool nodes_collide(const pgo_ctx *c, const pb_location *leaf, bool drop,
                          const pb_location *caller)
{
	node_key none = { NULL, 0, 0 }, a, b;
	size_t i, j, nl = leaf->n_line ? leaf->n_line : 1, nc = caller->n_line ? caller->n_line : 1;

	for (i = 0; i < nl; i++) {
		a = leaf->n_line ? line_node(c, leaf, i, drop) : none;
		for (j = 0; j < nc; j++) {
			b = caller->n_line ? line_node(c, caller, j, false) : none;
			if (same_node(&a, &b))
				return true;
		}
	}
	return false;
}

/* A copy of location l in its leaf form, with a new id; NULL when out of
 * memory. The lines are new objects: l keeps its own. */
static pb_location *leaf_copy(pgo_ctx *c, const pb_location *l, bool drop, bool marked)
{
	pp_arena *a = c->p->arena;
	pb_location *copy = pp_arena_alloc(a, sizeof(*copy));
	pb_line **ptrs = pp_arena_alloc(a, l->n_line * sizeof(*ptrs) + 1);
	pb_line *lines = pp_arena_alloc(a, l->n_line * sizeof(*lines) + 1);
	size_t j;

	if (!copy || !ptrs || !lines ||
	    !pp_grow(&c->added, &c->cap_added, c->n_added + 1, sizeof(*c->added)))
		return NULL;
	perftools__profiles__location__init(copy);
	copy->id = c->next_id++;
	copy->address = marked ? 1 : 0;
	for (j = 0; j < l->n_line; j++) {
		perftools__profiles__line__init(&lines[j]);
		lines[j].function_id = l->line[j]->function_id;
		lines[j].line = drop && j == 0 ? 0 : l->line[j]->line;
		ptrs[j] = &lines[j];
	}
	copy->n_line = l->n_line;
	copy->line = ptrs;
	c->added[c->n_added++] = copy;
	return copy;
}

/* The id of the leaf the sample gets for its leafmost location: the
 * location itself in caller form, or a leaf copy made once per form. 0 when
 * out of memory. */
static uint64_t leaf_for(pgo_ctx *c, const pb_sample *s)
{
	uint32_t li = pp_idmap_get(&c->p->locations, s->location_id[0]), ci;
	const pb_location *leaf = c->pb->location[li], *caller = NULL;
	bool drop = !c->keep_leaf_line[li], marked = false;
	uint64_t *slot;

	if (s->n_location_id > 1) {
		ci = pp_idmap_get(&c->p->locations, s->location_id[1]);
		caller = c->pb->location[ci];
		if (c->address[ci] == c->address[li])
			return leaf->id;
		marked = nodes_collide(c, leaf, drop, caller);
	}
	if (!drop && !marked)
		return leaf->id;
	slot = &c->leaf_id[2 * (size_t)li + marked];
	if (!*slot) {
		const pb_location *copy = leaf_copy(c, leaf, drop, marked);
		*slot = copy ? copy->id : 0;
	}
	return *slot;
}

/* Gives a sample the value Go reads, no labels, and its two leafmost
 * locations with the right leaf; false when out of memory. */
static bool reduce_sample(pgo_ctx *c, pb_sample *s)
{
	pp_arena *a = c->p->arena;
	int64_t *value = pp_arena_alloc(a, sizeof(*value));
	uint64_t *ids = pp_arena_alloc(a, 2 * sizeof(*ids));
	size_t n = s->n_location_id < 2 ? s->n_location_id : 2;

	if (!value || !ids)
		return false;
	*value = s->value[c->column];
	s->value = value;
	s->n_value = 1;
	s->n_label = 0;
	s->label = NULL;
	if (n > 0 && !(ids[0] = leaf_for(c, s)))
		return false;
	if (n > 1)
		ids[1] = s->location_id[1];
	s->location_id = ids;
	s->n_location_id = n;
	return true;
}

/* Notes every location's address and rule before any changes. */
static void survey_locations(pgo_ctx *c)
{
	size_t i;

	c->next_id = 1;
	for (i = 0; i < c->pb->n_location; i++) {
		const pb_location *l = c->pb->location[i];
		c->address[i] = l->address;
		c->keep_leaf_line[i] = keeps_leaf_line(c, l);
		if (l->id >= c->next_id)
			c->next_id = l->id + 1;
	}
}

/* Turns every location and function into its caller form. */
static void strip_objects(pgo_ctx *c)
{
	pb_profile *pb = c->pb;
	size_t i, j;

	for (i = 0; i < pb->n_location; i++) {
		pb_location *l = pb->location[i];
		l->mapping_id = 0;
		l->address = 0;
		l->is_folded = false;
		for (j = 0; j < l->n_line; j++)
			l->line[j]->column = 0;
	}
	for (i = 0; i < pb->n_function; i++) {
		pb->function[i]->system_name = 0;
		pb->function[i]->filename = 0;
	}
	pb->n_mapping = 0;
}

/* The header with only the sample type Go reads; the leaf copies added to
 * the locations. False when out of memory. */
static bool finish_header(pgo_ctx *c)
{
	pb_profile *pb = c->pb;
	pb_value_type **types = pp_arena_alloc(c->p->arena, sizeof(*types));
	pb_location **locs =
		pp_arena_alloc(c->p->arena, (pb->n_location + c->n_added) * sizeof(*locs) + 1);

	if (!types || !locs)
		return false;
	types[0] = pb->sample_type[c->column];
	pb->sample_type = types;
	pb->n_sample_type = 1;
	pb->default_sample_type = 0;
	if (pb->n_location)
		memcpy(locs, pb->location, pb->n_location * sizeof(*locs));
	if (c->n_added)
		memcpy(locs + pb->n_location, c->added, c->n_added * sizeof(*locs));
	pb->location = locs;
	pb->n_location += c->n_added;
	return true;
}

/* Checks that Go can use the profile; PPROF_OK or PPROF_ERR_DATA. */
static int check_usable(pgo_ctx *c)
{
	if (!find_column(c->p, &c->column)) {
		pp_seterr(c->err, "no sample type samples/count or cpu/nanoseconds, "
		                  "which is what go build -pgo reads");
		return PPROF_ERR_DATA;
	}
	if (!has_start_lines(c)) {
		pp_seterr(c->err, "no function has a start line, which go build -pgo needs "
		                  "(profiles of Go 1.20 and later have them)");
		return PPROF_ERR_DATA;
	}
	if (c->next_id > UINT64_MAX - c->pb->n_location * 2) {
		pp_seterr(c->err, "location ids too large to add leaf copies");
		return PPROF_ERR_DATA;
	}
	return PPROF_OK;
}

/* Reduces the profile, the tables of c allocated. */
static int reduce(pgo_ctx *c)
{
	size_t i;
	int rc;

	survey_locations(c);
	if ((rc = check_usable(c)) != PPROF_OK)
		return rc;
	for (i = 0; i < c->pb->n_sample; i++)
		if (!reduce_sample(c, c->pb->sample[i]))
			goto nomem;
	strip_objects(c);
	if (!finish_header(c))
		goto nomem;
	return PPROF_OK;
nomem:
	pp_seterr(c->err, "out of memory");
	return PPROF_ERR_NOMEM;
}

int pp_pgo_reduce(pprof_profile *p, char *err)
{
	size_t n = p->pb->n_location;
	pgo_ctx c = { p, p->pb, 0, NULL, NULL, NULL, NULL, 0, 0, 0, err };
	int rc = PPROF_ERR_NOMEM;

	c.address = malloc(n * sizeof(*c.address) + 1);
	c.keep_leaf_line = malloc(n * sizeof(*c.keep_leaf_line) + 1);
	c.leaf_id = calloc(2 * n + 1, sizeof(*c.leaf_id));
	if (c.address && c.keep_leaf_line && c.leaf_id)
		rc = reduce(&c);
	else
		pp_seterr(err, "out of memory");
	free(c.address);
	free(c.keep_leaf_line);
	free(c.leaf_id);
	free(c.added);
	return rc;
}
