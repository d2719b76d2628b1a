import { z } from '@hono/zod-openapi';

/**
 * A list's phone search as a person types it ("8447 9219", "+506 8447-9219", "(506) 84479219"), kept as its digits.
 * 3 to 7 digits: the calls whose number (E.164) contains them; 8 or more, a local or whole number: the calls whose
 * number ends with them (indexed: engine/store/repos/call-list.ts phoneMatch). Three digits at least (fewer would match
 * most calls), fifteen at most (E.164's longest number).
 */
export function queryPhone() {
  return z
    .string()
    .max(32)
    .regex(/^[+\d\s().-]*$/, { message: 'may hold only digits, spaces and + ( ) . -' })
    .transform((s) => s.replace(/\D/g, ''))
    .refine((digits) => digits.length >= 3 && digits.length <= 15, { message: 'must hold 3 to 15 digits' })
    .openapi({ description: 'A phone search (spaces, dashes, dots, brackets and + ignored): 3–7 digits the number contains, or 8–15 it ends with (a local or whole number)', example: '8447 9219' });
}
