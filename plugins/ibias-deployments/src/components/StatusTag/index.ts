export { HealthTag, StatusTag, ToneTag, statusLabel } from './StatusTag';
export { HEALTH_TONES, STATUS_TONES, VERDICT_TONES, type Tone } from './tones';
export { toneColors } from '@internal/ibias-react';
