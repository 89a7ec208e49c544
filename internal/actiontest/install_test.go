package actiontest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeReleases is the part of GitHub's REST API the install step asks:
// a release by tag, the commit of a ref, the tags, the releases, and the
// release assets, whose downloads redirect to another host as GitHub's do.
type fakeReleases struct {
	repo     string
	tags     map[string]string // tag -> commit, moving tags included
	branches map[string]string
	releases []fakeRelease
	status   int // when set, every API request gets this status

	downloads *httptest.Server // the host assets redirect to
	api       *httptest.Server

	mu           sync.Mutex
	requests     []string // API paths asked, in order
	unauthorized []string // API requests without the token
	leaked       []string // download requests that carried an Authorization header
}

type fakeRelease struct {
	tag        string
	prerelease bool
	draft      bool
	assets     map[string][]byte
}

func newFakeReleases(t *testing.T) *fakeReleases {
	f := &fakeReleases{repo: "journeys-dev/journeys", tags: map[string]string{}, branches: map[string]string{}}
	f.downloads = httptest.NewServer(http.HandlerFunc(f.serveDownload))
	f.api = httptest.NewServer(http.HandlerFunc(f.serveAPI))
	t.Cleanup(f.api.Close)
	t.Cleanup(f.downloads.Close)
	return f
}

func (f *fakeReleases) assetID(r, a int) int { return 1000*(r+1) + a }

// asset returns the release and asset of an id.
func (f *fakeReleases) asset(id int) (*fakeRelease, string, bool) {
	r, a := id/1000-1, id%1000
	if r < 0 || r >= len(f.releases) {
		return nil, "", false
	}
	names := f.assetNames(&f.releases[r])
	if a >= len(names) {
		return nil, "", false
	}
	return &f.releases[r], names[a], true
}

func (f *fakeReleases) assetNames(rel *fakeRelease) []string {
	var names []string
	for n := range rel.assets {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (f *fakeReleases) releaseJSON(i int) map[string]any {
	rel := &f.releases[i]
	assets := []map[string]any{}
	for a, n := range f.assetNames(rel) {
		id := f.assetID(i, a)
		assets = append(assets, map[string]any{
			"id":                   id,
			"name":                 n,
			"size":                 len(rel.assets[n]),
			"content_type":         "application/octet-stream",
			"url":                  fmt.Sprintf("%s/repos/%s/releases/assets/%d", f.api.URL, f.repo, id),
			"browser_download_url": fmt.Sprintf("https://github.com/%s/releases/download/%s/%s", f.repo, rel.tag, n),
		})
	}
	return map[string]any{
		"id": i + 1, "tag_name": rel.tag, "name": "journeys " + rel.tag,
		"draft": rel.draft, "prerelease": rel.prerelease, "assets": assets,
	}
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func (f *fakeReleases) serveAPI(w http.ResponseWriter, req *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, req.URL.RequestURI())
	if req.Header.Get("Authorization") != "Bearer "+testToken {
		f.unauthorized = append(f.unauthorized, req.URL.RequestURI())
	}
	f.mu.Unlock()
	if f.status != 0 {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.WriteHeader(f.status)
		fmt.Fprint(w, `{"message":"API rate limit exceeded"}`)
		return
	}
	prefix := "/repos/" + f.repo + "/"
	if req.Method != http.MethodGet || !strings.HasPrefix(req.URL.Path, prefix) {
		notFound(w)
		return
	}
	path := strings.TrimPrefix(req.URL.Path, prefix)
	switch {
	case strings.HasPrefix(path, "releases/tags/"):
		tag := strings.TrimPrefix(path, "releases/tags/")
		for i, rel := range f.releases {
			if rel.tag == tag && !rel.draft { // drafts are not public
				writeJSON(w, f.releaseJSON(i))
				return
			}
		}
		notFound(w)

	case path == "releases":
		list := []map[string]any{}
		for i := len(f.releases) - 1; i >= 0; i-- { // newest first
			list = append(list, f.releaseJSON(i))
		}
		writeJSON(w, list)

	case path == "tags":
		list := []map[string]any{}
		var names []string
		for n := range f.tags {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			list = append(list, map[string]any{"name": n, "commit": map[string]string{"sha": f.tags[n]}})
		}
		writeJSON(w, list)

	case strings.HasPrefix(path, "commits/"):
		ref := strings.TrimPrefix(path, "commits/")
		sha, ok := f.tags[ref]
		if !ok {
			sha, ok = f.branches[ref]
		}
		if !ok && len(ref) == 40 {
			for _, refs := range []map[string]string{f.tags, f.branches} {
				for _, c := range refs {
					if c == ref {
						sha, ok = c, true
					}
				}
			}
		}
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprintf(w, `{"message":"No commit found for SHA: %s"}`, ref)
			return
		}
		if req.Header.Get("Accept") == "application/vnd.github.sha" {
			fmt.Fprint(w, sha)
			return
		}
		writeJSON(w, map[string]string{"sha": sha})

	case strings.HasPrefix(path, "releases/assets/"):
		id, err := strconv.Atoi(strings.TrimPrefix(path, "releases/assets/"))
		rel, name, ok := f.asset(id)
		if err != nil || !ok {
			notFound(w)
			return
		}
		if req.Header.Get("Accept") != "application/octet-stream" {
			// Without it, GitHub answers with the asset's metadata.
			writeJSON(w, map[string]any{"id": id, "name": name})
			return
		}
		http.Redirect(w, req, fmt.Sprintf("%s/%s/%s", strings.Replace(f.downloads.URL, "127.0.0.1", "localhost", 1), rel.tag, name), http.StatusFound)

	default:
		notFound(w)
	}
}

// serveDownload is the asset storage host: no token is needed there, and
// none may reach it.
func (f *fakeReleases) serveDownload(w http.ResponseWriter, req *http.Request) {
	if req.Header.Get("Authorization") != "" {
		f.mu.Lock()
		f.leaked = append(f.leaked, req.URL.Path)
		f.mu.Unlock()
	}
	tag, name, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
	for _, rel := range f.releases {
		if rel.tag == tag {
			if b, ok := rel.assets[name]; ok {
				w.Header().Set("Content-Type", "application/octet-stream")
				w.Write(b)
				return
			}
		}
	}
	http.NotFound(w, req)
}

func sha(c byte) string { return strings.Repeat(string(c), 40) }

// TestInstallFromRelease: the install step resolves the action's ref to a
// release, downloads that release's binary for the runner and installs it
// once it matches its .sha256; a mismatch stops the action before anything
// runs; a ref without a release builds from source.
func TestInstallFromRelease(t *testing.T) {
	for _, tool := range []string{"curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	if runtime.GOOS == "windows" {
		t.Skip("the stub binary is a bash script")
	}
	root := repoRoot(t)
	stubDir := t.TempDir()
	stub, err := os.ReadFile(writeStub(t, stubDir))
	if err != nil {
		t.Fatal(err)
	}
	goos := map[string]string{"Linux": "linux", "macOS": "darwin"}[runnerOS()]
	goarch := map[string]string{"X64": "amd64", "ARM64": "arm64"}[runnerArch()]
	asset := func(tag string) string { return "journeys_" + tag + "_" + goos + "_" + goarch }
	sumOf := func(tag string, b []byte) []byte {
		return []byte(sha256Hex(string(b)) + "  " + asset(tag) + "\n")
	}
	// good is a release with this runner's binary, its checksum, and a
	// binary for another platform.
	good := func(tag string) fakeRelease {
		return fakeRelease{tag: tag, assets: map[string][]byte{
			asset(tag):                                      stub,
			asset(tag) + ".sha256":                          sumOf(tag, stub),
			"journeys_" + tag + "_windows_amd64.exe":        []byte("MZ"),
			"journeys_" + tag + "_windows_amd64.exe.sha256": sumOf(tag, []byte("MZ")),
		}}
	}

	tests := []struct {
		name        string
		ref         string
		actionRef   string            // github.action_ref, when the path does not tell it
		tags        map[string]string // moving tags, added to the fake's
		branches    map[string]string
		status      int // every API request answers with it
		local       bool
		wantRelease string // installed from it; "" builds from source
		wantFail    string // the error annotation
		wantWarn    string
		wantLog     string
		wantNoAPI   bool
	}{
		{name: "a release tag", ref: "v1.2.0", wantRelease: "v1.2.0"},
		{name: "the moving major tag, at an older release's commit", ref: "v1", tags: map[string]string{"v1": sha('a')},
			wantRelease: "v1.1.0", wantLog: "the release at the commit v1 points at"},
		{name: "the moving major tag, at a commit without a release", ref: "v1", tags: map[string]string{"v1": sha('d')},
			wantRelease: "v1.10.0", wantLog: "the latest v1.x release"},
		{name: "a moving minor tag", ref: "v1.2", tags: map[string]string{"v1.2": sha('b')}, wantRelease: "v1.2.0"},
		{name: "the commit of a release", ref: sha('b'), wantRelease: "v1.2.0"},
		{name: "a branch at a release's commit, named with a slash", ref: "release/1.2", actionRef: "release/1.2",
			branches: map[string]string{"release/1.2": sha('b')}, wantRelease: "v1.2.0"},
		{name: "a branch", ref: "main", branches: map[string]string{"main": sha('e')}, wantLog: "has no release for main: building from source"},
		{name: "a commit between releases", ref: sha('e'), branches: map[string]string{"main": sha('e')}, wantLog: "has no release for " + sha('e')},
		{name: "an unknown ref", ref: "nope", wantLog: "has no tag, branch or commit nope"},
		{name: "a tag without a release", ref: "v1.5.0", tags: map[string]string{"v1.5.0": sha('f')}, wantLog: "has no release for v1.5.0"},
		{name: "no binary for this runner", ref: "v1.0.0", wantLog: "release v1.0.0 of journeys-dev/journeys has no binary for this runner"},
		{name: "wrong checksum", ref: "v6.6.6", wantFail: "does not match its checksum"},
		{name: "the checksum of another file", ref: "v7.0.0", wantFail: "is the checksum of 'journeys_v7.0.0_other'"},
		{name: "no checksum", ref: "v8.0.0", wantFail: "no " + asset("v8.0.0") + ".sha256"},
		{name: "a checksum that is not one", ref: "v8.1.0", wantFail: "is not a SHA-256 checksum"},
		{name: "the API refuses", ref: "v1.2.0", status: http.StatusForbidden, wantWarn: "refused to look up release v1.2.0"},
		{name: "a local action", local: true, wantLog: "not used at a ref of its repository", wantNoAPI: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeReleases(t)
			f.status = tt.status
			other := []byte("#!/bin/sh\necho tampered\n")
			f.releases = []fakeRelease{
				{tag: "v1.0.0", assets: map[string][]byte{"journeys_v1.0.0_plan9_amd64": stub}},
				good("v1.1.0"),
				good("v1.2.0"),
				good("v1.10.0"),
				{tag: "v1.11.0-rc.1", prerelease: true, assets: good("v1.11.0-rc.1").assets},
				{tag: "v1.12.0", draft: true, assets: good("v1.12.0").assets},
				{tag: "v6.6.6", assets: map[string][]byte{asset("v6.6.6"): other, asset("v6.6.6") + ".sha256": sumOf("v6.6.6", stub)}},
				{tag: "v7.0.0", assets: map[string][]byte{asset("v7.0.0"): stub,
					asset("v7.0.0") + ".sha256": []byte(sha256Hex(string(stub)) + "  journeys_v7.0.0_other\n")}},
				{tag: "v8.0.0", assets: map[string][]byte{asset("v8.0.0"): stub}},
				{tag: "v8.1.0", assets: map[string][]byte{asset("v8.1.0"): stub, asset("v8.1.0") + ".sha256": []byte("<html>Not Found</html>\n")}},
			}
			f.tags = map[string]string{
				"v1.0.0": sha('0'), "v1.1.0": sha('a'), "v1.2.0": sha('b'), "v1.10.0": sha('c'),
				"v1.11.0-rc.1": sha('5'), "v1.12.0": sha('9'),
				"v6.6.6": sha('6'), "v7.0.0": sha('7'), "v8.0.0": sha('8'), "v8.1.0": sha('1'),
			}
			for k, v := range tt.tags {
				f.tags[k] = v
			}
			for k, v := range tt.branches {
				f.branches[k] = v
			}

			actionPath := root
			if !tt.local {
				// The runner puts an action used as OWNER/REPO@REF in
				// _actions/OWNER/REPO/REF.
				actionPath = filepath.Join(t.TempDir(), "work", "_actions", "journeys-dev", "journeys", filepath.FromSlash(tt.ref))
				if err := os.MkdirAll(filepath.Dir(actionPath), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(root, actionPath); err != nil {
					t.Fatal(err)
				}
			}
			r := newActionRun(t, actionPath, &fakeCache{dir: t.TempDir()})
			r.github["api_url"] = f.api.URL
			r.github["token"] = testToken
			if tt.actionRef != "" {
				r.github["action_ref"] = tt.actionRef
				r.github["action_repository"] = "journeys-dev/journeys"
			}
			// A build, when it happens, is stood in for by the stub.
			r.fake["build"] = map[string]string{"bin": filepath.Join(stubDir, "journeys")}
			r.inputs = map[string]string{"config": "journeys.yml"}
			writeConfig(t, r.workspace, "journeys.yml", "example-org/project-1")
			r.env = map[string]string{"STUB_RECORD": t.TempDir(), "STUB_REPORT": "1"}

			res := r.run()
			logOnFailure(t, res)
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("API requests: %v", f.requests)
				}
			})
			checkNoToken(t, res, r.workspace, r.temp)
			if len(f.unauthorized) > 0 {
				t.Errorf("API requests without the token: %v", f.unauthorized)
			}
			if len(f.leaked) > 0 {
				t.Errorf("the token went to the download host: %v", f.leaked)
			}
			if tt.wantNoAPI && len(f.requests) > 0 {
				t.Errorf("API requests %v, want none", f.requests)
			}
			if tt.wantLog != "" && !strings.Contains(res.log, tt.wantLog) {
				t.Errorf("the log does not say %q", tt.wantLog)
			}
			if tt.wantWarn != "" && (!strings.Contains(res.log, "::warning title=journeys::") || !strings.Contains(res.log, tt.wantWarn)) {
				t.Errorf("no warning annotation saying %q", tt.wantWarn)
			}
			if tt.wantWarn == "" && strings.Contains(res.log, "::warning") {
				t.Errorf("unexpected warning in the log")
			}

			if tt.wantFail != "" {
				if !res.failed {
					t.Fatal("the action succeeded")
				}
				if !strings.Contains(res.log, "::error title=journeys::") || !strings.Contains(res.log, tt.wantFail) {
					t.Errorf("the log has no error annotation saying %q", tt.wantFail)
				}
				if want := []string{"Check the inputs", "Download the release's journeys"}; !slices.Equal(res.ran, want) {
					t.Errorf("steps that ran: %v, want %v: nothing may run after a failed check", res.ran, want)
				}
				// Nothing unverified is left to run.
				filepath.WalkDir(r.temp, func(p string, d os.DirEntry, err error) error {
					if err == nil && !d.IsDir() && (d.Name() == "journeys" || strings.HasPrefix(d.Name(), asset(tt.ref)) && !strings.HasSuffix(d.Name(), ".sha256")) {
						t.Errorf("the unverified download is left at %s", p)
					}
					return nil
				})
				return
			}

			if res.failed {
				t.Fatal("the action failed")
			}
			if res.outputs["status"] != "ok" {
				t.Errorf("status = %q", res.outputs["status"])
			}
			built := slices.Contains(res.ran, "Set up Go") && slices.Contains(res.ran, "Build journeys")
			if got := res.steps["install"]["release"]; got != tt.wantRelease {
				t.Errorf("installed release %q, want %q", got, tt.wantRelease)
			}
			bin := res.steps["install"]["bin"]
			if tt.wantRelease == "" {
				if !built || bin != "" {
					t.Errorf("steps that ran: %v, bin %q; want a build from source", res.ran, bin)
				}
				return
			}
			if built || bin == "" {
				t.Fatalf("steps that ran: %v, bin %q; want the release's binary and no build", res.ran, bin)
			}
			if b, err := os.ReadFile(bin); err != nil || string(b) != string(stub) {
				t.Errorf("installed %s: %v; not the release's binary", bin, err)
			}
			if !strings.Contains(res.log, "journeys: using "+asset(tt.wantRelease)+" of release "+tt.wantRelease) ||
				!strings.Contains(res.log, sha256Hex(string(stub))+" checked") {
				t.Error("the log does not say which release's binary is used, and its checksum")
			}
		})
	}
}
