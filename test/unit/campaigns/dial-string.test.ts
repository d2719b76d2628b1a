import { describe, expect, it } from 'vitest';
import { campaignSettingsSchema, DEFAULT_DIAL_STRING, dialStringTemplateProblem, renderDialString } from '../../../engine/campaigns/index.js';
import { dialStringFor } from '../../../engine/campaigns/index.js';

describe('dial-string renderer', () => {
  it('fills {e164}, {digits} and {national}', () => {
    expect(renderDialString(DEFAULT_DIAL_STRING, { e164: '+50688887777' })).toBe('PJSIP/+50688887777@trunk');
    expect(renderDialString('PJSIP/{digits}@carrier', { e164: '+50688887777' })).toBe('PJSIP/50688887777@carrier');
    expect(renderDialString('SIP/trunk/{national}', { e164: '+50688887777' })).toBe('SIP/trunk/88887777');
    expect(renderDialString('Local/{national}@out-{digits}', { e164: '+12125550101' })).toBe('Local/2125550101@out-12125550101');
    expect(renderDialString('PJSIP/0034{national}@es', { e164: '+34612345678' })).toBe('PJSIP/0034612345678@es');
  });

  it('refuses a number that is not E.164', () => {
    expect(() => renderDialString(DEFAULT_DIAL_STRING, { e164: '88887777' })).toThrow(/E\.164/);
    expect(() => renderDialString(DEFAULT_DIAL_STRING, { e164: '+506 8888' })).toThrow(/E\.164/);
  });
});

describe('dial-string grammar (issue #11 item 4)', () => {
  it('accepts one channel in the usual shapes', () => {
    for (const t of [
      'PJSIP/{e164}@trunk',
      'PJSIP/{digits}@carrier',
      'SIP/trunk/{national}',
      'Local/{national}@out-{digits}',
      'Local/{e164}@from-internal/n',
      'PJSIP/trunk/sip:{e164}@sip.example.net:5060',
      'IAX2/provider/{digits}',
      'DAHDI/g1/{national}',
    ]) {
      expect(dialStringTemplateProblem(t), t).toBeNull();
      expect(campaignSettingsSchema.safeParse({ name: 'x', dialStringTemplate: t }).success, t).toBe(true);
    }
  });

  it('refuses a second channel, control characters, dialplan syntax and unknown placeholders, naming the problem', () => {
    const cases: Array<[string, RegExp]> = [
      ['Local/{e164}@default/n&PJSIP/9999@evil', /exactly one channel/],
      ['PJSIP/{e164}@trunk&DAHDI/1/5551234', /exactly one channel/],
      ['PJSIP/{e164}@trunk\r\nAction: Originate', /control characters/],
      ['PJSIP/{e164}\u0000@trunk', /control characters/],
      ['PJSIP/{e164}@trunk,30,tT', /one channel/],
      ['Local/${EVIL}{e164}@x', /only \{e164\}/],
      ['Local/$EVIL{e164}@x', /one channel/],
      ['Local/(x){e164}@x', /one channel/],
      ['PJSIP/{e164}@trunk|g', /one channel/],
      ['PJSIP/ {e164}@trunk', /one channel/],
      ['{e164}', /one channel/],
      ['PJSIP/{phone}@trunk', /only \{e164\}, \{digits\} and \{national\}/],
      ['PJSIP/9999@trunk', /must contain \{e164\}/],
    ];
    for (const [t, why] of cases) {
      expect(dialStringTemplateProblem(t), t).toMatch(why);
      const r = campaignSettingsSchema.safeParse({ name: 'x', dialStringTemplate: t });
      expect(r.success, t).toBe(false);
      expect(r.error?.issues[0]?.path, t).toEqual(['dialStringTemplate']);
    }
  });

  it('checks the rendered string again before dialling: a stored template that slipped through never renders', () => {
    expect(() => renderDialString('Local/{e164}@default/n&PJSIP/9999@evil', { e164: '+50688887777' })).toThrow(/exactly one channel/);
    expect(() => dialStringFor({ name: 'legacy', dialStringTemplate: 'Local/{e164}@default/n&PJSIP/9999@evil' } as Parameters<typeof dialStringFor>[0])).toThrow(
      /campaign legacy: .*exactly one channel/,
    );
  });
});
