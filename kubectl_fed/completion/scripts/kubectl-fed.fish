# fish completion for kubectl-fed
#
# Load it in the current shell:  kubectl fed completion fish | source
# or for every new shell:        kubectl fed completion fish > ~/.config/fish/completions/kubectl-fed.fish
#
# `kubectl fed <Tab>` needs none of this: kubectl's own completion asks kubectl_complete-fed.

function __kubectl_fed_complete
    set -l typed (commandline -opc)
    set -l current (commandline -ct)
    set -l lines (kubectl_complete-fed $typed[2..-1] "$current" 2>/dev/null)
    or return
    set -l directive 0
    if string match -qr '^:[0-9]+$' -- "$lines[-1]"
        set directive (string sub -s 2 -- $lines[-1])
        set -e lines[-1]
    end
    test (math "bitand($directive, 1)") -eq 0; or return
    if test (math "bitand($directive, 8)") -ne 0
        # Folders, and files with one of the extensions listed.
        set -l extensions (string split -f1 \t -- $lines)
        for path in (__fish_complete_path "$current")
            set -l file (string split -f1 \t -- $path)
            if string match -q -- '*/' $file
                or contains -- (string split -r -m1 -f2 . -- $file) $extensions
                printf '%s\n' $path
            end
        end
        return
    end
    if test (math "bitand($directive, 16)") -ne 0
        __fish_complete_directories "$current"
        return
    end
    # A candidate for `--output=js` is the value alone, as cobra sends it.
    set -l prefix (string match -r -- '^-[^=]*=' "$current")
    for line in $lines
        test -n "$line"; and printf '%s%s\n' "$prefix" "$line"
    end
    if test (count $lines) -eq 0; and test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path "$current"
    end
end

complete -c kubectl-fed -e
complete -c kubectl-fed -f -a '(__kubectl_fed_complete)'
