#!/usr/bin/perl
# make-paths-profile.pl: writes to stdout a small uncompressed CPU profile
# whose file names and lines test pprof's granularities (see
# tests/interop/views.sh): file names that filepath.Clean changes ("/./",
# "//", "..", a relative path), that pprof's trimPath changes in top tables
# but not in traces ("/proc/self/cwd/", "/proc/self/cwd/./"), two functions
# of one name in files that are one after trimming, nameless functions in
# files, columns, a chain of inlined calls, and locations without lines,
# with and without a mapping.
use strict;
use warnings;
sub v { my $n = shift; my $s = ""; while ($n >= 128) { $s .= chr(($n & 127) | 128); $n >>= 7 } $s . chr($n) }
sub ld { my ($f, $b) = @_; v($f << 3 | 2) . v(length $b) . $b }
sub vi { my ($f, $n) = @_; v($f << 3) . v($n) }
sub packed { my $f = shift; ld($f, join "", map { v($_) } @_) }
my @s = ("", "samples", "count", "cpu", "nanoseconds", "/bin/app", "main", "work", "helper",
         "util", "x", "/src/./app/main.go", "/proc/self/cwd/work.go", "work.go",
         "/src/app//../app/h.go", "/proc/self/cwd/./util.go", "a/b/../../c.go", "../x/./y.go",
         "/src/app/main.go");
my %i; @i{@s} = (0 .. $#s);
sub str { my $k = shift; $i{$k} }
sub sample { my ($locs, @vals) = @_; ld(2, packed(1, @$locs) . packed(2, @vals)) }
# line FUNCTION LINE [COLUMN]
sub line { ld(4, vi(1, $_[0]) . vi(2, $_[1]) . ($_[2] ? vi(3, $_[2]) : "")) }
sub loc { my ($id, $mapping, $address, @lines) = @_; ld(4, vi(1, $id) . ($mapping ? vi(2, $mapping) : "") . ($address ? vi(3, $address) : "") . join("", @lines)) }
# fn ID NAME FILE START
sub fn { ld(5, vi(1, $_[0]) . ($_[1] ? vi(2, str($_[1])) : "") . vi(4, str($_[2])) . vi(5, $_[3])) }
my $p = ld(1, vi(1, str("samples")) . vi(2, str("count")))
      . ld(1, vi(1, str("cpu")) . vi(2, str("nanoseconds")));
$p .= sample([2, 1], 1, 5);
$p .= sample([3, 1], 1, 2);
$p .= sample([4, 1], 1, 0);
$p .= sample([5, 1], 1, 7);
$p .= sample([6, 1], 1, 3);
$p .= sample([7], 1, 1);
$p .= sample([6, 5, 1], 2, 4);
$p .= ld(3, vi(1, 1) . vi(2, 0x1000) . vi(3, 0x9000) . vi(5, str("/bin/app")));
$p .= loc(1, 1, 0x1000, line(1, 10, 4));
$p .= loc(2, 1, 0x2000, line(4, 7, 2), line(2, 21));
$p .= loc(3, 1, 0x3000);
$p .= loc(4, 1, 0x4000, line(5, 51));
$p .= loc(5, 1, 0x5000, line(3, 22));
$p .= loc(6, 1, 0x6000, line(6, 2), line(8, 9, 1), line(7, 4));
$p .= loc(7, 0, 0);
$p .= fn(1, "main", "/src/./app/main.go", 5);
$p .= fn(2, "work", "/proc/self/cwd/work.go", 20);
$p .= fn(3, "work", "work.go", 20);
$p .= fn(4, "helper", "/src/app//../app/h.go", 6);
$p .= fn(5, "", "/src/app/main.go", 50);
$p .= fn(6, "util", "/proc/self/cwd/./util.go", 1);
$p .= fn(7, "", "a/b/../../c.go", 3);
$p .= fn(8, "x", "../x/./y.go", 8);
$p .= ld(6, $_) for @s;
print $p . ld(11, vi(1, str("cpu")) . vi(2, str("nanoseconds"))) . vi(12, 10000000);
