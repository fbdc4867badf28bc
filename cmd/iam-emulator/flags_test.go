package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain lets a test run the command's main() in a child process (exit codes are main's).
func TestMain(m *testing.M) {
	if os.Getenv("IAM_EMULATOR_RUN_MAIN") == "1" {
		os.Args = append([]string{"iam-emulator"}, strings.Fields(os.Getenv("IAM_EMULATOR_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runMain(t *testing.T, args string) (exitCode int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "IAM_EMULATOR_RUN_MAIN=1", "IAM_EMULATOR_ARGS="+args)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out.String(), errOut.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errOut.String()
}

// -h prints the flags and exits 0; a bad flag value exits non-zero with one line naming the flag.
func TestCommandHelpAndBadFlags(t *testing.T) {
	code, stdout, _ := runMain(t, "-h")
	if code != 0 || !strings.Contains(stdout, "-allow-direct-accept") {
		t.Fatalf("-h: exit %d, stdout %q", code, stdout)
	}
	for args, want := range map[string]string{
		"-account xyz":                          `-account "xyz": an account ID is 32 lowercase hexadecimal characters`,
		"-fault-429 2":                          `-fault-429 2: a share of requests must be between 0 and 1`,
		"-fault-5xx 0.6 -fault-429 0.6":         `add up to 1.20`,
		"-rate-limit -1":                        `-rate-limit -1: must not be negative`,
		"-slow-delay -1s":                       `-slow-delay -1s: must not be negative`,
		"-no-such-flag":                         `flag provided but not defined: -no-such-flag`,
		"-listen 0.0.0.0:0":                     `must be a loopback address`,
		"-account 0123456789abcdef0123456789ab": `an account ID is 32`,
	} {
		code, stdout, stderr := runMain(t, args)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code == 0 || len(lines) != 1 || !strings.Contains(lines[0], want) || stdout != "" {
			t.Errorf("%s: exit %d, stderr %q, stdout %q; want a non-zero exit and one line containing %q", args, code, stderr, stdout, want)
		}
	}
}

// The reported "create answers without roles" is the default and a switch: -create-omits-roles=false
// answers the create with the member's roles.
func TestCommandCreateOmitsRolesSwitch(t *testing.T) {
	const acct = "0123456789abcdef0123456789abcdef"
	for flagValue, wantRoles := range map[string]int{"true": 0, "false": 1} {
		url := startCommand(t, "-create-omits-roles="+flagValue)
		_, roles := call(t, "GET", url+"/accounts/"+acct+"/roles?name=Administrator", "test-token", "")
		role := roles["result"].([]any)[0].(map[string]any)["id"].(string)
		status, env := call(t, "POST", url+"/accounts/"+acct+"/members", "test-token", `{"email":"a@example.com","roles":["`+role+`"]}`)
		result, _ := env["result"].(map[string]any)
		if got, _ := result["roles"].([]any); status != 200 || len(got) != wantRoles {
			t.Errorf("-create-omits-roles=%s: HTTP %d, %d roles in the create answer, want %d", flagValue, status, len(got), wantRoles)
		}
	}
}
