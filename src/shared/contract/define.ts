import type { z } from 'zod';
import type { Role } from '../domain/roles';

/**
 * Who may call a method: anyone (`public`, e.g. before login), any logged-in operator
 * (`operator`), or only the listed roles.
 */
export type Access = 'public' | 'operator' | readonly Role[];

export type MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = {
  /** One line for the docs and the audit trail. */
  readonly summary: string;
  readonly input: I;
  readonly output: O;
  readonly access: Access;
  /** May be called while the station is locked (unlock, status, logout). */
  readonly whileLocked?: boolean;
  /** Counts as operator activity for the idle lock. Default true; status reads say false. */
  readonly activity?: boolean;
};

/** Declares a contract method; the identity function exists for type inference. */
export function method<I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

/** True when a session with this role may call a method with this access. */
export function accessAllows(access: Access, role: Role | null): boolean {
  if (access === 'public') return true;
  if (role === null) return false;
  if (access === 'operator') return true;
  return access.includes(role);
}
