# bash completion for volley. tests/integration/test_install.py checks that every long flag of
# `volley --help` is listed here.

# `volley enqueue` has flags of its own (volley enqueue --help).
_volley_enqueue() {
  local cur=$1 prev=$2
  case $prev in
    -i | --input | -o | --output)
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    --shards)
      return # a number of the user's own
      ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "--help --input --output --shards --quiet" -- "$cur"))
  fi
}

_volley() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  if [[ $COMP_CWORD -gt 1 && ${COMP_WORDS[1]} == enqueue ]]; then
    _volley_enqueue "$cur" "$prev"
    return
  fi

  case $prev in
    -i | --input | -o | --output | --cacert | --summary-json | --state)
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    --save | --capath)
      COMPREPLY=($(compgen -d -- "$cur"))
      return
      ;;
    -c | --concurrency | --per-host | --per-host-delay | --host-errors | --read-ahead | --max-memory | --rate | --shard | -X | --method | -H | --header | -d | --data | \
      -A | --user-agent | -u | --user | --resolve | -x | --proxy | -m | --timeout | --max-time | --connect-timeout | \
      --stall-timeout | --retries | --retry | --retry-delay | --retry-max-delay | --max-redirects | \
      --max-body | --extract | --match-status | --filter-status | --max-age | --queue | --group | \
      --consumer | --claim-after | --max-deliveries | --results | --depth | --level | --include | --exclude | \
      --max-pages | --max-pages-per-host)
      return # a value of the user's own
      ;;
    --scope)
      COMPREPLY=($(compgen -W "host prefix domain any" -- "$cur"))
      return
      ;;
    --links) # an optional value: a or all, else the word is a URL or a flag
      COMPREPLY=($(compgen -W "a all" -- "$cur") $(compgen -f -- "$cur"))
      return
      ;;
  esac

  if [[ $cur == --links=* ]]; then
    COMPREPLY=($(compgen -P --links= -W "a all" -- "${cur#--links=}"))
    return
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "
      --help --version --input --output --append --resume --concurrency --per-host --per-host-delay --host-errors
      --read-ahead --max-memory --robots --rate --shard --method --head --header --data
      --user-agent --user --resolve --proxy --ipv4 --ipv6 --insecure --cacert --capath --http1.1
      --compressed --timeout --max-time --connect-timeout --stall-timeout --retries --retry
      --retry-delay --retry-max-delay --max-redirects --location
      --max-body --title --links --links=all --extract --hash --headers --save --match-status
      --filter-status --crawl --recursive --depth --level --scope --include --exclude --max-pages
      --max-pages-per-host --sitemap --state --max-age --quiet --silent --show-error --summary-json --verbose
      --queue --group --consumer --claim-after --max-deliveries --results --drain" -- "$cur"))
    return
  fi
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "enqueue" -- "$cur") $(compgen -f -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _volley volley
