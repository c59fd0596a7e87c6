import { describe, expect, it } from 'vitest';
import { acceptsType } from '../../../src/cloud/server';

describe('which page form a request accepts', () => {
  it('finds a type listed by name, with parameters or a weight above zero', () => {
    expect(acceptsType('application/gzip', 'application/gzip')).toBe(true);
    expect(acceptsType('application/gzip, application/json;q=0.9', 'application/gzip')).toBe(true);
    expect(acceptsType('application/json , Application/GZIP ; q=0.5', 'application/gzip')).toBe(true);
  });

  it('does not take a missing header, another type, a wildcard or q=0 for it', () => {
    expect(acceptsType(undefined, 'application/gzip')).toBe(false);
    expect(acceptsType('application/json', 'application/gzip')).toBe(false);
    expect(acceptsType('*/*', 'application/gzip')).toBe(false);
    expect(acceptsType('application/*', 'application/gzip')).toBe(false);
    expect(acceptsType('application/gzip;q=0', 'application/gzip')).toBe(false);
    expect(acceptsType('application/gzip;q=0.0, application/json', 'application/gzip')).toBe(false);
    expect(acceptsType('application/gzipped', 'application/gzip')).toBe(false);
  });
});
