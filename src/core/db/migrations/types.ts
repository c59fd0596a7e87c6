import type { Db } from '../connection';

/** One schema step. Versions go up in tens so a hotfix can slot one in between. */
export type Migration = {
  readonly version: number;
  readonly name: string;
  up(db: Db): void;
};
