#!/usr/bin/env bash
# make demo: build the provider and the emulator, start the emulator on loopback, apply
# examples/demo through a dev override, print the outputs, show that a second plan is empty, stop.
# TERRAFORM names the CLI (`make demo TF=bin/tofu-1.10.10`): any Terraform 1.7+ or OpenTofu.
set -euo pipefail
tf=${TERRAFORM:-terraform}
command -v "$tf" >/dev/null 2>&1 || { echo "error: no terraform CLI: '$tf' is not on PATH or not executable"; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.demo"
rm -rf "$work"
mkdir -p "$work/bin" "$work/tf"

echo "==> building the provider and the emulator"
(cd "$root" && go build -o "$work/bin/terraform-provider-iam" . && go build -o "$work/bin/iam-emulator" ./cmd/iam-emulator)

echo "==> starting the API emulator on loopback"
"$work/bin/iam-emulator" -listen 127.0.0.1:0 -token demo-token -url-file "$work/url" -allow-direct-accept \
  >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.1; done
[ -s "$work/url" ] || { echo "error: the emulator did not start; see $work/emulator.log"; exit 1; }
url=$(cat "$work/url")
echo "    $url"

# A dev override points the CLI at the binary just built: no registry, no `terraform init`. OpenTofu
# reads the provider's address with its own registry host.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/iamkit/iam" = "$work/bin"
    "registry.opentofu.org/iamkit/iam" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export CLOUDFLARE_BASE_URL="$url" CLOUDFLARE_API_TOKEN=demo-token
export CLOUDFLARE_ACCOUNT_ID=0123456789abcdef0123456789abcdef
# ClickHouse Cloud is served by the same emulator under /clickhouse/v1 (its default test key).
export CLICKHOUSE_API_URL="$url/clickhouse/v1" CLICKHOUSE_TOKEN_KEY=test-key-id CLICKHOUSE_TOKEN_SECRET=test-key-secret
export CLICKHOUSE_ORG_ID=3b0a4d56-1f2e-4c3d-9a8b-7c6d5e4f3a2b
cp "$root"/examples/demo/*.tf "$work/tf/"
cd "$work/tf"

echo "==> $("$tf" version | head -1)"
echo "==> terraform apply"
# -compact-warnings folds the dev-override notice into one line; the outputs are printed once, by
# `terraform output` below, so the apply's own copy of them is cut.
"$tf" apply -auto-approve -input=false -no-color -compact-warnings | sed '/^Outputs:$/,$d' || { echo "error: terraform apply failed"; exit 1; }

echo "==> terraform output"
"$tf" output -no-color

echo "==> second terraform plan (must be empty)"
set +e
"$tf" plan -detailed-exitcode -input=false -no-color >"$work/plan.txt" 2>&1
rc=$?
set -e
case $rc in
  0) echo "    No changes: the second plan is empty." ;;
  2) cat "$work/plan.txt"; echo "error: the second plan is not empty"; exit 1 ;;
  *) cat "$work/plan.txt"; echo "error: terraform plan failed"; exit 1 ;;
esac
echo "==> done; the emulator stops now (state and logs stay in .demo/)"
