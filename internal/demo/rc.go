package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/journeys-dev/journeys/internal/demo/fixture"
	"github.com/journeys-dev/journeys/internal/fakegithub"
)

// addHistory puts the older versions of .all-contributorsrc into
// repo.FileHistory, each at the commit that wrote it. Versions with the
// same contributor list share one byte slice.
func addHistory(repo *fakegithub.Repo, f *fixture.Fixture, head rcHead) error {
	before, after, err := splitContributors(f.ContributorsRC)
	if err != nil {
		return err
	}
	profiles := map[string][2]string{}
	for _, c := range head.Contributors {
		profiles[strings.ToLower(c.Login)] = [2]string{c.AvatarURL, c.Profile}
	}
	rendered := make([][]byte, len(f.RCEntries))
	for i, e := range f.RCEntries {
		rendered[i] = renderEntry(e, profiles[strings.ToLower(e.Login)])
	}
	byList := map[string][]byte{}
	for _, v := range f.RCVersions {
		content, ok := byList[v.Entries]
		if !ok {
			entries, err := v.Indexes()
			if err != nil {
				return fmt.Errorf("%s history: %w", rcPath, err)
			}
			for _, i := range entries {
				if i < 0 || i >= len(rendered) {
					return fmt.Errorf("%s version %s: entry %d out of range", rcPath, v.SHA, i)
				}
			}
			size := len(before) + len(after) + 8
			for _, i := range entries {
				size += len(rendered[i]) + 2
			}
			var b bytes.Buffer
			b.Grow(size)
			b.WriteString(before)
			if len(entries) == 0 {
				b.WriteString("[]")
			} else {
				b.WriteString("[\n")
				for n, i := range entries {
					if n > 0 {
						b.WriteString(",\n")
					}
					b.Write(rendered[i])
				}
				b.WriteString("\n  ]")
			}
			b.WriteString(after)
			content = b.Bytes()
			byList[v.Entries] = content
		}
		repo.FileHistory[v.SHA] = map[string][]byte{rcPath: content}
	}
	return nil
}

// splitContributors cuts the HEAD file's text around the value of its
// "contributors" key, so older lists can be put in its place.
func splitContributors(text string) (before, after string, err error) {
	const key = "\n  \"contributors\": "
	i := strings.Index(text, key)
	if i < 0 {
		return "", "", fmt.Errorf("%s at HEAD has no top-level contributors list", rcPath)
	}
	start := i + len(key)
	dec := json.NewDecoder(strings.NewReader(text[start:]))
	var list json.RawMessage
	if err := dec.Decode(&list); err != nil {
		return "", "", fmt.Errorf("read contributors of %s at HEAD: %w", rcPath, err)
	}
	end := start + int(dec.InputOffset())
	return text[:start], text[end:], nil
}

// renderEntry writes one contributor entry as the all-contributors CLI
// does (two-space indentation, inside the top-level list).
func renderEntry(e fixture.RCEntry, profile [2]string) []byte {
	var b bytes.Buffer
	field := func(k, v string, last bool) {
		b.WriteString("      ")
		b.WriteString(jsonString(k))
		b.WriteString(": ")
		b.WriteString(jsonString(v))
		if !last {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("    {\n")
	field("login", e.Login, false)
	field("name", e.Name, false)
	if profile[0] != "" {
		field("avatar_url", profile[0], false)
	}
	if profile[1] != "" {
		field("profile", profile[1], false)
	}
	b.WriteString("      \"contributions\": [")
	for n, c := range e.Contributions {
		if n > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n        ")
		b.WriteString(jsonString(c))
	}
	if len(e.Contributions) > 0 {
		b.WriteString("\n      ")
	}
	b.WriteString("]\n    }")
	return b.Bytes()
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
