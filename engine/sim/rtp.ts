/**
 * RTP sender of an externalMedia channel, byte-for-byte like Asterisk's res_rtp_asterisk in the recorded
 * trace: V=2, no marker, PT 0 (PCMU) or 118 (slin16, Asterisk's dynamic number), a random initial sequence
 * number +1 per packet, timestamp starting at one frame (160 for 8 kHz) and +1 frame per packet, one SSRC.
 */
import { createSocket, type Socket } from 'node:dgram';
import { encodeSlinBE, encodeUlaw } from '../audio/index.js';
import type { Rng } from './audio/rng.js';

export type RtpFormat = 'ulaw' | 'slin16';

export const RTP_PT: Record<RtpFormat, number> = { ulaw: 0, slin16: 118 };

export interface RtpHeaderFields {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

/** Builds one RTP packet (12-byte header + payload). Pure. */
export function rtpPacket(h: RtpHeaderFields, payload: Uint8Array): Buffer {
  const buf = Buffer.alloc(12 + payload.length);
  buf[0] = 0x80; // V=2, P=0, X=0, CC=0
  buf[1] = h.payloadType & 0x7f; // marker never set, as observed
  buf.writeUInt16BE(h.sequence & 0xffff, 2);
  buf.writeUInt32BE(h.timestamp >>> 0, 4);
  buf.writeUInt32BE(h.ssrc >>> 0, 8);
  buf.set(payload, 12);
  return buf;
}

/** 8 kHz → 16 kHz by linear interpolation, for slin16 streams. */
function upsample2(x: Int16Array): Int16Array {
  const out = new Int16Array(x.length * 2);
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = x[i + 1] ?? a;
    out[2 * i] = a;
    out[2 * i + 1] = (a + b) >> 1;
  }
  return out;
}

export class RtpStream {
  private sequence: number;
  private timestamp: number;
  readonly ssrc: number;
  sent = 0;
  received = 0;
  private closed = false;

  constructor(
    readonly socket: Socket,
    readonly remoteHost: string,
    readonly remotePort: number,
    readonly format: RtpFormat,
    rng: Rng,
  ) {
    this.sequence = Math.floor(rng() * 0x10000);
    this.ssrc = Math.floor(rng() * 0x100000000) >>> 0;
    this.timestamp = 0;
    // Audio the app sends into the channel is accepted and only counted (nobody listens to it here).
    socket.on('message', () => {
      this.received++;
    });
  }

  get localAddress(): string {
    return this.socket.address().address;
  }

  get localPort(): number {
    return this.socket.address().port;
  }

  /** Sends one 20 ms frame of 8 kHz samples. */
  sendFrame(samples8k: Int16Array): void {
    if (this.closed) return;
    const payload = this.format === 'ulaw' ? encodeUlaw(samples8k) : encodeSlinBE(upsample2(samples8k));
    const step = this.format === 'ulaw' ? 160 : 320;
    this.timestamp = (this.timestamp + step) >>> 0;
    const pkt = rtpPacket({ payloadType: RTP_PT[this.format], sequence: this.sequence, timestamp: this.timestamp, ssrc: this.ssrc }, payload);
    this.sequence = (this.sequence + 1) & 0xffff;
    this.sent++;
    this.socket.send(pkt, this.remotePort, this.remoteHost, () => {
      /* ICMP unreachable on loopback is not our concern: RTP is fire-and-forget */
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close();
    } catch {
      /* already closed */
    }
  }
}

/** Binds the UDP socket an externalMedia channel sends from (its UNICASTRTP_LOCAL_ADDRESS/PORT). */
export function openRtpSocket(host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      socket.off('error', reject);
      socket.on('error', () => {
        /* send errors (e.g. port unreachable) are ignored like Asterisk does */
      });
      resolve(socket);
    });
  });
}
