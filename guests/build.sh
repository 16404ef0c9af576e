#!/usr/bin/env bash
# Rebuilds the guest modules in guests/wasm/ from guests/src/ with Debian's toolchain.
#
#   guests/build.sh           rebuild every guests/wasm/<name>.wasm and guests/wasm/INDEX
#   guests/build.sh --check   build into a temporary directory and fail, naming the files, if
#                             any committed binary is missing, stale or differs from a fresh build
#
# Sources:
#   src/c/<name>.c      WASI command, clang --target=wasm32-wasi (wasi-libc), linked by wasm-ld
#   src/wat/<name>.wat  wat2wasm; extra flags from a ";; wat2wasm-flags: ..." line in the file
#   src/raw/<name>.wasm copied verbatim (deliberately malformed fixtures, their own source)
#
# Output is deterministic: fixed flags, relative paths, no debug info, symbols stripped, and
# clang's automatic wasm-opt pass is avoided (it only runs when linking with -O), so the bytes
# depend only on the toolchain versions (Debian 12: clang 14.0.6, wasi-libc 0.0~git20220510,
# wabt 1.0.32).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

usage() {
  sed -n '2,7s/^# \{0,1\}//p' "$0"
}

die() {
  echo "build.sh: $*" >&2
  exit 1
}

mode=build
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  -h | --help)
    usage
    exit 0
    ;;
  *)
    usage >&2
    exit 64
    ;;
esac
[[ $# -le 1 ]] || die "too many arguments (see --help)"

# --- toolchain ---------------------------------------------------------------------------
require_cmd() { # command debian-package
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install the Debian package '$2' (apt-get install $2)"
}
require_cmd clang clang
require_cmd wasm-ld lld
require_cmd wat2wasm wabt
wasi_libc=/usr/lib/wasm32-wasi/libc.a
[[ -f $wasi_libc ]] || die "$wasi_libc not found: install the Debian package 'wasi-libc'"
builtins="$(clang --target=wasm32-wasi -print-libgcc-file-name)"
[[ -f $builtins ]] || die "$builtins not found: install the Debian package 'libclang-rt-14-dev-wasm32' (matching your clang)"

CFLAGS=(--target=wasm32-wasi -std=gnu17 -O2 -g0 -Wall -Wextra -Werror
  "-ffile-prefix-map=$here=guests" -fno-ident)
LDFLAGS=(--target=wasm32-wasi -Wl,--strip-all)

# --- build into a temporary directory ----------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/guests-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="$work/wasm"
mkdir -p "$out" "$work/obj"

dns_label='^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'
declare -A seen=()
claim() { # name source
  [[ $1 =~ $dns_label ]] || die "$2: guest name '$1' is not a lower-case DNS-1123 label"
  [[ -z ${seen[$1]:-} ]] || die "$2: guest name '$1' already comes from ${seen[$1]}"
  seen[$1]="$2"
}

shopt -s nullglob

for src in src/c/*.c; do
  name="$(basename "$src" .c)"
  claim "$name" "$src"
  clang "${CFLAGS[@]}" -c "$src" -o "$work/obj/$name.o"
  # No -O here: with -O, clang 14 would pipe the result through whatever wasm-opt is on PATH.
  clang "${LDFLAGS[@]}" "$work/obj/$name.o" -o "$out/$name.wasm"
done

for src in src/wat/*.wat; do
  name="$(basename "$src" .wat)"
  claim "$name" "$src"
  flags="$(sed -n 's/^;; wat2wasm-flags:\(.*\)$/\1/p' "$src")"
  # shellcheck disable=SC2086 # flags are a word list by design
  wat2wasm $flags "$src" -o "$out/$name.wasm"
done

for src in src/raw/*.wasm; do
  name="$(basename "$src" .wasm)"
  claim "$name" "$src"
  cp "$src" "$out/$name.wasm"
done

[[ ${#seen[@]} -gt 0 ]] || die "no sources found under $here/src"
(cd "$out" && for f in *.wasm; do echo "${f%.wasm}"; done | LC_ALL=C sort) >"$out/INDEX"
chmod 0644 "$out"/*

# --- install or compare ------------------------------------------------------------------
if [[ $mode == build ]]; then
  mkdir -p wasm
  for f in wasm/*.wasm; do
    [[ -e $out/$(basename "$f") ]] || {
      echo "removing stale $f"
      rm -f "$f"
    }
  done
  install -m 0644 "$out"/*.wasm "$out/INDEX" wasm/
  echo "built ${#seen[@]} guests into $here/wasm"
  exit 0
fi

problems=()
for f in "$out"/*.wasm "$out/INDEX"; do
  rel="wasm/$(basename "$f")"
  if [[ ! -e $rel ]]; then
    problems+=("missing: guests/$rel")
  elif ! cmp -s "$f" "$rel"; then
    problems+=("differs from a fresh build: guests/$rel")
  fi
done
for f in wasm/*; do
  # <name>.yaml beside a module holds the runner's settings for it (e.g. abi: cgi): a source itself.
  [[ $f == *.yaml && -e ${f%.yaml}.wasm ]] && continue
  [[ -e $out/$(basename "$f") ]] || problems+=("no source for: guests/$f")
done

if [[ ${#problems[@]} -gt 0 ]]; then
  printf 'build.sh --check: %s\n' "${problems[@]}" >&2
  echo "build.sh --check: toolchain here: $(clang --version | head -n1); wabt $(wat2wasm --version)" >&2
  echo "build.sh --check: run guests/build.sh and commit guests/wasm" >&2
  exit 1
fi
echo "build.sh --check: all ${#seen[@]} guests match their sources"
