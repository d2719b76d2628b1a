import { afterEach, describe, expect, it } from 'vitest';
import { checkTools } from '../../../engine/amd-lab/corpus/synth.js';

describe('amd:corpus tool check', () => {
  const saved = process.env['PATH'];
  afterEach(() => {
    process.env['PATH'] = saved;
  });

  it('says what is missing and how to install it', async () => {
    process.env['PATH'] = '/nonexistent-dir';
    const msg = await checkTools();
    expect(msg).toMatch(/needs sox and espeak-ng and flite and text2wave/);
    expect(msg).toMatch(/apt-get install -y sox espeak-ng flite festival festvox-kallpc16k/);
  });
});
