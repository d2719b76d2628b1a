/**
 * The parser's duplicate window (exact duplicates within the last 60 s of the log's own time) as it slides: a
 * second that leaves the window is forgotten, seconds that arrive out of order are still checked while inside it,
 * and a million lines of distinct seconds keep the window small (the parser drops expired seconds from the front
 * of its order, not by walking every second it holds).
 */
import { describe, expect, it } from 'vitest';
import { QueueLogParser, type MalformedLine } from '../../../engine/analytics/index.js';

function parse(lines: string[], window = 60) {
  const kept: number[] = [];
  const bad: MalformedLine[] = [];
  const p = new QueueLogParser({ event: (e) => kept.push(e.line), malformed: (m) => bad.push(m) }, { duplicateWindowSeconds: window });
  p.push(Buffer.from(`${lines.join('\n')}\n`));
  p.end();
  return { kept, bad, p };
}
const l = (epoch: number, id = 'c1') => `${epoch}|${id}|sales|NONE|ENTERQUEUE||555|1`;

describe('duplicate window', () => {
  it('reports a duplicate inside the window, out-of-order seconds included; forgets seconds that left it', () => {
    const { kept, bad } = parse([
      l(100), // 1
      l(130), // 2
      l(130), // 3 duplicate of 2
      l(200), // 4
      l(150), // 5: behind, inside the window (≥ 140)
      l(150), // 6 duplicate of 5
      l(100), // 7: 100 left the window at 200 → a line again, not a duplicate
      l(215), // 8: 150 leaves the window
      l(150), // 9: outside the window now → kept
      l(215, 'c2'), // 10: same second, different line
      l(215), // 11 duplicate of 8
    ]);
    expect(bad).toEqual([
      { line: 3, reason: 'exact duplicate of line 2' },
      { line: 6, reason: 'exact duplicate of line 5' },
      { line: 11, reason: 'exact duplicate of line 8' },
    ]);
    expect(kept).toEqual([1, 2, 4, 5, 7, 8, 9, 10]);
  });

  it('holds only the window’s seconds however long the log', () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => l(1_000 + i, `c${i}`));
    const { bad, p } = parse(lines);
    expect(bad).toEqual([]);
    const seen = (p as unknown as { seen: Map<number, unknown> }).seen;
    expect(seen.size).toBeLessThanOrEqual(61);
  });
});
