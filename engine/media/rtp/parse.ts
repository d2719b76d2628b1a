/**
 * RTP fixed-header parsing (RFC 3550 §5.1), pure. The hot path (`readRtp`) runs once per datagram per call, so
 * it writes into a caller's reused header object and allocates nothing; `parseRtp` is the convenient form.
 */
export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** The payload, with the CSRC list, header extension and padding removed (a view on the datagram). */
  payload: Uint8Array;
}

export type RtpParseError = 'short' | 'version' | 'csrc' | 'extension' | 'padding';

export type RtpParseResult = { ok: true; packet: RtpPacket } | { ok: false; error: RtpParseError };

/** The header fields and payload bounds, written in place by `readRtp` (no allocation per packet). */
export interface RtpHeader {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payloadStart: number;
  payloadEnd: number;
}

export function emptyRtpHeader(): RtpHeader {
  return { marker: false, payloadType: 0, sequence: 0, timestamp: 0, ssrc: 0, payloadStart: 0, payloadEnd: 0 };
}

const FIXED_HEADER = 12;

/**
 * Reads the header of `buf` into `out`; returns null when valid, else why not. The media workers call this
 * once per datagram with one reused `out`.
 */
export function readRtp(buf: Uint8Array, out: RtpHeader): RtpParseError | null {
  const len = buf.length;
  if (len < FIXED_HEADER) return 'short';
  const b0 = buf[0]!;
  if (b0 >> 6 !== 2) return 'version';
  const csrcCount = b0 & 0x0f;
  let offset = FIXED_HEADER + 4 * csrcCount;
  if (offset > len) return 'csrc';
  if ((b0 & 0x10) !== 0) {
    // Header extension: 16-bit profile id, 16-bit length in 32-bit words, then the words.
    if (offset + 4 > len) return 'extension';
    const words = (buf[offset + 2]! << 8) | buf[offset + 3]!;
    offset += 4 + 4 * words;
    if (offset > len) return 'extension';
  }
  let end = len;
  if ((b0 & 0x20) !== 0) {
    // Padding: the last octet counts the padding octets, itself included; zero is invalid.
    const pad = buf[len - 1]!;
    if (pad === 0 || offset + pad > len) return 'padding';
    end -= pad;
  }
  const b1 = buf[1]!;
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = b1 & 0x7f;
  out.sequence = (buf[2]! << 8) | buf[3]!;
  // `>>> 0` keeps the 32-bit fields unsigned.
  out.timestamp = ((buf[4]! << 24) | (buf[5]! << 16) | (buf[6]! << 8) | buf[7]!) >>> 0;
  out.ssrc = ((buf[8]! << 24) | (buf[9]! << 16) | (buf[10]! << 8) | buf[11]!) >>> 0;
  out.payloadStart = offset;
  out.payloadEnd = end;
  return null;
}

/** Parses one datagram into a packet with a payload view (no copy). */
export function parseRtp(buf: Uint8Array): RtpParseResult {
  const h = emptyRtpHeader();
  const error = readRtp(buf, h);
  if (error) return { ok: false, error };
  return {
    ok: true,
    packet: {
      marker: h.marker,
      payloadType: h.payloadType,
      sequence: h.sequence,
      timestamp: h.timestamp,
      ssrc: h.ssrc,
      payload: buf.subarray(h.payloadStart, h.payloadEnd),
    },
  };
}

/** Builds an RTP v2 datagram (no CSRC, no extension); for senders in tests, the simulator and the bench. */
export function buildRtp(
  fields: { payloadType: number; sequence: number; timestamp: number; ssrc: number; marker?: boolean },
  payload: Uint8Array,
  out: Uint8Array = new Uint8Array(FIXED_HEADER + payload.length),
): Uint8Array {
  writeRtpHeader(out, fields);
  out.set(payload, FIXED_HEADER);
  return out;
}

export function writeRtpHeader(
  out: Uint8Array,
  f: { payloadType: number; sequence: number; timestamp: number; ssrc: number; marker?: boolean },
): void {
  out[0] = 0x80;
  out[1] = (f.marker ? 0x80 : 0) | (f.payloadType & 0x7f);
  out[2] = (f.sequence >> 8) & 0xff;
  out[3] = f.sequence & 0xff;
  out[4] = (f.timestamp >>> 24) & 0xff;
  out[5] = (f.timestamp >>> 16) & 0xff;
  out[6] = (f.timestamp >>> 8) & 0xff;
  out[7] = f.timestamp & 0xff;
  out[8] = (f.ssrc >>> 24) & 0xff;
  out[9] = (f.ssrc >>> 16) & 0xff;
  out[10] = (f.ssrc >>> 8) & 0xff;
  out[11] = f.ssrc & 0xff;
}
