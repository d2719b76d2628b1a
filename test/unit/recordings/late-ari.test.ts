/** The recorder's ARI before and after the engine's gateway connects (lateRecordingAri). */
import { describe, expect, it } from 'vitest';
import { lateRecordingAri, type RecordingAri } from '../../../engine/recordings/index.js';

describe('lateRecordingAri', () => {
  it('refuses commands until a gateway is there, then passes each one to the gateway of the moment', async () => {
    let gateway: RecordingAri | null = null;
    const ari = lateRecordingAri(() => gateway);
    expect(ari.connected).toBe(false);
    await expect(ari.execute({ op: 'pauseRecording', name: 'r1' })).rejects.toThrow('ARI not connected yet');
    await expect(ari.storedRecordingFile('r1')).rejects.toThrow('ARI not connected yet');

    const sent: string[] = [];
    gateway = {
      connected: true,
      execute: async (c) => {
        sent.push(c.op);
      },
      storedRecordingFile: async (n) => Buffer.from(`audio of ${n}`),
    };
    expect(ari.connected).toBe(true);
    await ari.execute({ op: 'unpauseRecording', name: 'r1' });
    expect(sent).toEqual(['unpauseRecording']);
    expect((await ari.storedRecordingFile('r2')).toString()).toBe('audio of r2');
  });
});
