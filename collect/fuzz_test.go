package collect

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-github/v57/github"
)

// FuzzCoAuthors: any commit message yields as many names as emails, each
// trimmed and on one line, and a trailer appended to a message is found.
func FuzzCoAuthors(f *testing.F) {
	f.Add("fix\n\nCo-authored-by: Ann Lee <ann@example.org>", "Bo", "bo@example.org")
	f.Add("x\r\n\r\nco-authored-by:Bo<bo@example.org>\r\nCO-AUTHORED-BY :  Cy Dee   < cy@example.org >  ", "", "")
	f.Add("Co-authored-by: <>\nCo-authored-by: a <b\nc>", "<script>", "x@y")
	f.Add("Co-authored-by: A <a@b>\x00\u2028Co-authored-by: \t<\t>\t", "Zoë 山田", "z@例え.jp")
	f.Fuzz(func(t *testing.T, msg, name, email string) {
		names, emails := coAuthors(msg)
		if len(names) != len(emails) {
			t.Fatalf("coAuthors(%q): %d names, %d emails", msg, len(names), len(emails))
		}
		for i := range names {
			for _, s := range []string{names[i], emails[i]} {
				if s != strings.TrimSpace(s) || strings.ContainsAny(s, "\r\n") {
					t.Fatalf("coAuthors(%q): %q is not one trimmed line", msg, s)
				}
			}
			if strings.ContainsAny(emails[i], "<>") {
				t.Fatalf("coAuthors(%q): email %q holds angle brackets", msg, emails[i])
			}
		}
		// A well-formed trailer on a line of its own is always found, last.
		name, email = strings.TrimSpace(name), strings.TrimSpace(email)
		if strings.ContainsAny(name+email, "<>\r\n\u0085\u2028\u2029") || strings.ContainsFunc(name+email, isSpaceNotBlank) {
			return
		}
		full := msg + "\n\nCo-authored-by: " + name + " <" + email + ">"
		names, emails = coAuthors(full)
		if n := len(names); n == 0 || names[n-1] != name || emails[n-1] != email {
			t.Fatalf("coAuthors(%q) = %q %q, want %q <%q> last", full, names, emails, name, email)
		}
	})
}

// isSpaceNotBlank reports the white space other than space and tab, which
// a trailer line cannot hold at its ends unchanged.
func isSpaceNotBlank(r rune) bool {
	return r != ' ' && r != '\t' && strings.ContainsRune("\v\f\r\n\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000", r)
}

// acContents wraps a file in a contents API answer, base64 in 60-column
// lines as GitHub sends it.
func acContents(file []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(file)
	var lines []string
	for len(enc) > 60 {
		lines = append(lines, enc[:60])
		enc = enc[60:]
	}
	lines = append(lines, enc)
	body, _ := json.Marshal(github.RepositoryContent{Type: github.String("file"), Encoding: github.String("base64"),
		Content: github.String(strings.Join(lines, "\n") + "\n")})
	return body
}

// FuzzAllContributorsFile: any .all-contributorsrc (valid or not) is read
// without panicking; every person read has a login; a version is readable exactly
// when it is valid JSON, with lowercased logins; and a file written from a list of
// people reads back as that list.
func FuzzAllContributorsFile(f *testing.F) {
	f.Add([]byte(`{"projectName":"x","contributors":[{"login":"Alice","name":"Alice A","contributions":["code","doc"]},{"login":"bob","contributions":[]}]}`), "carol", "Carol <b>C</b>")
	f.Add([]byte(`{"contributors":[{"login":"a",}]`), "", "")
	f.Add([]byte(`{"contributors":null}`), "x", "")
	f.Add([]byte(`{"contributors":[null,{"login":""},{"login":7}]}`), "<script>alert(1)</script>", "\x00\x1b[31m")
	f.Add([]byte("<<<<<<< HEAD\n\"login\": \"ann\"\n=======\n\"login\": \"Bo\"\n>>>>>>> branch"), "a\"b", "")
	f.Fuzz(func(t *testing.T, file []byte, login, name string) {
		for _, body := range [][]byte{file, acContents(file)} {
			people, err := parseACFile(body)
			if err == nil {
				for _, p := range people {
					if p.Login == "" {
						t.Fatalf("parseACFile(%q): a person without a login", body)
					}
				}
			}
			logins, ok := acVersionLogins(body)
			if ok != (err == nil) {
				t.Fatalf("acVersionLogins(%q): readable %v, but parseACFile says %v", body, ok, err)
			}
			for _, l := range logins {
				if l != strings.ToLower(l) || l == "" {
					t.Fatalf("acVersionLogins(%q): login %q is empty or not lowercased", body, l)
				}
			}
		}
		if login == "" || !utf8.ValidString(login) || !utf8.ValidString(name) {
			return // JSON cannot carry invalid UTF-8 unchanged
		}
		want := []acEntry{{Login: login, Name: name, Contributions: []string{"code"}}, {Login: "z-" + login, Contributions: []string{}}}
		src, err := json.MarshalIndent(map[string]any{"contributors": want}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseACFile(acContents(src))
		if err != nil || !slices.EqualFunc(got, want, func(a, b acEntry) bool {
			return a.Login == b.Login && a.Name == b.Name && slices.Equal(a.Contributions, b.Contributions)
		}) {
			t.Fatalf("parseACFile(%s) = %+v, %v; want %+v", src, got, err, want)
		}
		logins, ok := acVersionLogins(acContents(src))
		if !ok || !slices.Equal(logins, []string{strings.ToLower(login), strings.ToLower("z-" + login)}) {
			t.Fatalf("acVersionLogins(%s) = %q, %v", src, logins, ok)
		}
	})
}
