/** One step of the cloud schema. Versions go up in tens; a released one is never edited. */
export type CloudMigration = {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
};
