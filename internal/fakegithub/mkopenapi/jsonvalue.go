package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The subset is written as JavaScript's JSON.stringify(doc, null, 1) writes
// it, so that the committed file keeps its bytes whichever tool produced
// it: an object keeps its keys in the order read (array-index keys first,
// in numeric order, as JavaScript objects hold them), numbers are written
// as JavaScript formats them, and strings escape only what JSON requires.

// A value is nil, bool, float64, string, []value or *object.
type value = any

// An object is a JSON object that remembers the order of its keys.
type object struct {
	keys []string
	vals map[string]value
}

func newObject() *object { return &object{vals: map[string]value{}} }

// set adds or replaces key; a replaced key keeps its place, as in
// JavaScript.
func (o *object) set(key string, v value) {
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

func (o *object) get(key string) (value, bool) {
	v, ok := o.vals[key]
	return v, ok
}

// orderedKeys returns the keys in JavaScript's property order.
func (o *object) orderedKeys() []string {
	var index, other []string
	for _, k := range o.keys {
		if isArrayIndex(k) {
			index = append(index, k)
		} else {
			other = append(other, k)
		}
	}
	slices.SortFunc(index, func(a, b string) int {
		x, _ := strconv.ParseUint(a, 10, 32)
		y, _ := strconv.ParseUint(b, 10, 32)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	return append(index, other...)
}

// isArrayIndex reports whether k is the canonical decimal form of an
// integer below 2^32-1, which JavaScript objects order before other keys.
func isArrayIndex(k string) bool {
	if k == "" || (len(k) > 1 && k[0] == '0') {
		return false
	}
	n, err := strconv.ParseUint(k, 10, 32)
	return err == nil && n < math.MaxUint32
}

// parseJSON reads one JSON document, keeping the order of object keys.
func parseJSON(b []byte) (value, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := parseValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("data after the top-level value at offset %d", dec.InputOffset())
	}
	return v, nil
}

func parseValue(dec *json.Decoder) (value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("read JSON at offset %d: %w", dec.InputOffset(), err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("read JSON key at offset %d: %w", dec.InputOffset(), err)
				}
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(kt.(string), v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("read JSON at offset %d: %w", dec.InputOffset(), err)
			}
			return o, nil
		case '[':
			a := []value{}
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("read JSON at offset %d: %w", dec.InputOffset(), err)
			}
			return a, nil
		}
		return nil, fmt.Errorf("unexpected %v at offset %d", t, dec.InputOffset())
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return nil, fmt.Errorf("number %s at offset %d: %w", t, dec.InputOffset(), err)
		}
		return f, nil
	default: // nil, bool, string
		return t, nil
	}
}

// writeJSON writes v as JSON.stringify(v, null, 1) does, without the
// final newline.
func writeJSON(w *bytes.Buffer, v value, depth int) {
	switch t := v.(type) {
	case nil:
		w.WriteString("null")
	case bool:
		w.WriteString(strconv.FormatBool(t))
	case float64:
		w.WriteString(formatNumber(t))
	case string:
		writeString(w, t)
	case []value:
		if len(t) == 0 {
			w.WriteString("[]")
			return
		}
		w.WriteString("[\n")
		for i, e := range t {
			if i > 0 {
				w.WriteString(",\n")
			}
			w.WriteString(strings.Repeat(" ", depth+1))
			writeJSON(w, e, depth+1)
		}
		w.WriteString("\n" + strings.Repeat(" ", depth) + "]")
	case *object:
		if len(t.keys) == 0 {
			w.WriteString("{}")
			return
		}
		w.WriteString("{\n")
		for i, k := range t.orderedKeys() {
			if i > 0 {
				w.WriteString(",\n")
			}
			w.WriteString(strings.Repeat(" ", depth+1))
			writeString(w, k)
			w.WriteString(": ")
			writeJSON(w, t.vals[k], depth+1)
		}
		w.WriteString("\n" + strings.Repeat(" ", depth) + "}")
	default:
		panic(fmt.Sprintf("mkopenapi: cannot write %T", v))
	}
}

// formatNumber formats f as JavaScript's Number.prototype.toString does.
func formatNumber(f float64) string {
	if f == 0 {
		return "0" // -0 too
	}
	if a := math.Abs(f); a >= 1e21 || a < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64) // 1e+21, 1.5e-07
		mant, exp, _ := strings.Cut(s, "e")
		sign, digits := exp[:1], strings.TrimLeft(exp[1:], "0")
		return mant + "e" + sign + digits
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// writeString writes s quoted as JSON.stringify does: only the quote, the
// backslash and control characters are escaped.
func writeString(w *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	w.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			w.WriteString(`\"`)
		case '\\':
			w.WriteString(`\\`)
		case '\b':
			w.WriteString(`\b`)
		case '\f':
			w.WriteString(`\f`)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		case '\t':
			w.WriteString(`\t`)
		default:
			if c < 0x20 {
				w.WriteString(`\u00`)
				w.WriteByte(hex[c>>4])
				w.WriteByte(hex[c&0xf])
			} else {
				w.WriteByte(c)
			}
		}
	}
	w.WriteByte('"')
}
