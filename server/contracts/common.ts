import { z } from 'zod';

export const ROLES = ['nurse', 'shift_leader', 'manager', 'admin', 'medical_director'] as const;
export const Role = z.enum(ROLES).meta({ id: 'Role', description: 'Role of a console user' });
export type Role = z.infer<typeof Role>;

export const Uuid = z.uuid();

/** Every error the API answers has this shape; `code` is stable, `message` is for people. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const ValidationIssue = z.object({ path: z.string(), message: z.string() }).meta({ id: 'ValidationIssue' });
export type ValidationIssue = z.infer<typeof ValidationIssue>;

// Characters no typed text needs: C0 controls other than tab and newline, and DEL. NUL in particular
// is refused by PostgreSQL and would surface as a 500.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// In Unicode mode a surrogate pair is one code point, so this matches only an unpaired half.
const LONE_SURROGATE = /\p{Cs}/u;
// Bidirectional overrides and isolates reorder what follows them on screen: a name holding one can
// show as someone else's in a list or an audit row.
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/**
 * Text a person typed, the one schema for every free-text field: trimmed, no control characters
 * except newline and tab, and well-formed Unicode (a lone surrogate cannot be stored in jsonb or
 * encoded as UTF-8).
 */
export function text(max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .refine((s) => !CONTROL.test(s), 'Contains control characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'Contains an unpaired surrogate (not valid Unicode)');
}

/** A name people read in lists and audit rows: typed text without bidirectional control characters. */
export function name(max: number) {
  return text(max).refine((s) => !BIDI_CONTROL.test(s), 'Contains bidirectional control characters');
}

// PostgreSQL has no year 0 and the console none before its own time: a bounded range keeps absurd
// times (0000-01-01, +14:00 at the edge) a validation error instead of a database failure.
const EARLIEST = Date.parse('2000-01-01T00:00:00Z');
const LATEST = Date.parse('2100-01-01T00:00:00Z');

export const IsoDateTime = z.iso
  .datetime({ offset: true })
  .refine((s) => {
    const t = Date.parse(s);
    return t >= EARLIEST && t < LATEST;
  }, 'Must lie between 2000-01-01 and 2100-01-01');
