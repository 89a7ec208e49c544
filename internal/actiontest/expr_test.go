package actiontest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// This file evaluates the part of GitHub Actions' expression language that
// action.yml may use: literals, context properties (inputs.x,
// steps.id.outputs.y, github.x, runner.x, env.x), the operators ! == != &&
// || and parentheses, and the status functions always(), success(),
// failure() and cancelled(). Anything else is an error, so a new construct
// in action.yml fails the tests until the evaluator learns it.

// exprContext is what an expression can see.
type exprContext struct {
	contexts map[string]any // "inputs", "github", "runner", "env", "steps"
	failed   bool           // a previous step failed
}

// evalTemplate replaces each ${{ expr }} in s with its value as a string.
func evalTemplate(s string, c *exprContext) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${{")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return "", fmt.Errorf("unclosed ${{ in %q", s)
		}
		v, err := evalExpr(s[i+3:i+j], c)
		if err != nil {
			return "", err
		}
		b.WriteString(s[:i])
		b.WriteString(toString(v))
		s = s[i+j+2:]
	}
}

// evalCondition evaluates a step's if:. Without a status function the
// condition is implicitly success() && (cond), as on GitHub.
func evalCondition(cond string, c *exprContext) (bool, error) {
	cond = strings.TrimSpace(cond)
	if strings.HasPrefix(cond, "${{") && strings.HasSuffix(cond, "}}") {
		cond = strings.TrimSpace(cond[3 : len(cond)-2])
	}
	if cond == "" {
		return !c.failed, nil
	}
	v, err := evalExpr(cond, c)
	if err != nil {
		return false, err
	}
	ok := truthy(v)
	if !strings.Contains(cond, "always()") && !strings.Contains(cond, "failure()") &&
		!strings.Contains(cond, "success()") && !strings.Contains(cond, "cancelled()") {
		ok = ok && !c.failed
	}
	return ok, nil
}

func evalExpr(src string, c *exprContext) (any, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks, c: c, src: src}
	v, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("expression %q: unexpected %q", src, p.toks[p.pos].text)
	}
	return v, nil
}

type token struct {
	kind string // "ident", "string", "number", "op"
	text string
}

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		case ch == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, fmt.Errorf("expression %q: unclosed string", s)
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			toks = append(toks, token{"string", b.String()})
			i = j + 1
		case strings.HasPrefix(s[i:], "==") || strings.HasPrefix(s[i:], "!=") ||
			strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||"):
			toks = append(toks, token{"op", s[i : i+2]})
			i += 2
		case ch == '!' || ch == '(' || ch == ')' || ch == ',':
			toks = append(toks, token{"op", string(ch)})
			i++
		case ch >= '0' && ch <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			toks = append(toks, token{"number", s[i:j]})
			i = j
		case isIdentStart(ch):
			j := i
			for j < len(s) && (isIdentStart(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '-' || s[j] == '.') {
				j++
			}
			toks = append(toks, token{"ident", s[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("expression %q: unsupported character %q", s, ch)
		}
	}
	return toks, nil
}

func isIdentStart(ch byte) bool {
	return ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z'
}

type exprParser struct {
	toks []token
	pos  int
	c    *exprContext
	src  string
}

func (p *exprParser) peek(op string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == "op" && p.toks[p.pos].text == op
}

func (p *exprParser) or() (any, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek("||") {
		p.pos++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		if !truthy(l) {
			l = r
		}
	}
	return l, nil
}

func (p *exprParser) and() (any, error) {
	l, err := p.cmp()
	if err != nil {
		return nil, err
	}
	for p.peek("&&") {
		p.pos++
		r, err := p.cmp()
		if err != nil {
			return nil, err
		}
		if truthy(l) {
			l = r
		}
	}
	return l, nil
}

func (p *exprParser) cmp() (any, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek("==") || p.peek("!=") {
		op := p.toks[p.pos].text
		p.pos++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		eq := equal(l, r)
		if op == "!=" {
			eq = !eq
		}
		l = eq
	}
	return l, nil
}

func (p *exprParser) unary() (any, error) {
	if p.peek("!") {
		p.pos++
		v, err := p.unary()
		if err != nil {
			return nil, err
		}
		return !truthy(v), nil
	}
	return p.primary()
}

func (p *exprParser) primary() (any, error) {
	if p.pos >= len(p.toks) {
		return nil, fmt.Errorf("expression %q: unexpected end", p.src)
	}
	t := p.toks[p.pos]
	p.pos++
	switch t.kind {
	case "string":
		return t.text, nil
	case "number":
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, fmt.Errorf("expression %q: bad number %q", p.src, t.text)
		}
		return f, nil
	case "op":
		if t.text == "(" {
			v, err := p.or()
			if err != nil {
				return nil, err
			}
			if !p.peek(")") {
				return nil, fmt.Errorf("expression %q: missing )", p.src)
			}
			p.pos++
			return v, nil
		}
		return nil, fmt.Errorf("expression %q: unexpected %q", p.src, t.text)
	}
	// An identifier: a literal, a status function or a context property.
	switch t.text {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if p.peek("(") {
		p.pos++
		if !p.peek(")") {
			return nil, fmt.Errorf("expression %q: function %s takes no arguments here", p.src, t.text)
		}
		p.pos++
		switch t.text {
		case "always":
			return true, nil
		case "success":
			return !p.c.failed, nil
		case "failure":
			return p.c.failed, nil
		case "cancelled":
			return false, nil
		}
		return nil, fmt.Errorf("expression %q: unsupported function %s()", p.src, t.text)
	}
	return p.lookup(t.text)
}

// lookup resolves a dotted property path. A missing property is null, as
// on GitHub; an unknown context is an error.
func (p *exprParser) lookup(path string) (any, error) {
	parts := strings.Split(path, ".")
	v, ok := p.c.contexts[parts[0]]
	if !ok {
		return nil, fmt.Errorf("expression %q: unknown context %q", p.src, parts[0])
	}
	for _, part := range parts[1:] {
		switch m := v.(type) {
		case map[string]any:
			v = m[part]
		case map[string]string:
			s, ok := m[part]
			if !ok {
				return nil, nil
			}
			v = s
		default:
			return nil, nil
		}
	}
	return v, nil
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0 && !math.IsNaN(x)
	}
	return true
}

// equal compares as GitHub does: strings case-insensitively, other types
// after conversion to numbers.
func equal(a, b any) bool {
	as, aok := a.(string)
	bs, bok := b.(string)
	if aok && bok {
		return strings.EqualFold(as, bs)
	}
	if a == nil && b == nil {
		return true
	}
	return toNumber(a) == toNumber(b)
}

func toNumber(v any) float64 {
	switch x := v.(type) {
	case nil:
		return 0
	case bool:
		if x {
			return 1
		}
		return 0
	case float64:
		return x
	case string:
		if strings.TrimSpace(x) == "" {
			return 0
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	return math.NaN()
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func TestExpressions(t *testing.T) {
	c := &exprContext{contexts: map[string]any{
		"inputs": map[string]string{"as-of": "", "out": "journeys-out"},
		"steps": map[string]any{
			"install": map[string]any{"outputs": map[string]string{"bin": ""}},
			"build":   map[string]any{"outputs": map[string]string{"bin": "/tmp/b/journeys"}},
			"run":     map[string]any{"outputs": map[string]string{"state-exists": "true"}},
		},
		"github": map[string]string{"run_id": "42"},
	}}
	tests := []struct {
		expr string
		want string
	}{
		{"inputs.out", "journeys-out"},
		{"inputs.as-of", ""},
		{"inputs.missing", ""},
		{"steps.install.outputs.bin || steps.build.outputs.bin", "/tmp/b/journeys"},
		{"steps.install.outputs.bin == ''", "true"},
		{"steps.run.outputs.state-exists == 'TRUE'", "true"},
		{"always() && steps.run.outputs.state-exists == 'true'", "true"},
		{"!(github.run_id == 42)", "false"},
		{"'it''s'", "it's"},
		{"steps.nope.outputs.x != ''", "false"},
	}
	for _, tt := range tests {
		v, err := evalExpr(tt.expr, c)
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		if got := toString(v); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
		}
	}
	for _, bad := range []string{"unknown.x", "hashFiles('x')", "a ? b", "(inputs.out"} {
		if _, err := evalExpr(bad, c); err == nil {
			t.Errorf("%s: no error, want one (unsupported)", bad)
		}
	}

	got, err := evalTemplate("key-${{ github.run_id }}-${{ inputs.out }}", c)
	if err != nil || got != "key-42-journeys-out" {
		t.Errorf("template = %q, %v", got, err)
	}

	c.failed = true
	for cond, want := range map[string]bool{
		"":                                false,
		"steps.install.outputs.bin == ''": false,
		"always() && steps.install.outputs.bin == ''": true,
		"failure()": true,
	} {
		ok, err := evalCondition(cond, c)
		if err != nil || ok != want {
			t.Errorf("after a failure, if %q = %v, %v; want %v", cond, ok, err, want)
		}
	}
}
