export { HealthTag, StatusTag, ToneTag, statusLabel } from './StatusTag';
export {
  HEALTH_TONES,
  STATUS_TONES,
  VERDICT_TONES,
  toneColors,
  type Tone,
} from './tones';
