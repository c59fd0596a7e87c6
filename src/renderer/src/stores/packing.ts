import { create } from 'zustand';
import type { MethodOutput } from '#shared/contract/index';
import type { PackRecall, PackView, QcView } from '#shared/contract/pack';
import type { BenchErrorShape, Result } from '#shared/contract/errors';
import { packService, qcService } from '../services/packing';
import { PushedViews } from './pushed';

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
  const pushes = new PushedViews();
  const apply = (call: Promise<Result<PackView | null>>): Promise<void> =>
    pushes.show(
      call,
      () => packService.current(),
      (view) => set({ view, error: null }),
      (error) => set({ error }),
    );
  const refreshRecalls = async (): Promise<void> => {
    const recalls = await packService.recalls();
    if (recalls.ok) set({ recalls: recalls.value });
  };
  return {
    view: null,
    recalls: [],
    error: null,
    load: async () => {
      await apply(packService.current());
      await refreshRecalls();
    },
    changed: (view) => {
      pushes.pushed();
      set({ view });
      void refreshRecalls();
    },
    weigh: (grams) => apply(packService.weigh(grams, 'manual')),
    done: () => apply(packService.done()),
    undo: () => apply(packService.undo()),
    cancel: (reason) => apply(packService.cancel(reason)),
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
  /** The photo of a photo step: stored first, then given as the step's answer. */
  stepPhoto: (stepId: string, base64: string) => Promise<void>;
  /** Stores a photo (for a defect about to be logged); its sha256, or null when it was refused. */
  storePhoto: (base64: string) => Promise<string | null>;
  logDefect: (
    code: string,
    severity: 'minor' | 'major' | 'critical',
    note: string,
    photoSha256: string | null,
  ) => Promise<void>;
};

/** The inspection on this QC bench, the parcels on hold, and the defect codes. */
export const useQcStore = create<QcState>()((set, get) => {
  const pushes = new PushedViews();
  const apply = (call: Promise<Result<QcView | null>>): Promise<void> =>
    pushes.show(
      call,
      () => qcService.current(),
      (view) => set({ view, error: null }),
      (error) => set({ error }),
    );
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
      const [, codes] = await Promise.all([apply(qcService.current()), qcService.defectCodes()]);
      if (codes.ok) set({ defectCodes: codes.value });
      await refreshHolds();
    },
    changed: (view) => {
      pushes.pushed();
      set({ view });
      void refreshHolds();
    },
    measure: (stepId, value) => apply(qcService.answer({ stepId, answer: { type: 'measured', value } })),
    note: (stepId, text) => apply(qcService.answer({ stepId, answer: { type: 'note', text } })),
    stepPhoto: async (stepId, base64) => {
      const sha256 = await get().storePhoto(base64);
      if (sha256) await apply(qcService.answer({ stepId, answer: { type: 'photo', sha256 } }));
    },
    storePhoto: async (base64) => {
      const stored = await qcService.photo(base64);
      if (!stored.ok) {
        set({ error: stored.error });
        return null;
      }
      return stored.value.sha256;
    },
    logDefect: async (code, severity, note, photoSha256) => {
      await apply(
        qcService.defect({
          code,
          severity,
          ...(note ? { note } : {}),
          ...(photoSha256 ? { photoSha256 } : {}),
        }),
      );
      if (get().error === null) await refreshHolds();
    },
  };
});
