#!/usr/bin/perl
# Regenerates core/src/main/resources/io/postbridge/core/bounce/reason-phrases.txt from the phrase
# tables of Sisimai 4 (Debian libsisimai-perl, BSD-2-Clause, (c) azumakuniyuki and the Sisimai team).
# Usage: perl tools/bounce/sisimai-reason-phrases.pl > core/src/main/resources/io/postbridge/core/bounce/reason-phrases.txt
# Output lines: "<reason>\t<s|r>\t<lower-case substring or Java regex>".
use strict; use warnings;
my $dir = (grep { -d "$_/Sisimai/Reason" } @INC)[0] . "/Sisimai/Reason";
print "# Derived from Sisimai 4.25.15 Sisimai/Reason/*.pm (https://github.com/sisimai/p5-sisimai)\n";
print "# Copyright (C) 2014-2021 azumakuniyuki, All rights reserved. BSD 2-Clause License:\n";
print "# Redistribution and use in source and binary forms, with or without modification, are permitted provided\n";
print "# that the following conditions are met: 1. Redistributions of source code must retain the above copyright\n";
print "# notice, this list of conditions and the following disclaimer. 2. Redistributions in binary form must\n";
print "# reproduce the above copyright notice, this list of conditions and the following disclaimer in the\n";
print "# documentation and/or other materials provided with the distribution. THIS SOFTWARE IS PROVIDED BY THE\n";
print "# COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR IMPLIED WARRANTIES ARE DISCLAIMED.\n";
print "# Format: reason <TAB> s (substring of the lower-cased text) | r (Java regex) <TAB> value\n";
for my $f (sort glob "$dir/*.pm") {
    my ($reason) = $f =~ m{/(\w+)\.pm$};
    $reason = lc $reason;
    open my $fh, '<', $f or die $!; my $src = do { local $/; <$fh> }; close $fh;
    my ($match) = $src =~ /^sub match \{(.*?)^\}/ms or next;
    while ($match =~ /state \$index = \[(.*?)\];/gs) {
        my $list = $1;
        while ($list =~ /(['"])((?:\\.|(?!\1).)*)\1/g) {
            my $v = $2; $v =~ s/\\(.)/$1/g; print "$reason\ts\t$v\n";
        }
    }
    while ($match =~ /state \$regex = qr\{(.*?)\}x;/gs) {
        print "$reason\tr\t", flatten($1), "\n";
    }
}
# Perl /x -> plain regex: drop whitespace and comments outside character classes
sub flatten {
    my @c = split //, shift; my ($out, $cls, $i) = ('', 0, 0);
    while ($i < @c) {
        my $ch = $c[$i];
        if ($ch eq '\\') { $out .= $ch . $c[$i + 1]; $i += 2; next; }
        if ($cls) { $out .= ($ch eq '[' ? '\\[' : $ch); $cls = 0 if $ch eq ']' && $c[$i - 1] ne '[' ; $i++; next; }
        if ($ch eq '[') { $cls = 1; $out .= $ch; $i++; if ($c[$i] eq ']') { $out .= '\\]'; $i++; } next; }
        if ($ch =~ /\s/) { $i++; next; }
        if ($ch eq '#') { $i++ while $i < @c && $c[$i] ne "\n"; next; }
        $out .= $ch; $i++;
    }
    return $out;
}
