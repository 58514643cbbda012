//go:build linux && amd64

package main

import (
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// delayListener hands out delayConns: the client's side of the long link.
type delayListener struct {
	net.Listener
	rtt  time.Duration
	ids  *atomic.Int64
	tl   *timeline
	port int
}

func (l *delayListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	id := l.ids.Add(1)
	l.tl.log("accept conn=%d port=%d", id, l.port)
	return newDelayConn(c, id, l.rtt, func() { l.tl.log("close conn=%d port=%d", id, l.port) }), nil
}

// chunk is bytes that crossed the link, usable from at on (err: the
// sender's end of stream, also delayed).
type chunk struct {
	b     []byte
	at    time.Time
	err   error
	close bool // in the write queue: close the connection here
}

// delayConn delays each direction by half the round trip: a byte the
// client sent is readable half a round trip after it arrived, and a byte
// written reaches the client half a round trip later (Write returns at
// once, as into a socket buffer). Nothing the client sends is readable
// before a round trip after accept: the client's connect returned at once
// on loopback, where a real one takes a round trip (SYN, SYN-ACK) before
// the first byte can leave. Read deadlines are honoured (http.Server and
// tls use them); write deadlines are not needed.
type delayConn struct {
	net.Conn
	id       int64
	half     time.Duration
	ready    time.Time
	requests atomic.Int64
	onClose  func()

	rq      chan chunk
	rmu     sync.Mutex // one Read at a time
	rbuf    []byte
	rerr    error
	pending *chunk

	dmu       sync.Mutex
	deadline  time.Time
	dlChanged chan struct{}

	wmu       sync.Mutex
	wq        chan chunk
	wclosed   bool
	closed    chan struct{}
	closeOnce sync.Once
}

func newDelayConn(c net.Conn, id int64, rtt time.Duration, onClose func()) *delayConn {
	d := &delayConn{Conn: c, id: id, half: rtt / 2, ready: time.Now().Add(rtt), onClose: onClose,
		rq: make(chan chunk, 4096), wq: make(chan chunk, 4096), dlChanged: make(chan struct{}, 1), closed: make(chan struct{})}
	go d.reader()
	go d.writer()
	return d
}

func (d *delayConn) reader() {
	for {
		buf := make([]byte, 32<<10)
		n, err := d.Conn.Read(buf)
		at := time.Now()
		if at.Before(d.ready) {
			at = d.ready
		}
		at = at.Add(d.half)
		if n > 0 {
			d.rq <- chunk{b: buf[:n], at: at}
		}
		if err != nil {
			d.rq <- chunk{err: err, at: at}
			return
		}
	}
}

func (d *delayConn) writer() {
	for ch := range d.wq {
		if w := time.Until(ch.at); w > 0 {
			time.Sleep(w)
		}
		if ch.close {
			_ = d.Conn.Close()
			d.onClose()
			for range d.wq { // drop what was written after Close
			}
			return
		}
		if _, err := d.Conn.Write(ch.b); err != nil {
			_ = d.Conn.Close()
		}
	}
}

func (d *delayConn) Write(p []byte) (int, error) {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	if d.wclosed {
		return 0, net.ErrClosed
	}
	d.wq <- chunk{b: append([]byte(nil), p...), at: time.Now().Add(d.half)}
	return len(p), nil
}

// Close sends what was written, then closes (the FIN is delayed too).
func (d *delayConn) Close() error {
	d.closeOnce.Do(func() {
		close(d.closed)
		d.wmu.Lock()
		d.wclosed = true
		d.wq <- chunk{close: true, at: time.Now().Add(d.half)}
		close(d.wq)
		d.wmu.Unlock()
	})
	return nil
}

func (d *delayConn) SetDeadline(t time.Time) error { return d.SetReadDeadline(t) }

func (d *delayConn) SetReadDeadline(t time.Time) error {
	d.dmu.Lock()
	d.deadline = t
	d.dmu.Unlock()
	select {
	case d.dlChanged <- struct{}{}:
	default:
	}
	return nil
}

func (d *delayConn) SetWriteDeadline(time.Time) error { return nil }

func (d *delayConn) readDeadline() time.Time {
	d.dmu.Lock()
	defer d.dmu.Unlock()
	return d.deadline
}

// wait blocks until until (zero: forever), the read deadline, a deadline
// change or Close; it returns nil when until came.
func (d *delayConn) wait(until time.Time, ch <-chan chunk) (got *chunk, err error) {
	for {
		dl := d.readDeadline()
		now := time.Now()
		if !dl.IsZero() && !now.Before(dl) {
			return nil, os.ErrDeadlineExceeded
		}
		var timer *time.Timer
		var tc <-chan time.Time
		next := until
		if !dl.IsZero() && (next.IsZero() || dl.Before(next)) {
			next = dl
		}
		if !next.IsZero() {
			if !now.Before(next) {
				if next.Equal(until) {
					return nil, nil
				}
				continue
			}
			timer = time.NewTimer(next.Sub(now))
			tc = timer.C
		}
		select {
		case c := <-ch:
			if timer != nil {
				timer.Stop()
			}
			return &c, nil
		case <-tc:
			if !until.IsZero() && !time.Now().Before(until) {
				return nil, nil
			}
		case <-d.dlChanged:
			if timer != nil {
				timer.Stop()
			}
		case <-d.closed:
			if timer != nil {
				timer.Stop()
			}
			return nil, net.ErrClosed
		}
	}
}

func (d *delayConn) Read(p []byte) (int, error) {
	d.rmu.Lock()
	defer d.rmu.Unlock()
	for {
		if len(d.rbuf) > 0 {
			n := copy(p, d.rbuf)
			d.rbuf = d.rbuf[n:]
			return n, nil
		}
		if d.rerr != nil {
			return 0, d.rerr
		}
		if d.pending == nil {
			c, err := d.wait(time.Time{}, d.rq)
			if err != nil {
				return 0, err
			}
			d.pending = c
		}
		if _, err := d.wait(d.pending.at, nil); err != nil {
			return 0, err
		}
		d.rbuf, d.rerr, d.pending = d.pending.b, d.pending.err, nil
	}
}
