# fish completion for crm(1)
#
# Every answer comes from the binary itself: `crm __complete fish --
# WORD... CUR` reads the command line with the tables that drive option
# parsing and help, finds the store as the command will (-C on the line,
# $CRM_DIR, the working directory, the default store) and prints the
# candidates for CUR, one a line, "VALUE<TAB>DESCRIPTION" (records: the
# name, described by the id), which is what fish takes.  fish cannot be
# told to add no space after a word, and adds none after one that ends
# in = : or /; so the "fish" form ends such words there ("name=",
# "owner:", "dir/"), where "words" leaves a query's field name bare.
#
# commands: init add show list search set tag rm edit log undo redo status commit reindex stage user task deal board report note call meeting import export check digest automate reassign dupes merge help
#
# (The line above is checked by the test suite against `crm __complete
# commands`; completion itself never reads it.)

# __crm_complete: the candidates for the token under the cursor.
function __crm_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    # the token as typed, unquoted (an open quote is dropped)
    set -l plain (string unescape -- $cur 2>/dev/null)
    or set plain (string replace -r -- '^[\'"]' '' $cur)
    command crm __complete fish -- $words "$plain" 2>/dev/null | string match -v -- '\t*'
end

complete -c crm -f -a '(__crm_complete)'
