/** A UDP socket that collects RTP packets and parses their headers, for simulator tests. */
import { createSocket, type Socket } from 'node:dgram';

export interface RtpPacketInfo {
  from: string;
  len: number;
  v: number;
  marker: number;
  pt: number;
  seq: number;
  ts: number;
  ssrc: number;
  payload: Buffer;
  /** Real arrival time (ms, performance.now()). */
  at: number;
}

export function parseRtp(msg: Buffer, from: string): RtpPacketInfo {
  return {
    from,
    len: msg.length,
    v: msg[0]! >> 6,
    marker: msg[1]! >> 7,
    pt: msg[1]! & 0x7f,
    seq: msg.readUInt16BE(2),
    ts: msg.readUInt32BE(4),
    ssrc: msg.readUInt32BE(8),
    payload: msg.subarray(12),
    at: performance.now(),
  };
}

export interface RtpReceiver {
  socket: Socket;
  port: number;
  packets: RtpPacketInfo[];
  waitFor(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function rtpReceiver(): Promise<RtpReceiver> {
  const socket = createSocket('udp4');
  const packets: RtpPacketInfo[] = [];
  socket.on('message', (msg, rinfo) => packets.push(parseRtp(msg, `${rinfo.address}:${rinfo.port}`)));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    socket,
    port: socket.address().port,
    packets,
    async waitFor(n, ms = 2000) {
      const until = Date.now() + ms;
      while (packets.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      if (packets.length < n) throw new Error(`only ${packets.length} of ${n} RTP packets arrived`);
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
