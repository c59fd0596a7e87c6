import { create } from 'zustand';
import type { BenchErrorShape } from '#shared/contract/errors';
import type { PrintJobView } from '#shared/contract/printing';
import type { Bench } from '#shared/domain/roles';
import { printService, saveDocument } from '../services/printing';

export type Preview = {
  jobId: string;
  page: number;
  pages: number;
  widthMm: number;
  heightMm: number;
  /** A data: URL of the PNG the core made. */
  src: string;
};

type PrintingState = {
  /** The newest jobs of the station, newest first. */
  jobs: PrintJobView[];
  /** Jobs queued, failed or waiting for a printer. */
  waiting: number;
  error: BenchErrorShape | null;
  /** The labels panel: open for a bench (its labels first), or closed. */
  panel: { bench: Bench | null } | null;
  preview: Preview | null;
  load: () => Promise<void>;
  changed: (job: PrintJobView) => void;
  openPanel: (bench: Bench | null, jobId?: string) => void;
  closePanel: () => void;
  showPreview: (jobId: string, page?: number) => Promise<void>;
  reprint: (jobId: string) => Promise<PrintJobView | null>;
  reprintLast: () => Promise<PrintJobView | null>;
  retry: (jobId: string) => Promise<void>;
  download: (jobId: string, as: 'original' | 'pdf') => Promise<void>;
  returnLabel: (caseId: string) => Promise<void>;
};

const LIMIT = 60;

/** The station's labels: history, queue, previews; the core pushes every change. */
export const usePrintingStore = create<PrintingState>()((set, get) => {
  const fail = (error: BenchErrorShape): void => set({ error });
  return {
    jobs: [],
    waiting: 0,
    error: null,
    panel: null,
    preview: null,
    load: async () => {
      const result = await printService.jobs({ limit: LIMIT });
      if (result.ok) set({ jobs: result.value.jobs, waiting: result.value.waiting });
    },
    changed: (job) => {
      const jobs = get().jobs.filter((j) => j.id !== job.id);
      const next = [job, ...jobs].sort((a, b) => b.createdAt - a.createdAt || (b.id > a.id ? 1 : -1)).slice(0, LIMIT);
      set({
        jobs: next,
        waiting: next.filter((j) => j.status === 'queued' || j.status === 'failed' || j.status === 'held').length,
      });
      // The count beyond the newest jobs comes from the core.
      void get().load();
    },
    openPanel: (bench, jobId) => {
      set({ panel: { bench }, error: null });
      void get().load();
      const first = jobId ?? get().jobs.find((j) => bench === null || j.bench === bench)?.id;
      if (first) void get().showPreview(first);
      else set({ preview: null });
    },
    closePanel: () => set({ panel: null, preview: null }),
    showPreview: async (jobId, page = 0) => {
      const result = await printService.preview(jobId, page);
      if (!result.ok) return fail(result.error);
      const { png, ...rest } = result.value;
      set({ preview: { ...rest, src: `data:image/png;base64,${png}` }, error: null });
    },
    reprint: async (jobId) => {
      const result = await printService.reprint(jobId);
      if (!result.ok) {
        fail(result.error);
        return null;
      }
      get().changed(result.value);
      return result.value;
    },
    reprintLast: async () => {
      const result = await printService.reprintLast();
      if (!result.ok) {
        fail(result.error);
        return null;
      }
      get().changed(result.value);
      return result.value;
    },
    retry: async (jobId) => {
      const result = await printService.retry(jobId);
      if (result.ok) get().changed(result.value);
      else fail(result.error);
    },
    download: async (jobId, as) => {
      const result = await printService.document(jobId, as);
      if (result.ok) saveDocument(result.value);
      else fail(result.error);
    },
    returnLabel: async (caseId) => {
      const result = await printService.returnLabel(caseId);
      if (result.ok) get().changed(result.value);
      else fail(result.error);
    },
  };
});
