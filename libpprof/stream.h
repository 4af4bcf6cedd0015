/*
 * stream.h - streams of profiles (HACKING.md section 3): reader.c and
 * writer.c. They share nothing but what pprof.h declares; this header says
 * where they stand: on the codec, model and base.
 */
#ifndef PPROF_STREAM_H
#define PPROF_STREAM_H

#include "codec.h"

#endif /* PPROF_STREAM_H */
