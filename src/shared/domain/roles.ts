/** The four operator roles of a bench. */
export const ROLES = ['packer', 'qc_inspector', 'returns_clerk', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

/** The benches (screens) of the station. */
export const BENCHES = ['pack', 'qc', 'returns', 'review', 'sync', 'settings'] as const;
export type Bench = (typeof BENCHES)[number];

/**
 * Which role may open which bench. The supervisor may open every bench: on a small shift the
 * supervisor packs, inspects and receives returns too.
 */
const BENCHES_BY_ROLE: Readonly<Record<Role, readonly Bench[]>> = {
  packer: ['pack', 'sync'],
  qc_inspector: ['qc', 'pack', 'sync'],
  returns_clerk: ['returns', 'sync'],
  supervisor: ['pack', 'qc', 'returns', 'review', 'sync', 'settings'],
};

/** The benches a role may open, in display order. */
export function benchesForRole(role: Role): readonly Bench[] {
  return BENCHES_BY_ROLE[role];
}

/** True when the role may open the bench. */
export function roleMayOpen(role: Role, bench: Bench): boolean {
  return BENCHES_BY_ROLE[role].includes(bench);
}
