/** The call lists' phone box (web/src/screens/calls/phone-search.ts), read as the API reads `phone`. */
import { describe, expect, it } from 'vitest';
import { phoneSearch } from '../../../web/src/screens/calls/phone-search.js';

describe('phoneSearch', () => {
  it('keeps the digits of a number typed in any usual format', () => {
    expect(phoneSearch('+506 8447-9219')).toEqual({ digits: '50684479219' });
    expect(phoneSearch('(506) 8447.9219')).toEqual({ digits: '50684479219' });
    expect(phoneSearch('844')).toEqual({ digits: '844' });
  });

  it('searches nothing while fewer than 3 digits are typed, and says why it cannot search what the API would refuse', () => {
    expect(phoneSearch('')).toBeNull();
    expect(phoneSearch('+5 ')).toBeNull();
    expect(phoneSearch('84a')).toEqual({ problem: 'chars' });
    expect(phoneSearch('8447%')).toEqual({ problem: 'chars' });
    expect(phoneSearch('1234567890123456')).toEqual({ problem: 'long' });
    expect(phoneSearch('123456789012345')).toEqual({ digits: '123456789012345' });
  });
});
