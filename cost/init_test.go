package cost

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// TestStartUpPaysForNoPrices runs this test binary again with the Go
// runtime's init trace and reads what the package's initialisation
// allocated: the price table, the live price patterns and the like are
// made on first use, not at start-up (every ecsdeck command pays for what
// runs at init).
func TestStartUpPaysForNoPrices(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m := regexp.MustCompile(`init ecsdeck/cost @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no init trace of ecsdeck/cost in:\n%s", out)
	}
	bytes, _ := strconv.Atoi(string(m[1]))
	if bytes > 4096 {
		t.Fatalf("initialising ecsdeck/cost allocates %d bytes (%s allocs), want at most 4096", bytes, m[2])
	}
}
