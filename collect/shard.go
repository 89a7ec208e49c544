package collect

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// A Shard selects a deterministic part of the repositories: shard K of N
// collects the repositories whose stable hash (SHA-256 of the lower-case
// "owner/name", first 8 bytes, big-endian, modulo N) is K-1. The choice
// depends on a repository's name alone, so shards agree on who collects
// what without talking to each other, and a repository listed by several
// communities is collected by one shard for all of them. The zero Shard
// selects everything.
type Shard struct {
	K, N int
}

// ParseShard reads "K/N", 1 <= K <= N.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	ki, kerr := strconv.Atoi(k)
	ni, nerr := strconv.Atoi(n)
	if !ok || kerr != nil || nerr != nil || ni < 1 || ki < 1 || ki > ni {
		return Shard{}, fmt.Errorf("shard %q: want K/N with 1 <= K <= N, e.g. 2/4", s)
	}
	return Shard{K: ki, N: ni}, nil
}

func (s Shard) String() string {
	if s.N <= 1 {
		return "1/1"
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// Sharded reports whether s selects only part of the repositories.
func (s Shard) Sharded() bool { return s.N > 1 }

// Has reports whether the shard collects repo.
func (s Shard) Has(repo string) bool { return !s.Sharded() || schema.ShardOf(repo, s.N) == s.K }

// filter keeps, in every community, the repositories of the shard.
// Communities left without repositories stay, empty.
func (s Shard) filter(cs []Community) []Community {
	if !s.Sharded() {
		return cs
	}
	out := make([]Community, len(cs))
	for i, c := range cs {
		out[i] = c
		out[i].Repos = nil
		for _, r := range c.Repos {
			if s.Has(r) {
				out[i].Repos = append(out[i].Repos, r)
			}
		}
	}
	return out
}

// writeShardInfo writes DIR/shard.json for a sharded run, and removes a
// stale one otherwise.
func writeShardInfo(dir string, s Shard, all []Community) error {
	target := filepath.Join(dir, schema.ShardFile)
	if !s.Sharded() {
		if err := os.Remove(target); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove stale %s: %w", schema.ShardFile, err)
		}
		return nil
	}
	si := schema.ShardInfo{Shard: s.K, Of: s.N, Repos: []schema.ShardRepo{}}
	for _, c := range all {
		for _, r := range c.Repos {
			si.Repos = append(si.Repos, schema.ShardRepo{Community: c.Name, Repo: r})
		}
	}
	b, err := json.MarshalIndent(si, "", "  ")
	if err != nil {
		return fmt.Errorf("encode shard description: %w", err)
	}
	if err := table.WriteFileAtomic(target, append(b, '\n')); err != nil {
		return fmt.Errorf("write shard description: %w", err)
	}
	return nil
}
