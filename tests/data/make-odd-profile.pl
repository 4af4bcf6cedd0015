#!/usr/bin/perl
# make-odd-profile.pl: writes to stdout a small uncompressed profile with the
# odd cases reports must handle (see tests/cli/stat.sh for what it holds):
# nameless functions, a location without lines, a ';' in a name, an inlined
# frame, repeated labels, strings that need JSON escaping and invalid UTF-8,
# and a sample without a stack. Used by tests/cli/stat.sh and
# tests/interop/stat.sh.
use strict;
use warnings;
sub v { my $n = shift; my $s = ""; while ($n >= 128) { $s .= chr(($n & 127) | 128); $n >>= 7 } $s . chr($n) }
sub ld { my ($f, $b) = @_; v($f << 3 | 2) . v(length $b) . $b }
sub vi { my ($f, $n) = @_; v($f << 3) . v($n) }
sub packed { my $f = shift; ld($f, join "", map { v($_) } @_) }
my @s = ("", "samples", "count", "alloc", "bytes", "who", "a\"b\\c\nd\t\001",
         "n", "main", "f;semi", "g", "x", "y", "/usr/lib/libc.so.6", "\377", "space");
my %i; @i{@s} = (0 .. $#s);
sub str { my $k = shift; $i{$k} }
sub lab_s { ld(3, vi(1, str($_[0])) . vi(2, str($_[1]))) }
sub lab_n { ld(3, vi(1, str($_[0])) . vi(3, $_[1]) . ($_[2] ? vi(4, str($_[2])) : "")) }
sub sample { my ($locs, $vals, @labels) = @_; ld(2, packed(1, @$locs) . packed(2, @$vals) . join("", @labels)) }
my $p = ld(1, vi(1, str("samples")) . vi(2, str("count")))
      . ld(1, vi(1, str("alloc")) . vi(2, str("bytes")));
$p .= sample([1, 2], [3, 16], lab_s("who", "a\"b\\c\nd\t\001"), lab_n("n", 5));
$p .= sample([3], [4, 32], lab_s("who", "x"), lab_s("who", "x"));
$p .= sample([1, 2], [2, 0], lab_s("who", "y"));
$p .= sample([4, 3], [1, 8], lab_n("n", 7, "bytes"));
$p .= sample([5, 6, 2], [5, 0], lab_s("who", "\377"));
$p .= sample([], [9, 9]);
$p .= ld(3, vi(1, 1) . vi(2, 0x7f0000) . vi(3, 0x7f1000) . vi(5, str("/usr/lib/libc.so.6")));
$p .= ld(4, vi(1, 1) . ld(4, vi(1, 2) . vi(2, 10)));
$p .= ld(4, vi(1, 2) . ld(4, vi(1, 1) . vi(2, 20)));
$p .= ld(4, vi(1, 3) . ld(4, vi(1, 3) . vi(2, 31)) . ld(4, vi(1, 1) . vi(2, 21)));
$p .= ld(4, vi(1, 4) . vi(2, 1) . vi(3, 0x7f0100));
$p .= ld(4, vi(1, 5) . vi(3, 0x1234));
$p .= ld(4, vi(1, 6) . ld(4, vi(1, 4) . vi(2, 1)));
$p .= ld(5, vi(1, 1) . vi(2, str("main")) . vi(5, 19));
$p .= ld(5, vi(1, 2) . vi(2, str("f;semi")) . vi(5, 9));
$p .= ld(5, vi(1, 3) . vi(2, str("g")) . vi(5, 30));
$p .= ld(5, vi(1, 4) . vi(5, 77));
$p .= ld(6, $_) for @s;
print $p . ld(11, vi(1, str("space")) . vi(2, str("bytes"))) . vi(12, 1);
