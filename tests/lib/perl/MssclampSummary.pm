# SPDX-License-Identifier: GPL-2.0
#
# prove's console output, closed by one line that counts test cases over
# every file: "N passed, N failed", and ", N skipped" when a case was
# skipped (a skipped case is neither passed nor failed). A file that does
# not parse (no plan, a bad line) counts as one failed case more.
#
#   prove -I tests/lib/perl --formatter MssclampSummary ...
package MssclampSummary;

use strict;
use warnings;
use parent 'TAP::Formatter::Console';

sub summary {
	my ($self, $aggregate, $interrupted) = @_;

	$self->SUPER::summary($aggregate, $interrupted);
	# A file that does not parse, or whose reader failed.
	my $broken = grep { $_->parse_errors || ($_->has_problems && !$_->failed) }
		$aggregate->parsers;
	my $skipped = $aggregate->skipped;
	my $failed = $aggregate->failed + $broken;
	my $passed = $aggregate->passed - $skipped;
	my $line = "$passed passed, $failed failed";
	$line .= ", $skipped skipped" if $skipped;
	$self->_output("$line\n");
}

1;
