// Package privacy is the people-data step of the pipeline: it leaves out
// people who asked to be left out (Exclusions, FilterDir) and publishes a
// pseudonymized copy of a private workspace (Publish), where every login is
// replaced by a keyed pseudonym and names, emails and free text are
// dropped. Both follow the registry of tables (schema.Tables): its login
// columns say whose a row is, and every column's privacy class how it is
// published. docs/privacy.md says what it protects and what it does not.
package privacy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeyEnv is the environment variable that holds the pseudonymization key.
const KeyEnv = "JOURNEYS_PSEUDONYM_KEY"

// MinKeyLen is the shortest key accepted, in bytes.
const MinKeyLen = 16

// PseudonymPrefix starts every pseudonym.
const PseudonymPrefix = "p_"

// pseudonymHex is the number of hex digits kept of the HMAC.
const pseudonymHex = 12

// ErrNoKey is returned by KeyFromEnv when KeyEnv is unset or empty.
var ErrNoKey = errors.New("pseudonymization needs a secret key in " + KeyEnv +
	" (at least 16 characters, e.g. from 'openssl rand -hex 32'); keep it to get the same pseudonyms in later runs")

// KeyFromEnv returns the key in KeyEnv.
func KeyFromEnv() ([]byte, error) {
	k := strings.TrimSpace(os.Getenv(KeyEnv))
	if k == "" {
		return nil, ErrNoKey
	}
	if len(k) < MinKeyLen {
		return nil, fmt.Errorf("%s is %d characters long; pseudonyms need a key of at least %d", KeyEnv, len(k), MinKeyLen)
	}
	return []byte(k), nil
}

// A Pseudonymizer replaces logins by stable pseudonyms: "p_" and the first
// 12 hex digits of HMAC-SHA256(key, lower-cased login). The same key gives
// the same pseudonym in every run and community. It is not safe for
// concurrent use.
type Pseudonymizer struct {
	key   []byte
	cache map[string]string
	// owner maps a pseudonym to the lower-cased login it was made from,
	// to detect collisions.
	owner     map[string]string
	collision error
}

// NewPseudonymizer returns a Pseudonymizer with key.
func NewPseudonymizer(key []byte) (*Pseudonymizer, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("pseudonym key: %d bytes, want at least %d", len(key), MinKeyLen)
	}
	return &Pseudonymizer{key: append([]byte(nil), key...), cache: map[string]string{}, owner: map[string]string{}}, nil
}

// Login returns the pseudonym of login; "" stays "".
func (p *Pseudonymizer) Login(login string) string {
	if login == "" {
		return ""
	}
	if s, ok := p.cache[login]; ok {
		return s
	}
	lower := strings.ToLower(login)
	mac := hmac.New(sha256.New, p.key)
	mac.Write([]byte(lower))
	sum := mac.Sum(nil)
	s := PseudonymPrefix + hex.EncodeToString(sum)[:pseudonymHex]
	if prev, ok := p.owner[s]; ok && prev != lower && p.collision == nil {
		p.collision = fmt.Errorf("pseudonyms of %d logins: two logins share the pseudonym %s; use another key", len(p.owner), s)
	}
	p.owner[s] = lower
	p.cache[login] = s
	return s
}

// LoginPtr returns a pointer to the pseudonym of *login; nil stays nil.
func (p *Pseudonymizer) LoginPtr(login *string) *string {
	if login == nil {
		return nil
	}
	s := p.Login(*login)
	return &s
}

// Logins returns the pseudonyms of logins, in the same order.
func (p *Pseudonymizer) Logins(logins []string) []string {
	if logins == nil {
		return nil
	}
	out := make([]string, len(logins))
	for i, l := range logins {
		out[i] = p.Login(l)
	}
	return out
}

// Err reports a collision between two logins' pseudonyms, if any was met.
func (p *Pseudonymizer) Err() error { return p.collision }
