package appnetutil

import (
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"
)

// The C API gives a device-plugin-info as JSON text (it is free-form:
// provider -> key -> any value). Collect decodes it with the quick decoder
// below, several times faster than encoding/json's reflection, which
// accepts only what it is sure encoding/json decodes to the same value:
// objects without a key given twice, strings that are valid UTF-8 without
// lone surrogates, values validated as encoding/json validates them. On
// anything else it gives up, and Collect decodes the whole report from the
// library's JSON with encoding/json (tape.go), so the result is always
// encoding/json's. FuzzQuickDecode checks exactly that.
//
// Raw values are cut from one copy of the text, so decoding allocates
// little. The rest of the report comes from the C getters (tape.c), not
// from JSON: a key added to the contract needs nothing here unless the C
// API gives it as JSON text too.

// quick is the state of the quick decoder: the document and a position.
// Every method returns false when the input is not what it accepts.
type quick struct {
	s string
	i int
	b []byte // when not nil, the same text: raw values are cut from it
}

func (d *quick) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\n', '\t', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte (0 at the end).
func (d *quick) peek() byte {
	d.ws()
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

func (d *quick) eat(c byte) bool {
	if d.peek() == c {
		d.i++
		return true
	}
	return false
}

func (d *quick) lit(word string) bool {
	d.ws()
	if len(d.s)-d.i >= len(word) && d.s[d.i:d.i+len(word)] == word {
		d.i += len(word)
		return true
	}
	return false
}

// null consumes a null, if that is what comes next.
func (d *quick) null() bool {
	return d.peek() == 'n' && d.lit("null")
}

func (d *quick) end() bool {
	d.ws()
	return d.i == len(d.s)
}

// mapObject reads an object, calling entry for each key with the position
// at its value; entry consumes the value. A key given twice would make
// encoding/json merge or replace entries: the callers compare the size of
// the map they fill with the number of entries read.
func (d *quick) mapObject(entry func(key string) bool) bool {
	if !d.eat('{') {
		return false
	}
	if d.eat('}') {
		return true
	}
	for {
		key, ok := d.str()
		if !ok || !d.eat(':') || !entry(key) {
			return false
		}
		if d.eat('}') {
			return true
		}
		if !d.eat(',') {
			return false
		}
	}
}

func (d *quick) array(elem func() bool) bool {
	if !d.eat('[') {
		return false
	}
	if d.eat(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if d.eat(']') {
			return true
		}
		if !d.eat(',') {
			return false
		}
	}
}

// str reads a string. Without escapes it is a substring of the document.
func (d *quick) str() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	d.i++
	start := d.i
	ascii := true
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			s := d.s[start:d.i]
			d.i++
			if !ascii && !utf8.ValidString(s) {
				return "", false
			}
			return s, true
		case c == '\\':
			return d.escaped(start)
		case c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
		d.i++
	}
	return "", false
}

// escaped finishes a string that has an escape, from start (after the
// opening quote).
func (d *quick) escaped(start int) (string, bool) {
	b := make([]byte, 0, d.i-start+16)
	b = append(b, d.s[start:d.i]...)
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(b) {
				return "", false
			}
			return string(b), true
		case c < 0x20:
			return "", false
		case c != '\\':
			b = append(b, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.s) {
			return "", false
		}
		e := d.s[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				// Only a high surrogate followed by a low one.
				if r >= 0xdc00 || !d.lit(`\u`) {
					return "", false
				}
				r2, ok := d.hex4()
				if !ok || r2 < 0xdc00 || r2 > 0xdfff {
					return "", false
				}
				r = utf16.DecodeRune(r, r2)
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", false
		}
	}
	return "", false
}

func (d *quick) hex4() (rune, bool) {
	if len(d.s)-d.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(d.s[d.i : d.i+4]) {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// raw reads any JSON value and returns a copy of its text.
func (d *quick) raw() (json.RawMessage, bool) {
	d.ws()
	start := d.i
	if !d.skip(0) {
		return nil, false
	}
	if d.b != nil {
		return json.RawMessage(d.b[start:d.i:d.i]), true
	}
	return json.RawMessage(d.s[start:d.i]), true
}

// skip passes over one JSON value (validating it as encoding/json would).
func (d *quick) skip(depth int) bool {
	if depth > 1000 {
		return false
	}
	switch c := d.peek(); {
	case c == '{':
		// encoding/json keeps a raw value as it is, keys given twice
		// included.
		return d.mapObject(func(string) bool { return d.skip(depth + 1) })
	case c == '[':
		return d.array(func() bool { return d.skip(depth + 1) })
	case c == '"':
		_, ok := d.str()
		return ok
	case c == 't':
		return d.lit("true")
	case c == 'f':
		return d.lit("false")
	case c == 'n':
		return d.lit("null")
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	}
	return false
}

// number passes over a JSON number.
func (d *quick) number() bool {
	d.ws()
	s, i := d.s, d.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	d.i = i
	return true
}

// decodeDevicePluginInfo decodes the JSON text of a device-plugin-info,
// as encoding/json would; false when the quick decoder gives up.
func decodeDevicePluginInfo(text string) (DevicePluginInfo, bool) {
	d := quick{s: text, b: []byte(text)}
	var info DevicePluginInfo
	ok := d.devicePluginInfo(&info) && d.end()
	return info, ok
}

// devicePluginInfo reads provider -> key -> raw value, or null.
func (d *quick) devicePluginInfo(p *DevicePluginInfo) bool {
	if d.null() {
		*p = nil
		return true
	}
	info := DevicePluginInfo{}
	n := 0
	ok := d.mapObject(func(provider string) bool {
		n++
		if d.null() {
			info[provider] = nil
			return true
		}
		values := map[string]json.RawMessage{}
		m := 0
		ok := d.mapObject(func(key string) bool {
			m++
			v, ok := d.raw()
			values[key] = v
			return ok
		})
		info[provider] = values
		return ok && len(values) == m
	})
	*p = info
	return ok && len(info) == n
}
