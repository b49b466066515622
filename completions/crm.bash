# bash completion for crm(1)                                  -*- shell-script -*-
#
# Every answer comes from the binary itself: `crm __complete words --
# WORD... CUR` reads the command line with the tables that drive option
# parsing and help, finds the store as the command will (-C on the line,
# $CRM_DIR, the working directory, the default store) and prints the
# candidates for CUR, one a line, "VALUE<TAB>DESCRIPTION".  This script only
# splits the line into words as the shell will, and quotes the answers.
#
# commands: init add show list search set tag rm edit log undo redo status commit reindex stage user task deal board report note call meeting import export check digest automate reassign dupes merge help
#
# (The line above is checked by the test suite against `crm __complete
# commands`; completion itself never reads it.)

# _crm_split TEXT: splits TEXT (the line up to the cursor) into words as
# the shell will.  Sets _crm_words (the words, unquoted; the last is the
# one under the cursor), _crm_keep (the start of the last word, unquoted,
# that readline leaves in place: up to its last unquoted COMP_WORDBREAKS
# character or its open quote) and _crm_q (the open quote: ', " or empty).
_crm_split()
{
    local text=$1 c word= inword= esc= i
    local breaks=${COMP_WORDBREAKS-$' \t\n"\'><=;|&(:'}
    breaks=${breaks//[$' \t\n"\'']/}
    _crm_words=() _crm_keep= _crm_q=
    for (( i = 0; i < ${#text}; i++ )); do
        c=${text:i:1}
        if [[ -n $esc ]]; then
            esc=
            [[ $_crm_q == '"' && $c != [\$\`\"\\] ]] && word+='\'
            word+=$c
        elif [[ $_crm_q == "'" ]]; then
            if [[ $c == "'" ]]; then _crm_q= _crm_keep=$word; else word+=$c; fi
        elif [[ $c == '\' ]]; then
            esc=1 inword=1
        elif [[ $_crm_q == '"' ]]; then
            if [[ $c == '"' ]]; then _crm_q= _crm_keep=$word; else word+=$c; fi
        elif [[ $c == [\'\"] ]]; then
            _crm_q=$c _crm_keep=$word inword=1
        elif [[ $c == [$' \t\n'] ]]; then
            [[ -n $inword ]] && _crm_words+=("$word")
            word= inword= _crm_keep=
        else
            word+=$c inword=1
            [[ -n $breaks && $breaks == *"$c"* ]] && _crm_keep=$word
        fi
    done
    _crm_words+=("$word")
}

# _crm_quote VALUE...: the VALUEs as they must be typed inside the open
# quote $_crm_q (or outside any quote), into COMPREPLY.
_crm_quote()
{
    local out IFS=$'\n' -
    set -f
    case $_crm_q in
        "'") COMPREPLY=("${@//\'/\'\\\'\'}") ;;
        '"') COMPREPLY=("${@//\\/\\\\}")
             COMPREPLY=("${COMPREPLY[@]//\$/\\\$}")
             COMPREPLY=("${COMPREPLY[@]//\`/\\\`}")
             COMPREPLY=("${COMPREPLY[@]//\"/\\\"}") ;;
        *) printf -v out '%q\n' "$@"
           COMPREPLY=(${out%$'\n'})   # IFS is a newline, globbing is off
           COMPREPLY=("${COMPREPLY[@]/#\'\'/}") ;;
    esac
}

_crm()
{
    local IFS=$'\n' prog=${COMP_WORDS[0]:-crm} out v
    local -a lines vals
    local _crm_words _crm_keep _crm_q -
    set -f
    COMPREPLY=()
    _crm_split "${COMP_LINE:0:COMP_POINT}"
    [[ $prog == crm || -x $prog ]] || prog=crm
    out=$(command "$prog" __complete words -- "${_crm_words[@]}" 2>/dev/null)
    [[ -n $out ]] || return 0
    if [[ $out == *$'\n\tnospace' ]]; then
        compopt -o nospace 2>/dev/null
        out=${out%$'\n\tnospace'}
    fi
    lines=($out)    # IFS is a newline, globbing is off
    vals=("${lines[@]%%$'\t'*}")
    # readline replaces only the text after _crm_keep
    if [[ -n $_crm_keep ]]; then
        lines=("${vals[@]}") vals=()
        for v in "${lines[@]}"; do
            [[ $v == "$_crm_keep"* ]] && vals+=("${v:${#_crm_keep}}")
        done
        (( ${#vals[@]} )) || return 0
    fi
    _crm_quote "${vals[@]}"
    return 0
}

complete -F _crm crm
