import { create } from 'zustand';

export type Notice = { id: number; tone: 'good' | 'bad' | 'info'; text: string };

type NoticeState = {
  notices: Notice[];
  push: (tone: Notice['tone'], text: string) => void;
  dismiss: (id: number) => void;
};

let nextId = 1;

/** Messages that outlive a screen: refusals, saves, errors. Newest first, at most four. */
export const useNoticeStore = create<NoticeState>()((set) => ({
  notices: [],
  push: (tone, text) => set((state) => ({ notices: [{ id: nextId++, tone, text }, ...state.notices].slice(0, 4) })),
  dismiss: (id) => set((state) => ({ notices: state.notices.filter((n) => n.id !== id) })),
}));
