#!/usr/bin/perl
# make-report-edges.pl: writes to stdout an uncompressed profile for the edge
# cases of reports (tests/cli/edges-report.sh, tests/interop/edges-report.sh):
#
#   make-report-edges.pl names [safe]
#       Names a terminal must not see raw: function names with ESC sequences
#       and BEL, a line break, ';', a NUL in the middle (two names that differ
#       only after it), DEL, C1 controls (U+009B as UTF-8, and a raw 0x9b
#       byte), and plain UTF-8 that must stay as it is; a mapping file, a
#       sample type, its unit, a label key, string values and a numeric
#       label's unit with escape sequences. Sample types samples/count,
#       cpu/nanoseconds (the default) and one with hostile names. "safe"
#       leaves out the names with a line break or bytes that are not UTF-8
#       (for comparisons with pprof's raw output line by line).
#       Stacks (root first), one sample each, with distinct values:
#       main;<name> for every name, main;main.inl (main.inl inlined into
#       main) and main;[lib] (a location without lines in the mapping).
#
#   make-report-edges.pl deep LINES REFS SAMPLES [FUNCS]
#       One location with LINES lines (an inline chain; line j calls function
#       j mod FUNCS, default LINES), referenced REFS times in a row by each of
#       SAMPLES samples, under one of 10 leaf locations (sample i has leaf
#       i mod 10); each sample has its own numeric label "i".
use strict;
use warnings;

sub v { my $n = shift; my $s = ""; while ($n >= 128) { $s .= chr(($n & 127) | 128); $n >>= 7 } $s . chr($n) }
sub ld { my ($f, $b) = @_; v($f << 3 | 2) . v(length $b) . $b }
sub vi { my ($f, $n) = @_; v($f << 3) . v($n) }
sub packed { my $f = shift; ld($f, join "", map { v($_) } @_) }

# A string table: str(s) is the index of s, added when new.
my (@strings, %index);
sub str { my $s = shift; $index{$s} //= do { push @strings, $s; $#strings } }
str("");

sub value_type { my ($f, $type, $unit) = @_; ld($f, vi(1, str($type)) . vi(2, str($unit))) }
sub label_str { ld(3, vi(1, str($_[0])) . vi(2, str($_[1]))) }
sub label_num { ld(3, vi(1, str($_[0])) . vi(3, $_[1]) . ($_[2] ? vi(4, str($_[2])) : "")) }
sub sample { my ($locs, $vals, @labels) = @_; ld(2, packed(1, @$locs) . packed(2, @$vals) . join("", @labels)) }
sub function { my ($id, $name) = @_; ld(5, vi(1, $id) . vi(2, str($name)) . vi(5, 1)) }
# location ID with lines [function id, line], leaf first; mapping id or 0.
sub location {
	my ($id, $mapping, @lines) = @_;
	ld(4, vi(1, $id) . ($mapping ? vi(2, $mapping) . vi(3, 0x1000 + $id) : "")
	      . join("", map { ld(4, vi(1, $_->[0]) . vi(2, $_->[1])) } @lines));
}
sub strings { join "", map { ld(6, $_) } @strings }

sub names {
	my $safe = @_ && $_[0] eq "safe";
	my @names = ("main.\e[31mred\e[0m\abell", "semi;colon", "nul\0inside", "nul\0outside",
	             "del\x7fete", "c1\xc2\x9b31mcsi", "caf\xc3\xa9.ok");
	push @names, "line\nbreak", "raw\x9b31mbyte" unless $safe;
	my $p = value_type(1, "samples", "count") . value_type(1, "cpu", "nanoseconds")
	      . value_type(1, "\e[1mevil", "\e[5mblink");
	my ($loc, $value) = (10, 1);
	my $key = "who\e]0;title\a";
	$p .= function(1, "main") . location(1, 0, [1, 10]);
	$p .= function(2, "main.inl") . location(2, 0, [2, 20], [1, 11]);
	$p .= location(3, 1);
	for my $i (0 .. $#names) {
		$p .= function($loc, $names[$i]) . location($loc, 0, [$loc, 1]);
		$p .= sample([$loc, 1], [$value, $value * 1000, $value],
		             label_str($key, $i % 2 ? "\e[2Jclear" : "plain"), label_num("n", $i, "\e[7mu"));
		$loc++;
		$value++;
	}
	$p .= sample([2], [$value, $value * 1000, $value]);
	$p .= sample([3, 1], [$value + 1, ($value + 1) * 1000, $value + 1]);
	$p .= ld(3, vi(1, 1) . vi(2, 0x1000) . vi(3, 0x9000) . vi(5, str("/lib/\e[33mlib.so")));
	$p .= value_type(11, "cpu", "nanoseconds") . vi(12, 10000000) . vi(14, str("cpu"));
	return $p . strings();
}

sub deep {
	my ($lines, $refs, $samples, $funcs) = @_;
	die "usage: $0 deep LINES REFS SAMPLES [FUNCS]\n" unless $lines && $refs && $samples;
	$funcs ||= $lines;
	my $p = value_type(1, "samples", "count") . value_type(1, "cpu", "nanoseconds");
	$p .= function($_ + 1, sprintf("main.f%d", $_)) for 0 .. $funcs - 1;
	$p .= location(1, 0, map { [$_ % $funcs + 1, $_ + 1] } reverse 0 .. $lines - 1);
	for my $k (0 .. 9) {
		$p .= function($funcs + 1 + $k, "main.leaf$k") . location(2 + $k, 0, [$funcs + 1 + $k, 1]);
	}
	for my $i (0 .. $samples - 1) {
		$p .= sample([2 + $i % 10, (1) x $refs], [1, 10000000], label_num("i", $i));
	}
	$p .= value_type(11, "cpu", "nanoseconds") . vi(12, 10000000);
	return $p . strings();
}

binmode STDOUT;
my $what = shift // "";
if ($what eq "names") {
	print names(@ARGV);
} elsif ($what eq "deep") {
	print deep(@ARGV);
} else {
	die "usage: $0 names [safe] | deep LINES REFS SAMPLES [FUNCS]\n";
}
