# 49-completion.zsh BIN FPATH DIR LINE... - real zsh completion for
# 49-completion.t: an interactive zsh in a pseudo-terminal (zpty) gets each
# LINE and a tab, then Enter, polled (bounded) until the line has run.  crm
# is a function there that prints its arguments, between markers, while the
# completion script runs the real binary (`command crm`); the arguments are
# printed one line per LINE, joined with '|'.  DIR holds the compdump.
zmodload zsh/zpty || exit 3
zpty z 'zsh -f -i' || exit 4
# ${:-} keeps the markers out of the echo of the definition itself
zpty -w z "PS1='> '; unsetopt beep; PATH=$1:\$PATH; fpath=($2 \$fpath);\
 autoload -Uz compinit; compinit -u -d $3/zcompdump;\
 crm() { print -r -- \"[[\${:-}ARGS:\${(j:|:)@}:END\${:-}]]\" }"
shift 3
integer i
for line in "$@"; do
	zpty -w -n z "$line"$'\t'
	out=
	for (( i = 0; i < 60; i++ )); do
		sleep 0.25
		zpty -w -n z $'\r'
		while zpty -r -t z chunk; do out+=$chunk; done
		[[ $out == *'[[ARGS:'*':END]]'* ]] && break
	done
	out=${out##*\[\[ARGS:}
	print -r -- "${out%%:END\]\]*}"
done
zpty -d z
