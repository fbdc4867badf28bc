#!/usr/bin/env bash
# make bench: Go benchmarks that count API requests against the in-process emulator. Figures are
# reported per operation: requests/op is the number that matters against the API's rate limit.
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./internal/... -run '^$' -bench . -benchmem -count=1 -timeout 20m
