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

/** Text a person typed: trimmed, no control characters except newline and tab. */
export function text(max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), 'Contains control characters');
}

export const IsoDateTime = z.iso.datetime({ offset: true });
