package analyze

import "time"

// Dates are handled as day numbers: whole days since 1970-01-01, UTC. An
// event's day is the UTC calendar day of its timestamp.

const secondsPerDay = 86400

// dayOf returns the day number of t's UTC calendar day.
func dayOf(t time.Time) int32 {
	s := t.Unix()
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d--
	}
	return int32(d)
}

// dateOf returns midnight UTC of day d.
func dateOf(d int32) time.Time {
	return time.Unix(int64(d)*secondsPerDay, 0).UTC()
}

// civil returns the year, month (1-12) and day of day number z
// (H. Hinnant's civil_from_days).
func civil(z int32) (y, m, d int32) {
	zz := int64(z) + 719468
	era := zz / 146097
	if zz < 0 && zz%146097 != 0 {
		era--
	}
	doe := zz - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd := doy - (153*mp+2)/5 + 1
	mm := mp + 3
	if mm > 12 {
		mm -= 12
	}
	if mm <= 2 {
		yy++
	}
	return int32(yy), int32(mm), int32(dd)
}

// daysFromCivil returns the day number of year y, month m (1-12), day d
// (H. Hinnant's days_from_civil).
func daysFromCivil(y, m, d int32) int32 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mm := int64(m)
	var mp int64
	if mm > 2 {
		mp = mm - 3
	} else {
		mp = mm + 9
	}
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// monthOf returns the calendar month of day d as year*12 + month-1.
func monthOf(d int32) int32 {
	y, m, _ := civil(d)
	return y*12 + m - 1
}

// monthEnd returns the day number of the last day of calendar month mo
// (as returned by monthOf).
func monthEnd(mo int32) int32 {
	next := mo + 1
	return daysFromCivil(next/12, next%12+1, 1) - 1
}
