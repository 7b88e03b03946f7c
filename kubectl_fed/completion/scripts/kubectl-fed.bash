# bash completion for kubectl-fed
#
# Load it in the current shell:  source <(kubectl fed completion bash)
# or for every new shell:        kubectl fed completion bash > ~/.local/share/bash-completion/completions/kubectl-fed
#
# `kubectl fed <Tab>` needs none of this: kubectl's own completion asks kubectl_complete-fed.

_kubectl_fed_complete() {
    local line="${COMP_LINE:0:COMP_POINT}"
    local -a words
    read -r -a words <<< "$line"
    if [[ -z "$line" || "$line" =~ [[:space:]]$ ]]; then
        words+=("")
    fi
    local cur="${words[${#words[@]}-1]}"

    local output
    output=$(kubectl_complete-fed "${words[@]:1}" 2>/dev/null) || return 0
    local -a lines=()
    mapfile -t lines <<< "$output"
    local last="${lines[${#lines[@]}-1]}"
    local directive=0
    if [[ "$last" =~ ^:([0-9]+)$ ]]; then
        directive="${BASH_REMATCH[1]}"
        unset 'lines[${#lines[@]}-1]'
    fi
    (( directive & 1 )) && return 0

    # The shell replaces only the text after the last word-break character (= or :);
    # a candidate for `--output=js` is the value alone, as cobra sends it.
    local replaced="$cur"
    if [[ "$cur" == -*=* ]]; then
        replaced="${cur#*=}"
    fi
    local breaks="${COMP_WORDBREAKS//[^=:]/}"
    local kept="" candidate
    if [[ -n "$breaks" && "$replaced" == *["$breaks"]* ]]; then
        kept="${replaced%"${replaced##*["$breaks"]}"}"
    fi

    COMPREPLY=()
    if (( directive & 8 )); then
        local ext
        for ext in "${lines[@]}"; do
            [[ -n "$ext" ]] || continue
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -X "!*.${ext%%$'\t'*}" -- "$cur")
        done
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur")
        compopt -o filenames 2>/dev/null
        return 0
    fi
    if (( directive & 16 )); then
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        compopt -o filenames 2>/dev/null
        return 0
    fi
    for candidate in "${lines[@]}"; do
        candidate="${candidate%%$'\t'*}"
        [[ -z "$candidate" || "$candidate" != "$replaced"* ]] && continue
        COMPREPLY+=("${candidate#"$kept"}")
    done
    if (( directive & 2 )); then
        compopt -o nospace 2>/dev/null
    fi
    if (( ${#COMPREPLY[@]} == 0 && (directive & 4) == 0 )); then
        compopt -o default 2>/dev/null
    fi
    return 0
}

complete -o nosort -F _kubectl_fed_complete kubectl-fed 2>/dev/null \
    || complete -F _kubectl_fed_complete kubectl-fed
