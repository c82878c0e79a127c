package describe

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"ecsdeck/stack/plan"
	"ecsdeck/words"
)

// Plan renders a plan as a tree of components and resources, then the outputs.
func Plan(w io.Writer, p *plan.Plan) error {
	var b strings.Builder
	counts := p.Counts()
	fmt.Fprintf(&b, "Offline plan of stack %s in %s: nothing was created; ids and ARNs are placeholders.\n\n", p.Stack, p.Region)
	total, components := 0, 0
	for _, r := range p.Resources {
		if r.Component {
			if r.Parent == "" {
				components++
				fmt.Fprintf(&b, "%s  %s  (%d %s)\n", r.Name, r.Type, counts[r.Name], words.Plural(counts[r.Name], "resource", "resources"))
			} else {
				fmt.Fprintf(&b, "  %s  %s\n", r.Name, r.Type)
			}
			continue
		}
		if strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue // the provider pinned to the region is bookkeeping, not a resource
		}
		total++
		indent := "  + "
		if r.Parent == "" {
			indent = "+ "
		}
		fmt.Fprintf(&b, "%s%s  %s\n", indent, r.Type, r.Name)
	}
	fmt.Fprintf(&b, "\n%d %s to create in %d %s.\n\nOutputs:\n", total, words.Plural(total, "resource", "resources"), components, words.Plural(components, "component", "components"))
	keys := make([]string, 0, len(p.Outputs))
	for k := range p.Outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := p.Outputs[k]
		text, ok := v.(string)
		if !ok {
			raw, err := json.Marshal(v)
			if err != nil {
				return err
			}
			text = string(raw)
		}
		fmt.Fprintf(&b, "  %s: %s\n", k, text)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
