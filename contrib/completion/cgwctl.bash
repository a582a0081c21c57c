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
		    status show monitor tunnel reload metrics import-aws" -- "$cur"))
		;;
	show)
		if ((nargs == 0)); then
			COMPREPLY=($(compgen -W "tunnels tunnel sas bgp routes" -- "$cur"))
		elif ((nargs == 1)) && [[ $prev == tunnel ]]; then
			COMPREPLY=($(compgen -W "$(_cgwctl_tunnels)" -- "$cur"))
		elif ((nargs == 1)) && [[ $prev == bgp ]]; then
			COMPREPLY=($(compgen -W "advertised" -- "$cur"))
		fi
		;;
	monitor)
		((nargs == 0)) && COMPREPLY=($(compgen -W "--json" -- "$cur"))
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
		--name|--local|--network|--static) ;;
		--psk-dir)
			COMPREPLY=($(compgen -d -- "$cur")) ;;
		-o|--output)
			COMPREPLY=($(compgen -f -- "$cur")) ;;
		*)
			if [[ $cur == -* ]]; then
				COMPREPLY=($(compgen -W "--name --local --network --static --psk-dir -o --output" -- "$cur"))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			;;
		esac
		;;
	esac
}
complete -F _cgwctl cgwctl
