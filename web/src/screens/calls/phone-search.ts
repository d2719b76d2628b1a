/**
 * The call lists' phone search box, read as the API reads its `phone` query (api/calls/phone-query.ts): pure, so the
 * box and its unit test share it.
 */

/**
 * What the phone box holds, as the API takes it (api/calls/phone-query.ts): its digits when there are 3 to 15 and
 * nothing but digits, spaces and + ( ) . -; otherwise why not ('chars', 'long'), or null while too short to search.
 */
export function phoneSearch(typed: string): { digits: string } | { problem: 'chars' | 'long' } | null {
  if (!/^[+\d\s().-]*$/.test(typed)) return { problem: 'chars' };
  const digits = typed.replace(/\D/g, '');
  if (digits.length > 15) return { problem: 'long' };
  return digits.length >= 3 ? { digits } : null;
}
