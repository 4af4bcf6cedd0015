package main

import "encoding/binary"

// pbuf appends protobuf wire format: varints, length-delimited fields and
// packed repeated fields. Field numbers are those of google/pprof's
// profile.proto.
type pbuf struct{ b []byte }

func (p *pbuf) varint(x uint64) { p.b = binary.AppendUvarint(p.b, x) }

// key appends a field key; wire type 0 is varint, 2 is length-delimited.
func (p *pbuf) key(field, wire int) { p.varint(uint64(field)<<3 | uint64(wire)) }

// uint64Opt appends a varint field unless x is 0 (proto3 default).
func (p *pbuf) uint64Opt(field int, x uint64) {
	if x != 0 {
		p.key(field, 0)
		p.varint(x)
	}
}

func (p *pbuf) int64Opt(field int, x int64) { p.uint64Opt(field, uint64(x)) }

func (p *pbuf) boolOpt(field int, x bool) {
	if x {
		p.uint64Opt(field, 1)
	}
}

// bytes appends a length-delimited field.
func (p *pbuf) bytes(field int, b []byte) {
	p.key(field, 2)
	p.varint(uint64(len(b)))
	p.b = append(p.b, b...)
}

// message appends the message that fill writes as a length-delimited field.
func (p *pbuf) message(field int, fill func(m *pbuf)) {
	var m pbuf
	fill(&m)
	p.bytes(field, m.b)
}

// packedUint64 appends a packed repeated varint field (nothing if empty).
func (p *pbuf) packedUint64(field int, xs []uint64) {
	if len(xs) == 0 {
		return
	}
	var m pbuf
	for _, x := range xs {
		m.varint(x)
	}
	p.bytes(field, m.b)
}

func (p *pbuf) packedInt64(field int, xs []int64) {
	if len(xs) == 0 {
		return
	}
	var m pbuf
	for _, x := range xs {
		m.varint(uint64(x))
	}
	p.bytes(field, m.b)
}

// Field numbers from profile.proto.
const (
	profSampleType    = 1
	profSample        = 2
	profMapping       = 3
	profLocation      = 4
	profFunction      = 5
	profStringTable   = 6
	profTimeNanos     = 9
	profDurationNanos = 10
	profPeriodType    = 11
	profPeriod        = 12
	profComment       = 13

	vtType = 1
	vtUnit = 2

	sampleLocationID = 1
	sampleValue      = 2
	sampleLabel      = 3

	labelKey     = 1
	labelStr     = 2
	labelNum     = 3
	labelNumUnit = 4

	mapID              = 1
	mapMemoryStart     = 2
	mapMemoryLimit     = 3
	mapFileOffset      = 4
	mapFilename        = 5
	mapBuildID         = 6
	mapHasFunctions    = 7
	mapHasFilenames    = 8
	mapHasLineNumbers  = 9
	mapHasInlineFrames = 10

	locID        = 1
	locMappingID = 2
	locAddress   = 3
	locLine      = 4

	lineFunctionID = 1
	lineLine       = 2

	fnID         = 1
	fnName       = 2
	fnSystemName = 3
	fnFilename   = 4
	fnStartLine  = 5
)
