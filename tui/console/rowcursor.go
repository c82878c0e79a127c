package console

import "ecsdeck/ops"

// rowCursor is a cursor over service rows that stays on the selected
// service, by name, when the rows change (a refresh, a filter).
type rowCursor struct {
	cursor   int
	selected string // the name under the cursor, kept across refreshes
}

// follow puts the cursor back on the selected service in rows, or keeps it
// in range and selects what is under it.
func (s *rowCursor) follow(rows []ops.Service) {
	for i, r := range rows {
		if r.Name == s.selected {
			s.cursor = i
			return
		}
	}
	s.cursor = min(s.cursor, max(len(rows)-1, 0))
	if s.cursor < len(rows) {
		s.selected = rows[s.cursor].Name
	}
}

// move puts the cursor on row to, within rows.
func (s *rowCursor) move(to int, rows []ops.Service) {
	if len(rows) == 0 {
		return
	}
	s.cursor = min(max(to, 0), len(rows)-1)
	s.selected = rows[s.cursor].Name
}
