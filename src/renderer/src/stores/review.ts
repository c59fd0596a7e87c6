import { create, type StateCreator } from 'zustand';
import type { BenchErrorShape, Result } from '#shared/contract/errors';
import type { MethodOutput } from '#shared/contract/index';
import {
  FLAG_DECISIONS,
  REASONS_BY_DECISION,
  UNRESOLVED_STATUSES,
  type DecisionReason,
  type FlagDecision,
  type QueueItem,
  type ReviewCase,
} from '#shared/contract/review';
import type { Verdict } from '#shared/contract/scan';
import type { Grade } from '#shared/policy/grades';
import { reviewService } from '../services/review';

export const REVIEW_TABS = ['queue', 'regrade', 'analytics', 'audit'] as const;
export type ReviewTab = (typeof REVIEW_TABS)[number];

/** Rows of the queue rendered at once; "more" adds as many. */
export const QUEUE_PAGE = 100;

export type QueueFilters = {
  status: NonNullable<Parameters<typeof reviewService.queue>[0]['status']>;
  severity: 'low' | 'medium' | 'high' | null;
  type: string | null;
  olderThanHours: number | null;
  stationId: string | null;
};

type Draft = { flagId: string | null; decision: FlagDecision | null; reason: DecisionReason | null; note: string };
type Bundle = MethodOutput<'review.bundle'>;

type TabSlice = { tab: ReviewTab; setTab: (tab: ReviewTab) => void };

type QueueSlice = {
  filters: QueueFilters;
  items: QueueItem[];
  total: number;
  types: string[];
  shown: number;
  queueLoading: boolean;
  loadQueue: () => Promise<void>;
  setFilters: (patch: Partial<QueueFilters>) => void;
  showMore: () => void;
};

type CaseSlice = {
  caseId: string | null;
  view: ReviewCase | null;
  error: BenchErrorShape | null;
  /** What the decision still lacks, when DONE or the button was used too early. */
  missing: 'flag' | 'decision' | 'reason' | null;
  draft: Draft;
  bundle: Bundle | null;
  openCase: (caseId: string) => Promise<void>;
  closeCase: () => void;
  changed: (view: ReviewCase) => void;
  /**
   * Sync raised or changed flags on these cases. The screens shown read again: the queue
   * (`flaggedSeq` changes) or the open case, if it is one of them (`reloadFlagged`).
   */
  flagged: (caseIds: readonly string[]) => void;
  flaggedSeq: number;
  flaggedIds: readonly string[];
  /** Reads the open case again if sync flagged it (the case page calls it when `flaggedSeq` moves). */
  reloadFlagged: () => Promise<void>;
  setDraft: (patch: Partial<Draft>) => void;
  submit: () => Promise<void>;
  decideWithSecond: (badge: string, pin: string) => Promise<void>;
  cancelSecond: () => Promise<void>;
  exportBundle: () => Promise<Bundle | null>;
};

type RegradeSlice = {
  tasks: MethodOutput<'review.regrades'>;
  consistency: MethodOutput<'review.consistency'>;
  results: Record<string, MethodOutput<'review.regrade'>>;
  loadRegrades: () => Promise<void>;
  regrade: (taskId: string, grade: Grade) => Promise<void>;
};

type VerdictSlice = { verdict: (verdict: Verdict) => void };

export type ReviewState = TabSlice & QueueSlice & CaseSlice & RegradeSlice & VerdictSlice;
type Slice<T> = StateCreator<ReviewState, [], [], T>;

const EMPTY_DRAFT: Draft = { flagId: null, decision: null, reason: null, note: '' };

/** The first flag still waiting for a decision: where the draft starts. */
function firstUnresolved(view: ReviewCase): string | null {
  return view.flags.find((f) => (UNRESOLVED_STATUSES as readonly string[]).includes(f.status))?.flagId ?? null;
}

/** A draft that fits the case: its flag still unresolved, its reason one of its decision's. */
function fitDraft(draft: Draft, view: ReviewCase): Draft {
  const flag = view.flags.find((f) => f.flagId === draft.flagId);
  const open = flag && (UNRESOLVED_STATUSES as readonly string[]).includes(flag.status);
  if (!open) return { ...EMPTY_DRAFT, flagId: firstUnresolved(view) };
  return draft;
}

const tabSlice: Slice<TabSlice> = (set) => ({ tab: 'queue', setTab: (tab) => set({ tab }) });

const queueSlice: Slice<QueueSlice> = (set, get) => ({
  filters: { status: 'unresolved', severity: null, type: null, olderThanHours: null, stationId: null },
  items: [],
  total: 0,
  types: [],
  shown: QUEUE_PAGE,
  queueLoading: false,
  loadQueue: async () => {
    const { filters } = get();
    set({ queueLoading: true });
    const result = await reviewService.queue({
      status: filters.status,
      ...(filters.severity ? { severity: filters.severity } : {}),
      ...(filters.type ? { type: filters.type } : {}),
      ...(filters.olderThanHours !== null ? { olderThanHours: filters.olderThanHours } : {}),
      ...(filters.stationId ? { stationId: filters.stationId } : {}),
      limit: get().shown,
    });
    if (result.ok) set({ ...result.value, queueLoading: false, error: null });
    else set({ queueLoading: false, error: result.error });
  },
  setFilters: (patch) => {
    set((state) => ({ filters: { ...state.filters, ...patch }, shown: QUEUE_PAGE }));
    void get().loadQueue();
  },
  showMore: () => {
    set((state) => ({ shown: state.shown + QUEUE_PAGE }));
    void get().loadQueue();
  },
});

const caseSlice: Slice<CaseSlice> = (set, get) => {
  const apply = (result: Result<ReviewCase>): boolean => {
    if (!result.ok) {
      set({ error: result.error });
      return false;
    }
    set((state) => ({
      view: result.value,
      caseId: result.value.caseId,
      error: null,
      missing: null,
      draft: fitDraft(state.draft, result.value),
    }));
    return true;
  };
  return {
    caseId: null,
    view: null,
    error: null,
    missing: null,
    draft: EMPTY_DRAFT,
    bundle: null,
    openCase: async (caseId) => {
      set({ tab: 'queue', caseId, view: null, bundle: null, draft: EMPTY_DRAFT, error: null, missing: null });
      apply(await reviewService.case(caseId));
    },
    closeCase: () => {
      set({ caseId: null, view: null, bundle: null, draft: EMPTY_DRAFT, error: null, missing: null });
      void get().loadQueue();
    },
    changed: (view) => {
      if (get().caseId === view.caseId) apply({ ok: true, value: view });
    },
    flaggedSeq: 0,
    flaggedIds: [],
    flagged: (caseIds) => set((state) => ({ flaggedSeq: state.flaggedSeq + 1, flaggedIds: caseIds })),
    reloadFlagged: async () => {
      const { caseId, flaggedIds } = get();
      if (caseId === null || !flaggedIds.includes(caseId)) return;
      const result = await reviewService.case(caseId);
      if (get().caseId === caseId) apply(result);
    },
    setDraft: (patch) =>
      set((state) => {
        const draft = { ...state.draft, ...patch };
        // A reason that does not go with the new decision is dropped, not silently kept.
        if (draft.decision && draft.reason && !REASONS_BY_DECISION[draft.decision].includes(draft.reason))
          draft.reason = null;
        return { draft, missing: null };
      }),
    submit: async () => {
      const { view, draft } = get();
      if (!view || view.pendingConfirmation) return;
      const missing = !draft.flagId ? 'flag' : !draft.decision ? 'decision' : !draft.reason ? 'reason' : null;
      if (missing || !draft.flagId || !draft.decision || !draft.reason) {
        set({ missing });
        return;
      }
      const note = draft.note.trim() ? { note: draft.note.trim() } : {};
      const needsSecond =
        draft.decision === 'confirm' &&
        view.secondSupervisorAboveCents !== null &&
        view.valueCents > view.secondSupervisorAboveCents;
      if (needsSecond) {
        apply(await reviewService.requestSecond({ flagId: draft.flagId, reason: draft.reason, ...note }));
        return;
      }
      const flagId = draft.flagId;
      const decided = apply(
        await reviewService.decide({ flagId, decision: draft.decision, reason: draft.reason, ...note }),
      );
      if (decided)
        set((state) => ({ draft: { ...EMPTY_DRAFT, flagId: state.view ? firstUnresolved(state.view) : null } }));
    },
    decideWithSecond: async (badge, pin) => {
      const { view } = get();
      const pending = view?.pendingConfirmation;
      if (!pending) return;
      const note = get().draft.note.trim();
      const decided = apply(
        await reviewService.decide({
          flagId: pending.flagId,
          decision: 'confirm',
          reason: pending.reason,
          second: { badge, pin },
          ...(note ? { note } : {}),
        }),
      );
      if (decided) {
        await reviewService.cancelSecond();
        set((state) => ({ draft: { ...EMPTY_DRAFT, flagId: state.view ? firstUnresolved(state.view) : null } }));
      }
    },
    cancelSecond: async () => {
      await reviewService.cancelSecond();
      const { caseId } = get();
      if (caseId) apply(await reviewService.case(caseId));
    },
    exportBundle: async () => {
      const { caseId } = get();
      if (!caseId) return null;
      const result = await reviewService.bundle(caseId);
      if (!result.ok) {
        set({ error: result.error });
        return null;
      }
      set({ bundle: result.value, error: null });
      return result.value;
    },
  };
};

const regradeSlice: Slice<RegradeSlice> = (set) => ({
  tasks: [],
  consistency: [],
  results: {},
  loadRegrades: async () => {
    const [tasks, consistency] = await Promise.all([reviewService.regrades(), reviewService.consistency()]);
    if (tasks.ok && consistency.ok) set({ tasks: tasks.value, consistency: consistency.value, error: null });
    else if (!tasks.ok) set({ error: tasks.error });
    else if (!consistency.ok) set({ error: consistency.error });
  },
  regrade: async (taskId, grade) => {
    const result = await reviewService.regrade({ taskId, grade });
    if (!result.ok) {
      set({ error: result.error });
      return;
    }
    set((state) => ({ results: { ...state.results, [taskId]: result.value } }));
    // The task stays on screen with its result until the next load.
    const consistency = await reviewService.consistency();
    if (consistency.ok) set({ consistency: consistency.value });
  },
});

/** What a scan at the review bench asks the screen to do (the core has read and recorded it). */
const verdictSlice: Slice<VerdictSlice> = (set, get) => ({
  verdict: (verdict) => {
    const { params, message } = verdict;
    if (verdict.kind !== 'review' || verdict.tone === 'bad') return;
    const state = get();
    switch (message) {
      case 'verdict.review.caseOpened':
        if (typeof params.caseId === 'string') void state.openCase(params.caseId);
        break;
      case 'verdict.review.decision':
        if (state.view) state.setDraft({ decision: params.decision as FlagDecision });
        break;
      case 'verdict.review.reason': {
        if (!state.view) break;
        const reason = params.reason as DecisionReason;
        const current = state.draft.decision;
        // A reason that belongs to one decision only brings it along (SWAP_CONFIRMED: confirm).
        const only = FLAG_DECISIONS.filter((d) => REASONS_BY_DECISION[d].includes(reason));
        const decision =
          current && REASONS_BY_DECISION[current].includes(reason) ? current : only.length === 1 ? only[0]! : null;
        set((s) => ({ draft: { ...s.draft, decision, reason }, missing: null }));
        break;
      }
      case 'verdict.review.submit':
        if (state.view) void state.submit();
        break;
      case 'verdict.review.grade': {
        const task = state.tasks.find((t) => !state.results[t.taskId]);
        if (state.tab === 'regrade' && task) void state.regrade(task.taskId, params.grade as Grade);
        break;
      }
      default:
        break;
    }
  },
});

/** The review bench: its tabs, the flag queue, the case under review and its decision, re-grades. */
export const useReviewStore = create<ReviewState>()((...a) => ({
  ...tabSlice(...a),
  ...queueSlice(...a),
  ...caseSlice(...a),
  ...regradeSlice(...a),
  ...verdictSlice(...a),
}));
