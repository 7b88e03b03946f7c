#compdef kubectl-fed
# zsh completion for kubectl-fed
#
# Load it in the current shell:  source <(kubectl fed completion zsh)
# or save it as _kubectl-fed in a directory of your $fpath.
#
# `kubectl fed <Tab>` needs none of this: kubectl's own completion asks kubectl_complete-fed.

_kubectl-fed() {
    local output last line name help directive=0
    local -a lines described globs
    output=$(kubectl_complete-fed "${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
    lines=("${(@f)output}")
    last=${lines[-1]}
    if [[ $last == :<-> ]]; then
        directive=${last#:}
        lines=("${(@)lines[1,-2]}")
    fi
    (( directive & 1 )) && return 1
    if (( directive & 8 )); then
        for line in $lines; do
            [[ -n $line ]] && globs+=("${line%%$'\t'*}")
        done
        _files -g "*.(${(j:|:)globs})"
        return
    fi
    if (( directive & 16 )); then
        _files -/
        return
    fi
    # A candidate for `--output=js` is the value alone, as cobra sends it.
    [[ ${words[CURRENT]} == -*=* ]] && compset -P '*='
    for line in $lines; do
        [[ -z $line ]] && continue
        name=${line%%$'\t'*}
        help=""
        [[ $line == *$'\t'* ]] && help=${line#*$'\t'}
        described+=("${name//:/\\:}${help:+:$help}")
    done
    if (( ${#described} )); then
        if (( directive & 2 )); then
            _describe -t values 'kubectl-fed' described -S ''
        else
            _describe -t values 'kubectl-fed' described
        fi
        return
    fi
    (( directive & 4 )) || _files
}

if [[ "${funcstack[1]}" == "_kubectl-fed" ]]; then
    _kubectl-fed "$@"
else
    compdef _kubectl-fed kubectl-fed
fi
