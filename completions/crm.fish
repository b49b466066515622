# fish completion for crm(1)
#
# Command names, options, users, stages and record ids all come from the
# binary itself through the hidden `crm __complete ...` interface, so the
# option table in the C code is the single source of truth.
#
# commands: init add show list search set tag rm edit log undo status commit reindex help
#
# (The line above is checked by the test suite against `crm __complete
# commands`; completion itself never reads it.)

# __crm_query CDIR ARGS...: run `crm [-C CDIR] __complete ARGS...`.
function __crm_query
    set -l cdir $argv[1]
    set -e argv[1]
    if test -n "$cdir"
        crm -C $cdir __complete $argv 2>/dev/null
    else
        crm __complete $argv 2>/dev/null
    end
end

# __crm_takes_arg CDIR CMD OPT: true when OPT of CMD takes a value.
function __crm_takes_arg
    switch $argv[3]
        case -C -n -m --format --user --name --phone --email --company \
            --contact --role --owner --tag --source --birthday --amount \
            --currency --stage --pipeline --due --for --set --sort --limit
            return 0
        case '-*'
            for line in (__crm_query $argv[1] options $argv[2])
                set -l o (string split -m1 \t -- $line)[1]
                test "$o" = "$argv[3]=" && return 0
            end
            return 1
    end
    return 1
end

# __crm_options CDIR CMD: long options of CMD ("-": global options), as
# "option<TAB>description" lines.
function __crm_options
    for line in (__crm_query $argv[1] options $argv[2])
        set -l parts (string split -m1 \t -- $line)
        set -l o (string replace -r '=$' '' -- $parts[1])
        if set -q parts[2]
            printf '%s\t%s\n' $o $parts[2]
        else
            printf '%s\n' $o
        end
    end
end

# __crm_commands CDIR: command names, and crm-NAME executables on PATH.
function __crm_commands
    for c in (__crm_query $argv[1] commands)
        printf '%s\tcommand\n' $c
    end
    for dir in $PATH
        for f in $dir/crm-*
            test -x $f && printf '%s\texternal command\n' (string replace -r '^.*/crm-' '' -- $f)
        end
    end
end

# __crm_value CDIR OPT PREFIX CUR: values of option OPT, each preceded by
# PREFIX ("--opt=" for "--opt=value" words).
function __crm_value
    set -l cdir $argv[1]
    set -l p $argv[3]
    switch $argv[2]
        case -C
            __fish_complete_directories $argv[4] | string replace -r '^' -- $p
        case --owner --user
            __crm_query $cdir users | string replace -r '^' -- $p
        case --stage
            __crm_query $cdir stages | string replace -r '^' -- $p
        case --format
            printf "$p%s\n" table json csv tsv ids yaml
        case --company
            __crm_query $cdir refs company | string replace -r '^' -- $p
        case --contact
            __crm_query $cdir refs contact | string replace -r '^' -- $p
        case --for
            __crm_query $cdir refs | string replace -r '^' -- $p
    end
end

function __crm_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l n (count $words)
    set -l cdir
    set -l cmd
    set -l i 2

    # Global options and the command name.
    while test $i -le $n
        set -l w $words[$i]
        switch $w
            case -C
                set -l k (math $i + 1)
                test $k -le $n && set cdir $words[$k]
                set i (math $i + 2)
                continue
            case '-C*'
                set cdir (string sub -s 3 -- $w)
            case --format --user
                set i (math $i + 2)
                continue
            case '-*'
            case '*'
                set cmd $w
                break
        end
        set i (math $i + 1)
    end

    set cdir (string replace -r '^~' -- $HOME $cdir)

    # --opt=value
    if string match -q -r -- '^--[^=]+=' $cur
        set -l opt (string replace -r '=.*' '' -- $cur)
        __crm_value "$cdir" $opt "$opt=" (string replace -r '^[^=]*=' '' -- $cur)
        return
    end

    set -l prev
    test $n -ge 2 && set prev $words[$n]

    if test -z "$cmd"
        switch "$prev"
            case -C --format --user
                __crm_value "$cdir" $prev '' $cur
                return
        end
        if string match -q -- '-*' $cur
            __crm_options "$cdir" -
        else
            __crm_commands "$cdir"
        end
        return
    end

    # Words after the command: count positional arguments, skip option values.
    set -l npos 0
    set -l j (math $i + 1)
    while test $j -le $n
        set -l w $words[$j]
        if string match -q -- '-*' $w
            if not string match -q -- '*=*' $w
                and __crm_takes_arg "$cdir" $cmd $w
                set j (math $j + 1)
            end
        else
            set npos (math $npos + 1)
        end
        set j (math $j + 1)
    end

    if string match -q -- '-*' "$prev"
        and test $n -gt $i
        and __crm_takes_arg "$cdir" $cmd $prev
        __crm_value "$cdir" $prev '' $cur
        return
    end

    if string match -q -- '-*' $cur
        __crm_options "$cdir" $cmd
        return
    end

    if test $cmd = search; or begin; test $cmd = list; and test $npos -gt 0; end
        __crm_query "$cdir" fields
        return
    end

    test $npos -eq 0 || return
    switch $cmd
        case add list
            __crm_query "$cdir" types
        case show set tag rm edit log
            __crm_query "$cdir" refs
        case help
            __crm_query "$cdir" commands
        case init
            __fish_complete_directories $cur
    end
end

complete -c crm -f -a '(__crm_complete)'
