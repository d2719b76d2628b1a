import { describe, expect, it } from 'vitest';
import { DEFAULT_DIAL_STRING, renderDialString } from '../../../engine/campaigns/index.js';

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
