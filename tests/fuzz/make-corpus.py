#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make-corpus.py - (re)make the seed corpus of tests/fuzz/corpus/<parser>/.

A developer tool, not run by `make check` (the seeds are committed).
Sources: tests/data/fixtures*.swrec (recorded sock_diag dumps with kstat
texts), tests/data/kstat-*.txt, tests/data/procnet-*.txt,
tests/data/rtnl_ns.rec and the examples of doc/filter.md.  Seeds are kept small (a few messages per dump) so mutations
stay cheap; the input formats are described at the top of each
tests/fuzz/fuzz_<parser>.c.  Files made here are named seed-*; other files
in the corpus directories (regressions: crash-*, found-*) are left alone.

Usage: tests/fuzz/make-corpus.py [TOP_SRCDIR]
"""
import glob
import os
import struct
import sys

top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..')
data = os.path.join(top, 'tests', 'data')
out = os.path.join(top, 'tests', 'fuzz', 'corpus')

REC_HDR = b'SWREC\0\r\n' + struct.pack('=II', 1, 0x01020304)
AF_UNIX, AF_INET, AF_INET6 = 1, 2, 10


def write(parser, name, blob):
    d = os.path.join(out, parser)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(blob)


def records(path):
    """(type, payload) of a recording."""
    b = open(path, 'rb').read()
    assert b[:16] == REC_HDR, path
    off = 16
    while off < len(b):
        t, n = struct.unpack_from('=II', b, off)
        yield t, b[off + 8:off + 8 + n]
        off += 8 + ((n + 7) & ~7)


def record(t, payload):
    pad = (8 - len(payload) % 8) % 8
    return struct.pack('=II', t, len(payload)) + payload + b'\0' * pad


def messages(chunk):
    off = 0
    while off + 16 <= len(chunk):
        (ml,) = struct.unpack_from('=I', chunk, off)
        al = (ml + 3) & ~3
        yield chunk[off:off + al]
        off += al


def samples(path):
    """Samples as lists of (type, payload); dumps as (2, hdr, [messages])."""
    cur = None
    for t, p in records(path):
        if t == 1:
            cur = [(1, p)]
        elif t == 2:
            cur.append((2, p, []))
        elif t == 3:
            cur[-1][2].extend(messages(p))
        elif t == 5:
            cur.append((5, p))
            yield cur
        else:
            cur.append((t, p))


def trim(msgs, keep):
    """The first `keep` data messages and the final DONE/ERROR."""
    data_msgs = [m for m in msgs if struct.unpack_from('=H', m, 4)[0] >= 16]
    ctl = [m for m in msgs if struct.unpack_from('=H', m, 4)[0] < 16]
    return data_msgs[:keep] + ctl[-1:]


def trim_counters(text, pairs):
    lines = text.split(b'\n')
    return b'\n'.join(lines[:2 * pairs]) + b'\n'


def rebuild(sample, keep, kstat=True):
    b = b''
    for it in sample:
        if it[0] == 2:
            b += record(2, it[1])
            msgs = trim(it[2], keep)
            # one recv() for the data, one for the end, as recorded
            if len(msgs) > 1:
                b += record(3, b''.join(msgs[:-1]))
            b += record(3, msgs[-1])
        elif it[0] == 4:
            if not kstat:
                continue
            (nl,) = struct.unpack_from('=H', it[1])
            name, text = it[1][2:2 + nl], it[1][2 + nl:]
            if name in (b'net/netstat', b'net/snmp'):
                text = trim_counters(text, 2)
            b += record(4, struct.pack('=H', nl) + name + text)
        else:
            b += record(it[0], it[1])
    return b


# ---- record: whole (small) recordings
fix = list(samples(os.path.join(data, 'fixtures.swrec')))
write('record', 'plain.swrec', open(os.path.join(data, 'fixtures-plain.swrec'), 'rb').read())
write('record', 'mini.swrec', REC_HDR + rebuild(fix[0], 2))
write('record', 'two-samples.swrec', REC_HDR + rebuild(fix[0], 1) + rebuild(fix[1], 1, False))

# ---- nlparse: [request byte][split byte] + messages, per dump
names = {AF_INET: 'inet', AF_INET6: 'inet6', AF_UNIX: 'unix'}
for it in fix[0]:
    if it[0] != 2:
        continue
    fam, _, sw_proto = struct.unpack_from('=BBB', it[1])
    famsel = {AF_INET: 0, AF_INET6: 1, AF_UNIX: 2}[fam]
    rq = famsel | ((sw_proto & 7) << 2 if fam != AF_UNIX else 0) | 0x20 | 0x40
    msgs = trim(it[2], 4)
    write('nlparse', '%s-%d' % (names[fam], sw_proto), bytes([rq, 1]) + b''.join(msgs))
plain = list(samples(os.path.join(data, 'fixtures-plain.swrec')))
write('nlparse', 'plain-tcp-all', bytes([0x20, 7]) + b''.join(plain[0][1][2]))

# ---- kstat: [selector byte] + text
kst = {0: b'32768\t60999\n', 1: b'8080,9000-9010\n', 2: b'2\n', 3: b'60\n',
       4: b'262144\n', 5: b'4096\n', 6: b'4096\n', 7: b'1\n', 8: b'0\n'}
for sel, text in kst.items():
    write('kstat', 'sysctl-%d' % sel, bytes([sel]) + text)
write('kstat', 'netstat', bytes([9]) + open(os.path.join(data, 'kstat-netstat.txt'), 'rb').read())
write('kstat', 'snmp', bytes([10]) + open(os.path.join(data, 'kstat-snmp.txt'), 'rb').read())
write('kstat', 'sockstat', bytes([11]) + open(os.path.join(data, 'kstat-sockstat.txt'), 'rb').read())
write('kstat', 'malformed', bytes([12]) + open(os.path.join(data, 'kstat-malformed.txt'), 'rb').read())
write('kstat', 'snmp-x6', bytes([0x5c]) + open(os.path.join(data, 'kstat-snmp.txt'), 'rb').read())
write('kstat', 'all-sockstat', bytes([14]) + open(os.path.join(data, 'kstat-sockstat.txt'), 'rb').read())

# ---- procnet: [selector byte: bit 0 = IPv6] + /proc/net/raw{,6} text
for sel, name in ((0, 'raw'), (1, 'raw6'), (0, 'raw-malformed')):
    write('procnet', name, bytes([sel]) + open(os.path.join(data, 'procnet-%s.txt' % name), 'rb').read())

# ---- rtnl: [u32 length][reply] ... as rtnl_replay() reads it
rt = open(os.path.join(data, 'rtnl_ns.rec'), 'rb').read()
write('rtnl', 'ns.rec', rt)
off = i = 0
while off + 4 <= len(rt):
    (n,) = struct.unpack_from('=I', rt, off)
    part = rt[off:off + 4 + n]
    msgs = list(messages(part[4:]))
    small = b''.join(msgs[:3])
    write('rtnl', 'reply-%d' % i, struct.pack('=I', len(small)) + small)
    off += 4 + n
    i += 1

# ---- filter: doc/filter.md's examples and error cases
filters = [
    "state syn-recv", ":80", "sport = :http or dport = :http",
    "sport = :3306 state listening", "port 3306 and state established",
    "state time-wait and dport = :9000",
    "state time-wait and (dport = :9000 or dport = :3306)",
    "state established dst 203.0.113.0/24 and not dport = :ssh",
    "proc 'php-fpm*'", "pid 4242", "exclude listening exclude time-wait",
    "sport = :443 and dst ::/0 and not dst 0.0.0.0/0",
    "sport = :443 and dst 0.0.0.0/0", "state estblished", "dport =",
    "(state established", "state established)", "dport = 80 = 443",
    "dport = :99999", "src 10.0.0.300", "src [2001:db8::1]:443 || dst 10.0.0.0/8:80",
    "src /run/php/* or src @foo", "uid root and ! proto udp", "inode 1001, cookie 0x10",
    "dev lo or dev 2", "localhost:80", "*:22", "src [::ffff:10.0.0.0]/120",
    "state connected exclude established", "bucket", "tcp && not (udp || unix)",
    "dport >= 1024 and sport lt 1000 and dport != :ssh",
    "dst 198.51.100/24 and src = 0.0.0.0", "10/8 or dev != 1", "autobound",
    "fwmark = 0x1/0xff or fwmark != 2", "cgroup /system.slice",
]
for i, f in enumerate(filters):
    write('filter', '%02d' % i, f.encode())
# long ones (past the old 4 kB cap; tests/unit/test_filter.c takes
# 100,000 conditions): a flat chain of 50,000 (past the
# 40,000 that overflowed the stack of an ASan build), a mixed chain, and nesting
# just inside and past the limit
write('filter', 'chain-tcp', b'tcp ' * 50000)
write('filter', 'chain-mixed', b' or '.join(
    b'(state established sport >= :%d and dst 10.%d.0.0/16) , udp' % (i % 65536, i % 256)
    for i in range(500)))
write('filter', 'nest-60', b'(' * 60 + b'not tcp' + b')' * 60)
write('filter', 'nest-deep', b'( not ' * 2000 + b'tcp')

# ---- rcfile: configuration files
rcs = [
    b"# comment\nversion = 1\nthreshold.ephemeral_warn = 50\nthreshold.closewait_warn = 20\n",
    b"version=2\nthreshold.top = 5\nthreshold.accept_alarm = 100%\n; note\nui.sort = -rtt\n",
    b"threshold.retrans_warn = 1e999\nthreshold.bogus = 1\nnot a line\n\n  ui.bad = bad\r\n",
    b"version = 0\nthreshold.synrecv_alarm=\nui.x = silent\n=\n  # end",
]
for i, r in enumerate(rcs):
    write('rcfile', '%d' % i, r)

# ---- columns: --columns / --sort lists
cols = [b"state,local,remote,-rtt", b"proto,state,recvq,sendq,local,remote,pid,timer",
        b"-rxrate, +age ,Process,txrate", b"cookie,inode,uid,user,cmdline,iface,lport,rport",
        b"rtt,rttvar,cwnd,ssthresh,retrans,lost,bytes_acked,bytes_received,bytes_sent",
        b"segs,delivery_rate,last_send,last_recv,busy,cong,rmem,wmem,retrans_delta",
        b"state,,local", b"nonexistent", b"State,Local Address"]
for i, c in enumerate(cols):
    write('columns', '%d' % i, c)
