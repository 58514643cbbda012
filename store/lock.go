package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// Locker is a store that can hold the entry of (region, clientID) for one
// read-refresh-write at a time: a refresh token may be single-use, so two
// holders refreshing it at once would spend it twice. Lock waits until the
// entry is free or ctx ends; unlock releases it.
type Locker interface {
	Lock(ctx context.Context, region, clientID string) (unlock func(), err error)
}

// lockRetry is how often a waiting Lock tries again.
const lockRetry = 20 * time.Millisecond

// Lock takes an advisory file lock (flock, LockFileEx on Windows) on
// ".lock-<session file name>" in the session directory, so concurrent
// ssodesk processes refresh one kept session one at a time. The lock file
// holds nothing and is left in place.
func (f *fileStore) Lock(ctx context.Context, region, clientID string) (func(), error) {
	if err := checkKey(region, clientID); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating session directory: %w", err)
	}
	if err := ensurePrivateDir(f.dir); err != nil {
		return nil, err
	}
	fl := flock.New(filepath.Join(f.dir, ".lock-"+strings.TrimSuffix(fileName(region, clientID), fileExt)), flock.SetPermissions(0o600))
	ok, err := fl.TryLockContext(ctx, lockRetry)
	if err != nil || !ok {
		return nil, fmt.Errorf("waiting for the lock on the kept session of region %s: %w", region, cmpErr(err, ctx.Err()))
	}
	return func() { _ = fl.Unlock() }, nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// keyLocks serialises holders of an entry within this process, for stores
// without a cross-process lock (keyring, memory).
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]chan struct{}
}

func (k *keyLocks) Lock(ctx context.Context, region, clientID string) (func(), error) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]chan struct{}{}
	}
	ch, ok := k.locks[region+"\x00"+clientID]
	if !ok {
		ch = make(chan struct{}, 1)
		k.locks[region+"\x00"+clientID] = ch
	}
	k.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
