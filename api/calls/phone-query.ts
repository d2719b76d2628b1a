import { z } from '@hono/zod-openapi';

/**
 * A list's phone search as a person types it ("8447 9219", "+506 8447-9219", "(506) 84479219"), kept as its digits:
 * the calls whose number (E.164) contains them. Three digits at least (fewer would match most calls), fifteen at most
 * (E.164's longest number).
 */
export function queryPhone() {
  return z
    .string()
    .max(32)
    .regex(/^[+\d\s().-]*$/, { message: 'may hold only digits, spaces and + ( ) . -' })
    .transform((s) => s.replace(/\D/g, ''))
    .refine((digits) => digits.length >= 3 && digits.length <= 15, { message: 'must hold 3 to 15 digits' })
    .openapi({ description: 'Digits the number contains (3–15; spaces, dashes, dots, brackets and + are ignored)', example: '8447 9219' });
}
