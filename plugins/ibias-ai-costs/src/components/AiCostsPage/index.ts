export { AiCostsEntityContent, AiCostsPage } from './AiCostsPage';
