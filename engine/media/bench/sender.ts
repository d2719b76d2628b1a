/**
 * The bench's RTP sender, run as a separate process (as Asterisk would be): N real-time µ-law streams, one
 * 172-byte datagram per stream every 20 ms, like an externalMedia channel; or a flat-out blast for the
 * packet-rate comparison.
 *
 * Cost matters, since it shares the machine's cores with the plane under test: streams are bucketed by their
 * 1 ms phase, so each timer tick touches only the streams due in it; a handful of sockets carry all streams
 * (each stream keeps one source address, which is all the session's lock needs; one connected socket per
 * stream was tried and measured no cheaper, within this shared machine's noise); the sockets' `lookup` is
 * synchronous, so `send()` to an IP literal goes straight to the kernel without a DNS round through the loop.
 */
import dgram from 'node:dgram';
import { speechPattern } from './pattern.js';
import { FRAME_MS, streamOffsetMs, type FromSender, type ToSender } from './protocol.js';

const SOCKETS = 8;
const HEADER = 12;
const pattern = speechPattern();

const syncLookup = (address: string, _opts: unknown, cb: (err: Error | null, address: string, family: number) => void): void =>
  cb(null, address, 4);

const sockets: dgram.Socket[] = [];
for (let i = 0; i < SOCKETS; i++) {
  const s = dgram.createSocket({ type: 'udp4', lookup: syncLookup as never, sendBufferSize: 4 * 1024 * 1024 });
  s.on('error', () => {});
  s.bind(0, '127.0.0.1');
  sockets.push(s);
}

function post(msg: FromSender): void {
  process.send?.(msg);
}

interface Stream {
  port: number;
  socket: dgram.Socket;
  ssrc: number;
  seq0: number;
  offsetMs: number;
}

function packet(s: Stream, k: number): Buffer {
  const payload = pattern[k % pattern.length]!;
  const buf = Buffer.allocUnsafe(HEADER + payload.length);
  const seq = (s.seq0 + k) & 0xffff;
  const ts = (160 * (k + 1)) >>> 0;
  buf[0] = 0x80;
  buf[1] = 0; // PT 0 (PCMU), marker never set (as Asterisk)
  buf.writeUInt16BE(seq, 2);
  buf.writeUInt32BE(ts, 4);
  buf.writeUInt32BE(s.ssrc, 8);
  buf.set(payload, HEADER);
  return buf;
}

function makeStreams(ports: number[], spreadMs: number): Stream[] {
  return ports.map((port, i) => ({
    port,
    socket: sockets[i % SOCKETS]!,
    ssrc: (Math.random() * 0xffffffff) >>> 0,
    seq0: Math.floor(Math.random() * 0x10000),
    offsetMs: streamOffsetMs(i, ports.length, spreadMs),
  }));
}

function stream(msg: Extract<ToSender, { t: 'stream' }>): void {
  const streams = makeStreams(msg.ports, msg.spreadMs);
  const frames = Math.floor(msg.durationMs / FRAME_MS);
  // slots[p] = streams whose offset ≡ p (mod 20 ms): the ones due at any ms t with (t - startAt) % 20 === p.
  const slots: Stream[][] = Array.from({ length: FRAME_MS }, () => []);
  for (const s of streams) slots[s.offsetMs % FRAME_MS]!.push(s);
  const endRel = msg.spreadMs + frames * FRAME_MS;
  const cpu0 = process.cpuUsage();
  const wall0 = Date.now();
  let sent = 0;
  let lateFrames = 0;
  let maxLagMs = 0;
  let lastRel = -1; // last ms (relative to startAt) fully processed
  const sentAtRel = new Array<number>(endRel).fill(-1);

  const tick = (): void => {
    const nowRel = Date.now() - msg.startAt;
    for (let t = lastRel + 1; t <= nowRel && t < endRel; t++) {
      const lag = nowRel - t;
      sentAtRel[t] = nowRel;
      for (const s of slots[t % FRAME_MS]!) {
        const k = (t - s.offsetMs) / FRAME_MS;
        if (k < 0 || k >= frames) continue;
        s.socket.send(packet(s, k), s.port, msg.host);
        sent++;
        if (lag > FRAME_MS) lateFrames++;
        if (lag > maxLagMs) maxLagMs = lag;
      }
    }
    if (nowRel > lastRel) lastRel = Math.min(nowRel, endRel);
    if (lastRel >= endRel - 1) {
      const cpu = process.cpuUsage(cpu0);
      post({ t: 'streamDone', sent, framesPerStream: frames, lateFrames, maxLagMs, sentAtRel, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: Date.now() - wall0 });
      return;
    }
    setTimeout(tick, 1);
  };
  setTimeout(tick, Math.max(0, msg.startAt - Date.now()));
}

function blast(msg: Extract<ToSender, { t: 'blast' }>): void {
  const streams = makeStreams(msg.ports, 0);
  const next = new Array<number>(streams.length).fill(0);
  const cpu0 = process.cpuUsage();
  const wall0 = Date.now();
  const end = wall0 + msg.durationMs;
  let sent = 0;
  let i = 0;
  const burst = (): void => {
    // Round-robin over the streams, each with its own running sequence; yield now and then for IPC.
    for (let n = 0; n < 2000; n++) {
      const s = streams[i]!;
      s.socket.send(packet(s, next[i]!++), s.port, msg.host);
      sent++;
      i = i + 1 === streams.length ? 0 : i + 1;
    }
    if (Date.now() < end) {
      setImmediate(burst);
      return;
    }
    const cpu = process.cpuUsage(cpu0);
    post({ t: 'blastDone', sent, wallMs: Date.now() - wall0, cpuMs: (cpu.user + cpu.system) / 1000 });
  };
  burst();
}

process.on('message', (msg: ToSender) => {
  if (msg.t === 'stream') stream(msg);
  else if (msg.t === 'blast') blast(msg);
  else {
    for (const s of sockets) s.close();
    process.disconnect?.();
  }
});
post({ t: 'ready' });
