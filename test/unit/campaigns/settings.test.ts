import { describe, expect, it } from 'vitest';
import { DEFAULT_DIAL_STRING, parseCampaignSettings, retryDelayFor } from '../../../engine/campaigns/index.js';

describe('campaign settings', () => {
  it('fills the documented defaults', () => {
    const s = parseCampaignSettings({ name: 'Ventas' });
    expect(s).toMatchObject({
      dialMode: 'progressive',
      dialStringTemplate: DEFAULT_DIAL_STRING,
      ringTimeoutS: 25,
      callingHours: { start: '08:00', end: '21:00' },
      weekdays: [1, 2, 3, 4, 5, 6],
      dropTarget: 0.03,
      recording: false,
      machineAction: 'hangup',
      notsurePolicy: 'human',
      amd: {},
    });
    expect(s.retryDelays.BUSY).toBeGreaterThan(0);
  });

  it('rejects a ring timeout under 15 s, bad hours and unknown placeholders', () => {
    expect(() => parseCampaignSettings({ name: 'x', ringTimeoutS: 14 })).toThrow(/at least 15/);
    expect(() => parseCampaignSettings({ name: 'x', callingHours: { start: '21:00', end: '08:00' } })).toThrow(/start must be before end/);
    expect(() => parseCampaignSettings({ name: 'x', callingHours: { start: '8am', end: '21:00' } })).toThrow(/HH:MM/);
    expect(() => parseCampaignSettings({ name: 'x', dialStringTemplate: 'PJSIP/{phone}@trunk' })).toThrow(/placeholder/);
    expect(() => parseCampaignSettings({ name: 'x', dialStringTemplate: 'PJSIP/trunk' })).toThrow(/must contain/);
    expect(() => parseCampaignSettings({ name: 'x', dropTarget: 0.05 })).toThrow();
    expect(() => parseCampaignSettings({ name: 'x', defaultTimeZone: 'Mars/Olympus' })).toThrow(/IANA/);
    expect(() => parseCampaignSettings({ name: 'x', retryDelays: { SOMETIMES: 5 } })).toThrow(/not a disposition/);
    expect(() => parseCampaignSettings({ name: 'x', machineAction: 'message' })).toThrow(/voicemailMessage/);
  });

  it('keeps AMD settings opaque and dedupes weekdays', () => {
    const s = parseCampaignSettings({
      name: 'x',
      amd: { mode: 'app_amd', initialSilence: 2500 },
      weekdays: [5, 1, 1, 3],
      machineAction: 'message',
      voicemailMessage: 'sound:vm',
      notsurePolicy: 'machine',
    });
    expect(s.amd).toEqual({ mode: 'app_amd', initialSilence: 2500 });
    expect(s.weekdays).toEqual([1, 3, 5]);
  });

  it('gives retry delays per disposition, none after a human answer or an invalid number', () => {
    const s = parseCampaignSettings({ name: 'x', retryDelays: { BUSY: 60, default: 999 } });
    expect(retryDelayFor(s, 'BUSY')).toBe(60);
    expect(retryDelayFor(s, 'NO_ANSWER')).toBe(1800);
    expect(retryDelayFor(s, 'ANSWERED_HUMAN')).toBeNull();
    expect(retryDelayFor(s, 'INVALID_NUMBER')).toBeNull();
    expect(retryDelayFor({ retryDelays: { default: 999 } }, 'MACHINE')).toBe(999);
  });
});
