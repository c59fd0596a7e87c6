import type { TFunction } from 'i18next';
import type { BenchErrorShape } from '#shared/contract/errors';
import type { Verdict } from '#shared/contract/scan';

/** The operator-facing text of a core error, in the UI language. */
export function errorText(t: TFunction, error: BenchErrorShape): string {
  const details = error.details ?? {};
  const params: Record<string, string | number> = {};
  if (typeof details.attemptsLeft === 'number') params.count = details.attemptsLeft;
  if (typeof details.lockedUntil === 'number') params.time = new Date(details.lockedUntil).toLocaleTimeString();
  return t(`errors.${error.code}`, { ...params, defaultValue: error.message });
}

/** The operator-facing text of a scan verdict. */
export function verdictText(t: TFunction, verdict: Verdict): string {
  const params: Record<string, string | number> = { ...verdict.params };
  if (typeof params.attemptsLeft === 'number') params.count = params.attemptsLeft;
  if (typeof params.lockedUntil === 'number') params.time = new Date(params.lockedUntil).toLocaleTimeString();
  if (typeof params.bench === 'string') params.bench = t(`benches.${params.bench}`);
  if (typeof params.to === 'string') params.to = t(`dispositions.${params.to}`, { defaultValue: params.to });
  if (verdict.kind === 'review') {
    if (typeof params.decision === 'string')
      params.decision = t(`reviewBench.decisions.${params.decision}`, { defaultValue: params.decision });
    if (typeof params.reason === 'string' && verdict.tone !== 'bad')
      params.reason = t(`reviewBench.reasons.${params.reason}`, { defaultValue: params.reason });
  }
  if (typeof params.status === 'string') {
    const group = verdict.kind === 'rma' ? 'rmaStatus' : 'orderStatus';
    params.status = t(`${group}.${params.status}`, { defaultValue: params.status });
  }
  if (typeof params.pattern === 'string')
    params.pattern = t(`scanner.patterns.${params.pattern}`, { defaultValue: params.pattern });
  const text = t(verdict.message, params);
  // A good scan with something to look at (an expired lot, a doubtful GS1 string) says what.
  if (params.warning === 'expired') return `${text} ${t('scanner.warnings.expired', { expiry: params.expiry })}`;
  if (typeof params.warning === 'string' && params.warning.startsWith('missing_separator'))
    return `${text} ${t('scanner.warnings.separator')}`;
  return text;
}
