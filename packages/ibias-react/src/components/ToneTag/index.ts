export { ToneTag, toneColors, type Tone } from './ToneTag';
