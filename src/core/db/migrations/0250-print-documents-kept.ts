import type { Migration } from './types';

/**
 * The print jobs that still hold their document, oldest first: what `PrintQueue.prune` looks
 * through for documents past their time. Only the rows with a document are in it, so a station
 * with a year of printed labels, their documents long dropped, does not read them all every hour.
 */
export const m0250PrintDocumentsKept: Migration = {
  version: 250,
  name: 'print-documents-kept',
  up(db) {
    db.exec('CREATE INDEX print_jobs_with_document ON print_jobs (created_at) WHERE document IS NOT NULL;');
  },
};
