// Package auth holds workspaces, their sources and API keys. Secrets are shown
// once at creation and stored only as SHA-256 digests: they are 192-bit random
// tokens, so a fast unsalted hash is enough and keeps per-request checks cheap.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rivetcdp/rivet/internal/store"
)

// Scope is what a key may do.
type Scope string

const (
	ScopeWrite Scope = "write" // send events for one source
	ScopeRead  Scope = "read"  // read a workspace's data
	ScopeAdmin Scope = "admin" // read and manage a workspace
)

// Channels a source may represent.
var Channels = []string{"web", "app", "server", "wechat", "microblog", "ecommerce", "pos", "callcenter", "sms", "crm", "erp", "import", "other"}

// Typed errors; the API maps them to stable codes.
var (
	ErrUnknownKey   = errors.New("unknown key")
	ErrRevoked      = errors.New("key revoked")
	ErrScope        = errors.New("key lacks the scope")
	ErrInvalid      = errors.New("invalid argument")
	ErrExists       = errors.New("already exists")
	ErrNotFound     = errors.New("not found")
	nameRE          = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_.\-]{0,62}$`)
	idEncoding      = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	errMissingScope = fmt.Errorf("%w: scope must be read or admin", ErrInvalid)
)

type Workspace struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

type Source struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	Name        string    `json:"name"`
	Channel     string    `json:"channel"`
	Created     time.Time `json:"created"`
}

// Key is a stored API key; the secret itself is not kept.
type Key struct {
	ID          string     `json:"id"`
	Hash        string     `json:"hash"`
	Scope       Scope      `json:"scope"`
	WorkspaceID string     `json:"workspace_id"`
	SourceID    string     `json:"source_id,omitempty"`
	Created     time.Time  `json:"created"`
	Revoked     *time.Time `json:"revoked,omitempty"`
}

// Principal is who a request acts as.
type Principal struct {
	Key       Key
	Workspace Workspace
	Source    *Source // set for write keys
}

// Allows reports whether the principal may act with scope s.
func (p Principal) Allows(s Scope) bool {
	switch p.Key.Scope {
	case ScopeAdmin:
		return s == ScopeRead || s == ScopeAdmin
	default:
		return p.Key.Scope == s
	}
}

// Service manages workspaces, sources and keys in the store and caches
// resolved principals (keys change rarely; every request checks one).
type Service struct {
	db  *store.DB
	now func() time.Time

	mu    sync.Mutex // serialises writes so name uniqueness holds
	cache sync.Map   // hash -> Principal
}

// NewService returns a Service on db.
func NewService(db *store.DB) *Service { return &Service{db: db, now: time.Now} }

func newID(prefix string, nbytes int) string {
	b := make([]byte, nbytes)
	_, _ = rand.Read(b)
	return prefix + idEncoding.EncodeToString(b)
}

func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func getJSON(db *store.DB, key []byte, v any) error {
	b, err := db.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func setJSON(b *store.Batch, key []byte, v any) {
	data, _ := json.Marshal(v)
	b.Set(key, data)
}

func checkName(what, name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("%w: %s name %q must be 1-63 letters, digits, '_', '.' or '-'", ErrInvalid, what, name)
	}
	return nil
}

// ensureWorkspace returns the workspace called name, creating it in b if needed.
func (s *Service) ensureWorkspace(b *store.Batch, name string) (Workspace, error) {
	if err := checkName("workspace", name); err != nil {
		return Workspace{}, err
	}
	var ws Workspace
	id, err := s.db.Get(store.WorkspaceNameKey(name))
	if err == nil {
		return ws, getJSON(s.db, store.WorkspaceKey(string(id)), &ws)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return ws, err
	}
	ws = Workspace{ID: newID("ws_", 10), Name: name, Created: s.now().UTC()}
	setJSON(b, store.WorkspaceKey(ws.ID), ws)
	b.Set(store.WorkspaceNameKey(name), []byte(ws.ID))
	return ws, nil
}

// Workspace returns the workspace called name.
func (s *Service) Workspace(name string) (Workspace, error) {
	var ws Workspace
	id, err := s.db.Get(store.WorkspaceNameKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return ws, fmt.Errorf("workspace %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return ws, err
	}
	return ws, getJSON(s.db, store.WorkspaceKey(string(id)), &ws)
}

// CreateSource creates a source (and its workspace if needed) and its write key.
func (s *Service) CreateSource(workspace, name, channel string) (Source, string, error) {
	if err := checkName("source", name); err != nil {
		return Source{}, "", err
	}
	if !slices.Contains(Channels, channel) {
		return Source{}, "", fmt.Errorf("%w: channel %q is not one of %s", ErrInvalid, channel, strings.Join(Channels, ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.db.NewBatch()
	defer b.Close()
	ws, err := s.ensureWorkspace(b, workspace)
	if err != nil {
		return Source{}, "", err
	}
	if ok, err := s.db.Has(store.SourceNameKey(ws.ID, name)); err != nil {
		return Source{}, "", err
	} else if ok {
		return Source{}, "", fmt.Errorf("source %q in workspace %q: %w", name, workspace, ErrExists)
	}
	src := Source{ID: newID("src_", 10), WorkspaceID: ws.ID, Name: name, Channel: channel, Created: s.now().UTC()}
	setJSON(b, store.SourceKey(src.ID), src)
	b.Set(store.SourceNameKey(ws.ID, name), []byte(src.ID))
	secret := s.addKey(b, ScopeWrite, ws.ID, src.ID)
	if err := b.Commit(true); err != nil {
		return Source{}, "", err
	}
	return src, secret, nil
}

// CreateKey creates a read or admin key for a workspace (created if needed).
func (s *Service) CreateKey(workspace string, scope Scope) (Key, string, error) {
	if scope != ScopeRead && scope != ScopeAdmin {
		return Key{}, "", errMissingScope
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.db.NewBatch()
	defer b.Close()
	ws, err := s.ensureWorkspace(b, workspace)
	if err != nil {
		return Key{}, "", err
	}
	secret := s.addKey(b, scope, ws.ID, "")
	if err := b.Commit(true); err != nil {
		return Key{}, "", err
	}
	var k Key
	return k, secret, getJSON(s.db, store.APIKeyKey(hashSecret(secret)), &k)
}

func (s *Service) addKey(b *store.Batch, scope Scope, wsID, srcID string) string {
	prefix := map[Scope]string{ScopeWrite: "rvw_", ScopeRead: "rvr_", ScopeAdmin: "rva_"}[scope]
	secret := newID(prefix, 24)
	k := Key{ID: newID("key_", 8), Hash: hashSecret(secret), Scope: scope, WorkspaceID: wsID, SourceID: srcID, Created: s.now().UTC()}
	setJSON(b, store.APIKeyKey(k.Hash), k)
	b.Set(store.APIKeyIDKey(k.ID), []byte(k.Hash))
	return secret
}

// KeyByID returns the stored key with the given id.
func (s *Service) KeyByID(id string) (Key, error) {
	var k Key
	hash, err := s.db.Get(store.APIKeyIDKey(id))
	if errors.Is(err, store.ErrNotFound) {
		return k, fmt.Errorf("key %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return k, err
	}
	return k, getJSON(s.db, store.APIKeyKey(string(hash)), &k)
}

// RevokeKey revokes the key with the given id; later requests with it get ErrRevoked.
func (s *Service) RevokeKey(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.KeyByID(id)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	k.Revoked = &now
	b := s.db.NewBatch()
	defer b.Close()
	setJSON(b, store.APIKeyKey(k.Hash), k)
	if err := b.Commit(true); err != nil {
		return err
	}
	s.cache.Delete(k.Hash)
	return nil
}

// Authenticate resolves a secret to its principal.
func (s *Service) Authenticate(secret string) (Principal, error) {
	if secret == "" {
		return Principal{}, ErrUnknownKey
	}
	hash := hashSecret(secret)
	if p, ok := s.cache.Load(hash); ok {
		return p.(Principal), nil
	}
	var p Principal
	if err := getJSON(s.db, store.APIKeyKey(hash), &p.Key); errors.Is(err, ErrNotFound) {
		return p, ErrUnknownKey
	} else if err != nil {
		return p, err
	}
	if p.Key.Revoked != nil {
		return p, ErrRevoked
	}
	if err := getJSON(s.db, store.WorkspaceKey(p.Key.WorkspaceID), &p.Workspace); err != nil {
		return p, fmt.Errorf("key's workspace: %w", err)
	}
	if p.Key.SourceID != "" {
		var src Source
		if err := getJSON(s.db, store.SourceKey(p.Key.SourceID), &src); err != nil {
			return p, fmt.Errorf("key's source: %w", err)
		}
		p.Source = &src
	}
	s.cache.Store(hash, p)
	return p, nil
}

// SourceByName finds a source of a workspace by name or id.
func (s *Service) SourceByName(wsID, nameOrID string) (Source, error) {
	var src Source
	id := nameOrID
	if v, err := s.db.Get(store.SourceNameKey(wsID, nameOrID)); err == nil {
		id = string(v)
	}
	if err := getJSON(s.db, store.SourceKey(id), &src); err != nil || src.WorkspaceID != wsID {
		return Source{}, fmt.Errorf("source %q: %w", nameOrID, ErrNotFound)
	}
	return src, nil
}

// Sources lists a workspace's sources.
func (s *Service) Sources(wsID string) ([]Source, error) {
	var out []Source
	var ierr error
	err := s.db.Iterate(store.SourceNameKey(wsID, ""), nil, false, func(_, v []byte) bool {
		var src Source
		if ierr = getJSON(s.db, store.SourceKey(string(v)), &src); ierr != nil {
			return false
		}
		out = append(out, src)
		return true
	})
	if err == nil {
		err = ierr
	}
	return out, err
}
