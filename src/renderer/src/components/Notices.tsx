import { useTranslation } from 'react-i18next';
import { useNoticeStore } from '../stores/notices';

/** Messages that need reading: refusals, saved settings, errors. Dismissed by the operator. */
export function Notices() {
  const { t } = useTranslation();
  const notices = useNoticeStore((s) => s.notices);
  const dismiss = useNoticeStore((s) => s.dismiss);
  if (notices.length === 0) return null;
  return (
    <div className="notices" role="alert" data-testid="notices">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.tone}`} data-testid={`notice-${notice.tone}`}>
          <span>{notice.text}</span>
          <button
            type="button"
            className="notice-close"
            onClick={() => dismiss(notice.id)}
            aria-label={t('app.dismiss')}
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
