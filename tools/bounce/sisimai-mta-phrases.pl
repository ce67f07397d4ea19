#!/usr/bin/perl
# Regenerates core/src/main/resources/io/postbridge/core/bounce/mta-phrases.txt from the per-MTA and per-provider
# phrase tables ($messagesof/$errorcodes string lists in Sisimai/Lhost/*.pm; the Rhost ones are in rhost-rules.txt) of Sisimai 4
# (Debian libsisimai-perl, BSD-2-Clause, (c) azumakuniyuki and the Sisimai team).
# Usage: perl tools/bounce/sisimai-mta-phrases.pl > core/src/main/resources/io/postbridge/core/bounce/mta-phrases.txt
# Output lines: "<reason>\t<s|r>\t<lower-case substring or Java regex>\t<module>".
use strict; use warnings;
my $base = (grep { -d "$_/Sisimai/Lhost" } @INC)[0] . "/Sisimai";
print "# Derived from Sisimai 4.25.15 Sisimai/Lhost/*.pm (https://github.com/sisimai/p5-sisimai)\n";
print "# Copyright (C) 2014-2021 azumakuniyuki, All rights reserved. BSD 2-Clause License:\n";
print "# Redistribution and use in source and binary forms, with or without modification, are permitted provided\n";
print "# that the following conditions are met: 1. Redistributions of source code must retain the above copyright\n";
print "# notice, this list of conditions and the following disclaimer. 2. Redistributions in binary form must\n";
print "# reproduce the above copyright notice, this list of conditions and the following disclaimer in the\n";
print "# documentation and/or other materials provided with the distribution. THIS SOFTWARE IS PROVIDED BY THE\n";
print "# COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR IMPLIED WARRANTIES ARE DISCLAIMED.\n";
print "# Format: reason <TAB> s (substring of the lower-cased text) | r (Java regex) <TAB> value <TAB> Sisimai module\n";
my %seen;
for my $f (sort glob("$base/Lhost/*.pm")) {   # Rhost/*.pm: host-scoped, sisimai-rhost-rules.pl
    my ($kind, $mod) = $f =~ m{/(\w+)/(\w+)\.pm$};
    open my $fh, '<', $f or die $!; my $src = do { local $/; <$fh> }; close $fh;
    while ($src =~ /^(\s*)state \$(messagesof|refailures|errorcodes|failonldap|resmtp) = (\{.*?^\1\});/gms) {
        my $table = eval $3; next unless ref $table eq 'HASH';
        if (!grep { ref $_ } values %$table) {
            # a phrase => reason table (Rhost/TencentQQ): turned round; code => reason tables are skipped
            my %byreason;
            while (my ($k, $r) = each %$table) { push @{ $byreason{$r} }, $k if defined $r && $k =~ /[a-z]{3}/i; }
            $table = \%byreason;
        }
        for my $reason (sort keys %$table) {
            my ($file) = grep { lc($_) eq lc("$base/Reason/$reason.pm") } glob("$base/Reason/*.pm");
            next unless $file;
            my $list = $table->{$reason}; $list = [$list] unless ref $list eq 'ARRAY';
            for my $v (@$list) {
                my ($type, $text);
                if (ref $v eq 'Regexp') {
                    my ($flags, $body) = "$v" =~ /\A\(\?\^(\w*):(.*)\)\z/s; $text = $body // "$v"; $type = 'r';
                    $text = flatten($text) if ($flags // '') =~ /x/;
                    $text =~ s/(\\.)|([A-Z])/defined $1 ? $1 : lc $2/ge;   # lower-case, escapes (\A, \S) kept
                } else { $type = 's'; $text = lc $v; }
                next if length $text < 6 || $seen{"$reason\t$text"}++;
                print "$reason\t$type\t$text\t$kind/$mod\n";
            }
        }
    }
}

# Perl /x -> plain regex: drop whitespace and comments outside character classes
sub flatten {
    my @c = split //, shift; my ($out, $cls, $i) = ('', 0, 0);
    while ($i < @c) {
        my $ch = $c[$i];
        if ($ch eq '\\') { $out .= $ch . $c[$i + 1]; $i += 2; next; }
        if ($cls) { $out .= $ch; $cls = 0 if $ch eq ']'; $i++; next; }
        if ($ch eq '[') { $cls = 1; $out .= $ch; $i++; if ($c[$i] eq ']') { $out .= '\\]'; $i++; } next; }
        if ($ch =~ /\s/) { $i++; next; }
        if ($ch eq '#') { $i++ while $i < @c && $c[$i] ne "\n"; next; }
        $out .= $ch; $i++;
    }
    return $out;
}
