/**
 * How long a `media` URI of /play plays, in ms (Infinity: until stopped). Sound files are not shipped with
 * the simulator, so their lengths are nominal; `sound:beep` matches the trace (≈0.5 s).
 */
export function mediaDurationMs(uri: string, storedMs: (name: string) => number | undefined): number {
  const [scheme, rest = ''] = splitOnce(uri, ':');
  switch (scheme) {
    case 'sound':
      return rest === 'beep' ? 500 : 1500;
    case 'tone':
      return Infinity;
    case 'digits':
    case 'characters':
      return 250 * rest.length;
    case 'number':
      return 600;
    case 'recording':
      return storedMs(rest) ?? 0;
    default:
      return 0;
  }
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}
