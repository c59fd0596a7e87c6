import { useTranslation } from 'react-i18next';
import { useSessionStore } from '../stores/session';
import { useStationStore } from '../stores/station';

/** Station, operator, sync and devices — always visible at the bottom of the screen. */
export function StatusBar() {
  const { t } = useTranslation();
  const status = useStationStore((s) => s.status);
  const link = useStationStore((s) => s.link);
  const session = useSessionStore((s) => s.session);
  const operator = session?.operator;
  const sync = status?.sync;
  return (
    <footer className="status-bar" aria-label={t('status.station')}>
      <span className="status-item" data-testid="status-station">
        <span className="status-label">{t('status.station')}</span> {status?.station?.name ?? '—'}
        {status?.station ? ` · ${status.station.warehouse}` : ''}
      </span>
      <span className="status-item" data-testid="status-operator">
        <span className="status-label">{t('status.operator')}</span>{' '}
        {operator ? `${operator.name} (${t(`roles.${operator.role}`)})` : t('status.nobody')}
      </span>
      <span className="status-item" data-testid="status-sync">
        <span className="status-label">{t('status.sync')}</span> {sync ? t(`status.syncState.${sync.state}`) : '—'}
        {sync ? ` · ${t('status.queue', { count: sync.queueDepth })}` : ''}
      </span>
      <span className="status-item" data-testid="status-devices">
        <span className="status-label">{t('status.devices')}</span>{' '}
        {status && status.devices.length > 0
          ? status.devices
              .map((d) => `${t(`scanner.deviceKinds.${d.kind}`)}: ${d.name} (${t(`scanner.deviceStates.${d.state}`)})`)
              .join(', ')
          : t('status.noDevices')}
      </span>
      <span className={`status-link status-link-${link}`} aria-hidden="true" />
    </footer>
  );
}
