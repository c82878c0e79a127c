package profiles

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostile are answers files built to exhaust the YAML parser, each with the
// problem it must be refused with.
var hostile = []struct {
	name string
	data func() string
	want string
}{
	{"flow nesting of 200 KB", func() string {
		return "version: 1\nname: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"
	}, "h.yaml:2:22: nested more than 16 levels deep (an answers file needs 5 at most: check the indentation and the brackets here)"},
	{"block nesting of 200 KB", func() string {
		var b strings.Builder
		b.WriteString("version: 1\n")
		for i := 0; b.Len() < 200<<10; i++ {
			b.WriteString(strings.Repeat(" ", i%600) + "a:\n")
		}
		return b.String()
	}, "h.yaml:18:17: nested more than 16 levels deep (an answers file needs 5 at most: check the indentation and the brackets here)"},
	{"nested lists on one line", func() string { return "version: 1\nx:\n" + strings.Repeat("- ", 8000) + "1\n" },
		"h.yaml:3:31: nested more than 16 levels deep (an answers file needs 5 at most: check the indentation and the brackets here)"},
	{"flow map of 256 KB", func() string {
		return "version: 1\ntags: {" + strings.Repeat("key: value, ", (MaxFileSize-40)/12) + "}\n"
	}, "h.yaml:2:12006: more than 1000 entries in one [ ] or { } (at most 1000)"},
	{"flow map of 1 MB", func() string {
		return "version: 1\ntags: {" + strings.Repeat("key: value, ", 1<<20/12) + "}\n"
	}, "h.yaml: is 1048592 bytes (an answers file is at most 262144)"},
	{"mapping of 1001 keys", func() string {
		var b strings.Builder
		b.WriteString("version: 1\nname: shop\nregion: us-east-1\nbackend:\n  env:\n")
		for i := range 1001 {
			fmt.Fprintf(&b, "    K%d: v\n", i)
		}
		return b.String()
	}, "h.yaml:1006:5: more than 1000 keys in one mapping (at most 1000: keep that many settings in an envFile or under an ssmPath)"},
	{"mapping of 1001 keys after quoted values", func() string {
		var b strings.Builder
		b.WriteString("version: 1\nname: \"shop\"\nregion: 'us-east-1'\nbackend:\n  env:\n")
		for i := range 1001 {
			fmt.Fprintf(&b, "    \"K%d\": 'v'\n", i)
		}
		return b.String()
	}, "h.yaml:1006:5: more than 1000 keys in one mapping (at most 1000: keep that many settings in an envFile or under an ssmPath)"},
	{"list of 1001 items", func() string {
		return "version: 1\nnetwork:\n  appPorts:\n" + strings.Repeat("    - 80\n", 1001)
	}, "h.yaml:1004:5: more than 1000 items in one list (at most 1000: keep that many settings in an envFile or under an ssmPath)"},
	{"2001 lines", func() string { return "version: 1\n" + strings.Repeat("# a comment\n", 2000) },
		"h.yaml:2001:1: more than 2000 lines (an answers file is at most 2000)"},
	{"101 anchors", func() string { return "version: 1\nx: [" + strings.Repeat("&a b, ", 101) + "]\n" },
		"h.yaml:2:605: more than 100 anchors (&name) (at most 100: write the values out)"},
	{"101 aliases", func() string { return "version: 1\ny: &a b\nx: [" + strings.Repeat("*a, ", 101) + "]\n" },
		"h.yaml:3:405: more than 100 aliases (*name) (at most 100: write the values out)"},
	{"brackets in quoted text", func() string { return "version: 1\nname: \"" + strings.Repeat("[", 1001) + "\"\n" },
		"h.yaml:2:1008: more than 1000 [ and { (an answers file has at most 1000, counting those in quoted text)"},
	{"indicators in quoted text", func() string { return "version: 1\nname: '" + strings.Repeat(",", 16400) + "'\n" },
		"h.yaml:2:16389: more than 16384 YAML indicators (: , [ ] { } - ? & * ! | > # and quotes; an answers file has at most 16384, counting those in quoted text)"},
	{"a block map hidden from the lexer in a literal", func() string {
		var b strings.Builder
		b.WriteString("version: 1\nname: |\n")
		for i := range 1999 {
			fmt.Fprintf(&b, "  k%d: v\n", i)
		}
		b.WriteString("region: us-east-1\n")
		return b.String()
	}, "h.yaml:2001:1: more than 2000 lines (an answers file is at most 2000)"},
}

// within runs f and fails when it takes more than a second or allocates
// more than 100 MB (all it allocates bounds its peak memory).
func within(t *testing.T, f func()) {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if took > time.Second {
		t.Errorf("took %v (at most 1 s)", took)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 100 {
		t.Errorf("allocated %d MB (at most 100)", mb)
	}
}

func TestHostileInputIsRefusedBeforeParsing(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN a file built to exhaust the parser
			data := []byte(tt.data())
			// WHEN it is parsed THEN it is refused at once, cheaply, at the place
			var err error
			within(t, func() { _, err = Parse("h.yaml", data) })
			if got := problemsOf(t, err).Error(); got != tt.want {
				t.Fatalf("got  %s\nwant %s", clip(got), tt.want)
			}
		})
	}
}

func TestFilesBeyondTheBoundsAreAccepted(t *testing.T) {
	// GIVEN files at each bound, not past it
	var env strings.Builder
	env.WriteString("version: 1\nname: shop\nregion: us-east-1\nbackend:\n  image: nginx\n  env:\n")
	for i := range 1000 {
		fmt.Fprintf(&env, "    K%d: v\n", i)
	}
	literal := "version: 1\nname: shop\nregion: us-east-1\nbackend:\n  image: nginx\n  env:\n    CONFIG: |\n" +
		strings.Repeat("      {\"a\": [1, 2], \"b\": {\"c\": \"d\"}}\n", 40)
	for name, src := range map[string]string{"1000 env keys": env.String(), "JSON in a literal": literal} {
		t.Run(name, func(t *testing.T) {
			// WHEN parsed THEN it loads
			var err error
			within(t, func() { _, err = Parse("ok.yaml", []byte(src)) })
			if err != nil {
				t.Fatal(clip(err.Error()))
			}
		})
	}
}

func TestLongValuesCostLittleAndAreNotEchoed(t *testing.T) {
	big := strings.Repeat("a", MaxFileSize-200)
	for name, src := range map[string]string{
		"name":    "version: 1\nname: " + big + "\nregion: us-east-1\n",
		"region":  "version: 1\nname: shop\nregion: " + big + "\n",
		"key":     "version: 1\nname: shop\nregion: us-east-1\n" + big + ": x\n",
		"image":   "version: 1\nname: shop\nregion: us-east-1\nbackend: {image: " + big + "}\n",
		"env":     "version: 1\nname: shop\nregion: us-east-1\nbackend: {env: {A: " + big + "}}\n",
		"branch":  "version: 1\nname: shop\nregion: us-east-1\nbackend: {repository: {name: a/b, branch: " + big + "}}\n",
		"tag key": "version: 1\nname: shop\nregion: us-east-1\ntags: {" + big + ": x}\n",
		"literal": "version: 1\nname: shop\nregion: us-east-1\nbackend:\n  env:\n    A: |\n" +
			strings.Repeat("      "+strings.Repeat("a", 1000)+"\n", MaxFileSize/1010),
	} {
		t.Run(name, func(t *testing.T) {
			// GIVEN a file that is one long value WHEN parsed THEN it takes
			// little time and memory, and no message repeats the value
			var err error
			within(t, func() { _, err = Parse("x.yaml", []byte(src)) })
			if err != nil && len(err.Error()) > 1000 {
				t.Fatalf("%d bytes of messages: %s", len(err.Error()), clip(err.Error()))
			}
		})
	}
}

func TestLoadReadsOnlyRegularFilesAndBoundedBytes(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "answers.yaml")
	if err := mkfifo(fifo); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	for _, tt := range []struct{ path, want string }{
		// GIVEN a device that never ends, and a pipe that nobody writes to
		{"/dev/zero", "/dev/zero: is a device, not a file (give the path of an answers file)"},
		{fifo, fifo + ": is a pipe, not a file (save the answers to a file and give its path)"},
	} {
		if _, err := os.Stat(tt.path); err != nil {
			t.Skipf("%s: %v", tt.path, err)
		}
		// WHEN loaded THEN it is refused at once, unread
		done := make(chan error, 1)
		go func() { _, err := Load(tt.path); done <- err }()
		select {
		case err := <-done:
			if got := problemsOf(t, err).Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: Load still reading after 5 s", tt.path)
		}
	}
}
