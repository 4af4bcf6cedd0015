/*
 * testlib_internal.h - libpprof's internal headers, one per floor, for the
 * suites that test internal functions. model.h names protobuf-c's types
 * pb_sample, pb_location, ..., which are testlib.h's builders: they are
 * included here with those six names changed, and nothing else.
 */
#ifndef TESTLIB_INTERNAL_H
#define TESTLIB_INTERNAL_H

#define pb_sample internal_pb_sample
#define pb_label internal_pb_label
#define pb_location internal_pb_location
#define pb_line internal_pb_line
#define pb_function internal_pb_function
#define pb_mapping internal_pb_mapping
#include "libpprof/base.h"
#include "libpprof/model.h"
#include "libpprof/codec.h"
#include "libpprof/stream.h"
#include "libpprof/ops.h"
#undef pb_sample
#undef pb_label
#undef pb_location
#undef pb_line
#undef pb_function
#undef pb_mapping

#endif /* TESTLIB_INTERNAL_H */
