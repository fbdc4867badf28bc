#!/usr/bin/env bash
# make bench: (1) Go benchmarks that count API requests against the in-process emulator, per
# operation; (2) the CLI benchmark: the real terraform CLI with the provider binary applies, plans,
# changes 1% of the memberships of, and destroys generated S, M and L configurations, reporting
# requests by method, wall time and the provider's peak memory; (3) the bulk comparison: IAM_BENCH_BULK
# people (default 2,000) as that many iam_account_member and as one iam_account_members. Set
# IAM_BENCH_SIZES=S IAM_BENCH_BULK=50 to go quicker.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v terraform >/dev/null 2>&1 || { echo "error: the terraform CLI is not on PATH; install Terraform 1.7+"; exit 1; }
echo "==> Go benchmarks"
go test ./internal/... -run '^$' -bench . -benchmem -count=1 -timeout 20m
echo "==> CLI benchmark (sizes ${IAM_BENCH_SIZES:-S,M,L})"
out=$(mktemp) log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
if ! IAM_BENCH_SIZES=${IAM_BENCH_SIZES:-S,M,L} IAM_BENCH_OUT="$out" TF_ACC=1 \
  go test ./internal/clitest/ -run '^TestCLIBenchReport$' -count=1 -timeout 60m >"$log" 2>&1; then
  tail -40 "$log"; echo "error: the CLI benchmark failed"; exit 1
fi
echo "==> Bulk comparison (${IAM_BENCH_BULK:-2000} people: iam_account_member each vs one iam_account_members)"
bulk_out=$(mktemp)
trap 'rm -f "$out" "$log" "$bulk_out"' EXIT
if ! IAM_BENCH_BULK=${IAM_BENCH_BULK:-2000} IAM_BENCH_BULK_OUT="$bulk_out" TF_ACC=1 \
  go test ./internal/clitest/ -run '^TestCLIBenchBulkReport$' -count=1 -timeout 60m >"$log" 2>&1; then
  tail -40 "$log"; echo "error: the bulk comparison failed"; exit 1
fi
nproc_=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
echo "terraform $(TF_CLI_CONFIG_FILE=/dev/null terraform version 2>/dev/null | head -1 | cut -d' ' -f2), ${nproc_} CPUs"
cat "$out"
echo
cat "$bulk_out"
