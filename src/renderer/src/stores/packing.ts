import { create } from 'zustand';
import type { MethodOutput } from '#shared/contract/index';
import type { PackRecall, PackView, QcView } from '#shared/contract/pack';
import type { BenchErrorShape } from '#shared/contract/errors';
import { packService, qcService } from '../services/packing';

type PackState = {
  view: PackView | null;
  /** Parcels packed here whose order was stopped since: they must be pulled back. */
  recalls: PackRecall[];
  error: BenchErrorShape | null;
  load: () => Promise<void>;
  changed: (view: PackView | null) => void;
  weigh: (grams: number) => Promise<void>;
  done: () => Promise<void>;
  undo: () => Promise<void>;
  cancel: (reason: string) => Promise<void>;
};

/** The parcel on this packing bench; the core pushes every change. */
export const usePackStore = create<PackState>()((set) => {
  const apply = (result: { ok: true; value: PackView | null } | { ok: false; error: BenchErrorShape }): void => {
    if (result.ok) set({ view: result.value, error: null });
    else set({ error: result.error });
  };
  const refreshRecalls = async (): Promise<void> => {
    const recalls = await packService.recalls();
    if (recalls.ok) set({ recalls: recalls.value });
  };
  return {
    view: null,
    recalls: [],
    error: null,
    load: async () => {
      apply(await packService.current());
      await refreshRecalls();
    },
    changed: (view) => {
      set({ view });
      void refreshRecalls();
    },
    weigh: async (grams) => apply(await packService.weigh(grams, 'manual')),
    done: async () => apply(await packService.done()),
    undo: async () => apply(await packService.undo()),
    cancel: async (reason) => apply(await packService.cancel(reason)),
  };
});

type Holds = MethodOutput<'qc.holds'>;
type DefectCodes = MethodOutput<'qc.defectCodes'>;

type QcState = {
  view: QcView | null;
  holds: Holds;
  defectCodes: DefectCodes;
  error: BenchErrorShape | null;
  load: () => Promise<void>;
  changed: (view: QcView | null) => void;
  measure: (stepId: string, value: number) => Promise<void>;
  note: (stepId: string, text: string) => Promise<void>;
  logDefect: (code: string, severity: 'minor' | 'major' | 'critical', note: string) => Promise<void>;
};

/** The inspection on this QC bench, the parcels on hold, and the defect codes. */
export const useQcStore = create<QcState>()((set, get) => {
  const apply = (result: { ok: true; value: QcView | null } | { ok: false; error: BenchErrorShape }): void => {
    if (result.ok) set({ view: result.value, error: null });
    else set({ error: result.error });
  };
  const refreshHolds = async (): Promise<void> => {
    const holds = await qcService.holds();
    if (holds.ok) set({ holds: holds.value });
  };
  return {
    view: null,
    holds: [],
    defectCodes: [],
    error: null,
    load: async () => {
      const [current, codes] = await Promise.all([qcService.current(), qcService.defectCodes()]);
      apply(current);
      if (codes.ok) set({ defectCodes: codes.value });
      await refreshHolds();
    },
    changed: (view) => {
      set({ view });
      void refreshHolds();
    },
    measure: async (stepId, value) => apply(await qcService.answer({ stepId, answer: { type: 'measured', value } })),
    note: async (stepId, text) => apply(await qcService.answer({ stepId, answer: { type: 'note', text } })),
    logDefect: async (code, severity, note) => {
      apply(await qcService.defect(note ? { code, severity, note } : { code, severity }));
      if (get().error === null) await refreshHolds();
    },
  };
});
