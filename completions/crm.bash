# bash completion for crm(1)                                  -*- shell-script -*-
#
# Command names, options, users, stages and record ids all come from the
# binary itself through the hidden `crm __complete ...` interface, so the
# option table in the C code is the single source of truth.
#
# commands: init add show list search set tag rm edit log undo status commit reindex help
#
# (The line above is checked by the test suite against `crm __complete
# commands`; completion itself never reads it.)

# _crm_query ARGS...: run `crm [-C DIR] __complete ARGS...`, errors silenced.
_crm_query()
{
    if [[ -n $_crm_cdir ]]; then
        crm -C "$_crm_cdir" __complete "$@" 2>/dev/null
    else
        crm __complete "$@" 2>/dev/null
    fi
}

# _crm_options CMD: long options of CMD ("-" for global options), one per
# line, without a trailing "=" or a tab-separated description.
_crm_options()
{
    local line
    while IFS= read -r line; do
        line=${line%%$'\t'*}
        printf '%s\n' "${line%=}"
    done < <(_crm_query options "$1")
}

# _crm_takes_arg CMD OPT: true when OPT of CMD takes a value.
_crm_takes_arg()
{
    case $2 in
        -C|-n|-m|--format|--user|--name|--phone|--email|--company|--contact|\
        --role|--owner|--tag|--source|--birthday|--amount|--currency|\
        --stage|--pipeline|--due|--for|--set|--sort|--limit)
            return 0 ;;
        -*) _crm_query options "$1" | command grep -qxF -- "$2=" ;;
        *) return 1 ;;
    esac
}

# _crm_reply WORDS...: set COMPREPLY to those of WORDS that start with $cur.
_crm_reply()
{
    local w
    COMPREPLY=()
    for w in "$@"; do
        [[ $w == "$cur"* ]] && COMPREPLY+=("$w")
    done
}

# _crm_value OPT CMD: complete the value of option OPT; false when OPT's
# value is free text (nothing is offered then).
_crm_value()
{
    local IFS=$'\n'
    case $1 in
        -C)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur")) ;;
        --owner|--user)
            _crm_reply $(_crm_query users) ;;
        --stage)
            _crm_reply $(_crm_query stages) ;;
        --format)
            _crm_reply table json csv tsv ids yaml ;;
        --company)
            _crm_reply $(_crm_query refs company | cut -f1) ;;
        --contact)
            _crm_reply $(_crm_query refs contact | cut -f1) ;;
        --for)
            _crm_reply $(_crm_query refs | cut -f1) ;;
        *)
            COMPREPLY=() ;;
    esac
}

_crm()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev= cword=$COMP_CWORD
    local _crm_cdir= cmd= w i npos=0 IFS=$'\n'
    COMPREPLY=()
    (( cword > 0 )) && prev=${COMP_WORDS[cword-1]}

    # "--opt=value" split by COMP_WORDBREAKS into "--opt" "=" "value".
    if [[ $cur == = ]]; then
        prev=${COMP_WORDS[cword-1]}; cur=
    elif [[ $prev == = ]] && (( cword > 1 )); then
        prev=${COMP_WORDS[cword-2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}; cur=${cur#*=}
    fi

    # Global options and the command name.
    i=1
    while (( i < cword )); do
        w=${COMP_WORDS[i]}
        case $w in
            -C)
                (( i + 1 < cword )) && _crm_cdir=${COMP_WORDS[i+1]}
                (( i += 2 )); continue ;;
            -C?*) _crm_cdir=${w#-C} ;;
            --format|--user) (( i += 2 )); continue ;;
            -*) ;;
            *) cmd=$w; break ;;
        esac
        (( i++ ))
    done
    [[ $_crm_cdir == \~* ]] && _crm_cdir=$HOME${_crm_cdir#\~}

    if [[ -z $cmd ]]; then
        case $prev in
            -C|--format|--user) _crm_value "$prev"; return 0 ;;
        esac
        if [[ $cur == -* ]]; then
            _crm_reply $(_crm_options -)
        else
            _crm_reply $(_crm_query commands) \
                $(compgen -c -- "crm-$cur" 2>/dev/null | sed 's/^crm-//' | sort -u)
        fi
        return 0
    fi

    # Words after the command: count positional arguments, skipping option
    # values.  A word followed by "=" was split from "KEY=VALUE".
    local j=$(( i + 1 ))
    while (( j < cword )); do
        w=${COMP_WORDS[j]}
        if [[ ${COMP_WORDS[j+1]} == = ]] && (( j + 1 < cword )); then
            [[ $w != -* ]] && (( npos++ ))
            (( j += 3 )); continue
        fi
        if [[ $w == -* && $w != *=* ]]; then
            _crm_takes_arg "$cmd" "$w" && (( j++ ))
        elif [[ $w != -* ]]; then
            (( npos++ ))
        fi
        (( j++ ))
    done

    if [[ $prev == -* ]] && _crm_takes_arg "$cmd" "$prev"; then
        _crm_value "$prev"
        return 0
    fi

    if [[ $cur == -* ]]; then
        _crm_reply $(_crm_options "$cmd")
        return 0
    fi

    case $cmd,$npos in
        add,0|list,0)
            _crm_reply $(_crm_query types) ;;
        list,*|search,*)
            compopt -o nospace 2>/dev/null
            _crm_reply $(_crm_query fields) ;;
        show,0|set,0|tag,0|rm,0|edit,0|log,0)
            _crm_reply $(_crm_query refs | cut -f1) ;;
        help,0)
            _crm_reply $(_crm_query commands) ;;
        init,0)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur")) ;;
    esac
    return 0
}

complete -F _crm crm
