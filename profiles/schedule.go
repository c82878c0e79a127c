package profiles

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	// NOTE: a job's time zone is checked (and its next run computed) on
	// machines without a zoneinfo database too.
	_ "time/tzdata"
)

// Schedule is a parsed EventBridge Scheduler expression: cron(...), rate(...)
// or at(...).
type Schedule struct {
	Kind  string        // "cron", "rate" or "at"
	Every time.Duration // rate
	At    time.Time     // at, in the schedule's zone (read as UTC)
	cron  *cronExpr
}

// MaxScheduleLen bounds a schedule expression (Scheduler takes 256 characters).
const MaxScheduleLen = 256

// ParseSchedule reads an EventBridge Scheduler schedule expression. The
// error says what is wrong in words, for a person who wrote it.
func ParseSchedule(expr string) (*Schedule, error) {
	if len(expr) > MaxScheduleLen {
		return nil, fmt.Errorf("is %d characters (at most %d)", len(expr), MaxScheduleLen)
	}
	e := strings.TrimSpace(expr)
	open := strings.IndexByte(e, '(')
	if open < 0 || !strings.HasSuffix(e, ")") {
		return nil, fmt.Errorf("%q is not a schedule (cron(0 3 * * ? *), rate(1 hour) or at(2027-01-31T09:00:00))", expr)
	}
	kind, body := e[:open], strings.TrimSpace(e[open+1:len(e)-1])
	// NOTE: the expression goes to AWS as written; a form this parser
	// reads but Scheduler may refuse is refused here, with the form to write.
	if canon := kind + "(" + strings.Join(strings.Fields(body), " ") + ")"; expr != canon && (kind == "cron" || kind == "rate" || kind == "at") {
		return nil, fmt.Errorf("write it as %s (no spaces around it or inside the brackets' ends, one space between fields)", canon)
	}
	switch kind {
	case "rate":
		return parseRate(body)
	case "at":
		t, err := time.Parse("2006-01-02T15:04:05", body)
		if err != nil {
			return nil, fmt.Errorf("at(%s) is not a time (at(yyyy-mm-ddThh:mm:ss), such as at(2027-01-31T09:00:00))", body)
		}
		return &Schedule{Kind: "at", At: t}, nil
	case "cron":
		c, err := parseCron(body)
		if err != nil {
			return nil, err
		}
		return &Schedule{Kind: "cron", cron: c}, nil
	}
	return nil, fmt.Errorf("%q is not a schedule kind (cron, rate or at)", kind)
}

func parseRate(body string) (*Schedule, error) {
	f := strings.Fields(body)
	const form = "rate(N minutes), rate(N hours) or rate(N days), singular when N is 1"
	if len(f) != 2 {
		return nil, fmt.Errorf("rate(%s) is not a rate (%s)", body, form)
	}
	n, err := strconv.Atoi(f[0])
	if err == nil && f[0] != strconv.Itoa(n) {
		return nil, fmt.Errorf("rate(%s): write the number as %d (no sign or leading zeros)", body, n)
	}
	if err != nil || n < 1 || n > 1_000_000 {
		return nil, fmt.Errorf("rate(%s): %q is not a whole number from 1 (%s)", body, f[0], form)
	}
	units := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}
	unit := f[1]
	base, plural := strings.CutSuffix(unit, "s")
	d, ok := units[base]
	switch {
	case !ok:
		return nil, fmt.Errorf("rate(%s): %q is not a unit (minutes, hours or days)", body, unit)
	case n == 1 && plural:
		return nil, fmt.Errorf("rate(%s): write rate(1 %s) (the unit is singular when the value is 1)", body, base)
	case n > 1 && !plural:
		return nil, fmt.Errorf("rate(%s): write rate(%d %ss) (the unit is plural when the value is above 1)", body, n, base)
	}
	return &Schedule{Kind: "rate", Every: time.Duration(n) * d}, nil
}

// cronExpr is the six fields of a Scheduler cron expression, each a set of
// allowed values, plus the special day rules (L, W, #).
type cronExpr struct {
	minutes, hours, months, years set
	dom, dow                      set // nil: "?"
	lastDOM                       bool
	lastDOMOffset                 int  // L-3
	weekdayNear                   int  // 15W: the weekday nearest the 15th; 0 none
	lastWeekdayOfMonth            bool // LW
	lastDOW                       int  // 5L: the last Friday; 0 none
	nthDOW, nth                   int  // 6#3: the third Friday
}

type set map[int]bool

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	dayNames   = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
)

type cronField struct {
	name     string
	lo, hi   int
	names    map[string]int
	question bool
}

var cronFields = [6]cronField{
	{name: "minutes", lo: 0, hi: 59},
	{name: "hours", lo: 0, hi: 23},
	{name: "day-of-month", lo: 1, hi: 31, question: true},
	{name: "month", lo: 1, hi: 12, names: monthNames},
	{name: "day-of-week", lo: 1, hi: 7, names: dayNames, question: true},
	{name: "year", lo: 1970, hi: 2199},
}

const cronForm = "cron(minutes hours day-of-month month day-of-week year), such as cron(0 3 * * ? *)"

func parseCron(body string) (*cronExpr, error) {
	f := strings.Fields(body)
	if len(f) != 6 {
		return nil, fmt.Errorf("cron(%s) has %d fields, and a Scheduler cron expression has 6: %s", body, len(f), cronForm)
	}
	c := &cronExpr{}
	if (f[2] == "?") == (f[4] == "?") {
		return nil, fmt.Errorf("cron(%s): one of day-of-month (%s) and day-of-week (%s) must be ?, and only one (such as cron(0 3 * * ? *) or cron(0 3 ? * MON-FRI *))", body, f[2], f[4])
	}
	for i, spec := range f {
		fd := cronFields[i]
		if spec == "?" {
			if !fd.question {
				return nil, fmt.Errorf("cron(%s): ? is only allowed in day-of-month or day-of-week, not in %s", body, fd.name)
			}
			continue
		}
		var (
			s   set
			err error
		)
		switch {
		case i == 2 && strings.ContainsAny(spec, "LW"):
			err = c.specialDOM(spec)
		case i == 4 && strings.ContainsAny(spec, "L#"):
			err = c.specialDOW(spec)
		default:
			s, err = parseCronField(spec, fd)
		}
		if err != nil {
			return nil, fmt.Errorf("cron(%s): %s %q: %v", body, fd.name, spec, err)
		}
		switch i {
		case 0:
			c.minutes = s
		case 1:
			c.hours = s
		case 2:
			c.dom = s
		case 3:
			c.months = s
		case 4:
			c.dow = s
		case 5:
			c.years = s
		}
	}
	return c, nil
}

func (c *cronExpr) specialDOM(spec string) error {
	switch {
	case spec == "L":
		c.lastDOM = true
	case spec == "LW":
		c.lastWeekdayOfMonth = true
	case strings.HasPrefix(spec, "L-"):
		n, err := strconv.Atoi(spec[2:])
		if err != nil || n < 1 || n > 30 {
			return fmt.Errorf("L-N counts 1 to 30 days back from the last day")
		}
		c.lastDOM, c.lastDOMOffset = true, n
	case strings.HasSuffix(spec, "W"):
		n, err := strconv.Atoi(spec[:len(spec)-1])
		if err != nil || n < 1 || n > 31 {
			return fmt.Errorf("NW takes a day from 1 to 31 (15W: the weekday nearest the 15th)")
		}
		c.weekdayNear = n
	default:
		return fmt.Errorf("write L, LW, L-3 or 15W (the last day, the last weekday, 3 days before the last, the weekday nearest the 15th)")
	}
	return nil
}

func (c *cronExpr) specialDOW(spec string) error {
	dow := func(s string) (int, bool) {
		if n, ok := dayNames[strings.ToUpper(s)]; ok {
			return n, true
		}
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= 1 && n <= 7
	}
	switch {
	case spec == "L":
		c.lastDOW = 7
	case strings.HasSuffix(spec, "L"):
		n, ok := dow(spec[:len(spec)-1])
		if !ok {
			return fmt.Errorf("NL takes a day 1-7 or SUN-SAT (6L: the last Friday)")
		}
		c.lastDOW = n
	case strings.Contains(spec, "#"):
		d, k, _ := strings.Cut(spec, "#")
		n, ok := dow(d)
		m, err := strconv.Atoi(k)
		if !ok || err != nil || m < 1 || m > 5 {
			return fmt.Errorf("D#N takes a day 1-7 or SUN-SAT and a week 1 to 5 (6#3: the third Friday)")
		}
		c.nthDOW, c.nth = n, m
	default:
		return fmt.Errorf("write L, 6L or 6#3 (Saturday, the last Friday, the third Friday)")
	}
	return nil
}

func parseCronField(spec string, fd cronField) (set, error) {
	out := set{}
	value := func(s string) (int, error) {
		if n, ok := fd.names[strings.ToUpper(s)]; ok {
			return n, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", s)
		}
		if n < fd.lo || n > fd.hi {
			return 0, fmt.Errorf("%d is out of range (%d to %d)", n, fd.lo, fd.hi)
		}
		return n, nil
	}
	for _, part := range strings.Split(spec, ",") {
		rng, stepText, stepped := strings.Cut(part, "/")
		step := 1
		if stepped {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 || n > fd.hi-fd.lo+1 {
				return nil, fmt.Errorf("the step /%s is not a whole number from 1 to %d", stepText, fd.hi-fd.lo+1)
			}
			step = n
		}
		lo, hi := fd.lo, fd.hi
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if lo, err = value(a); err != nil {
				return nil, err
			}
			if hi, err = value(b); err != nil {
				return nil, err
			}
			if hi < lo {
				return nil, fmt.Errorf("the range %s ends before it starts", rng)
			}
		default:
			n, err := value(rng)
			if err != nil {
				return nil, err
			}
			lo = n
			if !stepped {
				hi = n
			}
		}
		for v := lo; v <= hi; v += step {
			out[v] = true
		}
	}
	return out, nil
}

// Next is the first time after t at which the schedule runs, in loc, and
// false when it runs no more (an at() in the past, a cron whose years are
// over) or, for rate(), is not fixed by the expression alone.
func (s *Schedule) Next(t time.Time, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	switch s.Kind {
	case "at":
		at := time.Date(s.At.Year(), s.At.Month(), s.At.Day(), s.At.Hour(), s.At.Minute(), s.At.Second(), 0, loc)
		return at, at.After(t)
	case "cron":
		return s.cron.next(t.In(loc))
	}
	return time.Time{}, false
}

// next is the first allowed minute at or after the minute following t.
// It skips years and months the expression does not allow at once, so
// the walk is bounded (about 230 years of 12 months, and the days of the
// months allowed) and fast however far the next run is.
func (c *cronExpr) next(t time.Time) (time.Time, bool) {
	loc := t.Location()
	start := t.Truncate(time.Minute).Add(time.Minute)
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
	for day.Year() <= 2199 {
		switch {
		case !c.years[day.Year()]:
			day = time.Date(day.Year()+1, 1, 1, 0, 0, 0, 0, loc)
			continue
		case !c.months[int(day.Month())]:
			day = time.Date(day.Year(), day.Month()+1, 1, 0, 0, 0, 0, loc)
			continue
		}
		if c.dayMatches(day) {
			if at, ok := c.firstTime(day, start); ok {
				return at, true
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return time.Time{}, false
}

// firstTime is the day's first allowed hour and minute not before start
// (that exists in the zone: a time a clock change skips is skipped).
func (c *cronExpr) firstTime(day, start time.Time) (time.Time, bool) {
	for h := 0; h < 24; h++ {
		if !c.hours[h] {
			continue
		}
		for m := 0; m < 60; m++ {
			if !c.minutes[m] {
				continue
			}
			at := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, day.Location())
			if at.Hour() != h {
				break // skipped by a clock change
			}
			if !at.Before(start) {
				return at, true
			}
		}
	}
	return time.Time{}, false
}

// Runs counts the schedule's starts in [from, to): for cron, the allowed
// minutes of each allowed day (in loc); for rate, the interval's share.
// An at() counts when it falls in the span. The count is exact for cron
// except across a clock change, where the hour skipped or repeated is
// counted once.
func (s *Schedule) Runs(from, to time.Time, loc *time.Location) float64 {
	if loc == nil {
		loc = time.UTC
	}
	switch s.Kind {
	case "rate":
		if s.Every <= 0 {
			return 0
		}
		return float64(to.Sub(from)) / float64(s.Every)
	case "at":
		at := time.Date(s.At.Year(), s.At.Month(), s.At.Day(), s.At.Hour(), s.At.Minute(), s.At.Second(), 0, loc)
		if !at.Before(from) && at.Before(to) {
			return 1
		}
		return 0
	}
	c := s.cron
	perDay := float64(len(c.hours) * len(c.minutes))
	from, to = from.In(loc), to.In(loc)
	n := 0.0
	fromKey, toKey := dateKey(from.Year(), from.Month(), from.Day()), dateKey(to.Year(), to.Month(), to.Day())
	midnight := func(t time.Time) bool {
		return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
	}
	fromMidnight, toMidnight := midnight(from), midnight(to)
	// NOTE: a month at a time, a day by its number and weekday, without a
	// time value per day: five years of a daily cron cost microseconds.
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, loc); m.Before(to) && m.Year() <= 2199; m = m.AddDate(0, 1, 0) {
		if !c.years[m.Year()] || !c.months[int(m.Month())] {
			continue
		}
		last, dow1 := daysIn(m.Year(), m.Month()), int(m.Weekday())+1
		for d := 1; d <= last; d++ {
			if !c.dayOfMonthMatches(d, last, (dow1-1+d-1)%7+1) {
				continue
			}
			k := dateKey(m.Year(), m.Month(), d)
			switch {
			case k < fromKey || k > toKey || (k == toKey && toMidnight):
				continue // outside the span
			case (k > fromKey || fromMidnight) && k < toKey:
				n += perDay // a whole day in the span
				continue
			}
			day := time.Date(m.Year(), m.Month(), d, 0, 0, 0, 0, loc)
			for h := range c.hours {
				for mi := range c.minutes {
					at := time.Date(day.Year(), day.Month(), day.Day(), h, mi, 0, 0, loc)
					if !at.Before(from) && at.Before(to) {
						n++
					}
				}
			}
		}
	}
	return n
}

func (c *cronExpr) dayMatches(d time.Time) bool {
	if !c.years[d.Year()] || !c.months[int(d.Month())] {
		return false
	}
	return c.dayOfMonthMatches(d.Day(), daysIn(d.Year(), d.Month()), int(d.Weekday())+1)
}

// dateKey orders dates as numbers: 2027-03-01 is 20270301.
func dateKey(year int, month time.Month, day int) int { return year*10000 + int(month)*100 + day }

// daysIn is the number of days of a month.
func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dayOfMonthMatches says whether day of a month of last days, a weekday dow
// (1 = Sunday), is one the day fields allow; the year and month are
// checked by the caller.
func (c *cronExpr) dayOfMonthMatches(day, last, dow int) bool {
	switch {
	case c.dom != nil:
		return c.dom[day]
	case c.lastDOM:
		return day == last-c.lastDOMOffset
	case c.lastWeekdayOfMonth:
		return day == nearestWeekday(day, dow, last, last)
	case c.weekdayNear > 0:
		return day == nearestWeekday(day, dow, min(c.weekdayNear, last), last)
	case c.dow != nil:
		return c.dow[dow]
	case c.lastDOW > 0:
		return dow == c.lastDOW && day+7 > last
	case c.nthDOW > 0:
		return dow == c.nthDOW && (day-1)/7+1 == c.nth
	}
	return false
}

// nearestWeekday is the day of month of the weekday (Monday to Friday)
// nearest day n of a month of last days, never leaving the month; day is
// any day of that month and dow its weekday (1 = Sunday).
func nearestWeekday(day, dow, n, last int) int {
	switch ((dow-1+n-day)%7+7)%7 + 1 {
	case 7: // Saturday
		if n == 1 {
			return 3
		}
		return n - 1
	case 1: // Sunday
		if n == last {
			return n - 2
		}
		return n + 1
	}
	return n
}
