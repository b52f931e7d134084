#!/bin/sh
# Shell completions generated from the option tables of --help: the bash
# script, sourced in bash, registers itself and completes commands, scan's
# options (every one --help lists, nothing else), choices and index
# subcommands for simulated command lines; the zsh script registers with
# compinit; fish completes the same from its script.
. tests/cli/lib.sh
command -v bash >/dev/null || fail "bash is needed"
command -v zsh >/dev/null || fail "zsh is needed (make deps installs it)"
command -v fish >/dev/null || fail "fish is needed (make deps installs it)"
expect_rc 0 "$LIKENESS" completion bash
cp "$T/out" "$T/likeness.bash"
expect_rc 0 "$LIKENESS" completion zsh
mkdir "$T/zfunc" && cp "$T/out" "$T/zfunc/_likeness"
expect_rc 0 "$LIKENESS" completion fish
cp "$T/out" "$T/likeness.fish"
expect_rc 2 "$LIKENESS" completion tcsh
grep_err 'choose one of: bash zsh fish'
expect_rc 0 "$LIKENESS" help
grep -q completion "$T/out" && fail "the hidden command is listed by help"

# The long options scan --help lists, one per line, sorted.
"$LIKENESS" scan --help | sed -n 's/^ *\(-[a-z0-9], \)\{0,1\}\(--[a-z0-9-]*\).*/\2/p' |
    sort -u >"$T/help-opts"
[ "$(wc -l <"$T/help-opts")" -ge 20 ] || fail "scan --help lists too few options"

# complete WORDS...: what the bash completion offers for the command line
# WORDS (the last one being completed), one per line, sorted.
cat >"$T/complete.sh" <<'SH'
. "$1"; shift
complete -p likeness >&2 || exit 3
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
_likeness
printf '%s\n' "${COMPREPLY[@]}" | sort
SH
complete() { bash "$T/complete.sh" "$T/likeness.bash" "$@" >"$T/out" 2>"$T/err"; }

complete likeness sc
grep_err 'complete .*-F _likeness likeness'
[ "$(cat "$T/out")" = "scan" ] || fail "bash: 'likeness sc' does not complete to scan"
complete likeness scan --
grep -x -e '--min-score' "$T/out" >/dev/null || { cat "$T/out"; fail "bash: scan options"; }
grep -x -e '--help' -v "$T/out" >"$T/bash-opts"
cmp -s "$T/help-opts" "$T/bash-opts" ||
    { diff "$T/help-opts" "$T/bash-opts"; fail "bash: scan's options differ from --help's"; }
complete likeness scan --mi
[ "$(cat "$T/out")" = "--min-score" ] || fail "bash: --mi"
complete likeness scan --fail-on ""
[ "$(tr '\n' ' ' <"$T/out")" = "match never resembles " ] || { cat "$T/out"; fail "bash: choices"; }
complete likeness scan --format = js
[ "$(tr '\n' ' ' <"$T/out")" = "json jsonl " ] || { cat "$T/out"; fail "bash: --format=js"; }
complete likeness index ""
grep -x add "$T/out" >/dev/null && grep -x export "$T/out" >/dev/null ||
    fail "bash: index subcommands"
complete likeness index add --ow
[ "$(cat "$T/out")" = "--owner" ] || fail "bash: index add options"
complete likeness scan --evidence tests/cl
[ "$(cat "$T/out")" = "tests/cli" ] || { cat "$T/out"; fail "bash: --evidence completes directories"; }

# zsh: the script is a #compdef function compinit registers for likeness.
zsh -n "$T/zfunc/_likeness" || fail "zsh: syntax"
zsh -f -c "fpath=('$T/zfunc' \$fpath); autoload -U compinit; compinit -u -d '$T/zcomp';
           print -r -- \${_comps[likeness]}" >"$T/out" 2>"$T/err"
[ "$(cat "$T/out")" = "_likeness" ] || { cat "$T/out" "$T/err"; fail "zsh: not registered"; }
for o in $(cat "$T/help-opts"); do
    grep -q -e "'$o=\{0,1\}\[" -e "{-.+\{0,1\},$o=\{0,1\}}" -e "'\*$o=\{0,1\}\[" "$T/zfunc/_likeness" ||
        fail "zsh: scan option $o missing"
done

# fish: complete -C gives what a user would see.
fish -n "$T/likeness.fish" || fail "fish: syntax"
fish -c "source '$T/likeness.fish'; complete -C'likeness scan --'" | cut -f1 | sort >"$T/fish-opts"
grep -v -x -e '--help' "$T/fish-opts" >"$T/fish-opts2"
cmp -s "$T/help-opts" "$T/fish-opts2" ||
    { diff "$T/help-opts" "$T/fish-opts2"; fail "fish: scan's options differ from --help's"; }
fish -c "source '$T/likeness.fish'; complete -C'likeness scan --fail-on '" | cut -f1 |
    tr '\n' ' ' >"$T/out"
[ "$(cat "$T/out")" = "match never resembles " ] || { cat "$T/out"; fail "fish: choices"; }
exit 0
