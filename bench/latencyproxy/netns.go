//go:build linux && amd64

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"syscall"
)

// netnsDialer returns a DialContext that opens its sockets in the network
// namespace name (/var/run/netns/name, as made by `ip netns add`): the
// thread enters it for the socket call and goes back at once.
func netnsDialer(name string) (func(ctx context.Context, network, addr string) (net.Conn, error), error) {
	target, err := os.Open("/var/run/netns/" + name)
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", name, err)
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		runtime.LockOSThread()
		self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid()))
		if err != nil {
			runtime.UnlockOSThread()
			return nil, err
		}
		defer self.Close()
		if err := setns(target); err != nil {
			runtime.UnlockOSThread()
			return nil, err
		}
		var d net.Dialer
		c, derr := d.DialContext(ctx, network, addr)
		if err := setns(self); err != nil {
			// the thread is in the wrong namespace: keep it locked, so it
			// ends with this goroutine instead of running others
			if c != nil {
				c.Close()
			}
			return nil, err
		}
		runtime.UnlockOSThread()
		return c, derr
	}, nil
}

func setns(f *os.File) error {
	if _, _, e := syscall.RawSyscall(sysSetns, f.Fd(), syscall.CLONE_NEWNET, 0); e != 0 {
		return fmt.Errorf("setns: %w", e)
	}
	return nil
}

// sysSetns is setns(2) on linux/amd64 (the syscall package lacks the name).
const sysSetns = 308
