package camera

import (
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// JSONLines is a Sink that writes one JSON object per result to w, one
// Write per line, encoded by hand into a reused buffer (no allocation):
//
//	{"seq":7,"time":"2026-11-27T00:10:11.123456Z","top":[{"index":3,"label":"Dress","score":0.91}],
//	 "latency_ms":{"capture":0.12,"preprocess":1.2,"infer":30.1,"end_to_end":33},"dropped":2}
//
// "name" follows "time" for frames from files. Scores that are not finite
// are written as null.
type JSONLines struct {
	w   io.Writer
	buf []byte
}

// NewJSONLines returns a JSONLines sink writing to w.
func NewJSONLines(w io.Writer) *JSONLines { return &JSONLines{w: w, buf: make([]byte, 0, 1024)} }

func (j *JSONLines) Publish(r *Result) error {
	b := j.buf[:0]
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, r.Seq, 10)
	b = append(b, `,"time":"`...)
	b = r.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if r.Frame != nil && r.Frame.Name != "" {
		b = append(b, `,"name":`...)
		b = appendJSONString(b, r.Frame.Name)
	}
	b = append(b, `,"top":[`...)
	for i, c := range r.Top {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"index":`...)
		b = strconv.AppendInt(b, int64(c.Index), 10)
		if c.Label != "" {
			b = append(b, `,"label":`...)
			b = appendJSONString(b, c.Label)
		}
		b = append(b, `,"score":`...)
		if s := float64(c.Score); math.IsNaN(s) || math.IsInf(s, 0) {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendFloat(b, s, 'g', -1, 32)
		}
		b = append(b, '}')
	}
	b = append(b, `],"latency_ms":{"capture":`...)
	b = appendMillis(b, r.Latency.Capture)
	b = append(b, `,"preprocess":`...)
	b = appendMillis(b, r.Latency.Preprocess)
	b = append(b, `,"infer":`...)
	b = appendMillis(b, r.Latency.Infer)
	b = append(b, `,"end_to_end":`...)
	b = appendMillis(b, r.Latency.EndToEnd)
	b = append(b, `},"dropped":`...)
	b = strconv.AppendUint(b, r.Stats.Dropped, 10)
	b = append(b, "}\n"...)
	j.buf = b
	_, err := j.w.Write(b)
	return err
}

// Close does nothing: every line was written whole when published.
func (j *JSONLines) Close() error { return nil }

// appendMillis appends d in milliseconds with microsecond resolution.
func appendMillis(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', -1, 64)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
