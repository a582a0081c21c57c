# bash completion for cgwctl(8)

_cgwctl_sock()
{
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		-s|--socket) echo "${COMP_WORDS[i + 1]}"; return ;;
		--socket=*) echo "${COMP_WORDS[i]#--socket=}"; return ;;
		esac
	done
	echo /run/cgwd/cgwd.sock
}

_cgwctl_tunnels()
{
	# Tunnel names from the running daemon, each once (a tunnel's name
	# also appears in its "bgp" object); nothing when it is not there.
	cgwctl -s "$(_cgwctl_sock)" --json status 2>/dev/null |
	    grep -o '"name":"[^"]*"' | sed 's/"name":"\(.*\)"/\1/' |
	    awk '!seen[$0]++'
}

_cgwctl()
{
	local cur prev i cmd="" nargs=0
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-s|--socket) ((i++)) ;;
		-*) ;;
		*) if [[ -z $cmd ]]; then cmd=${COMP_WORDS[i]}; else ((nargs++)); fi ;;
		esac
	done

	if [[ $prev == -s || $prev == --socket ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	case $cmd in
	"")
		COMPREPLY=($(compgen -W "-s --socket -j --json -V --version -h --help
		    status show tunnel reload metrics import-aws" -- "$cur"))
		;;
	show)
		((nargs == 0)) && COMPREPLY=($(compgen -W "tunnels sas bgp routes" -- "$cur"))
		;;
	tunnel)
		if ((nargs == 0)); then
			COMPREPLY=($(compgen -W "up down rekey" -- "$cur"))
		elif ((nargs == 1)); then
			COMPREPLY=($(compgen -W "$(_cgwctl_tunnels)" -- "$cur"))
		fi
		;;
	import-aws)
		case $prev in
		--name|--local|--network) ;;
		*)
			if [[ $cur == -* ]]; then
				COMPREPLY=($(compgen -W "--name --local --network" -- "$cur"))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			;;
		esac
		;;
	esac
}
complete -F _cgwctl cgwctl
