#!/usr/bin/env bash
# The CLIs of the version matrix, kept in the git-ignored bin/ folder. Nothing is downloaded but Go
# modules through the Go module proxy.
#   scripts/clis.sh terraform   bin/terraform-1.15.9, unpacked from ../shared/tools (sha256 checked)
#   scripts/clis.sh tofu        bin/tofu-1.10.10, built from the OpenTofu Go module (minutes)
#   scripts/clis.sh require MIN CLI [WHAT]
#                               fails with one line unless CLI is Terraform MIN (e.g. 1.14) or later
# terraform and tofu print the binary's absolute path on their last line and reuse a binary already built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"

TF_VERSION=1.15.9
TF_GZ_SHA256=1d8bf787926e4f1481cf59996c020ca4cae8dcf761b32fa765e871ffb0d58cbd
TOFU_VERSION=1.10.10

terraform_cli() {
  local out="$bin/terraform-$TF_VERSION" gz="$root/../shared/tools/terraform-$TF_VERSION.gz" common
  if [ ! -f "$gz" ]; then # in a git worktree, the shared folder sits beside the main checkout
    common=$(cd "$root" && git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
    if [ -n "$common" ] && [ -f "$(dirname "$common")/../shared/tools/terraform-$TF_VERSION.gz" ]; then
      gz="$(dirname "$common")/../shared/tools/terraform-$TF_VERSION.gz"
    fi
  fi
  if [ ! -x "$out" ]; then
    [ -f "$gz" ] || { echo "error: ../shared/tools/terraform-$TF_VERSION.gz is not beside the repository: Terraform $TF_VERSION comes from there" >&2; exit 1; }
    echo "$TF_GZ_SHA256  $gz" | sha256sum -c --quiet - >&2 || { echo "error: $gz does not have the expected sha256" >&2; exit 1; }
    mkdir -p "$bin"
    gunzip -c "$gz" >"$out.tmp" && chmod +x "$out.tmp" && mv "$out.tmp" "$out"
  fi
  echo "$out"
}

tofu_cli() {
  local out="$bin/tofu-$TOFU_VERSION" dir
  if [ ! -x "$out" ]; then
    command -v go >/dev/null 2>&1 || { echo "error: go is not on PATH: building OpenTofu needs the Go toolchain" >&2; exit 1; }
    dir=$(cd "$root" && go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
    [ -d "$dir" ] || { echo "error: go mod download github.com/opentofu/opentofu@v$TOFU_VERSION failed" >&2; exit 1; }
    # The module cache is read-only and OpenTofu's go.mod has a replace directive (so `go install
    # ...@version` refuses it): it builds from a writable copy, outside this module.
    src=$(mktemp -d "${TMPDIR:-/tmp}/tofu-src.XXXXXX")
    trap 'chmod -R u+w "$src" 2>/dev/null; rm -rf "$src"' EXIT # src is global: the trap runs after the function
    cp -R "$dir/." "$src/" && chmod -R u+w "$src"
    mkdir -p "$bin"
    # version.dev=no: the release build's version string (1.10.10, not 1.10.10-dev).
    (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$out.tmp" ./cmd/tofu) >&2 ||
      { echo "error: building OpenTofu $TOFU_VERSION failed" >&2; exit 1; }
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}

# require MIN CLI [WHAT]: CLI's version from `version -json` (Terraform and OpenTofu both print terraform_version).
require() {
  local min=$1 cli=${2:-} what=${3:-these tests} v
  [ -n "$cli" ] && [ -x "$(command -v "$cli" 2>/dev/null)" ] ||
    { echo "error: $what needs Terraform $min+: no CLI found (got '${cli}'); pass TF=/path/to/terraform" >&2; exit 1; }
  v=$("$cli" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p' | head -1)
  local want_major=${min%%.*} want_minor=${min#*.} major minor
  major=${v%%.*} minor=${v#*.}; minor=${minor%%.*}
  if [ -z "$v" ] || [ "$major" -lt "$want_major" ] || { [ "$major" -eq "$want_major" ] && [ "$minor" -lt "$want_minor" ]; }; then
    echo "error: $what needs Terraform $min+; $cli is ${v:-of unknown version}" >&2
    exit 1
  fi
}

case "${1:-}" in
  terraform) terraform_cli ;;
  tofu) tofu_cli ;;
  require) shift; require "$@" ;;
  *) echo "usage: $0 terraform | tofu | require MIN CLI [WHAT]" >&2; exit 2 ;;
esac
