// Package clitest drives the real terraform CLI with the provider binary built from this
// repository against an in-process API emulator. It serves the CLI benchmark (request counts, time
// and memory of apply, plan and destroy at several sizes) and the tests that need a real provider
// process: faults, interrupted applies, changes between plan and apply, and TF_LOG=trace output.
package clitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ProviderBinary is the name terraform looks for in a dev_overrides directory.
const ProviderBinary = "terraform-provider-iam"

// BuildProvider compiles the provider at moduleRoot into dir.
func BuildProvider(ctx context.Context, moduleRoot, dir string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, ProviderBinary), ".") // #nosec G204 -- a test build into a temporary directory
	cmd.Dir = moduleRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return nil
}

// Workspace is one Terraform working directory whose CLI configuration points the provider's
// address at a directory holding the built binary (dev_overrides: no registry, no init).
type Workspace struct {
	Dir       string
	Terraform string
	provider  string // absolute path of the provider binary
	env       []string
}

// NewWorkspace prepares dir. extraEnv entries (KEY=value) are added to every command's environment.
func NewWorkspace(dir, terraform, providerDir string, extraEnv ...string) (*Workspace, error) {
	providerDir, err := filepath.Abs(providerDir)
	if err != nil {
		return nil, err
	}
	rc := filepath.Join(dir, ".terraformrc")
	// OpenTofu reads the provider's source address with its own registry host.
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/iamkit/iam", providerDir, "registry.opentofu.org/iamkit/iam", providerDir)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	env := []string{}
	for _, kv := range os.Environ() {
		// The workspace decides every TF_, CLOUDFLARE_ and CLICKHOUSE_ setting; nothing leaks in from the caller.
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "CLOUDFLARE_") && !strings.HasPrefix(kv, "CLICKHOUSE_") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	return &Workspace{Dir: dir, Terraform: terraform, provider: filepath.Join(providerDir, ProviderBinary),
		env: append(env, extraEnv...)}, nil
}

// WriteConfig replaces the workspace's main.tf.
func (w *Workspace) WriteConfig(hcl string) error {
	return os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(hcl), 0o600) // #nosec G703 -- the workspace's own directory
}

// Result is one finished terraform command.
type Result struct {
	Output   string // stdout and stderr, interleaved
	ExitCode int
	Duration time.Duration
	PeakRSS  int64         // highest resident set size of any provider process, in KiB (Linux; 0 elsewhere)
	CPU      time.Duration // CPU time (user+system) of the provider processes, as last sampled (Linux)
	TotalCPU time.Duration // CPU time of terraform and every process it waited for, the provider included
}

// Running is a terraform command in progress.
type Running struct {
	cmd   *exec.Cmd
	out   *bytes.Buffer
	start time.Time
	stop  chan struct{}
	peak  chan usage
	once  sync.Once
}

// Start runs terraform with args in the workspace without waiting for it.
func (w *Workspace) Start(ctx context.Context, args ...string) (*Running, error) {
	cmd := exec.CommandContext(ctx, w.Terraform, args...) // #nosec G204 -- the terraform CLI with test arguments
	cmd.Dir = w.Dir
	cmd.Env = w.env
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	r := &Running{cmd: cmd, out: out, start: time.Now(), stop: make(chan struct{}), peak: make(chan usage, 1)}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go r.watchMemory(w.provider)
	return r, nil
}

// Interrupt sends SIGINT, as Ctrl-C in a terminal or a CI runner cancelling a job does.
func (r *Running) Interrupt() error { return r.cmd.Process.Signal(os.Interrupt) }

// Wait waits for the command; a non-zero exit is reported in Result.ExitCode, not as an error.
func (r *Running) Wait() (*Result, error) {
	err := r.cmd.Wait()
	res := &Result{Output: r.out.String(), Duration: time.Since(r.start)}
	r.once.Do(func() { close(r.stop) })
	u := <-r.peak
	res.PeakRSS, res.CPU = u.peakRSS, u.cpu()
	if st := r.cmd.ProcessState; st != nil {
		res.TotalCPU = st.UserTime() + st.SystemTime()
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	case err != nil:
		return res, err
	}
	return res, nil
}

// Run runs terraform with args and waits for it.
func (w *Workspace) Run(ctx context.Context, args ...string) (*Result, error) {
	r, err := w.Start(ctx, args...)
	if err != nil {
		return nil, err
	}
	return r.Wait()
}

// usage is what the provider processes of one command used.
type usage struct {
	peakRSS int64           // KiB
	ticks   map[int]float64 // pid -> utime+stime in clock ticks, last sample
}

// cpu assumes the usual 100 clock ticks per second (USER_HZ).
func (u usage) cpu() time.Duration {
	var t float64
	for _, v := range u.ticks {
		t += v
	}
	return time.Duration(t * float64(10*time.Millisecond))
}

// watchMemory samples every process running the provider binary until the command ends: its peak
// RSS (VmHWM, which the kernel keeps as a high-water mark) and its CPU time.
func (r *Running) watchMemory(binary string) {
	u := usage{ticks: map[int]float64{}}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		sampleProviders(binary, &u)
		select {
		case <-r.stop:
			r.peak <- u
			return
		case <-tick.C:
		}
	}
}

func sampleProviders(binary string, u *usage) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err != nil || exe != binary {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status")) // #nosec G304 -- procfs
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				u.peakRSS = max(u.peakRSS, n)
			}
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")) // #nosec G304 -- procfs
		if err != nil {
			continue
		}
		// Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 {
			f := strings.Fields(string(stat)[i+1:])
			if len(f) > 12 {
				ut, _ := strconv.ParseFloat(f[11], 64)
				st, _ := strconv.ParseFloat(f[12], 64)
				u.ticks[pid] = ut + st
			}
		}
	}
}

// RequireVersion returns an error unless cli (Terraform or OpenTofu, which both print
// terraform_version in `version -json`) is version major.minor or later.
func RequireVersion(cli string, major, minor int) error {
	if cli == "" {
		return fmt.Errorf("no CLI: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to Terraform %d.%d+ (make test-tf114 TF=/path/to/terraform)", major, minor)
	}
	out, err := exec.CommandContext(context.Background(), cli, "version", "-json").Output() // #nosec G204 -- the CLI under test
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err == nil {
		err = json.Unmarshal(out, &v)
	}
	if err != nil {
		return fmt.Errorf("reading the version of %s: %w", cli, err)
	}
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &gotMajor, &gotMinor); err != nil || gotMajor < major || gotMajor == major && gotMinor < minor {
		return fmt.Errorf("this test needs Terraform %d.%d+; %s is %q", major, minor, cli, v.Version)
	}
	return nil
}
