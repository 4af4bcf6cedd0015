# Bash completion for pprof-merge, pprof-filter, pprof-stat and pprof-tag.
#
# Options are read from the program's own --help when completing, so they
# cannot go stale: an option line of --help ("  -o, --output FILE  ...")
# names the option and, in capitals, whether it takes an argument. Operands
# and FILE arguments complete as file names; --sample-type completes the
# sample types, and pprof-stat --by and pprof-filter --tagroot and --tagleaf
# the label keys (after the last comma of a list), of the first profile
# named on the command line (read with pprof-stat --json). pprof's
# spellings that a program accepts (--nodecount, --sample_index: the
# paragraph of --help that starts "pprof's spellings") complete only where
# none of the program's own options does, and their arguments complete as
# those of the option they stand for. Needs only bash; bash-completion loads
# it by command name.

# _pprof_tools_help CMD: prints CMD's options, one per line, as "NAME[ ARG]"
# for its long option and, if any, its short option, e.g. "--output FILE",
# "-o FILE", "--keep-going".
_pprof_tools_help()
{
	local line re='^ +((-[A-Za-z0-9])|-[0-9] \.\. -[0-9])?(, )?(--[A-Za-z0-9][-A-Za-z0-9]*)( [A-Z][^ ]*)?'

	while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		printf '%s\n' "${BASH_REMATCH[4]}${BASH_REMATCH[5]}"
		[[ -n ${BASH_REMATCH[2]} ]] && printf '%s\n' "${BASH_REMATCH[2]}${BASH_REMATCH[5]}"
	done < <("$1" --help 2>/dev/null)
}

# _pprof_tools_aliases CMD: prints the pprof spellings CMD accepts, one per
# line, as "NAME OPTION[ ARG]": the spelling, the option it stands for ("-"
# when --help does not say) and its argument's name, e.g.
# "--nodecount --top N", read from --help's "pprof's spellings" paragraph
# ("--nodecount N (--top N), --sample_index TYPE (--sample-type TYPE), ...").
_pprof_tools_aliases()
{
	local text='' line re='^[^-]*(--[A-Za-z0-9][_A-Za-z0-9-]*)( [A-Z]+)?( \((--[A-Za-z0-9-]+))?'

	while IFS= read -r line; do
		[[ -n $text || $line == "pprof's spellings"* ]] || continue
		[[ -n $line && $line != ' '* ]] || break
		text+=" $line"
		[[ $line == *. ]] && break   # the paragraph's last line
	done < <("$1" --help 2>/dev/null)
	while [[ $text =~ $re ]]; do
		printf '%s %s%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[4]:--}" "${BASH_REMATCH[2]}"
		text=${text:${#BASH_REMATCH[0]}}
	done
}

# _pprof_tools_stat CMD: the pprof-stat that goes with CMD (the one beside
# it when CMD was given with a directory).
_pprof_tools_stat()
{
	case $1 in
	*/*) printf '%s\n' "${1%/*}/pprof-stat" ;;
	*) printf '%s\n' pprof-stat ;;
	esac
}

# _pprof_tools_profile_json CMD FILE: pprof-stat --json of FILE.
_pprof_tools_profile_json()
{
	"$(_pprof_tools_stat "$1")" --json --top 1 -- "$2" 2>/dev/null
}

# _pprof_tools_sample_types CMD FILE: the sample type names of FILE.
_pprof_tools_sample_types()
{
	_pprof_tools_profile_json "$1" "$2" | LC_ALL=C sed -n -E \
		'/^  "sample_types": \[/,/^  \]/s/^ *\{"type": "(([^"\\]|\\.)*)".*/\1/p'
}

# _pprof_tools_label_keys CMD FILE: the label keys of FILE's samples.
_pprof_tools_label_keys()
{
	_pprof_tools_profile_json "$1" "$2" | LC_ALL=C sed -n -E \
		'/^  "labels": \[/,/^  \]/s/^ *\{"key": "(([^"\\]|\\.)*)".*/\1/p'
}

# _pprof_tools_files CUR: file names starting with CUR, into COMPREPLY.
_pprof_tools_files()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$1"))
}

# _pprof_tools_words CUR WORD...: the WORDs starting with CUR, into COMPREPLY.
_pprof_tools_words()
{
	local cur=$1 w
	shift
	COMPREPLY=()
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# _pprof_tools: the completion function of the four programs.
_pprof_tools()
{
	local cmd=${COMP_WORDS[0]/#\~/$HOME} cur=${COMP_WORDS[COMP_CWORD]} prev=
	local -A argof=()   # option -> the name of its argument, "" for none
	local -A aliasof=() # pprof's spelling -> the option it stands for
	local name arg opt w i skip=0 profile=
	local -a values

	while read -r name arg; do
		argof[$name]=$arg
	done < <(_pprof_tools_help "$cmd")
	while read -r name opt arg; do
		[[ -n ${argof[$name]+set} ]] && continue   # one of its own options
		argof[$name]=$arg
		aliasof[$name]=$opt
	done < <(_pprof_tools_aliases "$cmd")

	# readline splits --opt=value at '=' into "--opt", "=", "value".
	if [[ $cur == = ]] && ((COMP_CWORD >= 2)); then
		prev=${COMP_WORDS[COMP_CWORD - 1]} cur=
	elif ((COMP_CWORD >= 3)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif ((COMP_CWORD >= 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi

	# The first operand that is a file: the profile whose names complete.
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if ((skip || i == COMP_CWORD)); then
			skip=0
			continue
		fi
		case $w in
		=) skip=1 ;;
		-?*) [[ -n ${argof[$w]-} ]] && skip=1 ;;
		*)
			w=${w/#\~/$HOME}
			if [[ -f $w ]]; then
				profile=$w
				break
			fi ;;
		esac
	done

	COMPREPLY=()
	if [[ $prev == -?* && -n ${argof[$prev]-} ]]; then
		case ${aliasof[$prev]:-$prev}:${argof[$prev]} in
		--sample-type:*)
			[[ -n $profile ]] &&
				mapfile -t values < <(_pprof_tools_sample_types "$cmd" "$profile") ;;
		--by:* | --tagroot:* | --tagleaf:*)
			# KEY[,KEY]: the key after the last comma completes
			if [[ -n $profile ]]; then
				mapfile -t values < <(_pprof_tools_label_keys "$cmd" "$profile")
				w=${cur%"${cur##*,}"}
				values=("${values[@]/#/"$w"}")
			fi ;;
		*:FILE)
			_pprof_tools_files "$cur"
			return 0 ;;
		esac
		# Other arguments (N, RE, KEY=VALUE, ...) are free text.
		_pprof_tools_words "$cur" "${values[@]}"
		return 0
	fi
	if [[ $cur == -* ]]; then
		for name in "${!argof[@]}"; do
			[[ -z ${aliasof[$name]-} ]] && values+=("$name")
		done
		mapfile -t values < <(printf '%s\n' "${values[@]}" | LC_ALL=C sort)
		_pprof_tools_words "$cur" "${values[@]}"
		((${#COMPREPLY[@]})) && return 0
		mapfile -t values < <(printf '%s\n' "${!aliasof[@]}" | LC_ALL=C sort)
		_pprof_tools_words "$cur" "${values[@]}"
		return 0
	fi
	_pprof_tools_files "$cur"
	return 0
}

complete -F _pprof_tools pprof-merge pprof-filter pprof-stat pprof-tag
