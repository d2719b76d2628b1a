/**
 * The real-Asterisk trace replay keeps the recorded causal order: a request naming a channel that the recording
 * had seen enter Stasis waits for that StasisStart. These check that the waits are found in the recorded traces
 * (a CI run issued `addChannel?channel=ag-1` before ag-1's StasisStart on a loaded machine and got a 422).
 */
import { describe, expect, it } from 'vitest';
import { loadTrace } from '../../support/trace-loader.js';
import { referencesChannel, stasisStartsBefore } from '../../support/trace-replay.js';

describe('trace replay causal waits', () => {
  it('a request names a channel by path or by the channel query parameter, not by prefix', () => {
    expect(referencesChannel('/bridges/ab-1/addChannel?channel=ag-1', 'ag-1')).toBe(true);
    expect(referencesChannel('/bridges/ab-1/addChannel?channel=ag-1,cu-2', 'ag-1')).toBe(false);
    expect(referencesChannel('/bridges/ab-1/addChannel?channel=ag-10', 'ag-1')).toBe(false);
    expect(referencesChannel('/channels/cu-2/play?media=sound:beep', 'cu-2')).toBe(true);
    expect(referencesChannel('/channels/cu-22/play', 'cu-2')).toBe(false);
    expect(referencesChannel('/channels/cu-2', 'cu-2')).toBe(true);
  });

  it('the agent leg is added to the bridge only after its recorded StasisStart', () => {
    const trace = loadTrace('agent-bridge-record-busy-machine');
    const add = trace.http.find((h) => h.path === '/bridges/ab-1/addChannel?channel=ag-1');
    expect(add).toBeDefined();
    const waits = stasisStartsBefore(trace, add!.t).filter((id) => referencesChannel(add!.path, id));
    expect(waits).toEqual(['ag-1']);
    // The originate of that channel comes before its StasisStart: it must not wait for it.
    const originate = trace.http.find((h) => h.path.includes('channelId=ag-1'))!;
    expect(stasisStartsBefore(trace, originate.t).filter((id) => referencesChannel(originate.path, id))).toEqual([]);
  });
});
