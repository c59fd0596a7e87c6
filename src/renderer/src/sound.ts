/**
 * Scan sounds, synthesised (no files to ship): a short high beep for a good scan, two quick
 * mid-high triangle beeps for a warning (done, but look), two low buzzes for a bad one, a soft
 * mid beep for information. Each differs in pitch, timbre and rhythm, so they are told apart
 * without looking. Loud enough over a conveyor, short enough not to annoy after the thousandth.
 */
let context: AudioContext | null = null;

export type Tone = 'good' | 'warn' | 'bad' | 'info';

const TONES: Record<Tone, { frequency: number; type: OscillatorType; beeps: number; ms: number }> = {
  good: { frequency: 1320, type: 'square', beeps: 1, ms: 90 },
  warn: { frequency: 660, type: 'triangle', beeps: 2, ms: 70 },
  bad: { frequency: 220, type: 'sawtooth', beeps: 2, ms: 160 },
  info: { frequency: 880, type: 'sine', beeps: 1, ms: 120 },
};

export function playTone(tone: Tone): void {
  try {
    context ??= new AudioContext();
    const spec = TONES[tone];
    const start = context.currentTime;
    for (let i = 0; i < spec.beeps; i++) {
      const at = start + (i * spec.ms * 1.6) / 1000;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = spec.type;
      oscillator.frequency.value = spec.frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + spec.ms / 1000);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + spec.ms / 1000 + 0.02);
    }
  } catch {
    // No audio device: the colour flash still tells the operator.
  }
}
